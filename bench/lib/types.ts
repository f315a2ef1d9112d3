/**
 * What a benchmark is to the runner (bench/run.ts). Adding a benchmark (click-to-ack, storm drain…)
 * means writing one module that exports a `Benchmark` and listing it in run.ts; the runner gives it
 * a context, collects its rows and writes them into bench/RESULTS.md.
 */

/** One line of the results table. Every figure is measured in the same run as its baseline. */
export interface Row {
  benchmark: string;
  metric: string;
  /** Formatted figure for the bot. */
  bot: string;
  /** Formatted figure for the baseline, or `—` when the metric has none. */
  baseline: string;
  /** bot / baseline, formatted (`0.42×`), or `—`. */
  ratio: string;
  /** What the issue asks for, in words (`≥ 0.3× bare`, `< 150 ms`), or `—`. */
  target: string;
  /** `yes`, `NO`, or `—` when there is no target. */
  pass: 'yes' | 'NO' | '—';
  /** A correctness check (nothing lost, every answer right), not a speed target: failing it fails the run. */
  check?: boolean;
}

export interface BenchSettings {
  /** Shorter runs for a smoke test (`--quick`); figures are then indicative only. */
  quick: boolean;
  /** Start the bot with --cpu-prof (BENCH_CPU_PROF=1); profiles land in bench/out/prof. */
  cpuProfile: boolean;
}

export interface BenchContext {
  /** Repository root (where package.json is). */
  root: string;
  redisUrl: string;
  /** The Redis server's pid when it runs on this machine (for CPU figures). */
  redisPid?: number;
  /** Unique per `npm run bench`; every Redis key of the run starts with `bench-<runId>-`. */
  runId: string;
  settings: BenchSettings;
  /** bench/out: raw results, profiles (git-ignored). */
  outDir: string;
  /** A KEY_PREFIX unique to this run and benchmark part (deleted again by the runner). */
  keyPrefix(part: string): string;
  log(message: string): void;
}

export interface BenchOutcome {
  rows: Row[];
  /** Free-text observations that go under the table (status code counts, warnings in the bot's log…). */
  notes: string[];
  /** Raw figures for bench/out/results.json. */
  raw?: unknown;
}

export interface Benchmark {
  /** Short name, used on the command line (`npm run bench -- ingest`). */
  name: string;
  title: string;
  /** How the figures are produced and what the baseline is, for RESULTS.md. */
  method: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
