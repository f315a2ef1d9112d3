const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses `72h`, `59m30s`, `1d12h`, `500ms`, `0` into milliseconds. Returns undefined for anything else.
 */
export function parseDuration(input: string): number | undefined {
  const s = input.trim();
  if (s === '0') return 0;
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(n) * UNIT_MS[unit!]!;
  return total;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}
