import { Redis } from 'ioredis';
import ChatBot from 'dingtalk-robot-sender';
import { BotError } from '../../../src/ops/errors';
import { DingTalkBudget } from '../../../src/chat/dingtalk/dingtalk-budget';
import {
  DingTalkSender,
  robotIdOf,
  type DingTalkSenderOptions,
} from '../../../src/chat/dingtalk/dingtalk-sender';
import { createFetchHttpClient } from '../../../src/chat/dingtalk/fetch-http-client';
import { renderDingTalkCard } from '../../../src/chat/dingtalk/render-dingtalk-card';
import type { AlertMessage, MessageRef } from '../../../src/chat/message';
import { actionLinksFor } from '../../../src/remediation/action-link';
import { createKeys } from '../../../src/store/keys';
import { FakeDingTalk } from '../../fakes/fake-dingtalk';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../../e2e/harness';
import { aws, CASES, message } from '../../unit/chat/dingtalk/cases';

/**
 * DingTalkSender through the real dingtalk-robot-sender package (which signs each request) and
 * our fetch client, against the fake robot that checks token, timestamp and signature and
 * throttles like DingTalk; the send budget in real Redis under a unique key prefix.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LINK_SECRET = 'integration-action-link-secret-0123';

/** Every error a sender threw in this file, checked for leaks at the end. */
const thrown: unknown[] = [];
async function attempt<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: BotError }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    thrown.push(e);
    if (!(e instanceof BotError)) throw e;
    return { ok: false, error: e };
  }
}

function alert(i: number): AlertMessage {
  return message(
    aws('rotation.failed', {
      sourceId: `aws-rotation-failed-${i}`,
      failure: { code: 'InternalServiceError' },
    }),
  );
}

describe('DingTalkSender against a fake DingTalk robot', () => {
  const prefix = uniquePrefix();
  const keys = createKeys(prefix);
  const fakes: FakeDingTalk[] = [];
  const redises: Redis[] = [];

  async function fake(opts: ConstructorParameters<typeof FakeDingTalk>[0] = {}): Promise<FakeDingTalk> {
    const f = await new FakeDingTalk(opts).start();
    fakes.push(f);
    return f;
  }
  function budget(opts: { perMinute: number; windowMs?: number } = { perMinute: 20 }): DingTalkBudget {
    const r = new Redis(REDIS_URL);
    redises.push(r);
    return new DingTalkBudget(r, keys, opts);
  }
  function sender(f: FakeDingTalk, over: Partial<DingTalkSenderOptions> = {}): DingTalkSender {
    return new DingTalkSender({
      webhookUrl: f.webhookUrl,
      secret: f.secret,
      locale: 'en',
      links: (msg) =>
        actionLinksFor(msg.actions, msg.ref, {
          publicUrl: 'https://bot.example.com',
          key: LINK_SECRET,
          expiresAt: msg.now + 86_400_000,
        }),
      timeoutMs: 2000,
      ...over,
    });
  }

  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
    redises.forEach((r) => r.disconnect());
    await cleanupPrefix(prefix);

    // Nothing any sender threw carries the token, the signing secret, the webhook URL or a signature.
    const secrets = new Set<string>();
    for (const f of fakes) {
      secrets.add(f.accessToken);
      secrets.add(f.secret);
      secrets.add(f.webhookUrl);
      for (const r of f.requests) {
        if (r.sign) {
          secrets.add(r.sign);
          secrets.add(encodeURIComponent(r.sign));
        }
      }
    }
    expect(thrown.length).toBeGreaterThan(10);
    for (const e of thrown) {
      const text = [String(e), (e as Error).message, (e as Error).stack ?? '', JSON.stringify(e)].join('\n');
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).not.toContain('access_token');
      expect(text).not.toMatch(/[?&]sign=/);
    }
  });

  it('delivers the card, signed: the fake verified token, timestamp and signature', async () => {
    const f = await fake();
    const s = sender(f, { budget: budget() });
    const msg = CASES['aws-rotation-failed']!;
    const ref = await s.post('ignored', msg);
    expect(ref).toEqual({
      platform: 'dingtalk',
      robot: robotIdOf(f.webhookUrl),
      msgKey: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(f.requests).toHaveLength(1);
    expect(f.requests[0]!.signatureValid).toBe(true);
    expect(f.errcodes()).toEqual([0]);
    const body = f.messages[0]!.body as unknown as ReturnType<typeof renderDingTalkCard>;
    expect(body.msgtype).toBe('actionCard');
    expect(body.actionCard.title).toBe('🔴 Rotation failed for prod/pg');
    expect(body.actionCard.btns.map((b) => b.title)).toEqual(['Retry rotation', 'Mute']);
    for (const b of body.actionCard.btns)
      expect(b.actionURL).toMatch(/^https:\/\/bot\.example\.com\/actions\/[\w-]+\.[\w-]{43}$/);
    // The robot id names the robot without revealing its token.
    expect(ref.platform === 'dingtalk' && ref.robot).not.toContain(f.accessToken.slice(0, 8));
  });

  it('sends in Chinese when the locale is zh-CN', async () => {
    const f = await fake();
    await sender(f, { locale: 'zh-CN' }).post('', CASES['aws-deletion-scheduled']!);
    const body = f.messages[0]!.body as unknown as ReturnType<typeof renderDingTalkCard>;
    expect(body.actionCard.btns.map((b) => b.title)).toEqual(['取消删除', '静音']);
  });

  it('update and reply become follow-up markdown messages (robot messages cannot be edited)', async () => {
    const f = await fake();
    const s = sender(f);
    const ref = await s.post('', CASES['aws-rotation-failed']!);
    await s.update(ref, CASES['aws-rotation-succeeded-resolved']!);
    await s.reply(ref, CASES['aws-rotation-succeeded-resolved']!);
    expect(f.messages.map((m) => m.body.msgtype)).toEqual(['actionCard', 'markdown', 'markdown']);
    const update = f.messages[1]!.body.markdown as { title: string; text: string };
    expect(update.title).toBe('✅ Resolved: Rotation succeeded for prod/pg');
    const note = f.messages[2]!.body.markdown as { title: string; text: string };
    expect(note.text).toMatch(/^✅ \*\*Rotation succeeded\*\* · 2026-03-01 11:58 UTC — resolved/);
  });

  it('refuses to update a message of another platform, without sending anything (permanent)', async () => {
    const f = await fake();
    const slackRef: MessageRef = { platform: 'slack', channel: 'C1', ts: '1.2' };
    const r = await attempt(sender(f).update(slackRef, CASES['aws-rotation-failed']!));
    expect(!r.ok && [r.error.code, r.error.retryable]).toEqual(['CHAT.REJECTED', false]);
    expect(f.requests).toHaveLength(0);
  });

  it('a wrong signing secret is rejected as permanent, after exactly one request (no retry)', async () => {
    const f = await fake();
    const r = await attempt(sender(f, { secret: 'SEC' + 'ab'.repeat(32) }).post('', alert(1)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('CHAT.REJECTED');
      expect(r.error.retryable).toBe(false);
      expect(r.error.message).toContain('DINGTALK_SECRET');
      expect(r.error.message).toContain('sign not match');
    }
    expect(f.requests).toHaveLength(1);
    expect(f.errcodes()).toEqual([310000]);
    expect(f.messages).toHaveLength(0);
  });

  it('an unknown access token is rejected as permanent', async () => {
    const f = await fake();
    const wrongToken = f.webhookUrl.replace(f.accessToken, 'f'.repeat(64));
    const r = await attempt(sender(f, { webhookUrl: wrongToken }).post('', alert(1)));
    expect(!r.ok && [r.error.code, r.error.retryable]).toEqual(['CHAT.REJECTED', false]);
    expect(!r.ok && r.error.message).toContain('access token does not exist');
    expect(f.errcodes()).toEqual([300001]);
  });

  it('a timestamp DingTalk finds off by more than an hour is permanent and says to check the clock', async () => {
    const f = await fake({ now: () => Date.now() + 2 * 3_600_000 });
    const r = await attempt(sender(f).post('', alert(1)));
    expect(!r.ok && [r.error.code, r.error.retryable]).toEqual(['CHAT.REJECTED', false]);
    expect(!r.ok && r.error.message).toContain('clock');
  });

  it('keywords and unknown errcodes are permanent', async () => {
    const f = await fake({ keywords: ['nothing-we-send'] });
    const r1 = await attempt(sender(f).post('', alert(1)));
    expect(!r1.ok && [r1.error.code, r1.error.retryable]).toEqual(['CHAT.REJECTED', false]);
    expect(!r1.ok && r1.error.message).toContain('keyword');
    const g = await fake();
    g.failNext({ errcode: 430104, errmsg: 'message contains inappropriate content' });
    const r2 = await attempt(sender(g).post('', alert(1)));
    expect(!r2.ok && [r2.error.code, r2.error.retryable]).toEqual(['CHAT.REJECTED', false]);
  });

  it('HTTP 5xx is retryable, and the next try goes through', async () => {
    const f = await fake();
    const s = sender(f);
    f.failNext({ status: 503 });
    const r = await attempt(s.post('', alert(1)));
    expect(!r.ok && [r.error.code, r.error.retryable]).toEqual(['CHAT.UNAVAILABLE', true]);
    expect(!r.ok && r.error.message).toContain('HTTP 503');
    await s.post('', alert(1));
    expect(f.messages).toHaveLength(1);
  });

  it('a timeout and a refused connection are retryable', async () => {
    const f = await fake();
    f.delayNext(1500);
    const r1 = await attempt(sender(f, { timeoutMs: 200 }).post('', alert(1)));
    expect(!r1.ok && [r1.error.code, r1.error.retryable]).toEqual(['CHAT.UNAVAILABLE', true]);
    expect(!r1.ok && r1.error.message).toContain('timed out');

    const closed = await fake();
    const url = closed.webhookUrl;
    await closed.stop();
    const r2 = await attempt(
      new DingTalkSender({ webhookUrl: url, secret: closed.secret, locale: 'en', timeoutMs: 1000 }).post(
        '',
        alert(1),
      ),
    );
    expect(!r2.ok && [r2.error.code, r2.error.retryable]).toEqual(['CHAT.UNAVAILABLE', true]);
    expect(!r2.ok && r2.error.message).toContain('ECONNREFUSED');
  });

  it('25 sends from two senders sharing Redis: at most 20 reach DingTalk a minute, the rest wait (none dropped)', async () => {
    const f = await fake();
    const a = sender(f, { budget: budget() });
    const b = sender(f, { budget: budget() });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => attempt((i % 2 === 0 ? a : b).post('', alert(i)))),
    );
    const sent = results.filter((r) => r.ok);
    const waiting = results.filter((r): r is { ok: false; error: BotError } => !r.ok);
    expect(sent).toHaveLength(20);
    expect(waiting).toHaveLength(5);
    for (const r of waiting) {
      expect(r.error.code).toBe('CHAT.RATE_LIMITED');
      expect(r.error.retryable).toBe(true);
      expect(r.error.retryAfterMs).toBeGreaterThan(0);
      expect(r.error.retryAfterMs).toBeLessThanOrEqual(61_000);
    }
    expect(f.requests).toHaveLength(20);
    expect(f.errcodes().every((c) => c === 0)).toBe(true);
  });

  it('messages over budget are delivered once the window moves on, and DingTalk never throttles (short window)', async () => {
    // The fake's minute is 1 s here; the budget's window is that plus the same kind of margin as in production.
    const f = await fake({ windowMs: 1000, throttleMs: 60_000 });
    const shared = { perMinute: 20, windowMs: 1250 };
    const senders = [sender(f, { budget: budget(shared) }), sender(f, { budget: budget(shared) })];
    const deliver = async (i: number) => {
      for (;;) {
        const r = await attempt(senders[i % 2]!.post('', alert(100 + i)));
        if (r.ok) return;
        expect(r.error.code).toBe('CHAT.RATE_LIMITED');
        await sleep(r.error.retryAfterMs!);
      }
    };
    await Promise.all(Array.from({ length: 25 }, (_, i) => deliver(i)));
    expect(f.messages).toHaveLength(25);
    expect(f.errcodes()).not.toContain(130101);
    const delivered = f.messages
      .map((m) => /alert (al-[\w.-]+)$/m.exec((m.body.actionCard as { text: string }).text)?.[1])
      .sort();
    expect(delivered).toEqual(Array.from({ length: 25 }, (_, i) => alert(100 + i).alertId).sort());
    const at = f.messages.map((m) => m.at).sort((x, y) => x - y);
    for (let i = 20; i < at.length; i++) expect(at[i]! - at[i - 20]!).toBeGreaterThan(1000);
  });

  it('130101 from DingTalk blocks the robot for the throttle period, for every sender sharing Redis', async () => {
    const f = await fake({ throttleMs: 500 });
    const throttleMs = 700;
    const a = sender(f, { budget: budget(), throttleMs });
    const b = sender(f, { budget: budget(), throttleMs });
    f.failNext({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    const r1 = await attempt(a.post('', alert(1)));
    expect(!r1.ok && [r1.error.code, r1.error.retryable, r1.error.retryAfterMs]).toEqual([
      'CHAT.RATE_LIMITED',
      true,
      throttleMs,
    ]);
    expect(f.requests).toHaveLength(1);

    const r2 = await attempt(b.post('', alert(2)));
    expect(!r2.ok && r2.error.code).toBe('CHAT.RATE_LIMITED');
    expect(!r2.ok && r2.error.retryAfterMs).toBeGreaterThan(400);
    expect(!r2.ok && r2.error.retryAfterMs).toBeLessThanOrEqual(throttleMs);
    expect(f.requests).toHaveLength(1); // blocked before reaching DingTalk

    await sleep(throttleMs + 50);
    await b.post('', alert(2));
    expect(f.messages).toHaveLength(1);
  });

  it("the fake's own throttle (21st message in a minute) is seen as 130101 and blocks the robot", async () => {
    const f = await fake({ throttleMs: 60_000 });
    const s = sender(f, { budget: budget({ perMinute: 30 }), throttleMs: 60_000 }); // a budget set too high
    for (let i = 0; i < 20; i++) await s.post('', alert(i));
    const r = await attempt(s.post('', alert(20)));
    expect(!r.ok && [r.error.code, r.error.retryAfterMs]).toEqual(['CHAT.RATE_LIMITED', 60_000]);
    expect(f.errcodes().at(-1)).toBe(130101);
    const again = await attempt(s.post('', alert(21)));
    expect(!again.ok && again.error.code).toBe('CHAT.RATE_LIMITED');
    expect(f.requests).toHaveLength(21);
  });

  it('a Redis outage makes sends retryable, not lost', async () => {
    const f = await fake();
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redises.push(dead);
    const r = await attempt(
      sender(f, { budget: new DingTalkBudget(dead, keys, { perMinute: 20 }) }).post('', alert(1)),
    );
    expect(!r.ok && [r.error.code, r.error.retryable]).toEqual(['CHAT.UNAVAILABLE', true]);
    expect(f.requests).toHaveLength(0);
  });

  it("never sends through the package's axios", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const axios = require('axios') as { Axios: { prototype: { request: unknown } } };
    const spy = jest.spyOn(axios.Axios.prototype as { request: () => unknown }, 'request');
    try {
      const f = await fake();
      await sender(f).post('', alert(1));
      expect(f.messages).toHaveLength(1);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('documents the package: the constructor takes one options object; extra arguments are ignored', () => {
    const httpclient = createFetchHttpClient({ timeoutMs: 1000 });
    const right = new ChatBot({
      webhook: 'http://127.0.0.1:9/robot/send?access_token=x',
      secret: 'SECx',
      httpclient,
    });
    expect(right.secret).toBe('SECx');
    expect(right.httpclient).toBe(httpclient);
    const Loose = ChatBot as unknown as new (...args: unknown[]) => ChatBot;
    const wrong = new Loose({ webhook: 'http://127.0.0.1:9/robot/send?access_token=x' }, 'SECx', httpclient);
    expect(wrong.secret).toBeUndefined(); // would send unsigned…
    expect(wrong.httpclient).not.toBe(httpclient); // …through axios
  });

  it('refuses a webhook URL without a token, or plain http to a non-local host, without echoing it', () => {
    for (const [url, what] of [
      ['https://oapi.dingtalk.com/robot/send', 'access_token'],
      ['http://oapi.dingtalk.com/robot/send?access_token=abcdef123456', 'https'],
      ['not a url access_token=abcdef123456', 'not a URL'],
    ] as const) {
      let err: unknown;
      try {
        new DingTalkSender({ webhookUrl: url, secret: 'SECabc', locale: 'en' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BotError);
      expect((err as BotError).code).toBe('CONFIG.INVALID');
      expect((err as BotError).message).toContain(what);
      expect((err as BotError).message).not.toContain('abcdef123456');
    }
  });
});
