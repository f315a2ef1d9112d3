/**
 * Helpers for the DingTalk end-to-end tests: a bot wired to the fake DingTalk robot (and the fake
 * Slack, Secrets Manager and KMS), signed robot callbacks as DingTalk sends them, and readers for
 * the messages the fake robot accepted.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { FakeDingTalk, type FakeDingTalkMessage } from '../fakes/fake-dingtalk';
import {
  freePort,
  ONE_MESSAGE_PER_ALERT_YAML,
  postJson,
  startBotProcess,
  uniquePrefix,
  type BotProcess,
} from './harness';
import { botEnv, fixtureFor, OPERATORS, writeConfigFile, type Peers } from './remediation-kit';

export const ACTION_LINK_SECRET = 'e2e-action-link-secret-0123456789';
export const APP_SECRET = 'e2e-dingtalk-app-secret-abcdef';
/** DingTalk staff ids: one in OPERATORS, one not. */
export const DT_OPERATOR = 'manager4711';
export const DT_STRANGER = 'intern0815';

export type DingTalkBot = BotProcess & { prefix: string; publicUrl: string };

/**
 * A bot sending to `robot`, with a short send-budget window and throttle period (YAML settings) so
 * the budget tests run in seconds; the fake robot should use a window no longer than `windowMs`.
 */
export async function startDingTalkBot(
  peers: Peers,
  robot: FakeDingTalk,
  opts: { env?: Record<string, string>; yaml?: string; slack?: boolean; prefix?: string } = {},
): Promise<DingTalkBot> {
  const prefix = opts.prefix ?? uniquePrefix(); // the same prefix: replicas of one bot
  const port = String(await freePort());
  const publicUrl = `http://127.0.0.1:${port}`;
  const base = botEnv(peers, prefix);
  if (opts.slack === false) {
    for (const k of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_CHANNEL', 'SLACK_API_URL'])
      delete base[k];
  }
  const env: Record<string, string> = {
    ...base,
    PORT: port,
    PUBLIC_URL: publicUrl,
    OPERATORS: [...OPERATORS, DT_OPERATOR].join(','),
    DINGTALK_WEBHOOK_URL: robot.webhookUrl,
    DINGTALK_SECRET: robot.secret,
    DINGTALK_APP_SECRET: APP_SECRET,
    ACTION_LINK_SECRET,
    // One message per alert: these tests count robot messages per alert (the send budget, follow-ups).
    CONFIG_FILE: writeConfigFile(
      opts.yaml ?? `dingtalk:\n  window: 3200\n  throttle: 2s\n${ONE_MESSAGE_PER_ALERT_YAML}`,
    ),
    ...opts.env,
  };
  const bot = await startBotProcess(env);
  return Object.assign(bot, { prefix, publicUrl });
}

/** Everything a robot message shows (title, text, button titles and links), as one string. */
export function messageText(m: FakeDingTalkMessage): string {
  return JSON.stringify(m.body);
}

export function messagesAbout(robot: FakeDingTalk, name: string): FakeDingTalkMessage[] {
  return robot.messages.filter((m) => messageText(m).includes(name));
}

export interface Card {
  title: string;
  text: string;
  btns: Array<{ title: string; actionURL: string }>;
}

export function cardOf(m: FakeDingTalkMessage): Card | undefined {
  return m.body.msgtype === 'actionCard' ? (m.body.actionCard as Card) : undefined;
}

/** Waits for the robot's card about `name`. */
export async function waitForCard(robot: FakeDingTalk, name: string, timeoutMs = 10_000): Promise<Card> {
  return waitUntil(
    () =>
      messagesAbout(robot, name)
        .map(cardOf)
        .find((c) => c !== undefined),
    timeoutMs,
    `DingTalk card for ${name}`,
  );
}

export function buttonLink(card: Card, title: string): string {
  const b = card.btns.find((x) => x.title === title);
  if (!b) throw new Error(`no "${title}" button in ${JSON.stringify(card.btns)}`);
  return b.actionURL;
}

export async function waitUntil<T>(
  fn: () => T | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An AWS DeleteSecret event for `name` whose permanent deletion is `days` from now. */
export function awsDeletionEvent(name: string, days: number): Record<string, unknown> {
  const event = fixtureFor<Record<string, unknown>>('aws/delete-secret-arn.json', 'prod/pg', name);
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  event.time = at;
  const detail = event.detail as Record<string, unknown>;
  detail.eventTime = at;
  (detail.responseElements as Record<string, unknown>).deletionDate = new Date(
    Date.now() + days * 86_400_000,
  ).toISOString();
  return event;
}

// ---------------------------------------------------------------------------------------------
// Robot callbacks

export function callbackSign(timestamp: string, secret = APP_SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export function callbackBody(opts: {
  user: string;
  text: string;
  sessionWebhook?: string;
  sessionTtlMs?: number;
  msgId?: string;
}): Record<string, unknown> {
  const now = Date.now();
  return {
    msgtype: 'text',
    text: { content: ` ${opts.text}` },
    msgId: opts.msgId ?? `msg${randomBytes(8).toString('base64url')}==`,
    createAt: now,
    conversationType: '2',
    conversationId: 'cidSecOps==',
    conversationTitle: 'secops',
    senderId: '$:LWCP_v1:$sender',
    senderNick: opts.user,
    senderCorpId: 'ding1234',
    senderStaffId: opts.user,
    isAdmin: false,
    chatbotCorpId: 'ding1234',
    chatbotUserId: '$:LWCP_v1:$bot',
    atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }],
    isInAtList: true,
    ...(opts.sessionWebhook
      ? {
          sessionWebhook: opts.sessionWebhook,
          sessionWebhookExpiredTime: now + (opts.sessionTtlMs ?? 90 * 60_000),
        }
      : {}),
  };
}

/** POSTs a callback signed as DingTalk signs it (or with the given timestamp/sign). */
export async function postCallback(
  bot: BotProcess,
  body: unknown,
  headers: { timestamp?: string; sign?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const timestamp = headers.timestamp ?? String(Date.now());
  const sign = headers.sign ?? callbackSign(timestamp);
  return postJson(`${bot.url}/dingtalk/events`, body, { timestamp, sign });
}

/** Sends `@secrets-bot <text>` as `user` and returns the bot's reply through the session webhook. */
export async function robotCommand(
  bot: BotProcess,
  robot: FakeDingTalk,
  user: string,
  text: string,
): Promise<string> {
  const session = robot.createSession();
  const sessionId = new URL(session).searchParams.get('session');
  const r = await postCallback(
    bot,
    callbackBody({ user, text: `@secrets-bot ${text}`, sessionWebhook: session }),
  );
  if (r.status !== 200) throw new Error(`callback refused: ${r.status} ${JSON.stringify(r.body)}`);
  const reply = await waitUntil(
    () => robot.sessionReplies.find((x) => x.session === sessionId),
    10_000,
    `reply to "${text}"`,
  );
  const md = reply.body.markdown as { title?: string; text?: string } | undefined;
  return md?.text ?? JSON.stringify(reply.body);
}

/** An action page (`PUBLIC_URL/actions/…`), as a phone's browser would load it: status and HTML. */
export async function actionPage(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; html: string }> {
  const r = await fetch(url, { redirect: 'manual', ...init });
  return { status: r.status, html: await r.text() };
}

/** The page's own form post (urlencoded), as its confirm button sends it. */
export function postActionForm(
  url: string,
  fields: Record<string, string>,
): Promise<{ status: number; html: string }> {
  return actionPage(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The one-time form token of a confirmation page ('' when the page has no form). */
export const formOf = (html: string): string => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
