import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Memory and CPU time of a process, from /proc (Linux). Undefined elsewhere or once it has exited. */
export interface ProcMemory {
  /** Current resident set size, KiB. */
  rssKiB: number;
  /** Peak resident set size since the process started (the kernel's high-water mark), KiB. */
  hwmKiB: number;
}

export function readProcMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
    const rssKiB = field('VmRSS');
    const hwmKiB = field('VmHWM');
    if (!Number.isFinite(rssKiB) || !Number.isFinite(hwmKiB)) return undefined;
    return { rssKiB, hwmKiB };
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system, all threads) the process has used so far. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond() : undefined;
  } catch {
    return undefined;
  }
}

/** Pseudo-pid for `cpuWindow`: the whole machine (all processes, from /proc/stat). */
export const MACHINE = -1;

/** CPU seconds the whole machine has been busy (all cores; idle and iowait excluded). */
export function readMachineCpuSeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce((a: number, b) => a + (b ?? 0), 0);
    return Number.isFinite(busy) ? busy / ticksPerSecond() : undefined;
  } catch {
    return undefined;
  }
}

/** Cores a set of processes kept busy over a window: `const w = cpuWindow(pids); …; w.stop()`. */
export function cpuWindow(pids: Record<string, number | undefined>): { stop(): Record<string, number> } {
  const read = (pid: number | undefined) =>
    pid === undefined ? undefined : pid === MACHINE ? readMachineCpuSeconds() : readCpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, read(pid)]));
  return {
    stop: () => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const out: Record<string, number> = {};
      for (const [k, pid] of Object.entries(pids)) {
        const a = before[k];
        const b = read(pid);
        if (a !== undefined && b !== undefined && seconds > 0) out[k] = (b - a) / seconds;
      }
      return out;
    },
  };
}

/**
 * Samples VmRSS every `intervalMs` and keeps the largest; `stop()` also reads VmHWM, so a peak
 * between two samples is not missed. Call `stop()` before the process exits.
 */
export class MemorySampler {
  private timer?: NodeJS.Timeout;
  private peakRssKiB = 0;
  private samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  private sample(): ProcMemory | undefined {
    const m = readProcMemory(this.pid);
    if (m) {
      this.samples += 1;
      this.peakRssKiB = Math.max(this.peakRssKiB, m.rssKiB);
    }
    return m;
  }

  /** Peak sampled RSS and the kernel's VmHWM, in KiB (undefined where /proc is unavailable). */
  stop(): { peakRssKiB?: number; hwmKiB?: number; samples: number } {
    clearInterval(this.timer);
    const last = this.sample();
    return {
      peakRssKiB: this.samples ? this.peakRssKiB : undefined,
      hwmKiB: last?.hwmKiB,
      samples: this.samples,
    };
  }
}
