import { randomBytes } from 'node:crypto';
import { ACTION_IDS } from '../src/remediation/actions';
import { startBareServer, type BareServer } from './lib/baseline';
import { steadyLoad, type SteadyResult } from './lib/load';
import { sleep } from './lib/process';
import { MACHINE } from './lib/proc-stats';
import { FAKE_AWS_ACCESS_KEY_ID, FAKE_AWS_SECRET_ACCESS_KEY } from '../test/fakes/fake-secrets-manager';
import {
  answerKind,
  AWS_REGION,
  OPERATORS,
  startRemediationRig,
  type PostedAlert,
  type RemediationRig,
} from './lib/remediation-rig';
import { blockActionsClick, SIGNING_SECRET, signSlackRequest } from './lib/slack-click';
import { cpuText, fmt, fmtMs, fmtRatio, ratio, summarize, type Summary } from './lib/stats';
import { botLogNote } from './lib/log-notes';
import type { Benchmark, BenchContext, BenchOutcome, Row } from './lib/types';

const RATE = 40;

interface Leg {
  warm: SteadyResult;
  load: SteadyResult;
  /** Click-to-RotateSecret latency of each click whose call arrived, ms. */
  latency: Summary;
  /** Clicks whose RotateSecret arrived / sent. */
  arrived: number;
  /** RotateSecret calls beyond one per clicked secret during the leg. */
  extra: number;
  badAnswers: number;
}

/**
 * Click-to-cloud-call latency: one Retry rotation click per alert (each on a different secret),
 * sent at a steady rate, timed from starting the POST /slack/events to the fake Secrets Manager
 * receiving the RotateSecret for that secret; the same clicks to a bare server that acks and calls
 * RotateSecret itself with the AWS SDK.
 */
export const clickToCloudBenchmark: Benchmark = {
  name: 'click-to-cloud-call',
  title: 'Click-to-cloud-call latency (Retry rotation → RotateSecret)',
  method:
    `A steady ${RATE} clicks/s (open loop), one signed block_actions click on the **Retry rotation** button of each of a set of ` +
    'RotationFailed alerts the bot posted (every click a different secret, by an operator, so each starts a job). Latency per click: from ' +
    'starting its POST /slack/events to the fake AWS Secrets Manager (test/fakes, in the runner; it checks SigV4) receiving RotateSecret for ' +
    'that secret. Bot: `node dist/src/main.js`, ROLE=all: ack, authorize, audit, claim, “requested” on the message, enqueue (BullMQ), then ' +
    'the remediate worker: audit, “running” on the message and in the thread, RotateSecret with @aws-sdk/client-secrets-manager. Baseline: a ' +
    'bare node:http server (bench/lib/bare-server.ts, BARE_MODE=click-rotate), its own process, that checks the same v0 signature, acks, and ' +
    'calls RotateSecret with the same SDK, endpoint and keys straight away: no authorization, claim, queue, chat or audit. Each side gets a ' +
    'warm-up (discarded); the baseline runs first, then the bot, on the same secrets.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const clicks = ctx.settings.quick ? 60 : 200;
    const warmClicks = 20;
    const tag = randomBytes(4).toString('hex');
    let rig: RemediationRig | undefined;
    let bare: BareServer | undefined;
    const legs: { bot?: Leg; bare?: Leg } = {};
    let answers: Record<string, number> = {};
    try {
      ctx.log(
        `click-to-cloud-call: bot (ROLE=all) with fake Slack and Secrets Manager; posting ${warmClicks + clicks} alerts`,
      );
      rig = await startRemediationRig(ctx, 'cloud');
      const r = rig;
      bare = await startBareServer(ctx, {
        name: 'bare-click-rotate',
        mode: 'click-rotate',
        env: {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          AWS_ACCESS_KEY_ID: FAKE_AWS_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: FAKE_AWS_SECRET_ACCESS_KEY,
          AWS_REGION,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: r.sm.url,
        },
      });
      const b = bare;
      const warmAlerts = await r.postAlerts(`${tag}-cw`, warmClicks);
      const alerts = await r.postAlerts(`${tag}-cc`, clicks);

      const runLeg = async (side: 'bot' | 'bare'): Promise<Leg> => {
        const url = `${side === 'bot' ? r.bot.url : b.url}/slack/events`;
        const drive = async (set: PostedAlert[], phase: string) => {
          const from = r.rotations.length;
          const load = await steadyLoad({
            url,
            rate: RATE,
            durationS: set.length / RATE,
            headers: {},
            watch: {
              server: side === 'bot' ? r.bot.proc.pid : b.proc.pid,
              ...(side === 'bot' ? { redis: ctx.redisPid } : {}),
              'runner (load + fakes)': process.pid,
              machine: MACHINE,
            },
            ...clickRequests(set, `${side}-${phase}-${tag}`, r),
          });
          const wanted = new Set(set.map((a) => a.arn));
          const deadline = Date.now() + 30_000;
          const seen = () =>
            new Set(
              r.rotations
                .slice(from)
                .map((x) => x.secretId)
                .filter((s) => wanted.has(s)),
            ).size;
          while (seen() < wanted.size && Date.now() < deadline) await sleep(20);
          await sleep(300); // a late second call would show itself
          return { load, calls: r.rotations.slice(from) };
        };
        const warm = await drive(warmAlerts, 'warm');
        const run = await drive(alerts, 'run');
        const firstAt = new Map<string, number>();
        for (const c of run.calls) if (!firstAt.has(c.secretId)) firstAt.set(c.secretId, c.at);
        const latencies: number[] = [];
        alerts.forEach((a, i) => {
          const at = firstAt.get(a.arn);
          if (at !== undefined) latencies.push(at - run.load.sentAt[i]!);
        });
        const bad = (l: SteadyResult) => l.status.filter((s) => s !== 200).length + l.errors;
        return {
          warm: warm.load,
          load: run.load,
          latency: summarize(latencies),
          arrived: latencies.length,
          extra: run.calls.length - firstAt.size,
          badAnswers: bad(warm.load) + bad(run.load),
        };
      };
      ctx.log(`click-to-cloud-call: bare server, ${warmClicks} warm-up + ${clicks} clicks at ${RATE}/s`);
      legs.bare = await runLeg('bare');
      ctx.log(`click-to-cloud-call: bot, the same`);
      legs.bot = await runLeg('bot');
      await r.settle(() => r.slack.responses.length >= warmClicks + clicks, 500, 10_000);
      answers = {};
      for (const resp of r.slack.responses)
        answers[answerKind(resp.body)] = (answers[answerKind(resp.body)] ?? 0) + 1;
    } finally {
      await bare?.proc.stop(5000);
      await rig?.stop();
    }
    const bot = legs.bot!;
    const base = legs.bare!;
    const row = (metric: string, pick: (s: Summary) => number): Row => ({
      benchmark: 'click-to-cloud-call',
      metric,
      bot: fmtMs(pick(bot.latency)),
      baseline: fmtMs(pick(base.latency)),
      ratio: fmtRatio(ratio(pick(bot.latency), pick(base.latency))),
      target: '—',
      pass: '—',
    });
    const ok =
      bot.arrived === clicks &&
      bot.extra === 0 &&
      bot.badAnswers === 0 &&
      (answers.queued ?? 0) === warmClicks + clicks;
    const rows: Row[] = [
      row(`click-to-RotateSecret p50, ${RATE} clicks/s`, (s) => s.p50),
      row(`click-to-RotateSecret p99, ${RATE} clicks/s`, (s) => s.p99),
      row('click-to-RotateSecret max', (s) => s.max),
      {
        benchmark: 'click-to-cloud-call',
        metric: 'clicks that reached the cloud once / sent (non-200 answers)',
        bot: `${bot.arrived - bot.extra} / ${clicks} (${bot.badAnswers})`,
        baseline: `${base.arrived - base.extra} / ${clicks} (${base.badAnswers})`,
        ratio: '—',
        target: 'all, once',
        pass: ok ? 'yes' : 'NO',
        check: true,
      },
    ];
    const notes = [
      `${clicks} measured clicks per side after ${warmClicks} warm-up clicks (on other alerts), sent at ${fmt(bot.load.sentPerSecond)}/s to the bot ` +
        `and ${fmt(base.load.sentPerSecond)}/s to the baseline. Every click is on a different alert, so every one wins its claim and starts a job: ` +
        `the bot answered ${JSON.stringify(answers)} on the response_urls (warm-up included).`,
      `RotateSecret calls beyond one per clicked secret: bot ${bot.extra}, baseline ${base.extra}. Ack latency at ${RATE}/s: bot p50 ` +
        `${fmtMs(summarize(bot.load.answerMs.filter(Number.isFinite)).p50)}, p99 ${fmtMs(summarize(bot.load.answerMs.filter(Number.isFinite)).p99)}; ` +
        `baseline p50 ${fmtMs(summarize(base.load.answerMs.filter(Number.isFinite)).p50)}, p99 ${fmtMs(summarize(base.load.answerMs.filter(Number.isFinite)).p99)}.`,
      `CPU while sending (cores): bot run ${cpuText(bot.load.cpu)}; baseline run ${cpuText(base.load.cpu)}.`,
      botLogNote(rig!.bot.proc.output()),
    ];
    const strip = (l: Leg) => ({
      latency: l.latency,
      arrived: l.arrived,
      extra: l.extra,
      badAnswers: l.badAnswers,
      cpu: l.load.cpu,
    });
    return { rows, notes, raw: { bot: strip(bot), bare: strip(base), answers } };
  },
};

/** Signed clicks on `alerts` (one each, by rotating operators) for steadyLoad: body i and its signature headers. */
function clickRequests(alerts: PostedAlert[], ridStem: string, r: RemediationRig) {
  const bodies = alerts.map(
    (a, i) =>
      blockActionsClick({
        user: OPERATORS[i % OPERATORS.length]!,
        actionId: ACTION_IDS.retryRotation,
        value: a.retryValue,
        message: a.message,
        responseUrl: r.slack.responseUrl(`${ridStem}-${i}`),
        triggerId: `${Date.now()}.${i}`,
      }).body,
  );
  return {
    body: (i: number) => bodies[i]!,
    // Signed as it is sent, like Slack does.
    headersOf: (_i: number, body: string) => signHeaders(body),
  };
}

function signHeaders(body: string): Record<string, string> {
  return signSlackRequest(body, 'application/x-www-form-urlencoded').headers;
}
