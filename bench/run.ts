import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { clickToAckBenchmark } from './click-to-ack';
import { clickToCloudBenchmark } from './click-to-cloud';
import { eventToChatBenchmark } from './event-to-chat';
import { ingestBenchmark } from './ingest';
import { cpuWindow, MACHINE } from './lib/proc-stats';
import { killAll } from './lib/process';
import { connectRedis, deletePrefix, redisPid, redisVersion } from './lib/redis';
import type { Benchmark, BenchContext, BenchOutcome, Row } from './lib/types';
import { stormBenchmark } from './storm';

/**
 * `npm run bench`: runs every benchmark of the bot, each beside its baseline measured in the same
 * run, and writes the table to bench/RESULTS.md (raw figures to bench/out/results.json).
 *
 *   npm run bench                      everything
 *   npm run bench -- ingest            only the named benchmark(s)
 *   npm run bench -- --quick           short runs, to check the harness (figures indicative only)
 *   npm run bench -- --strict          exit 1 when a target is missed (a check that fails always does)
 *   BENCH_CPU_PROF=1 npm run bench     also write the bot's CPU profiles to bench/out/prof
 *
 * A benchmark is a module exporting a `Benchmark` (bench/lib/types.ts); add it to BENCHMARKS.
 * Nothing here runs inside `npm test`.
 */
const BENCHMARKS: Benchmark[] = [
  ingestBenchmark,
  eventToChatBenchmark,
  clickToAckBenchmark,
  clickToCloudBenchmark,
  stormBenchmark,
];

const ROOT = join(__dirname, '..', '..'); // dist/bench → repository root
const BENCH_DIR = join(ROOT, 'bench');
const OUT_DIR = join(BENCH_DIR, 'out');

interface Ran {
  bench: Benchmark;
  outcome?: BenchOutcome;
  error?: string;
  seconds: number;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const names = args.filter((a) => !a.startsWith('--'));
  for (const f of flags)
    if (!['--quick', '--strict'].includes(f)) throw new Error(`unknown option ${f} (use --quick, --strict)`);
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length)
    throw new Error(
      `unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;

  const runId = randomBytes(4).toString('hex');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefixes = new Set<string>();
  const ctx: BenchContext = {
    root: ROOT,
    redisUrl,
    runId,
    settings: { quick: flags.has('--quick'), cpuProfile: process.env.BENCH_CPU_PROF === '1' },
    outDir: OUT_DIR,
    keyPrefix: (part) => {
      const p = `bench-${runId}-${part}`;
      if (!/^[a-zA-Z0-9_-]{1,32}$/.test(p)) throw new Error(`key prefix "${p}" is not a valid KEY_PREFIX`);
      prefixes.add(p);
      return p;
    },
    log: (m) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`),
  };
  mkdirSync(OUT_DIR, { recursive: true });

  const redis = connectRedis(redisUrl);
  ctx.redisPid = await redisPid(redis, redisUrl);
  const env: Record<string, string> = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    redis: await redisVersion(redis),
    commit: gitDescribe(),
    date: new Date().toISOString(),
  };
  const cleanup = async () => {
    for (const p of prefixes) {
      const n = await deletePrefix(redis, p).catch((e: Error) => {
        ctx.log(`could not delete keys under ${p}: ${e.message}`);
        return 0;
      });
      if (n) ctx.log(`deleted ${n} Redis keys under ${p}:`);
    }
    prefixes.clear();
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    ctx.log('interrupted: stopping child processes and deleting this run’s Redis keys');
    killAll();
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // How busy the machine is before we start: other processes skew every figure.
  const idle = cpuWindow({ machine: MACHINE });
  await new Promise((r) => setTimeout(r, 1000));
  const busyBefore = idle.stop().machine;
  env.busyBefore = busyBefore === undefined ? 'n/a' : `${busyBefore.toFixed(2)} cores`;
  if (busyBefore !== undefined && busyBefore > 0.25)
    ctx.log(`warning: other processes are using ${busyBefore.toFixed(2)} cores; figures will be noisy`);
  ctx.log(
    `run ${runId}: ${selected.map((b) => b.name).join(', ')}${ctx.settings.quick ? ' (quick)' : ''}; node ${env.node}, ${env.cpus}, Redis ${env.redis}`,
  );
  const results: Ran[] = [];
  for (const bench of selected) {
    const t0 = Date.now();
    try {
      const outcome = await bench.run(ctx);
      results.push({ bench, outcome, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      ctx.log(`${bench.name} failed: ${(e as Error).stack ?? String(e)}`);
      results.push({ bench, error: (e as Error).message, seconds: (Date.now() - t0) / 1000 });
    } finally {
      killAll();
      await cleanup();
    }
  }
  redis.disconnect();

  const markdown = renderResults(results, env, ctx);
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), markdown);
  writeFileSync(
    join(OUT_DIR, 'results.json'),
    JSON.stringify(
      {
        runId,
        env,
        settings: ctx.settings,
        results: results.map((r) => ({
          name: r.bench.name,
          seconds: r.seconds,
          error: r.error,
          ...r.outcome,
        })),
      },
      null,
      2,
    ),
  );
  process.stdout.write(`\n${tableOf(results.flatMap((r) => r.outcome?.rows ?? []))}\n`);
  ctx.log('wrote bench/RESULTS.md and bench/out/results.json');

  const rows = results.flatMap((r) => r.outcome?.rows ?? []);
  const missed = rows.filter((r) => r.pass === 'NO');
  const failedChecks = missed.filter((r) => r.check);
  if (results.some((r) => r.error)) return 1;
  if (failedChecks.length) return 1;
  if (missed.length && flags.has('--strict')) return 1;
  if (missed.length) ctx.log(`missed: ${missed.map((r) => `${r.benchmark} ${r.metric}`).join('; ')}`);
  return 0;
}

function tableOf(rows: Row[]): string {
  const header =
    '| benchmark | metric | bot | baseline | ratio (bot/baseline) | target | pass? |\n| --- | --- | ---: | ---: | ---: | --- | --- |';
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    header,
    ...rows.map(
      (r) =>
        `| ${[r.benchmark, r.metric, r.bot, r.baseline, r.ratio, r.target, r.pass].map(cell).join(' | ')} |`,
    ),
  ].join('\n');
}

function renderResults(results: Ran[], env: Record<string, string>, ctx: BenchContext): string {
  const rows = results.flatMap((r) => r.outcome?.rows ?? []);
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Every figure is measured beside its baseline',
    'in the same run on the same machine; compare ratios, not absolute figures, across machines.',
    '',
    `- date: ${env.date}; commit: ${env.commit}${ctx.settings.quick ? '; **quick mode: short runs, indicative only**' : ''}`,
    `- machine: ${env.cpus}, ${env.memory}; Node ${env.node}; Redis ${env.redis} at ${redactUrl(ctx.redisUrl)}`,
    `- the load generator, the fake Slack, the server under test and Redis share this machine’s cores; other processes kept ${env.busyBefore} busy just before the run (see the CPU notes: “other processes” is noise)`,
    '',
    tableOf(rows),
    '',
  ];
  for (const r of results) {
    lines.push(
      `## ${r.bench.title} (\`${r.bench.name}\`, ${r.seconds.toFixed(0)} s)`,
      '',
      r.bench.method,
      '',
    );
    if (r.error) lines.push(`**Failed:** ${r.error.split('\n')[0]}`, '');
    for (const n of r.outcome?.notes ?? []) lines.push(`- ${n}`);
    lines.push('');
  }
  return lines.join('\n');
}

function gitDescribe(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'handlers'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} + uncommitted changes in src/ or handlers/` : sha;
  } catch {
    return 'unknown';
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`bench: ${e.message}\n`);
    killAll();
    process.exit(2);
  },
);
