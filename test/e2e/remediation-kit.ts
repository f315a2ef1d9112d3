/**
 * Helpers for the remediation end-to-end tests: fake peers, a bot wired to them, alerts posted
 * from fixtures, and signed Slack requests (v0 signatures, the real wire formats Slack sends).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeSlack, type FakeSlackMessage } from '../fakes/fake-slack';
import {
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_SECRET_ACCESS_KEY,
  startFakeSecretsManager,
  type FakeSecretsManager,
} from '../fakes/fake-secrets-manager';
import {
  FAKE_ALIBABA_ACCESS_KEY_ID,
  FAKE_ALIBABA_ACCESS_KEY_SECRET,
  startFakeKms,
  type FakeKms,
} from '../fakes/fake-kms';
import { loadFixture } from '../fixtures';
import { INGEST_TOKEN, REDIS_URL, SIGNING_SECRET, cleanupPrefix, postJson, startBotProcess, uniquePrefix, withFreshId, writeConfigFile, type BotProcess } from './harness';

export const ALERT_CHANNEL = 'C0ALERTS';
export const OPERATORS = ['U0OPS0', 'U0OPS1', 'U0OPS2', 'U0OPS3', 'U0OPS4', 'U0OPS5', 'U0OPS6', 'U0OPS7', 'U0OPS8', 'U0OPS9'];
export const OPERATOR = OPERATORS[0]!;
export const STRANGER = 'U0STRANGER';
export const AWS_ACCOUNT = '111122223333';
export const AWS_REGION = 'eu-west-1';
export const ALI_ACCOUNT = '1234567890123456';
export const ALI_REGION = 'cn-hangzhou';

export const ACTION = { retry: 'secrets_retry_rotation', cancel: 'secrets_cancel_deletion', mute: 'secrets_mute' } as const;

export interface Peers {
  slack: FakeSlack;
  sm: FakeSecretsManager;
  kms: FakeKms;
  close(): Promise<void>;
}

export async function startPeers(): Promise<Peers> {
  const slack = await new FakeSlack().start();
  const sm = await startFakeSecretsManager({ account: AWS_ACCOUNT, region: AWS_REGION });
  const kms = await startFakeKms({ account: ALI_ACCOUNT, region: ALI_REGION });
  return {
    slack,
    sm,
    kms,
    close: async () => {
      await Promise.allSettled([slack.close(), sm.close(), kms.close()]);
    },
  };
}

/** The environment of a bot wired to the fakes (env vars only, as CONTRACT.md describes them). */
export function botEnv(peers: Peers, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KEY_PREFIX: prefix,
    INGEST_TOKEN,
    SLACK_BOT_TOKEN: peers.slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL: ALERT_CHANNEL,
    SLACK_API_URL: peers.slack.apiUrl,
    OPERATORS: OPERATORS.join(','),
    AWS_ACCESS_KEY_ID: FAKE_AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: FAKE_AWS_SECRET_ACCESS_KEY,
    AWS_REGION,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: peers.sm.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: FAKE_ALIBABA_ACCESS_KEY_ID,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_ALIBABA_ACCESS_KEY_SECRET,
    ALIBABA_KMS_ENDPOINT: peers.kms.url,
    ...extra,
  };
}

export { writeConfigFile };

export async function startBot(peers: Peers, prefix = uniquePrefix(), extra: Record<string, string> = {}): Promise<BotProcess & { prefix: string }> {
  const bot = await startBotProcess(botEnv(peers, prefix, extra));
  return Object.assign(bot, { prefix });
}

export function uniqueName(stem: string): string {
  return `${stem}-${randomBytes(3).toString('hex')}`;
}

/** A fixture with every occurrence of `from` replaced by `to`, and a fresh event id. */
export function fixtureFor<T>(path: string, from: string, to: string): T {
  const text = JSON.stringify(loadFixture(path)).split(from).join(to);
  return withFreshId(JSON.parse(text) as T);
}

export function awsArn(name: string): string {
  return `arn:aws:secretsmanager:${AWS_REGION}:${AWS_ACCOUNT}:secret:${name}-AbC123`;
}

/** Seeds the fake Secrets Manager with a rotatable secret named `name` (the ARN the fixtures use). */
export function seedAwsSecret(peers: Peers, name: string, over: Parameters<FakeSecretsManager['seed']>[0] | object = {}) {
  return peers.sm.seed({
    name,
    arn: awsArn(name),
    rotationEnabled: true,
    rotationLambdaArn: `arn:aws:lambda:${AWS_REGION}:${AWS_ACCOUNT}:function:rotator`,
    rotationRules: { AutomaticallyAfterDays: 30 },
    ...over,
  });
}

export type AlertKind = 'aws-rotation-failed' | 'aws-deletion' | 'alibaba-rotation-failed' | 'alibaba-deletion';

const FIXTURES: Record<AlertKind, { path: string; name: string; endpoint: 'aws' | 'alibaba' }> = {
  'aws-rotation-failed': { path: 'aws/rotation-failed.json', name: 'prod/pg', endpoint: 'aws' },
  'aws-deletion': { path: 'aws/delete-secret-arn.json', name: 'prod/pg', endpoint: 'aws' },
  'alibaba-rotation-failed': { path: 'alibaba/cloudevent-rotate-failure.json', name: 'prod-rds-app', endpoint: 'alibaba' },
  'alibaba-deletion': { path: 'alibaba/cloudevent-actiontrail-delete-secret.json', name: 'prod-rds-app', endpoint: 'alibaba' },
};

/** Sends a fixture event about secret `name` to the bot; `now`: as if it happened just now (AWS events). */
export async function sendEvent(
  bot: BotProcess,
  kind: AlertKind | { path: string; name: string; endpoint: 'aws' | 'alibaba' },
  name: string,
  opts: { now?: boolean } = {},
): Promise<void> {
  const f = typeof kind === 'string' ? FIXTURES[kind] : kind;
  const event = fixtureFor<Record<string, unknown>>(f.path, f.name, name);
  if (opts.now) {
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    event.time = at;
    if (event.detail && typeof event.detail === 'object') (event.detail as Record<string, unknown>).eventTime = at;
  }
  const r = await postJson(`${bot.url}/events/${f.endpoint}`, event);
  if (r.status !== 200 && r.status !== 202) throw new Error(`event refused: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Sends the event and waits for its alert in the alert channel. */
export async function postAlert(bot: BotProcess, peers: Peers, kind: AlertKind, name: string, opts: { now?: boolean } = {}): Promise<FakeSlackMessage> {
  const before = peers.slack.alerts(ALERT_CHANNEL).filter((m) => m.text.includes(name)).length;
  await sendEvent(bot, kind, name, opts);
  return peers.slack.waitFor(
    () => peers.slack.alerts(ALERT_CHANNEL).filter((m) => m.text.includes(name))[before],
    10_000,
    `alert for ${name}`,
  );
}

interface AnyBlock {
  type: string;
  elements?: Array<{ type: string; action_id?: string; value?: string; text?: { text?: string } }>;
  text?: { text?: string };
  fields?: Array<{ text?: string }>;
}

/** Button labels of a message (as shown now). */
export function buttonLabels(blocks: unknown[]): string[] {
  return (blocks as AnyBlock[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.text?.text ?? '');
}

export function buttonValue(blocks: unknown[], actionId: string): string {
  const el = (blocks as AnyBlock[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
  if (!el?.value) throw new Error(`no ${actionId} button in ${JSON.stringify(blocks)}`);
  return el.value;
}

/** Every text in a message's blocks, joined (what a reader sees). */
export function visibleText(blocks: unknown[]): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else if (k !== 'value') walk(x);
      }
    }
  };
  walk(blocks);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Signed Slack requests

export function signedHeaders(body: string, contentType: string, secret = SIGNING_SECRET): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
}

export interface SlackAnswer {
  status: number;
  ms: number;
  body: string;
}

async function postSigned(bot: BotProcess, body: string, contentType: string): Promise<SlackAnswer> {
  const started = Date.now();
  const r = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: signedHeaders(body, contentType), body });
  const text = await r.text();
  return { status: r.status, ms: Date.now() - started, body: text };
}

let seq = 0;
export function responseId(stem: string): string {
  seq += 1;
  return `${stem}-${seq}-${randomBytes(3).toString('hex')}`;
}

/** Clicks a button on a message, as `user`. Returns the HTTP answer and the response_url id. */
export async function click(
  bot: BotProcess,
  peers: Peers,
  opts: { user: string; actionId: string; value: string; message?: FakeSlackMessage; channel?: string; ephemeral?: boolean },
): Promise<SlackAnswer & { rid: string; triggerId: string }> {
  const rid = responseId('click');
  const triggerId = `${Date.now()}.${randomBytes(4).toString('hex')}`;
  const channel = opts.message?.channel ?? opts.channel ?? ALERT_CHANNEL;
  const ts = opts.message?.ts ?? '1700000000.000100';
  const payload = {
    type: 'block_actions',
    user: { id: opts.user, username: opts.user.toLowerCase(), name: opts.user.toLowerCase(), team_id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: opts.ephemeral ?? false },
    trigger_id: triggerId,
    team: { id: 'T0FAKE', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'alerts' },
    ...(opts.message ? { message: { type: 'message', ts, text: opts.message.text, blocks: opts.message.blocks } } : {}),
    state: { values: {} },
    response_url: peers.slack.responseUrl(rid),
    actions: [
      {
        action_id: opts.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'x', emoji: true },
        value: opts.value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  const answer = await postSigned(bot, `payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
  return { ...answer, rid, triggerId };
}

/** Runs `/secrets <text>` as `user`. */
export async function slash(bot: BotProcess, peers: Peers, user: string, text: string, channel = ALERT_CHANNEL): Promise<SlackAnswer & { rid: string }> {
  const rid = responseId('cmd');
  const form = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: channel,
    channel_name: 'alerts',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/secrets',
    text,
    api_app_id: 'A0FAKE',
    is_enterprise_install: 'false',
    response_url: peers.slack.responseUrl(rid),
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
  });
  const answer = await postSigned(bot, form.toString(), 'application/x-www-form-urlencoded');
  return { ...answer, rid };
}

/** Submits a modal view as `user`. */
export async function submitView(bot: BotProcess, user: string, view: Record<string, unknown>): Promise<SlackAnswer> {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0FAKE', domain: 'fake' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    view: { id: 'V0FAKE', team_id: 'T0FAKE', type: 'modal', hash: 'h', ...view },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return postSigned(bot, `payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
}

/** Sends an Events API event (JSON body). */
export async function sendSlackEvent(bot: BotProcess, event: Record<string, unknown>): Promise<SlackAnswer> {
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    api_app_id: 'A0FAKE',
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0FAKE', user_id: 'U0BOT', is_bot: true }],
  });
  return postSigned(bot, body, 'application/json');
}

/** What was posted to a response_url, as text (waits for the first `count` answers). */
export async function responsesOf(peers: Peers, rid: string, count = 1, timeoutMs = 10_000): Promise<Array<Record<string, unknown>>> {
  return peers.slack.waitFor(() => {
    const got = peers.slack.responses.filter((r) => r.path === `/respond/${rid}`).map((r) => r.body);
    return got.length >= count ? got : undefined;
  }, timeoutMs, `answer on response_url ${rid}`);
}

/** The first answer on a response_url, as a reader sees it (Slack shows &lt; as <). */
export async function answerText(peers: Peers, rid: string, timeoutMs = 10_000): Promise<string> {
  const [first] = await responsesOf(peers, rid, 1, timeoutMs);
  return unescapeSlack(`${String(first!.text ?? '')}\n${visibleText((first!.blocks as unknown[]) ?? [])}`);
}

export function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Thread replies under a message, as text. */
export function threadText(peers: Peers, parent: FakeSlackMessage): string {
  return peers.slack
    .replies(parent)
    .map((m) => m.text)
    .join('\n');
}

/** The current version of a message (FakeSlack keeps it up to date). */
export function current(peers: Peers, m: FakeSlackMessage): FakeSlackMessage {
  return peers.slack.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
}

/** Waits until the message, as it is now (edited in place), shows `pattern`. */
export async function waitForShown(peers: Peers, m: FakeSlackMessage, pattern: RegExp, what: string, timeoutMs = 10_000): Promise<void> {
  await peers.slack.waitFor(() => pattern.test(visibleText(current(peers, m).blocks)), timeoutMs, what);
}

/** Jobs in the bot's remediate queue, in any state. */
export async function remediateJobCount(prefix: string): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const q = new Queue('remediate', { connection, prefix });
  try {
    const c = await q.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed', 'paused', 'prioritized', 'waiting-children');
    return Object.values(c).reduce((a, b) => a + b, 0);
  } finally {
    await q.close();
    connection.disconnect();
  }
}

export { cleanupPrefix, uniquePrefix };
