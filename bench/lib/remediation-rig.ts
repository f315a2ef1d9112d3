import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeSlack, type FakeSlackMessage } from '../../test/fakes/fake-slack';
import {
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_SECRET_ACCESS_KEY,
  startFakeSecretsManager,
  type FakeSecretsManager,
} from '../../test/fakes/fake-secrets-manager';
import { ACTION_IDS } from '../../src/remediation/actions';
import { INGEST_TOKEN, startBot, type BotUnderTest } from './bot';
import { awsEventTemplate, type EventTemplate } from './events';
import { steadyLoad } from './load';
import { sleep } from './process';
import { buttonValue, SIGNING_SECRET } from './slack-click';
import type { BenchContext } from './types';

/**
 * What the click benchmarks run against: the fake Slack Web API and the fake AWS Secrets Manager
 * (test/fakes, in the runner process; the fake checks the SDK's SigV4 signatures), and the real
 * built bot (ROLE=all: web and workers in one process) wired to them exactly as the end-to-end
 * tests wire it (test/e2e/remediation-kit.ts): SLACK_API_URL, AWS_ENDPOINT_URL_SECRETS_MANAGER,
 * the fake's AWS keys, OPERATORS.
 */
export const SLACK_TOKEN = 'xoxb-bench';
export const ALERT_CHANNEL = 'CBENCH';
export const OPERATORS = Array.from({ length: 10 }, (_, i) => `U0OPS${i}`);
export const AWS_REGION = 'eu-west-1'; // the region of test/fixtures/aws/rotation-failed.json

/** An alert the bot posted about a secret of its own, with the Retry rotation button's value. */
export interface PostedAlert {
  name: string;
  arn: string;
  message: FakeSlackMessage;
  retryValue: string;
}

export interface RemediationRig {
  slack: FakeSlack;
  sm: FakeSecretsManager;
  bot: BotUnderTest;
  template: EventTemplate;
  /** Every RotateSecret the fake received: its SecretId and when (performance.now()) it arrived. */
  rotations: Array<{ secretId: string; at: number }>;
  /**
   * Seeds `n` rotatable secrets `bench/<tag>-<i>` in the fake Secrets Manager, sends a
   * RotationFailed event about each to the bot (300/s) and waits until the bot has posted each alert.
   */
  postAlerts(tag: string, n: number): Promise<PostedAlert[]>;
  /** Waits until nothing reaches the fakes for `quietMs` and `done()` holds (or `timeoutMs` passes). */
  settle(done: () => boolean, quietMs?: number, timeoutMs?: number): Promise<boolean>;
  stop(): Promise<{ peakRssKiB?: number; hwmKiB?: number }>;
}

export async function startRemediationRig(ctx: BenchContext, part: string): Promise<RemediationRig> {
  const keyPrefix = ctx.keyPrefix(part);
  const slack = await new FakeSlack(SLACK_TOKEN).start();
  let sm: FakeSecretsManager | undefined;
  let bot: BotUnderTest | undefined;
  // The clicks need one alert message per secret, posted at once, all in one channel. Two YAML-only
  // settings that guard a channel in a storm would hold that back and are not what these benchmarks
  // measure: the bot's ~1/s per-channel posting budget (`slack.channel_rate: 0` turns it off) and
  // grouping many new alerts into one summary (`group_by: [secret]`: each secret is its own group).
  const configFile = join(ctx.outDir, `bot-${part}.yml`);
  writeFileSync(configFile, 'slack:\n  channel_rate: 0\nroute:\n  group_by: [secret]\n');
  try {
    sm = await startFakeSecretsManager({ region: AWS_REGION });
    bot = await startBot(ctx, {
      name: `bot-${part}`,
      role: 'all',
      keyPrefix,
      env: {
        SLACK_BOT_TOKEN: SLACK_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_CHANNEL: ALERT_CHANNEL,
        SLACK_API_URL: slack.apiUrl,
        OPERATORS: OPERATORS.join(','),
        AWS_ACCESS_KEY_ID: FAKE_AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: FAKE_AWS_SECRET_ACCESS_KEY,
        AWS_REGION,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
        CONFIG_FILE: configFile,
      },
    });
  } catch (e) {
    await Promise.allSettled([slack.close(), sm?.close()]);
    throw e;
  }
  const fakeSm = sm;
  const theBot = bot;
  const template = awsEventTemplate(ctx.root);

  // When each RotateSecret arrives (the fake records a call before it answers it).
  const rotations: RemediationRig['rotations'] = [];
  const smPush = fakeSm.calls.push.bind(fakeSm.calls);
  fakeSm.calls.push = (...items) => {
    const at = performance.now();
    for (const c of items)
      if (c.op === 'RotateSecret') rotations.push({ secretId: String(c.params.SecretId), at });
    return smPush(...items);
  };

  let scanned = 0;
  const byName = new Map<string, FakeSlackMessage>();
  const alertPattern = /bench\/[0-9a-z]+-[a-z]+-\d+\b/g;
  const scan = () => {
    for (; scanned < slack.messages.length; scanned++) {
      const m = slack.messages[scanned]!;
      if (m.thread_ts) continue;
      for (const name of m.text.match(alertPattern) ?? []) if (!byName.has(name)) byName.set(name, m);
    }
  };

  const activity = () => slack.calls.length + slack.responses.length + fakeSm.calls.length;

  return {
    slack,
    sm: fakeSm,
    bot: theBot,
    template,
    rotations,
    async postAlerts(tag, n) {
      if (!/^[0-9a-z]+-[a-z]+$/.test(tag))
        throw new Error(`postAlerts: tag "${tag}" must look like <hex>-<word>`);
      const names = Array.from({ length: n }, (_, i) => `bench/${tag}-${i}`);
      for (const name of names)
        fakeSm.seed({
          name,
          arn: template.secretArn(name),
          rotationEnabled: true,
          rotationLambdaArn: `arn:aws:lambda:${AWS_REGION}:111122223333:function:rotator`,
          rotationRules: { AutomaticallyAfterDays: 30 },
        });
      const load = await steadyLoad({
        url: `${theBot.url}/events/aws`,
        rate: 300,
        durationS: n / 300,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
        body: (i) => template.withIdAndSecret(`bench-alert-${tag}-${i}`, names[i]!),
      });
      const refused = load.status.filter((s) => s !== 202).length;
      if (refused || load.errors)
        throw new Error(`postAlerts: ${refused} events refused, ${load.errors} errors`);
      const deadline = Date.now() + 30_000;
      for (;;) {
        scan();
        if (names.every((x) => byName.has(x))) break;
        if (Date.now() > deadline)
          throw new Error(
            `postAlerts: only ${names.filter((x) => byName.has(x)).length} of ${n} alerts posted in 30 s`,
          );
        await sleep(50);
      }
      return names.map((name) => {
        const message = byName.get(name)!;
        const retryValue = buttonValue(message.blocks, ACTION_IDS.retryRotation);
        if (!retryValue) throw new Error(`the alert for ${name} has no Retry rotation button`);
        return { name, arn: template.secretArn(name), message, retryValue };
      });
    },
    async settle(done, quietMs = 300, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = activity();
      let since = Date.now();
      for (;;) {
        await sleep(50);
        const now = activity();
        if (now !== last) {
          last = now;
          since = Date.now();
        }
        if (done() && Date.now() - since >= quietMs) return true;
        if (Date.now() > deadline) return false;
      }
    },
    async stop() {
      const memory = theBot.proc.memory.stop();
      await theBot.proc.stop(10_000);
      await Promise.allSettled([slack.close(), fakeSm.close()]);
      return memory;
    },
  };
}

/** Category of the bot's ephemeral answer to a click, from its text. */
export function answerKind(
  body: Record<string, unknown>,
): 'queued' | 'in progress' | 'already done' | 'other' {
  const text = `${String(body.text ?? '')} ${JSON.stringify(body.blocks ?? [])}`;
  if (/is queued/.test(text)) return 'queued';
  if (/already in progress/.test(text)) return 'in progress';
  if (/already done/.test(text)) return 'already done';
  return 'other';
}
