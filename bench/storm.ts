import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FakeSlack, type FakeSlackCall } from '../test/fakes/fake-slack';
import { startBareServer } from './lib/baseline';
import { INGEST_TOKEN, startBot } from './lib/bot';
import { awsEventTemplate, type EventTemplate } from './lib/events';
import { steadyLoad, type SteadyResult } from './lib/load';
import { botLogNote, realLogProblems } from './lib/log-notes';
import { sleep } from './lib/process';
import { MACHINE } from './lib/proc-stats';
import { connectRedis } from './lib/redis';
import { cpuText, fmt, fmtMs, fmtRatio, mib, ratio, summarize } from './lib/stats';
import type { Benchmark, BenchContext, BenchOutcome, Row } from './lib/types';

const RATE = 1000;
const SLACK_TOKEN = 'xoxb-bench';
const CHANNEL = 'CBENCH';
const TARGET_SHOWN_S = 30;
const TARGET_RSS_BYTES = 300e6;
/** Slack's posting limit: about one message per second per channel. */
const SLACK_PER_CHANNEL_PER_MINUTE = 60;
/** A call this soon after a 429 was already on its way when the bot got the 429. */
const IN_FLIGHT_GRACE_MS = 100;

interface TrackedCall {
  at: number;
  method: string;
  channel: string;
  status: number;
  thread: boolean;
  retryAfter?: number;
}

interface StormLeg {
  load: SteadyResult;
  /** Event ids answered 2xx. */
  acceptedIds: string[];
  /** Of those, how many have their record in Redis. */
  stored: number;
  /** Secrets shown in chat (named in a message the fake Slack accepted), and when each first was. */
  shown: number;
  lastShownAt: number;
  /** performance.now() when the last event of the storm was sent. */
  stormEnd: number;
  /** Secrets shown by then. */
  shownAtStormEnd: number;
  /** Seconds watched after the storm. */
  watchedS: number;
  /** Seconds from the storm's end until every secret was shown (NaN when not all were). */
  allShownAfterS: number;
  /** Secrets shown after 10, 20, 30 s… from the storm's end. */
  shownBy: Array<{ s: number; shown: number }>;
  calls: TrackedCall[];
  outboxLeft: number;
  failedJobs: number;
  memory: { peakRssKiB?: number; hwmKiB?: number };
  logNote: string;
  logProblems: string[];
}

/**
 * Storm: 10,000 RotationFailed events about 10,000 different secrets in 10 seconds (1,000/s, open
 * loop) to the real bot (ROLE=all) with the fake Slack; then: every accepted event stored, messages
 * per channel per minute, time until every secret is named in chat after the storm ends, peak RSS.
 * Run twice: with the fake Slack accepting everything, and with it enforcing Slack's ~1 message/s
 * per channel (429 + Retry-After). Baseline: the bare ingest server taking the same storm.
 */
export const stormBenchmark: Benchmark = {
  name: 'storm',
  title: 'Alert storm: 10,000 events in 10 s',
  method:
    `${RATE.toLocaleString('en-US')} events/s for 10 s (open loop), POST /events/aws, RotationFailed events (test/fixtures/aws) each with a new id ` +
    'and a different secret. Bot: `node dist/src/main.js`, ROLE=all (web + workers in one process), the fake Slack Web API (FakeSlack, in the ' +
    'runner) as SLACK_API_URL, one channel (SLACK_CHANNEL). “Stored”: the event’s record (the dedup claim) is in Redis for every event answered ' +
    '2xx. “Shown”: the secret’s name appears in a message (text or blocks of a chat.postMessage / chat.update) the fake accepted; the time is ' +
    'from the last event sent to the last secret shown. Messages per channel per minute: top-level messages the fake accepted, the busiest ' +
    '60 s. Peak RSS: the kernel’s VmHWM of the bot process. Run twice: (1) the fake Slack accepts everything (its default); (2) the fake ' +
    'enforces ~1 message/s per channel (FakeSlack.limitPerChannel: chat.postMessage beyond it gets 429 `ratelimited` with Retry-After), ' +
    'watched for 30 s after the storm. Baseline: the bare node:http ingest server (bench/lib/bare-server.ts, BARE_MODE=ingest) taking the same ' +
    'storm (it stores nothing and posts nothing: the floor for accepting it).',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const stormS = ctx.settings.quick ? 2 : 10;
    const total = RATE * stormS;
    const drainCapS = ctx.settings.quick ? 30 : 60;
    const observeS = ctx.settings.quick ? 10 : 30;
    const template = awsEventTemplate(ctx.root);
    const tag = randomBytes(4).toString('hex');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` };

    // Baseline: the bare ingest server takes the same storm.
    ctx.log(`storm: bare ingest server, ${total} events at ${RATE}/s`);
    const bare = await startBareServer(ctx, { name: 'bare-storm', mode: 'ingest' });
    let bareLoad: SteadyResult;
    let bareMem: { hwmKiB?: number } = {};
    try {
      bareLoad = await steadyLoad({
        url: `${bare.url}/events/aws`,
        rate: RATE,
        durationS: stormS,
        headers,
        body: (i) => template.withIdAndSecret(`bench-storm-${tag}-sb-${i}`, `bench/${tag}-sb-${i}`),
        watch: { server: bare.proc.pid, 'runner (load)': process.pid, machine: MACHINE },
      });
    } finally {
      bareMem = bare.proc.memory.stop();
      await bare.proc.stop(5000);
    }

    ctx.log(
      `storm: bot (ROLE=all), fake Slack without limits, ${total} events at ${RATE}/s, then up to ${drainCapS} s to show them`,
    );
    const open = await runStorm(ctx, {
      part: 'st',
      leg: 'st',
      tag,
      total,
      stormS,
      template,
      limited: false,
      waitS: drainCapS,
    });
    ctx.log(
      `storm: bot, fake Slack limiting each channel to ~1 message/s (429 + Retry-After), watched ${observeS} s after the storm`,
    );
    const limited = await runStorm(ctx, {
      part: 'stl',
      leg: 'sl',
      tag,
      total,
      stormS,
      template,
      limited: true,
      waitS: observeS,
    });

    // Figures.
    const bareOk = bareLoad.status.filter((s) => s >= 200 && s < 300).length;
    const bareAccept = summarize(bareLoad.answerMs.filter(Number.isFinite));
    const openAccept = summarize(open.load.answerMs.filter(Number.isFinite));
    const openPerMinute = peakPerMinute(open.calls);
    const limitedPerMinute = peakPerMinute(limited.calls);
    const honour = retryAfterHonour(limited.calls, limited.stormEnd);
    const rssOk = (m: { hwmKiB?: number }) => m.hwmKiB !== undefined && m.hwmKiB * 1024 < TARGET_RSS_BYTES;
    const storedRow = (leg: StormLeg, label: string): Row => {
      const ok = leg.acceptedIds.length === total && leg.stored === leg.acceptedIds.length;
      return {
        benchmark: label,
        metric: 'events answered 2xx / sent; of those stored in Redis',
        bot: `${leg.acceptedIds.length} / ${total}; ${leg.stored}`,
        baseline: label === 'storm' ? `${bareOk} / ${total}; —` : '—',
        ratio: '—',
        target: 'all; every 2xx stored',
        pass: ok ? 'yes' : 'NO',
        check: true,
      };
    };
    const rssRow = (leg: StormLeg, label: string): Row => ({
      benchmark: label,
      metric: 'peak RSS of the bot (VmHWM)',
      bot: `${fmt(mib(leg.memory.hwmKiB))} MiB`,
      baseline: `${fmt(mib(bareMem.hwmKiB))} MiB`,
      ratio: fmtRatio(ratio(mib(leg.memory.hwmKiB), mib(bareMem.hwmKiB))),
      target: '< 300 MB (286 MiB)',
      pass: rssOk(leg.memory) ? 'yes' : 'NO',
    });
    const LIMITED = 'storm, Slack ~1/s/channel';
    const limitedAfterS = observeS;
    const limitedRate = (limited.shown - limited.shownAtStormEnd) / limited.watchedS; // secrets shown per second after the storm
    const limitedHoursLeft = (total - limited.shown) / Math.max(0.001, limitedRate) / 3600;
    const rows: Row[] = [
      storedRow(open, 'storm'),
      {
        benchmark: 'storm',
        metric: `accept latency p99 at ${RATE.toLocaleString('en-US')}/s`,
        bot: fmtMs(openAccept.p99),
        baseline: fmtMs(bareAccept.p99),
        ratio: fmtRatio(ratio(openAccept.p99, bareAccept.p99)),
        target: '—',
        pass: '—',
      },
      {
        benchmark: 'storm',
        metric: `messages per channel per minute (busiest 60 s, ${CHANNEL})`,
        bot: fmt(openPerMinute.top),
        baseline: '—',
        ratio: '—',
        target: `≤ ~${SLACK_PER_CHANNEL_PER_MINUTE} (Slack: ~1/s per channel)`,
        pass: openPerMinute.top <= SLACK_PER_CHANNEL_PER_MINUTE ? 'yes' : 'NO',
      },
      {
        benchmark: 'storm',
        metric: 'every secret shown in chat, after the storm ends',
        bot: Number.isFinite(open.allShownAfterS)
          ? `${fmt(open.allShownAfterS)} s`
          : `not within ${drainCapS} s (${open.shown} of ${total})`,
        baseline: '—',
        ratio: '—',
        target: `< ${TARGET_SHOWN_S} s`,
        pass: open.allShownAfterS < TARGET_SHOWN_S ? 'yes' : 'NO',
      },
      rssRow(open, 'storm'),
      storedRow(limited, LIMITED),
      {
        benchmark: LIMITED,
        metric: `secrets shown ${limitedAfterS} s after the storm ends`,
        bot: Number.isFinite(limited.allShownAfterS)
          ? `all, after ${fmt(limited.allShownAfterS)} s`
          : `${limited.shown} of ${total}`,
        baseline: '—',
        ratio: '—',
        target: `all, < ${TARGET_SHOWN_S} s`,
        pass: limited.allShownAfterS < TARGET_SHOWN_S ? 'yes' : 'NO',
      },
      {
        benchmark: LIMITED,
        metric: 'accepted events shown or still waiting in the outbox (none dropped)',
        bot: `${limited.shown} + ${limited.outboxLeft} of ${limited.acceptedIds.length}`,
        baseline: '—',
        ratio: '—',
        target: 'all',
        pass:
          limited.shown + limited.outboxLeft >= limited.acceptedIds.length && limited.failedJobs === 0
            ? 'yes'
            : 'NO',
        check: true,
      },
      {
        benchmark: LIMITED,
        metric: `postMessage calls while a Retry-After ran (> ${IN_FLIGHT_GRACE_MS} ms after the 429) / 429s`,
        bot: `${honour.inside} / ${honour.throttled}`,
        baseline: '—',
        ratio: '—',
        target: '0 (Retry-After honoured; no 429 at all: the bot kept within the limit)',
        pass: honour.inside === 0 ? 'yes' : 'NO',
      },
      rssRow(limited, LIMITED),
    ];

    const notes = [
      `Baseline: ${bareOk} of ${total} answered 2xx at ${fmt(bareLoad.sentPerSecond)}/s; accept p50 ${fmtMs(bareAccept.p50)}, p99 ${fmtMs(bareAccept.p99)}; ` +
        `CPU ${cpuText(bareLoad.cpu)}.`,
      `Bot, fake Slack without limits: sent at ${fmt(open.load.sentPerSecond)}/s; answers ${JSON.stringify(statusCounts(open.load))}, ${open.load.errors} errors; ` +
        `accept p50 ${fmtMs(openAccept.p50)}, p99 ${fmtMs(openAccept.p99)}, max ${fmtMs(openAccept.max)}. Shown: ${open.shown} of ${total} ` +
        `(${shownByText(open)}); the last ${Number.isFinite(open.allShownAfterS) ? fmt(open.allShownAfterS) + ' s' : 'n/a'} after the storm. ` +
        `${messagesText(open, openPerMinute)} Outbox left: ${open.outboxLeft}; failed notify jobs: ${open.failedJobs}. CPU during the storm: ${cpuText(open.load.cpu)}.`,
      `The bot does not group alerts yet (issue 4: routing and grouping are not built): it posts one message per secret, so a storm of ` +
        `${total.toLocaleString('en-US')} secrets is ${total.toLocaleString('en-US')} messages in one channel. Against the unlimited fake that ` +
        'drains fast, but it is ' +
        `${fmt(openPerMinute.top / SLACK_PER_CHANNEL_PER_MINUTE, 0)}× what Slack accepts per channel per minute; real Slack would answer most of them with 429.`,
      `Bot, fake Slack at ~1 message/s per channel: sent at ${fmt(limited.load.sentPerSecond)}/s; answers ${JSON.stringify(statusCounts(limited.load))}. ` +
        `Shown: ${limited.shown} of ${total} (${limited.shownAtStormEnd} during the storm, ${limited.shown - limited.shownAtStormEnd} in the ` +
        `${fmt(limited.watchedS)} s after it: ${fmt(limitedRate, 2)} secrets/s), so at that rate the other ${(total - limited.shown).toLocaleString('en-US')} ` +
        `would take about ${fmt(limitedHoursLeft, 1)} h more ` +
        `without grouping. ${messagesText(limited, limitedPerMinute)} Slack answers: ${honour.throttled} × 429 (Retry-After ${honour.retryAfters}), ` +
        `${honour.accepted} postMessage accepted; ${honour.attemptsPerSecond} postMessage attempts/s after the storm (${honour.attemptsDuringStorm} during it), ` +
        `in ${honour.bursts.count} bursts: a median ${honour.bursts.callsP50} calls within ${honour.bursts.spreadMsP50} ms, ` +
        `${fmt(honour.bursts.acceptedPerBurst, 2)} accepted per burst, ${honour.bursts.gapMsP50} ms quiet between bursts; ` +
        `${honour.inside} calls reached the channel while a Retry-After it had been given was still running, ignoring the first ${IN_FLIGHT_GRACE_MS} ms ` +
        `(calls already on their way): ${honour.insideAfterStorm} of them after the storm; they came a median ${honour.lateByMs.p50} ms ` +
        `(at most ${honour.lateByMs.max} ms) after the 429. Outbox left: ${limited.outboxLeft}; failed notify jobs: ${limited.failedJobs}.`,
      `Bot logs: ${open.logNote} With the limit: ${limited.logNote}`,
    ];
    const strip = (l: StormLeg) => ({
      sent: l.load.sent,
      sentPerSecond: l.load.sentPerSecond,
      accepted: l.acceptedIds.length,
      stored: l.stored,
      shown: l.shown,
      allShownAfterS: l.allShownAfterS,
      shownBy: l.shownBy,
      outboxLeft: l.outboxLeft,
      failedJobs: l.failedJobs,
      memory: l.memory,
      cpu: l.load.cpu,
      accept: summarize(l.load.answerMs.filter(Number.isFinite)),
      logProblems: l.logProblems.slice(0, 20),
    });
    return {
      rows,
      notes,
      raw: {
        bare: { accepted: bareOk, accept: bareAccept, memory: bareMem, cpu: bareLoad.cpu },
        open: { ...strip(open), perMinute: openPerMinute },
        limited: { ...strip(limited), perMinute: limitedPerMinute, honour },
      },
    };
  },
};

/** One storm against a fresh bot and fake Slack; waits up to `waitS` after it for every secret to be shown. */
async function runStorm(
  ctx: BenchContext,
  opts: {
    part: string;
    leg: string;
    tag: string;
    total: number;
    stormS: number;
    template: EventTemplate;
    limited: boolean;
    waitS: number;
  },
): Promise<StormLeg> {
  const keyPrefix = ctx.keyPrefix(opts.part);
  const slack = await new FakeSlack(SLACK_TOKEN).start();
  if (opts.limited) slack.limitPerChannel({ perSecond: 1, burst: 1 });
  // Watch every call the fake answers: which secrets it shows, and the message rate per channel.
  const firstShown = new Array<number>(opts.total).fill(NaN);
  let shown = 0;
  let lastShownAt = NaN;
  const calls: TrackedCall[] = [];
  const names = new RegExp(`bench/${opts.tag}-${opts.leg}-(\\d+)\\b`, 'g');
  const push = slack.calls.push.bind(slack.calls);
  slack.calls.push = (...items: FakeSlackCall[]) => {
    const now = performance.now();
    for (const c of items) {
      const channel = String(c.params.channel ?? '');
      calls.push({
        at: now,
        method: c.method,
        channel,
        status: c.status,
        thread: !!c.params.thread_ts,
        ...(c.retryAfter !== undefined ? { retryAfter: c.retryAfter } : {}),
      });
      if (c.status !== 200 || (c.method !== 'chat.postMessage' && c.method !== 'chat.update')) continue;
      const text = `${String(c.params.text ?? '')} ${JSON.stringify(c.params.blocks ?? '')}`;
      for (const m of text.matchAll(names)) {
        const i = Number(m[1]);
        if (i < opts.total && Number.isNaN(firstShown[i]!)) {
          firstShown[i] = now;
          shown += 1;
          lastShownAt = now;
        }
      }
    }
    return push(...items);
  };

  let memory: { peakRssKiB?: number; hwmKiB?: number } = {};
  let bot: Awaited<ReturnType<typeof startBot>> | undefined;
  try {
    bot = await startBot(ctx, {
      name: `bot-${opts.part}`,
      role: 'all',
      keyPrefix,
      env: {
        SLACK_BOT_TOKEN: SLACK_TOKEN,
        SLACK_SIGNING_SECRET: 'x',
        SLACK_CHANNEL: CHANNEL,
        SLACK_API_URL: slack.apiUrl,
      },
    });
    const b = bot;
    const ids = Array.from({ length: opts.total }, (_, i) => `bench-storm-${opts.tag}-${opts.leg}-${i}`);
    const load = await steadyLoad({
      url: `${b.url}/events/aws`,
      rate: RATE,
      durationS: opts.stormS,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: (i) => opts.template.withIdAndSecret(ids[i]!, `bench/${opts.tag}-${opts.leg}-${i}`),
      watch: {
        server: b.proc.pid,
        redis: ctx.redisPid,
        'runner (load + fake Slack)': process.pid,
        machine: MACHINE,
      },
    });
    const stormEnd = Math.max(...load.sentAt);
    const shownAtStormEnd = shown;
    const shownBy: StormLeg['shownBy'] = [];
    const deadline = stormEnd + opts.waitS * 1000;
    let nextMark = 10;
    for (;;) {
      const now = performance.now();
      while ((now - stormEnd) / 1000 >= nextMark) {
        shownBy.push({ s: nextMark, shown });
        nextMark += 10;
      }
      if (shown >= opts.total || now >= deadline) break;
      await sleep(50);
    }
    const watchedS = (performance.now() - stormEnd) / 1000;
    if (shownBy.at(-1)?.s !== opts.waitS && shown < opts.total) shownBy.push({ s: opts.waitS, shown });
    const acceptedIds = ids.filter((_, i) => load.status[i]! >= 200 && load.status[i]! < 300);
    const redis = connectRedis(ctx.redisUrl);
    let stored = 0;
    let outboxLeft = NaN;
    let failedJobs = NaN;
    try {
      for (let i = 0; i < acceptedIds.length; i += 1000) {
        const p = redis.pipeline();
        for (const id of acceptedIds.slice(i, i + 1000)) p.exists(eventRecordKey(keyPrefix, `aws:${id}`));
        for (const [err, n] of (await p.exec()) ?? []) if (!err && n === 1) stored += 1;
      }
      outboxLeft = await redis.zcard(`${keyPrefix}:evt:pending`);
      failedJobs = await redis.zcard(`${keyPrefix}:notify:failed`);
    } finally {
      redis.disconnect();
    }
    memory = b.proc.memory.stop();
    const { problems } = realLogProblems(b.proc.output());
    return {
      load,
      acceptedIds,
      stored,
      shown,
      lastShownAt,
      stormEnd,
      shownAtStormEnd,
      watchedS,
      allShownAfterS: shown >= opts.total ? (lastShownAt - stormEnd) / 1000 : NaN,
      shownBy,
      calls,
      outboxLeft,
      failedJobs,
      memory,
      logNote: botLogNote(b.proc.output()),
      logProblems: problems,
    };
  } finally {
    if (bot && memory.hwmKiB === undefined) memory = bot.proc.memory.stop();
    await bot?.proc.stop(10_000);
    await slack.close();
  }
}

/**
 * The Redis key of a stored event (src/store/keys.ts: `<prefix>:evt:e<hashId(sourceId)>`, hashId =
 * the first 32 hex digits of SHA-256; an AWS event's source id is `aws:<EventBridge id>`). Kept here
 * rather than imported so the benchmark checks the bot from the outside; if the bot changes its key
 * scheme, the "stored" check fails loudly rather than passing by accident.
 */
function eventRecordKey(prefix: string, sourceId: string): string {
  return `${prefix}:evt:e${createHash('sha256').update(sourceId).digest('hex').slice(0, 32)}`;
}

function statusCounts(load: SteadyResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of load.status) out[s] = (out[s] ?? 0) + 1;
  return out;
}

function shownByText(leg: StormLeg): string {
  return leg.shownBy.map((x) => `${x.shown} by +${x.s} s`).join(', ') || 'all before +10 s';
}

/** Top-level messages the fake accepted per channel: the busiest 60 s window and the busiest second. */
function peakPerMinute(calls: TrackedCall[]): {
  top: number;
  byChannel: Record<string, { minute: number; second: number; total: number }>;
} {
  const byChannel: Record<string, number[]> = {};
  for (const c of calls)
    if (c.method === 'chat.postMessage' && c.status === 200 && !c.thread)
      (byChannel[c.channel] ??= []).push(c.at);
  const out: Record<string, { minute: number; second: number; total: number }> = {};
  for (const [channel, times] of Object.entries(byChannel)) {
    times.sort((a, b) => a - b);
    out[channel] = { minute: busiest(times, 60_000), second: busiest(times, 1000), total: times.length };
  }
  return { top: Math.max(0, ...Object.values(out).map((v) => v.minute)), byChannel: out };
}

/** Most timestamps (sorted, ms) in any window of `windowMs`. */
function busiest(times: number[], windowMs: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

function messagesText(leg: StormLeg, perMinute: ReturnType<typeof peakPerMinute>): string {
  const parts = Object.entries(perMinute.byChannel).map(
    ([ch, v]) =>
      `${ch}: ${v.total} top-level messages, busiest minute ${v.minute}, busiest second ${v.second}`,
  );
  const threads = leg.calls.filter(
    (c) => c.method === 'chat.postMessage' && c.status === 200 && c.thread,
  ).length;
  return `Messages per channel: ${parts.join('; ') || 'none'} (plus ${threads} thread replies).`;
}

/**
 * How the bot treated the fake's 429s: each 429 tells it to leave the channel alone for Retry-After
 * seconds; a chat.postMessage to that channel arriving more than IN_FLIGHT_GRACE_MS after the 429
 * and before the Retry-After ends ignores it.
 */
function retryAfterHonour(calls: TrackedCall[], stormEnd: number) {
  const posts = calls.filter((c) => c.method === 'chat.postMessage');
  const throttled = posts.filter((c) => c.status === 429);
  // Per channel: the 429s in time order, and the latest end of any Retry-After given up to each.
  const windows = new Map<string, { at: number[]; maxEnd: number[] }>();
  for (const t of throttled) {
    const w = windows.get(t.channel) ?? { at: [], maxEnd: [] };
    w.maxEnd.push(Math.max(w.maxEnd.at(-1) ?? -Infinity, t.at + (t.retryAfter ?? 1) * 1000));
    w.at.push(t.at);
    windows.set(t.channel, w);
  }
  let inside = 0;
  let insideAfterStorm = 0;
  /** How long after the last 429 (older than the grace) each such call came, ms. */
  const lateBy: number[] = [];
  for (const c of posts) {
    const w = windows.get(c.channel);
    if (!w) continue;
    // The last 429 on this channel more than the grace before this call (binary search).
    let lo = 0;
    let hi = w.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w.at[mid]! < c.at - IN_FLIGHT_GRACE_MS) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && w.maxEnd[lo - 1]! > c.at) {
      inside += 1;
      if (c.at > stormEnd) insideAfterStorm += 1;
      lateBy.push(c.at - w.at[lo - 1]!);
    }
  }
  const late = summarize(lateBy);
  // After the storm: calls come in bursts (gaps over 300 ms between them): how big, how spread, how far apart.
  const bursts: Array<{ start: number; end: number; calls: number; accepted: number }> = [];
  for (const c of posts.filter((x) => x.at > stormEnd)) {
    const last = bursts.at(-1);
    if (last && c.at - last.end <= 300) {
      last.end = c.at;
      last.calls += 1;
      if (c.status === 200) last.accepted += 1;
    } else bursts.push({ start: c.at, end: c.at, calls: 1, accepted: c.status === 200 ? 1 : 0 });
  }
  const burstSizes = summarize(bursts.map((x) => x.calls));
  const burstSpread = summarize(bursts.map((x) => x.end - x.start));
  const burstGaps = summarize(bursts.slice(1).map((x, i) => x.start - bursts[i]!.end));
  const retryAfters = [...new Set(throttled.map((t) => t.retryAfter ?? 0))]
    .sort((a, b) => a - b)
    .map((s) => `${s} s`);
  const after = posts.filter((c) => c.at > stormEnd);
  const span = after.length ? (after.at(-1)!.at - stormEnd) / 1000 : NaN;
  return {
    throttled: throttled.length,
    accepted: posts.filter((c) => c.status === 200).length,
    inside,
    insideAfterStorm,
    lateByMs: { p50: Math.round(late.p50), max: Math.round(late.max) },
    bursts: {
      count: bursts.length,
      callsP50: burstSizes.p50,
      acceptedPerBurst: bursts.length ? bursts.reduce((a, x) => a + x.accepted, 0) / bursts.length : NaN,
      spreadMsP50: Math.round(burstSpread.p50),
      gapMsP50: Math.round(burstGaps.p50),
    },
    retryAfters: retryAfters.join(', ') || '—',
    attemptsPerSecond: fmt(after.length / span),
    attemptsDuringStorm: posts.length - after.length,
  };
}
