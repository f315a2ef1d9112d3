import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { ACTION_IDS } from '../src/remediation/actions';
import { startBareBolt, type BareServer } from './lib/baseline';
import type { ClosedLoopResult } from './lib/load';
import { burstLoadOffThread, closedLoopOffThread } from './lib/load-thread';
import { botLogNote, realLogProblems } from './lib/log-notes';
import { logProblems } from './lib/process';
import { MACHINE } from './lib/proc-stats';
import {
  answerKind,
  OPERATORS,
  SLACK_TOKEN,
  startRemediationRig,
  type PostedAlert,
  type RemediationRig,
} from './lib/remediation-rig';
import { blockActionsClick, SIGNING_SECRET, type SignedRequest } from './lib/slack-click';
import { cpuText, fmt, fmtMs, fmtRatio, mib, ratio, summarize } from './lib/stats';
import type { Benchmark, BenchContext, BenchOutcome, Row } from './lib/types';

const CONCURRENCY = 20;
/** Operators who click the same alert, one right after the other (so their clicks overlap). */
const CLICKS_PER_ALERT = 4;
const TARGET_P99_RATIO = 1.5;
/** The burst phase: this many clicks at the same moment, every BURST_INTERVAL_MS. */
const BURST_SIZE = 20;
const BURST_INTERVAL_MS = 300;

interface Click extends SignedRequest {
  rid: string;
  alert: PostedAlert;
}

/**
 * Click-to-ack latency: signed block_actions requests (Retry rotation, by operators, on alerts the
 * bot really posted) at concurrency 20 to the real bot (ROLE=all), beside a bare Bolt app acking the
 * same requests, measured in alternating windows in the same run.
 */
export const clickToAckBenchmark: Benchmark = {
  name: 'click-to-ack',
  title: 'Click-to-ack latency (Slack buttons)',
  method:
    `Closed loop, ${CONCURRENCY} requests in flight: signed Slack block_actions requests (v0 signature, the form body Slack sends, with the ` +
    'whole message) for the **Retry rotation** button of RotationFailed alerts the bot itself posted to the fake Slack, each click by one ' +
    `of ${OPERATORS.length} operators (OPERATORS). Latency: from starting the POST /slack/events to the full HTTP answer (Slack's 3-second ack). ` +
    `Mix: every alert is clicked by ${CLICKS_PER_ALERT} different operators back to back, so with ${CONCURRENCY} in flight the clicks on one ` +
    'alert overlap: one wins the idempotency claim and does the real work (authorize, audit, claim, message update, enqueue, answer; then ' +
    'the job: RotateSecret against the fake Secrets Manager, message and thread updates), the others are told it is already in progress ' +
    '(or already done). Bot: `node dist/src/main.js`, ROLE=all (web and workers in one process, so the jobs behind the clicks share its ' +
    'CPU), Bolt HTTPReceiver behind its own HTTP server and replay guard; it stores each click in Redis before the ack and runs the flow ' +
    'behind the ack, 4 clicks at a time (src/remediation/click-intake.ts). Baseline: a minimal @slack/bolt App with an HTTPReceiver (bench/lib/bare-bolt.ts), ' +
    'its own process, that verifies the signature and acks the same click, and nothing else; it receives the very same signed requests. ' +
    'After a warm-up each, windows alternate bare, bot, bare, bot…; the bot’s jobs are let finish before the next window; figures pool ' +
    'every measured window of each side. The load generator runs on a thread of its own in the runner (bench/lib/load-thread.ts), ' +
    'apart from the fake Slack and Secrets Manager that only the bot keeps busy, so both sides are timed alike. ' +
    `Then a burst phase (not saturating): ${BURST_SIZE} clicks at the same moment every ` +
    `${BURST_INTERVAL_MS} ms, same mix, bare first, then the bot.`,
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const windowClicks = ctx.settings.quick ? 400 : 2000;
    const rounds = ctx.settings.quick ? 1 : 2;
    const warmClicks = 200;
    const burstClicks = ctx.settings.quick ? 200 : 600;
    const tag = randomBytes(4).toString('hex');
    const alertsNeeded = (warmClicks + rounds * windowClicks + burstClicks) / CLICKS_PER_ALERT;

    let rig: RemediationRig | undefined;
    let bare: BareServer | undefined;
    let botMem: { hwmKiB?: number } = {};
    let bareMem: { hwmKiB?: number } = {};
    const bot: {
      warm?: ClosedLoopResult;
      windows: ClosedLoopResult[];
      bursts?: ClosedLoopResult;
      clicks: Click[];
    } = {
      windows: [],
      clicks: [],
    };
    const base: { warm?: ClosedLoopResult; windows: ClosedLoopResult[]; bursts?: ClosedLoopResult } = {
      windows: [],
    };
    let alerts: PostedAlert[] = [];
    const unsettled: string[] = [];
    try {
      ctx.log(
        `click-to-ack: bot (ROLE=all) with fake Slack and Secrets Manager; posting ${alertsNeeded} alerts`,
      );
      rig = await startRemediationRig(ctx, 'ack');
      const r = rig;
      bare = await startBareBolt({
        name: 'bare-bolt',
        env: {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: SLACK_TOKEN,
          SLACK_API_URL: r.slack.apiUrl,
        },
      });
      const b = bare;
      alerts = await r.postAlerts(`${tag}-ack`, alertsNeeded);

      let nextAlert = 0;
      let seq = 0;
      /** Signed clicks on the next `count / CLICKS_PER_ALERT` alerts, signed now (Slack's 5-minute window). */
      const clicksFor = (count: number): Click[] => {
        const out: Click[] = [];
        for (let a = 0; a < count / CLICKS_PER_ALERT; a++) {
          const alert = alerts[nextAlert++]!;
          for (let k = 0; k < CLICKS_PER_ALERT; k++) {
            const rid = `ack-${tag}-${seq++}`;
            out.push({
              rid,
              alert,
              ...blockActionsClick({
                user: OPERATORS[(a * CLICKS_PER_ALERT + k) % OPERATORS.length]!,
                actionId: ACTION_IDS.retryRotation,
                value: alert.retryValue,
                message: alert.message,
                responseUrl: r.slack.responseUrl(rid),
                triggerId: `${Date.now()}.${seq}`,
              }),
            });
          }
        }
        return out;
      };
      const send = (side: 'bot' | 'bare', clicks: Click[]) =>
        closedLoopOffThread({
          url: `${side === 'bot' ? r.bot.url : b.url}/slack/events`,
          concurrency: CONCURRENCY,
          requests: clicks,
          watch: {
            server: side === 'bot' ? r.bot.proc.pid : b.proc.pid,
            ...(side === 'bot' ? { redis: ctx.redisPid } : {}),
            'runner (load + fakes)': process.pid,
            machine: MACHINE,
          },
        });
      const botDone = async (what: string) => {
        // Every bot click answered on its response_url, and every alert clicked so far rotated once.
        const clicked = new Set(bot.clicks.map((c) => c.alert.arn));
        const ok = await r.settle(
          () =>
            r.slack.responses.length >= bot.clicks.length &&
            new Set(r.rotations.map((x) => x.secretId)).size >= clicked.size,
        );
        if (!ok) unsettled.push(what);
      };

      ctx.log(`click-to-ack: warm-up, ${warmClicks} clicks each`);
      const warm = clicksFor(warmClicks);
      base.warm = await send('bare', warm);
      bot.clicks.push(...warm);
      bot.warm = await send('bot', warm);
      await botDone('warm-up');
      for (let i = 0; i < rounds; i++) {
        const clicks = clicksFor(windowClicks);
        ctx.log(
          `click-to-ack: round ${i + 1}/${rounds}: ${windowClicks} clicks to the bare Bolt app, then the same to the bot`,
        );
        base.windows.push(await send('bare', clicks));
        bot.clicks.push(...clicks);
        bot.windows.push(await send('bot', clicks));
        await botDone(`round ${i + 1}`);
      }
      const burstSet = clicksFor(burstClicks);
      ctx.log(
        `click-to-ack: bursts of ${BURST_SIZE} simultaneous clicks every ${BURST_INTERVAL_MS} ms, ${burstClicks} clicks, bare Bolt app then bot`,
      );
      const bursts = (side: 'bot' | 'bare') =>
        burstLoadOffThread({
          url: `${side === 'bot' ? r.bot.url : b.url}/slack/events`,
          burstSize: BURST_SIZE,
          intervalMs: BURST_INTERVAL_MS,
          requests: burstSet,
          watch: {
            server: side === 'bot' ? r.bot.proc.pid : b.proc.pid,
            ...(side === 'bot' ? { redis: ctx.redisPid } : {}),
            'runner (load + fakes)': process.pid,
            machine: MACHINE,
          },
        });
      base.bursts = await bursts('bare');
      bot.clicks.push(...burstSet);
      bot.bursts = await bursts('bot');
      await botDone('bursts');
      await r.settle(() => true, 500, 5000);
    } finally {
      if (bare) bareMem = bare.proc.memory.stop();
      await bare?.proc.stop(5000);
      if (rig) botMem = await rig.stop();
    }
    const r = rig!;

    const measured = (s: { windows: ClosedLoopResult[] }) =>
      s.windows.flatMap((w) => w.answerMs.filter(Number.isFinite));
    const botLat = summarize(measured(bot));
    const bareLat = summarize(measured(base));
    type SideResults = { warm?: ClosedLoopResult; windows: ClosedLoopResult[]; bursts?: ClosedLoopResult };
    const all = (s: SideResults) => [s.warm!, ...s.windows, ...(s.bursts ? [s.bursts] : [])];
    const statusCounts = (s: SideResults) => {
      const out: Record<string, number> = {};
      for (const w of all(s)) for (const st of w.status) out[st] = (out[st] ?? 0) + 1;
      return out;
    };
    const errors = (s: SideResults) => all(s).reduce((a, w) => a + w.errors, 0);
    const botStatus = statusCounts(bot);
    const bareStatus = statusCounts(base);
    const botBad = bot.clicks.length - (botStatus['200'] ?? 0) + errors(bot);
    const bareBad = bot.clicks.length - (bareStatus['200'] ?? 0) + errors(base);

    // What each click was told (its ephemeral answer), and how many cloud calls each alert got.
    const answers = new Map<string, Array<Record<string, unknown>>>();
    for (const resp of r.slack.responses) {
      const rid = resp.path.slice('/respond/'.length);
      answers.set(rid, [...(answers.get(rid) ?? []), resp.body]);
    }
    const mix: Record<string, number> = {
      queued: 0,
      'in progress': 0,
      'already done': 0,
      other: 0,
      'no answer': 0,
      'answered twice': 0,
    };
    const queuedPerAlert = new Map<string, number>();
    for (const c of bot.clicks) {
      const got = answers.get(c.rid) ?? [];
      if (!got.length) mix['no answer']! += 1;
      if (got.length > 1) mix['answered twice']! += 1;
      if (!got.length) continue;
      const kind = answerKind(got[0]!);
      mix[kind]! += 1;
      if (kind === 'queued') queuedPerAlert.set(c.alert.arn, (queuedPerAlert.get(c.alert.arn) ?? 0) + 1);
    }
    const clickedAlerts = [...new Set(bot.clicks.map((c) => c.alert.arn))];
    const rotationsPerAlert = new Map<string, number>();
    for (const x of r.rotations)
      rotationsPerAlert.set(x.secretId, (rotationsPerAlert.get(x.secretId) ?? 0) + 1);
    const exactlyOnce = clickedAlerts.filter(
      (arn) => rotationsPerAlert.get(arn) === 1 && queuedPerAlert.get(arn) === 1,
    ).length;
    const extraRotations = r.rotations.length - rotationsPerAlert.size;
    const checksOk =
      botBad === 0 &&
      mix['no answer'] === 0 &&
      mix['answered twice'] === 0 &&
      mix.other === 0 &&
      exactlyOnce === clickedAlerts.length &&
      r.rotations.length === clickedAlerts.length;

    const p99Ratio = ratio(botLat.p99, bareLat.p99);
    const lat = (metric: string, b: number, base: number, target?: string, pass?: boolean): Row => ({
      benchmark: 'click-to-ack',
      metric,
      bot: fmtMs(b),
      baseline: fmtMs(base),
      ratio: fmtRatio(ratio(b, base)),
      target: target ?? '—',
      pass: pass === undefined ? '—' : pass ? 'yes' : 'NO',
    });
    const measuredClicks = rounds * windowClicks;
    const sumDuration = (x: { windows: ClosedLoopResult[] }) =>
      x.windows.reduce((a, w) => a + w.durationS, 0);
    const botBurst = summarize(bot.bursts?.answerMs.filter(Number.isFinite) ?? []);
    const bareBurst = summarize(base.bursts?.answerMs.filter(Number.isFinite) ?? []);
    const rows: Row[] = [
      lat(`click-to-ack p50, concurrency ${CONCURRENCY} (closed loop)`, botLat.p50, bareLat.p50),
      lat(
        `click-to-ack p99, concurrency ${CONCURRENCY} (closed loop)`,
        botLat.p99,
        bareLat.p99,
        `≤ ${TARGET_P99_RATIO}× bare Bolt`,
        p99Ratio <= TARGET_P99_RATIO,
      ),
      lat('click-to-ack max (closed loop)', botLat.max, bareLat.max),
      lat(
        `click-to-ack p50, bursts of ${BURST_SIZE} every ${BURST_INTERVAL_MS} ms`,
        botBurst.p50,
        bareBurst.p50,
      ),
      lat(
        `click-to-ack p99, bursts of ${BURST_SIZE} every ${BURST_INTERVAL_MS} ms`,
        botBurst.p99,
        bareBurst.p99,
      ),
      {
        benchmark: 'click-to-ack',
        metric: 'clicks answered 200 (of sent); alerts with one queued answer and one RotateSecret',
        bot: `${bot.clicks.length - botBad} / ${bot.clicks.length}; ${exactlyOnce} / ${clickedAlerts.length}`,
        baseline: `${bot.clicks.length - bareBad} / ${bot.clicks.length}; —`,
        ratio: '—',
        target: 'all; each exactly once',
        pass: checksOk ? 'yes' : 'NO',
        check: true,
      },
      {
        benchmark: 'memory',
        metric: 'peak RSS during click-to-ack (VmHWM)',
        bot: `${fmt(mib(botMem.hwmKiB))} MiB`,
        baseline: `${fmt(mib(bareMem.hwmKiB))} MiB`,
        ratio: fmtRatio(ratio(mib(botMem.hwmKiB), mib(bareMem.hwmKiB))),
        target: '—',
        pass: '—',
      },
    ];

    const { problems } = realLogProblems(r.bot.proc.output());
    const bareProblems = logProblems(bare?.proc.output() ?? '').filter((l) => !/^listening \d+$/.test(l));
    const windowP99 = (s: { windows: ClosedLoopResult[] }) =>
      s.windows.map((w) => fmtMs(summarize(w.answerMs.filter(Number.isFinite)).p99)).join(', ');
    const windowRate = (s: { windows: ClosedLoopResult[] }) =>
      s.windows.map((w) => fmt(w.perSecond)).join(', ');
    const bestCpu = (s: { windows: ClosedLoopResult[] }) => cpuText(s.windows[s.windows.length - 1]!.cpu);
    const notes = [
      `${measuredClicks} measured clicks per side (${rounds} window(s) of ${windowClicks}) after ${warmClicks} warm-up clicks, on ${clickedAlerts.length} alerts ` +
        `(${CLICKS_PER_ALERT} clicks each). What the bot told the clickers (warm-up included): ${mix.queued} queued (the claim winners: real work), ` +
        `${mix['in progress']} already in progress, ${mix['already done']} already done, ${mix.other} other, ${mix['no answer']} unanswered, ` +
        `${mix['answered twice']} answered twice. So about ${fmt((100 * mix.queued) / Math.max(1, bot.clicks.length), 0)}% of clicks start a job and ` +
        `the rest take the idempotency path (authorize, audit, claim lookup, answer).`,
      `Cloud calls: ${r.rotations.length} RotateSecret for ${clickedAlerts.length} clicked alerts (${extraRotations} beyond one per secret); ` +
        `${exactlyOnce} alerts had exactly one queued answer and one RotateSecret.`,
      `Per window: p99 bot ${windowP99(bot)}, bare ${windowP99(base)}; clicks/s bot ${windowRate(bot)}, bare ${windowRate(base)}. ` +
        `CPU in the last window (cores of ${cpus().length}): bot ${bestCpu(bot)}; bare ${bestCpu(base)}. The runner process hosts the load ` +
        'generator and the fake Slack and Secrets Manager, which also take the bot’s follow-up calls (answers on response_url, message updates).',
      `A closed loop at concurrency ${CONCURRENCY} keeps both servers saturated, so its latency is ${CONCURRENCY} ÷ throughput (Little’s law): ` +
        `bot ${fmt((CONCURRENCY / (measuredClicks / sumDuration(bot))) * 1000)} ms, bare ${fmt((CONCURRENCY / (measuredClicks / sumDuration(base))) * 1000)} ms ` +
        `on average here; the p99 ratio is in effect a throughput ratio (bare Bolt acks and does nothing else; every bot click also does its work ` +
        `in the same event loop, ROLE=all). The burst phase shows the ack when ${BURST_SIZE} people click at the same moment and the bot is not ` +
        `saturated: ${burstClicks} clicks in bursts of ${BURST_SIZE} every ${BURST_INTERVAL_MS} ms (${fmt((BURST_SIZE * 1000) / BURST_INTERVAL_MS, 0)} clicks/s on average), ` +
        `same mix; bot p50 ${fmtMs(botBurst.p50)}, p99 ${fmtMs(botBurst.p99)}, max ${fmtMs(botBurst.max)}; bare p50 ${fmtMs(bareBurst.p50)}, ` +
        `p99 ${fmtMs(bareBurst.p99)}, max ${fmtMs(bareBurst.max)}; CPU bot ${cpuText(bot.bursts?.cpu ?? {})}.`,
      `HTTP answers: bot ${JSON.stringify(botStatus)}, errors ${errors(bot)}; bare Bolt ${JSON.stringify(bareStatus)}, errors ${errors(base)}.`,
      unsettled.length
        ? `The bot had not finished its follow-up work within 30 s after: ${unsettled.join(', ')}.`
        : 'The bot finished each window’s follow-up work (answers, jobs) before the next window started.',
      botLogNote(r.bot.proc.output()),
      ...(bareProblems.length
        ? [`The bare Bolt app wrote: \`${bareProblems.slice(0, 3).join(' ').slice(0, 300)}\``]
        : []),
    ];
    return {
      rows,
      notes,
      raw: {
        bot: {
          latency: botLat,
          windows: bot.windows.map(strip),
          warm: bot.warm && strip(bot.warm),
          bursts: bot.bursts && strip(bot.bursts),
        },
        bare: {
          latency: bareLat,
          windows: base.windows.map(strip),
          warm: base.warm && strip(base.warm),
          bursts: base.bursts && strip(base.bursts),
        },
        mix,
        rotations: r.rotations.length,
        clickedAlerts: clickedAlerts.length,
        exactlyOnce,
        botMemory: botMem,
        bareMemory: bareMem,
        botLogProblems: problems.slice(0, 20),
      },
    };
  },
};

function strip(w: ClosedLoopResult) {
  return {
    ...summarize(w.answerMs.filter(Number.isFinite)),
    perSecond: w.perSecond,
    errors: w.errors,
    cpu: w.cpu,
  };
}
