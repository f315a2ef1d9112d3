import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeSlack, type FakeSlackMessage } from '../test/fakes/fake-slack';
import { startBareServer } from './lib/baseline';
import { INGEST_TOKEN, startBot } from './lib/bot';
import { awsEventTemplate } from './lib/events';
import { steadyLoad, type SteadyResult } from './lib/load';
import { logProblems, sleep, type NodeProcess } from './lib/process';
import { MACHINE } from './lib/proc-stats';
import { connectRedis } from './lib/redis';
import { cpuText, fmt, fmtMs, fmtRatio, mib, ratio, summarize, type Summary } from './lib/stats';
import type { Benchmark, BenchContext, BenchOutcome, Row } from './lib/types';

const RATE = 200;
const TARGET_P99_MS = 150;
const SLACK_TOKEN = 'xoxb-bench';
const CHANNEL = 'CBENCH';

interface Leg {
  load: SteadyResult;
  /** Event-to-post latency of each event that was posted, ms. */
  latency: Summary;
  /** Accept latency (HTTP answer) at the steady rate, ms. */
  accept: Summary;
  posted: number;
  /** Events posted more than once (top-level messages for the same event). */
  postedTwice: number;
  /** Answers other than 202 and network errors. */
  badAnswers: number;
  statusCounts: Record<string, number>;
  memory: { peakRssKiB?: number; hwmKiB?: number };
  drainMs: number;
  /** The warm-up's events, checked like the measured ones. */
  warmup: { sent: number; posted: number; postedTwice: number; badAnswers: number };
  /** p99 and max event-to-post latency of the events sent in each second of the run (where the tail sits). */
  perSecond: Array<{ second: number; p99: number; max: number }>;
}

/**
 * Event-to-chat latency: a steady 200 events/s, each a new event about a different secret (so each
 * opens a new incident and posts a new message), and for every event the time from starting its POST
 * to the moment the fake Slack Web API (test/fakes/fake-slack.ts, in this process) has received the
 * chat.postMessage that names its secret. Bot: ROLE=all, the real Bolt/web-api client pointed at the
 * fake. Baseline: a bare node:http server that answers 202 and POSTs chat.postMessage straight to the
 * same fake (no Redis, no queue).
 */
export const eventToChatBenchmark: Benchmark = {
  name: 'event-to-chat',
  title: 'Event-to-Slack-post latency',
  method:
    `A steady ${RATE} events/s (open loop: each POST starts on schedule whatever the earlier ones are doing), every event a new id and a ` +
    'different secret (a new incident each). Latency per event: from starting its POST /events/aws to the fake Slack Web API (FakeSlack, ' +
    'in the runner process) receiving the chat.postMessage that names its secret. Bot: `node dist/src/main.js`, ROLE=all, ' +
    'SLACK_API_URL pointing at the fake, with grouping and the per-channel Slack budget turned off (CONFIG_FILE: `route.group_threshold: 0`, ' +
    '`slack.channel_rate: 0`) so that every event gets a message of its own: this measures the pipeline. With the defaults, 200 new alerts ' +
    'a second in one group are a storm and become one summary message (see the storm benchmark). Baseline: a bare node:http server (bench/lib/bare-server.ts, BARE_MODE=relay) that answers 202 and ' +
    'POSTs chat.postMessage for the event straight to the same fake: no Redis, no queue, no rendering.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const seconds = { warmup: ctx.settings.quick ? 1 : 2, measured: ctx.settings.quick ? 4 : 15 };
    const template = awsEventTemplate(ctx.root);
    const runTag = randomBytes(4).toString('hex');
    const notes: string[] = [];

    ctx.log(
      `event-to-chat: bare relay server, ${RATE}/s for ${seconds.warmup}s warm-up + ${seconds.measured}s`,
    );
    const bareLeg = await runLeg(ctx, 'bare', seconds, runTag, template, async (slack) => {
      const bare = await startBareServer(ctx, {
        name: 'bare-relay',
        mode: 'relay',
        env: { SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_CHANNEL: CHANNEL },
      });
      return { proc: bare.proc, url: bare.url };
    });

    const keyPrefix = ctx.keyPrefix('e2c');
    ctx.log(`event-to-chat: bot (ROLE=all, KEY_PREFIX=${keyPrefix}), same load`);
    let botProc: NodeProcess | undefined;
    let outboxLeft = NaN;
    const botLeg = await runLeg(
      ctx,
      'bot',
      seconds,
      runTag,
      template,
      async (slack) => {
        const bot = await startBot(ctx, {
          name: 'bot-e2c',
          role: 'all',
          keyPrefix,
          env: {
            SLACK_BOT_TOKEN: SLACK_TOKEN,
            SLACK_SIGNING_SECRET: 'x',
            SLACK_CHANNEL: CHANNEL,
            SLACK_API_URL: slack.apiUrl,
            CONFIG_FILE: pipelineOnlyConfig(ctx.outDir),
          },
        });
        botProc = bot.proc;
        return { proc: bot.proc, url: bot.url };
      },
      async () => {
        const redis = connectRedis(ctx.redisUrl);
        try {
          outboxLeft = await redis.zcard(`${keyPrefix}:evt:pending`);
        } finally {
          redis.disconnect();
        }
      },
    );

    const problems = botProc ? logProblems(botProc.output()) : [];
    notes.push(
      `Warm-up (not in the figures, checked all the same): bot ${botLeg.warmup.posted} posted of ${botLeg.warmup.sent} sent ` +
        `(${botLeg.warmup.postedTwice} twice, ${botLeg.warmup.badAnswers} non-202); baseline ${bareLeg.warmup.posted} of ${bareLeg.warmup.sent}.`,
      `Sent ${botLeg.load.sent} events to the bot at ${fmt(botLeg.load.sentPerSecond)}/s, ${bareLeg.load.sent} to the baseline at ` +
        `${fmt(bareLeg.load.sentPerSecond)}/s. Bot answers ${JSON.stringify(botLeg.statusCounts)}, baseline ${JSON.stringify(bareLeg.statusCounts)}.`,
      `Bot: ${botLeg.posted} posted (${botLeg.postedTwice} twice), last post ${fmt(botLeg.drainMs, 0)} ms after the last send; ` +
        `${outboxLeft} events left in the outbox afterwards. Accept latency at ${RATE}/s: p50 ${fmtMs(botLeg.accept.p50)}, ` +
        `p99 ${fmtMs(botLeg.accept.p99)} (baseline p50 ${fmtMs(bareLeg.accept.p50)}, p99 ${fmtMs(bareLeg.accept.p99)}).`,
      `CPU while sending (cores): bot run ${cpuText(botLeg.load.cpu)}; baseline run ${cpuText(bareLeg.load.cpu)}.`,
      problems.length
        ? `The bot logged ${problems.length} line(s) at warn or above; first: ${problems
            .slice(0, 3)
            .map((l) => '`' + l.slice(0, 300) + '`')
            .join(' ')}`
        : 'The bot logged nothing at warn or above.',
    );

    const lat = (metric: string, pick: (s: Summary) => number, target?: number): Row => {
      const b = pick(botLeg.latency);
      const base = pick(bareLeg.latency);
      return {
        benchmark: 'event-to-chat',
        metric,
        bot: fmtMs(b),
        baseline: fmtMs(base),
        ratio: fmtRatio(ratio(b, base)),
        target: target === undefined ? '—' : `< ${target} ms`,
        pass: target === undefined ? '—' : b < target ? 'yes' : 'NO',
      };
    };
    const allPostedOnce = (l: Leg) =>
      l.posted === l.load.sent &&
      l.postedTwice === 0 &&
      l.badAnswers === 0 &&
      l.warmup.posted === l.warmup.sent &&
      l.warmup.postedTwice === 0 &&
      l.warmup.badAnswers === 0;
    const allPosted = allPostedOnce(botLeg) && outboxLeft === 0; // and nothing left pending in the outbox
    const rows: Row[] = [
      lat('event-to-post p50', (s) => s.p50),
      lat('event-to-post p99', (s) => s.p99, TARGET_P99_MS),
      lat('event-to-post max', (s) => s.max),
      {
        benchmark: 'event-to-chat',
        metric: 'posted once / sent (non-202 answers), outbox empty after',
        bot: `${botLeg.posted - botLeg.postedTwice} / ${botLeg.load.sent} (${botLeg.badAnswers})`,
        baseline: `${bareLeg.posted - bareLeg.postedTwice} / ${bareLeg.load.sent} (${bareLeg.badAnswers})`,
        ratio: '—',
        target: 'all, once',
        pass: allPosted ? 'yes' : 'NO',
        check: true,
      },
      {
        benchmark: 'memory',
        metric: 'peak RSS during event-to-chat (VmHWM)',
        bot: `${fmt(mib(botLeg.memory.hwmKiB))} MiB`,
        baseline: `${fmt(mib(bareLeg.memory.hwmKiB))} MiB`,
        ratio: fmtRatio(ratio(mib(botLeg.memory.hwmKiB), mib(bareLeg.memory.hwmKiB))),
        target: '—',
        pass: '—',
      },
    ];
    const strip = (l: Leg) => ({
      ...l,
      load: {
        sent: l.load.sent,
        sentPerSecond: l.load.sentPerSecond,
        errors: l.load.errors,
        cpu: l.load.cpu,
      },
    });
    return {
      rows,
      notes,
      raw: {
        bot: strip(botLeg),
        bare: strip(bareLeg),
        outboxLeft,
        keyPrefix,
        botLogProblems: problems.slice(0, 20),
      },
    };
  },
};

/**
 * One leg: a fresh FakeSlack, the server under test started against it, a warm-up at the same rate
 * (its events must be posted too, their latencies are not counted), then the measured load, then a
 * wait until every event is posted (or 30 s pass). `afterDrain` runs while the server still runs.
 */
async function runLeg(
  ctx: BenchContext,
  leg: 'bot' | 'bare',
  seconds: { warmup: number; measured: number },
  runTag: string,
  template: ReturnType<typeof awsEventTemplate>,
  start: (slack: FakeSlack) => Promise<{ proc: NodeProcess; url: string }>,
  afterDrain?: () => Promise<void>,
): Promise<Leg> {
  const slack = await new FakeSlack(SLACK_TOKEN).start();
  // Time each message as the fake records it: wrap the array's push (the fake is shared test code).
  const secretPattern = new RegExp(`bench/${runTag}-${leg}-(warm|run)-(\\d+)\\b`);
  const receivedAt = { warm: new Map<number, number>(), run: new Map<number, number>() };
  const postedTwice = { warm: 0, run: 0 };
  const push = slack.messages.push.bind(slack.messages);
  slack.messages.push = (...items: FakeSlackMessage[]) => {
    const now = performance.now();
    for (const m of items) {
      if (m.thread_ts) continue;
      const match = secretPattern.exec(m.text);
      if (!match) continue;
      const phase = match[1] as 'warm' | 'run';
      const i = Number(match[2]);
      if (receivedAt[phase].has(i)) postedTwice[phase] += 1;
      else receivedAt[phase].set(i, now);
    }
    return push(...items);
  };

  const server = await start(slack).catch(async (e) => {
    await slack.close();
    throw e;
  });
  const drive = async (phase: 'warm' | 'run', durationS: number): Promise<SteadyResult> => {
    const load = await steadyLoad({
      url: `${server.url}/events/aws`,
      rate: RATE,
      durationS,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: (i) =>
        template.withIdAndSecret(
          `bench-e2c-${runTag}-${leg}-${phase}-${i}`,
          `bench/${runTag}-${leg}-${phase}-${i}`,
        ),
      watch: {
        server: server.proc.pid,
        redis: ctx.redisPid,
        'runner (load + fake Slack)': process.pid,
        machine: MACHINE,
      },
    });
    const deadline = Date.now() + 30_000;
    while (receivedAt[phase].size < load.sent && Date.now() < deadline) await sleep(20);
    return load;
  };
  let memory: { peakRssKiB?: number; hwmKiB?: number } = {};
  let warm: SteadyResult;
  let load: SteadyResult;
  let drainMs = NaN;
  try {
    warm = await drive('warm', seconds.warmup);
    load = await drive('run', seconds.measured);
    await sleep(200); // let a late duplicate show itself
    const lastSent = Math.max(...load.sentAt);
    drainMs = receivedAt.run.size ? Math.max(...receivedAt.run.values()) - lastSent : NaN;
    await afterDrain?.();
  } finally {
    memory = server.proc.memory.stop();
    await server.proc.stop();
    await slack.close();
  }

  const latencies: number[] = [];
  const bySecond: number[][] = [];
  const t0 = load.sentAt[0] ?? 0;
  for (const [i, at] of receivedAt.run) {
    const ms = at - load.sentAt[i]!;
    latencies.push(ms);
    (bySecond[Math.floor((load.sentAt[i]! - t0) / 1000)] ??= []).push(ms);
  }
  const perSecond = [...bySecond.entries()]
    .filter(([, v]) => v !== undefined)
    .map(([second, v]) => {
      const s = summarize(v);
      return { second, p99: Math.round(s.p99 * 10) / 10, max: Math.round(s.max * 10) / 10 };
    });
  const statusCounts: Record<string, number> = {};
  for (const s of load.status) statusCounts[s] = (statusCounts[s] ?? 0) + 1;
  return {
    load,
    latency: summarize(latencies),
    accept: summarize(load.answerMs.filter(Number.isFinite)),
    posted: receivedAt.run.size + postedTwice.run,
    postedTwice: postedTwice.run,
    badAnswers: load.status.filter((s) => s !== 202).length + load.errors,
    warmup: {
      sent: warm.sent,
      posted: receivedAt.warm.size + postedTwice.warm,
      postedTwice: postedTwice.warm,
      badAnswers: warm.status.filter((s) => s !== 202).length + warm.errors,
    },
    statusCounts,
    memory,
    drainMs,
    perSecond,
  };
}

/** Grouping and the bot's per-channel Slack budget off: every event a message of its own (see `method`). */
function pipelineOnlyConfig(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'event-to-chat.config.yml');
  writeFileSync(file, 'route:\n  group_threshold: 0\nslack:\n  channel_rate: 0\n');
  return file;
}
