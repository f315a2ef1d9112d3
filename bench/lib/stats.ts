/** Percentiles and table formatting for benchmark figures. */

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending-sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0]! : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** `1234.5` → `1,235`; small numbers keep `digits` decimals. */
export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

export function fmtMs(n: number): string {
  return Number.isFinite(n) ? `${fmt(n, n < 10 ? 2 : 1)} ms` : 'n/a';
}

export function ratio(bot: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(bot) ? bot / baseline : NaN;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '—';
}

export function mib(kib: number | undefined): number {
  return kib === undefined ? NaN : kib / 1024;
}

/**
 * `{ server: 0.98, redis: 0.3, machine: 1.5 }` → `server 0.98, redis 0.30, other processes 0.22`:
 * the whole machine's use minus the watched processes is what else ran meanwhile (noise).
 */
export function cpuText(cores: Record<string, number>): string {
  const { machine, ...watched } = cores;
  const parts = Object.entries(watched).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  if (machine !== undefined) {
    const others = Math.max(0, machine - Object.values(watched).reduce((a, b) => a + b, 0));
    parts.push(`other processes ${others.toFixed(2)}`);
  }
  return parts.length ? parts.join(', ') : 'n/a';
}
