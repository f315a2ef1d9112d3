import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { startBareServer, type BareServer } from './lib/baseline';
import { INGEST_TOKEN, startBot, type BotUnderTest } from './lib/bot';
import { awsEventTemplate } from './lib/events';
import { saturate, type SaturationResult } from './lib/load';
import { MACHINE } from './lib/proc-stats';
import { logProblems, sleep } from './lib/process';
import { connectRedis } from './lib/redis';
import { cpuText, fmt, fmtMs, fmtRatio, mib, ratio } from './lib/stats';
import type { Benchmark, BenchContext, BenchOutcome, Row } from './lib/types';

const CONNECTIONS = 50;
const TARGET_RATIO = 0.3;

/** One side of the comparison: a server, the bodies it was sent, and every window measured on it. */
interface Side {
  name: 'bot' | 'bare';
  url: string;
  pid: number;
  /** Bodies handed to autocannon (each a new event id); some are built but never sent. */
  built: number;
  nextBody: () => string;
  warmup?: SaturationResult;
  rounds: SaturationResult[];
}

/**
 * Ingest throughput and accept latency: autocannon at concurrency 50 POSTs EventBridge
 * RotationFailed events, each with a new id (so every request is a new event to claim and store,
 * never a dedup hit), to `POST /events/aws` of the real bot process (ROLE=web: the HTTP path only,
 * so the notify worker does not share the CPU), and the same to a bare node:http server that parses
 * the body and answers 202. Both run throughout; after a warm-up each, measured windows alternate
 * (bare, bot, bare, bot…) so a burst of other load on the machine hits both, and each side's best
 * window is reported. Also checked: every bot answer is a 202, and every 202 is in Redis.
 */
export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  title: 'Ingest throughput and accept latency',
  method:
    `autocannon, ${CONNECTIONS} connections, POST /events/aws with test/fixtures/aws/rotation-failed.json and a new event id per request. ` +
    'Bot: `node dist/src/main.js` with ROLE=web (claim + store + enqueue; no worker competing for the CPU), LOG_LEVEL=warn. ' +
    'Baseline: a bare node:http server (bench/lib/bare-server.ts, BARE_MODE=ingest) in its own process that reads the same body, ' +
    'JSON.parses it and answers 202. Both processes run side by side; each gets a warm-up (discarded), then measured windows alternate ' +
    'bare, bot, bare, bot… with the same autocannon settings, and the table shows each side’s best window (throughput) and its latencies.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const warmupS = ctx.settings.quick ? 1 : 2;
    const windowS = ctx.settings.quick ? 3 : 5;
    const rounds = ctx.settings.quick ? 1 : 2;
    const template = awsEventTemplate(ctx.root);
    const runTag = randomBytes(4).toString('hex');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` };
    const keyPrefix = ctx.keyPrefix('ing');

    ctx.log(
      `ingest: bare node:http server and bot (ROLE=web, KEY_PREFIX=${keyPrefix}); ${warmupS}s warm-up each, then ${rounds}× (${windowS}s bare, ${windowS}s bot)`,
    );
    let bare: BareServer | undefined;
    let bot: BotUnderTest | undefined;
    let bareMem: { hwmKiB?: number } = {};
    let botMem: { hwmKiB?: number } = {};
    let stored = NaN;
    let queued = NaN;
    const sides: Side[] = [];
    try {
      bare = await startBareServer(ctx, { name: 'bare-ingest', mode: 'ingest' });
      bot = await startBot(ctx, { name: 'bot-ingest', role: 'web', keyPrefix });
      for (const [name, server] of [
        ['bare', bare],
        ['bot', bot],
      ] as const) {
        const side: Side = {
          name,
          url: `${server.url}/events/aws`,
          pid: server.proc.pid,
          built: 0,
          nextBody: () => '',
          rounds: [],
        };
        side.nextBody = () => template.withId(`bench-${name}-${runTag}-${side.built++}`);
        sides.push(side);
      }
      const measure = (side: Side, durationS: number) =>
        saturate({
          url: side.url,
          connections: CONNECTIONS,
          durationS,
          headers,
          nextBody: side.nextBody,
          watch:
            side.name === 'bot'
              ? { server: side.pid, redis: ctx.redisPid, 'load generator': process.pid, machine: MACHINE }
              : { server: side.pid, 'load generator': process.pid, machine: MACHINE },
        });
      for (const side of sides) side.warmup = await measure(side, warmupS);
      for (let i = 0; i < rounds; i++)
        for (const side of sides) side.rounds.push(await measure(side, windowS));

      // The notify job is added after the 202 (fire-and-forget); give the last ones a moment.
      await sleep(500);
      const redis = connectRedis(ctx.redisUrl);
      try {
        stored = await redis.zcard(`${keyPrefix}:evt:pending`); // the outbox: every accepted, not yet shown event
        queued = await redis.llen(`${keyPrefix}:notify:wait`);
      } finally {
        redis.disconnect();
      }
    } finally {
      if (bare) bareMem = bare.proc.memory.stop();
      if (bot) botMem = bot.proc.memory.stop();
      await Promise.all([bare?.proc.stop(), bot?.proc.stop()]);
    }

    const [bareSide, botSide] = sides as [Side, Side];
    const best = (s: Side) => s.rounds.reduce((a, b) => (b.okPerSecond > a.okPerSecond ? b : a));
    const all = (s: Side) => [s.warmup!, ...s.rounds];
    const sum = (s: Side, f: (r: SaturationResult) => number) => all(s).reduce((a, r) => a + f(r), 0);
    const acked = (s: Side) => sum(s, (r) => r.statusCounts['202'] ?? 0);
    const bad = (s: Side) => sum(s, (r) => r.completed - (r.statusCounts['202'] ?? 0) + r.errors);
    const statusTotals = (s: Side) => {
      const out: Record<string, number> = {};
      for (const r of all(s)) for (const [k, v] of Object.entries(r.statusCounts)) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const botBest = best(botSide);
    const bareBest = best(bareSide);
    const botAcked = acked(botSide);
    // A request in flight when autocannon stopped a window may be stored without its 202 being counted.
    const storedOk = stored >= botAcked && stored <= botSide.built;
    const problems = logProblems(bot?.proc.output() ?? '');
    const throughputRatio = ratio(botBest.okPerSecond, bareBest.okPerSecond);

    const notes = [
      `Windows (2xx/s): bot ${botSide.rounds.map((r) => fmt(r.okPerSecond)).join(', ')}; baseline ${bareSide.rounds.map((r) => fmt(r.okPerSecond)).join(', ')}. ` +
        `CPU in each side's best window (cores of ${cpus().length}): bot ${cpuText(botBest.cpu)}; baseline ${cpuText(bareBest.cpu)}.`,
      `Bot answers (warm-up included): ${JSON.stringify(statusTotals(botSide))}, connection errors ${sum(botSide, (r) => r.errors)}, ` +
        `timeouts ${sum(botSide, (r) => r.timeouts)}. Baseline answers: ${JSON.stringify(statusTotals(bareSide))}, errors ${sum(bareSide, (r) => r.errors)}.`,
      `Durability check: ${botAcked} events answered 202; ${stored} in the bot's outbox (${keyPrefix}:evt:pending), ${queued} notify jobs waiting. ` +
        'Stored may exceed the 202s by the requests in flight when a window ended.',
      problems.length
        ? `The bot logged ${problems.length} line(s) at warn or above; first: ${problems
            .slice(0, 3)
            .map((l) => '`' + l.slice(0, 300) + '`')
            .join(' ')}`
        : 'The bot logged nothing at warn or above.',
    ];

    const latencyRow = (metric: string, b: number, base: number): Row => ({
      benchmark: 'ingest',
      metric,
      bot: fmtMs(b),
      baseline: fmtMs(base),
      ratio: fmtRatio(ratio(b, base)),
      target: '—',
      pass: '—',
    });
    const rows: Row[] = [
      {
        benchmark: 'ingest',
        metric: `accepted events/s (2xx), ${CONNECTIONS} connections`,
        bot: fmt(botBest.okPerSecond),
        baseline: fmt(bareBest.okPerSecond),
        ratio: fmtRatio(throughputRatio),
        target: `≥ ${TARGET_RATIO}× bare`,
        pass: throughputRatio >= TARGET_RATIO ? 'yes' : 'NO',
      },
      latencyRow('accept latency p50', botBest.latencyP50, bareBest.latencyP50),
      latencyRow('accept latency p99', botBest.latencyP99, bareBest.latencyP99),
      latencyRow('accept latency max', botBest.latencyMax, bareBest.latencyMax),
      {
        benchmark: 'ingest',
        metric: 'answers other than 202, connection errors',
        bot: String(bad(botSide)),
        baseline: String(bad(bareSide)),
        ratio: '—',
        target: '0',
        pass: bad(botSide) === 0 ? 'yes' : 'NO',
        check: true,
      },
      {
        benchmark: 'ingest',
        metric: 'events stored in Redis / answered 202',
        bot: `${stored} / ${botAcked}`,
        baseline: '—',
        ratio: '—',
        target: 'every 202 stored',
        pass: storedOk ? 'yes' : 'NO',
        check: true,
      },
      {
        benchmark: 'memory',
        metric: 'peak RSS during ingest (VmHWM)',
        bot: `${fmt(mib(botMem.hwmKiB))} MiB`,
        baseline: `${fmt(mib(bareMem.hwmKiB))} MiB`,
        ratio: fmtRatio(ratio(mib(botMem.hwmKiB), mib(bareMem.hwmKiB))),
        target: '—',
        pass: '—',
      },
    ];
    return {
      rows,
      notes,
      raw: {
        bot: { warmup: botSide.warmup, rounds: botSide.rounds, built: botSide.built },
        bare: { warmup: bareSide.warmup, rounds: bareSide.rounds, built: bareSide.built },
        botMemory: botMem,
        bareMemory: bareMem,
        stored,
        queued,
        keyPrefix,
        botLogProblems: problems.slice(0, 20),
      },
    };
  },
};
