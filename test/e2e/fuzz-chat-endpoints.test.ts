import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { cleanupPrefix, SIGNING_SECRET } from './harness';
import {
  APP_SECRET,
  buttonLink,
  callbackBody,
  callbackSign,
  DT_STRANGER,
  startDingTalkBot,
  waitForCard,
  type DingTalkBot,
} from './dingtalk-kit';
import {
  ACTION,
  ALERT_CHANNEL,
  sendEvent,
  startPeers,
  STRANGER,
  uniqueName,
  type Peers,
} from './remediation-kit';

/**
 * Random and mutated requests on the endpoints chat platforms and people reach — `POST /slack/events`,
 * `POST /dingtalk/events`, `GET`/`POST /actions/…` — against the real bot process. Validly signed
 * requests reach the parsing code; unsigned or badly signed ones must be refused. Whatever arrives:
 * never a 5xx (Redis is up), the process keeps serving, no cloud call, and a refused request makes
 * nothing appear in chat.
 */

jest.setTimeout(180_000);

const RUNS = 300;

let peers: Peers;
let robot: FakeDingTalk;
let bot: DingTalkBot;
const statuses: Record<string, Record<number, number>> = {};

beforeAll(async () => {
  peers = await startPeers();
  robot = await new FakeDingTalk({ windowMs: 3000, throttleMs: 2000 }).start();
  bot = await startDingTalkBot(peers, robot, { env: { INGEST_RATE_LIMIT: '0' } }); // the rate limit has its own test
});

afterAll(async () => {
  if (process.env.DEBUG_BOT_LOG) console.log(bot?.output());
  if (process.env.DEBUG_FUZZ) console.log(JSON.stringify(statuses));
  await bot?.stop();
  await robot?.stop();
  await peers?.close();
  if (bot) await cleanupPrefix(bot.prefix);
});

/** Remediation calls on either fake cloud: a fuzzed request must never cause one. */
function cloudActions(): number {
  const aws = ['RotateSecret', 'RestoreSecret', 'CancelRotateSecret'].map(
    (op) => peers.sm.callsOf(op).length,
  );
  const ali = ['RotateSecret', 'RestoreSecret'].map((op) => peers.kms.callsOf(op).length);
  return [...aws, ...ali].reduce((a, b) => a + b, 0);
}

/** Everything any chat platform received so far. */
function chatTraffic(): number {
  return (
    peers.slack.calls.length +
    peers.slack.responses.length +
    robot.requests.length +
    robot.sessionReplies.length
  );
}

async function send(endpoint: string, url: string, init: RequestInit): Promise<number> {
  const r = await fetch(url, init);
  await r.arrayBuffer();
  (statuses[endpoint] ??= {})[r.status] = (statuses[endpoint]![r.status] ?? 0) + 1;
  return r.status;
}

async function expectStillServing(): Promise<void> {
  expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  expect(bot.child.exitCode).toBeNull();
}

/** Replaces one path in a JSON value with an arbitrary value (wrong types, deep nesting, huge strings). */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [key, child] = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ({ ...value } as Record<string, unknown>)
    : { ...(value as Record<string, unknown>) };
  copy[key] = mutate(child, path.slice(1), replacement);
  return Array.isArray(value) ? Object.values(copy) : copy;
}

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 2000, unit: 'binary' }),
  fc.constant('x'.repeat(200_000)),
  fc.nat(800).map((d) => JSON.parse('['.repeat(d + 1) + ']'.repeat(d + 1)) as unknown),
  fc.constantFrom(
    null,
    true,
    -1,
    1e308,
    '',
    '\u0000',
    '<!channel>',
    '"}',
    '@all',
    '/secrets rotate prod/pg',
    'rotate prod/pg',
  ),
);

/** A raw body: text, bytes that are not UTF-8, deep nesting or a huge string. */
const rawBody = fc.oneof(
  fc.string({ maxLength: 3000, unit: 'binary' }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe])),
  fc.nat(5000).map((d) => Buffer.from('{"a":'.repeat(d + 1) + '1' + '}'.repeat(d + 1))),
  fc.constant(Buffer.from(`payload=${'%7B'.repeat(100_000)}`)),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  '',
  'application/json; charset=latin1',
);

// ----- Slack ------------------------------------------------------------------------------------

function slackSigned(
  body: Buffer | string,
  type: string,
  secret = SIGNING_SECRET,
  ts = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex')}`;
  return {
    ...(type ? { 'content-type': type } : {}),
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sig,
  };
}

function blockActions(value: unknown): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: STRANGER, username: 'stranger', team_id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: ALERT_CHANNEL },
    trigger_id: `t.${randomBytes(4).toString('hex')}`,
    team: { id: 'T0FAKE', domain: 'fake' },
    channel: { id: ALERT_CHANNEL, name: 'alerts' },
    response_url: peers.slack.responseUrl(`fuzz-${randomBytes(4).toString('hex')}`),
    actions: [{ action_id: ACTION.retry, block_id: 'b1', type: 'button', value, action_ts: '1700000000.1' }],
  };
}

function slashCommand(text: string, user: string): string {
  return new URLSearchParams({
    command: '/secrets',
    text,
    user_id: user,
    channel_id: ALERT_CHANNEL,
    team_id: 'T0FAKE',
    api_app_id: 'A0FAKE',
    response_url: peers.slack.responseUrl(`fuzz-${randomBytes(4).toString('hex')}`),
    trigger_id: `t.${randomBytes(4).toString('hex')}`,
  }).toString();
}

const slackRequest = fc.oneof(
  // Interactivity: a real block_actions payload, mutated anywhere (from a user who may not act).
  fc.tuple(fc.array(fc.nat(), { maxLength: 5 }), weird).map(([path, w]) => ({
    kind: 'interactivity',
    type: 'application/x-www-form-urlencoded',
    body: `payload=${encodeURIComponent(JSON.stringify(mutate(blockActions('{"v":1}'), path, w)))}`,
  })),
  // Slash commands with any text, from any user id (none of them an operator).
  fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 300, unit: 'binary' }),
        fc.constantFrom('rotate prod/pg', 'restore x', 'mute * 1h', 'status', 'history <!channel>'),
      ),
      fc.oneof(fc.constant(STRANGER), fc.string({ maxLength: 30 })),
    )
    .map(([text, user]) => ({
      kind: 'command',
      type: 'application/x-www-form-urlencoded',
      body: slashCommand(text, user),
    })),
  // url_verification and Events API envelopes with anything inside.
  fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), weird).map(([path, w]) => ({
    kind: 'events',
    type: 'application/json',
    body: JSON.stringify(mutate({ type: 'url_verification', token: 'x', challenge: 'c' }, path, w)),
  })),
  fc.tuple(rawBody, contentType).map(([body, type]) => ({ kind: 'raw', type, body })),
);

describe('POST /slack/events, fuzzed', () => {
  it(`${RUNS} validly signed and ${RUNS} badly signed random requests: never a 5xx, no cloud call, nothing from a refused one`, async () => {
    const actionsBefore = cloudActions();
    // Forged first, while nothing else is in flight: refused with 401, and chat hears nothing of them.
    const before = chatTraffic();
    await fc.assert(
      fc.asyncProperty(
        slackRequest,
        fc.constantFrom('wrong-secret', 'stale', 'unsigned'),
        async (req, forgery) => {
          const headers =
            forgery === 'unsigned'
              ? { 'content-type': req.type }
              : forgery === 'stale'
                ? slackSigned(req.body, req.type, SIGNING_SECRET, Math.floor(Date.now() / 1000) - 600)
                : slackSigned(req.body, req.type, 'not-the-signing-secret');
          expect(
            await send('slack-forged', `${bot.url}/slack/events`, {
              method: 'POST',
              headers,
              body: req.body,
            }),
          ).toBe(401);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(chatTraffic()).toBe(before);
    // Validly signed: they reach Bolt and our listeners, which may answer, but never fail or act.
    // Sent 20 at a time: Bolt answers a request no listener acknowledges only after 3 s.
    await fc.assert(
      fc.asyncProperty(fc.array(slackRequest, { minLength: 20, maxLength: 20 }), async (batch) => {
        const answers = await Promise.all(
          batch.map((req) =>
            send('slack', `${bot.url}/slack/events`, {
              method: 'POST',
              headers: slackSigned(req.body, req.type),
              body: req.body,
            }),
          ),
        );
        expect(answers.filter((status) => status >= 500)).toEqual([]);
      }),
      { numRuns: RUNS / 20, endOnFailure: true },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(cloudActions()).toBe(actionsBefore);
    await expectStillServing();
  });
});

// ----- DingTalk callbacks -----------------------------------------------------------------------

describe('POST /dingtalk/events, fuzzed', () => {
  it(`${RUNS} validly signed mutated callbacks and ${RUNS} badly signed ones: never a 5xx, no cloud call, nothing from a refused one`, async () => {
    const actionsBefore = cloudActions();
    const callback = fc.oneof(
      fc
        .tuple(
          fc.array(fc.nat(), { maxLength: 4 }),
          weird,
          fc.constantFrom('status', 'rotate prod/pg', 'restore prod/pg', 'mute prod/* 1h', 'help', ''),
        )
        .map(([path, w, text]) => ({
          type: 'application/json',
          body: Buffer.from(
            JSON.stringify(
              mutate(
                callbackBody({
                  user: DT_STRANGER,
                  text: `@secrets-bot ${text}`,
                  sessionWebhook: robot.createSession(),
                }),
                path,
                w,
              ),
            ),
          ),
        })),
      fc.tuple(rawBody, contentType).map(([body, type]) => ({ type, body })),
    );
    const before = chatTraffic();
    await fc.assert(
      fc.asyncProperty(
        callback,
        fc.constantFrom('wrong-secret', 'stale', 'unsigned'),
        async (req, forgery) => {
          const ts = String(Date.now());
          const old = String(Date.now() - 2 * 3_600_000); // DingTalk allows an hour
          const forged: Record<string, string> =
            forgery === 'unsigned'
              ? { 'content-type': req.type }
              : forgery === 'stale'
                ? { 'content-type': req.type, timestamp: old, sign: callbackSign(old) }
                : { 'content-type': req.type, timestamp: ts, sign: callbackSign(ts, `${APP_SECRET}-not`) };
          expect(
            await send('dingtalk-forged', `${bot.url}/dingtalk/events`, {
              method: 'POST',
              headers: forged,
              body: req.body,
            }),
          ).toBe(401);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(chatTraffic()).toBe(before);
    await fc.assert(
      fc.asyncProperty(callback, async (req) => {
        const ts = String(Date.now());
        const headers = {
          ...(req.type ? { 'content-type': req.type } : {}),
          timestamp: ts,
          sign: callbackSign(ts),
        };
        expect(
          await send('dingtalk', `${bot.url}/dingtalk/events`, { method: 'POST', headers, body: req.body }),
        ).toBeLessThan(500);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(cloudActions()).toBe(actionsBefore);
    await expectStillServing();
  });
});

// ----- action pages -----------------------------------------------------------------------------

describe('GET and POST /actions/…, fuzzed', () => {
  it(`${RUNS} random and mutated link tokens with random forms: never a 5xx, no cloud call, nothing in chat`, async () => {
    const name = uniqueName('fuzz/pg');
    await sendEvent(bot, 'aws-rotation-failed', name);
    const link = buttonLink(await waitForCard(robot, name), 'Retry rotation');
    const token = link.slice(link.lastIndexOf('/') + 1);
    await new Promise((r) => setTimeout(r, 500));
    const actionsBefore = cloudActions();
    const before = chatTraffic();
    const mutatedToken = fc
      .tuple(
        fc.nat(token.length - 1),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%'.split('')),
        fc.nat(3),
      )
      .map(([at, c, op]) =>
        op === 0
          ? token.slice(0, at)
          : op === 1
            ? token.slice(0, at) + c + token.slice(at + 1)
            : op === 2
              ? token + c
              : token.slice(0, at) + c + token.slice(at),
      );
    const anyToken = fc
      .oneof(
        mutatedToken,
        fc.string({ maxLength: 400 }).map(encodeURIComponent),
        fc.constant('x'.repeat(8000)),
        fc.constant('%ff%fe'),
        fc.base64String({ maxLength: 600 }),
      )
      .filter((t) => t !== token);
    const form = fc.oneof(
      fc
        .dictionary(
          fc.constantFrom('form', 'duration', 'x', ''),
          fc.string({ maxLength: 300, unit: 'binary' }),
        )
        .map((d) => Buffer.from(new URLSearchParams(d).toString())),
      rawBody,
    );
    await fc.assert(
      fc.asyncProperty(anyToken, fc.boolean(), form, contentType, async (t, post, body, type) => {
        expect(t).not.toBe(token);
        const url = `${bot.url}/actions/${t}`;
        const status = post
          ? await send('actions-post', url, {
              method: 'POST',
              headers: type ? { 'content-type': type } : {},
              body,
            })
          : await send('actions-get', url, { method: 'GET' });
        expect(status).toBeLessThan(500);
        expect(status).not.toBe(200 + (post ? 0 : 1)); // a changed token never confirms an action
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(cloudActions()).toBe(actionsBefore);
    expect(chatTraffic()).toBe(before);
    await expectStillServing();
  });
});
