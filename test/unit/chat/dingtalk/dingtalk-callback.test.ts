import { createHmac } from 'node:crypto';
import {
  CALLBACK_MAX_SKEW_MS,
  commandTextOf,
  parseDingTalkCallback,
  verifyDingTalkCallback,
} from '../../../../src/chat/dingtalk/dingtalk-callback';

const APP_SECRET = 'app-secret-for-tests';
const NOW = Date.parse('2026-03-01T12:00:00Z');
/** DingTalk's own algorithm, written out independently of the code under test (wire-formats §8.3). */
const sign = (ts: string, secret = APP_SECRET) =>
  createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');

describe('verifyDingTalkCallback', () => {
  const ts = String(NOW - 1000);
  it.each([
    ['a signature made with the app secret', { timestamp: ts, sign: sign(ts) }, { ok: true }],
    [
      'a signature made with another secret',
      { timestamp: ts, sign: sign(ts, 'other') },
      { ok: false, reason: 'bad-signature' },
    ],
    [
      'the signature of another timestamp',
      { timestamp: ts, sign: sign(String(NOW)) },
      { ok: false, reason: 'bad-signature' },
    ],
    [
      'a URL-encoded signature (DingTalk does not encode this one)',
      { timestamp: ts, sign: encodeURIComponent(sign(ts)) + '%' },
      { ok: false, reason: 'bad-signature' },
    ],
    [
      'a timestamp just over an hour old',
      {
        timestamp: String(NOW - CALLBACK_MAX_SKEW_MS - 1),
        sign: sign(String(NOW - CALLBACK_MAX_SKEW_MS - 1)),
      },
      { ok: false, reason: 'stale' },
    ],
    [
      'a timestamp over an hour ahead',
      {
        timestamp: String(NOW + CALLBACK_MAX_SKEW_MS + 1),
        sign: sign(String(NOW + CALLBACK_MAX_SKEW_MS + 1)),
      },
      { ok: false, reason: 'stale' },
    ],
    [
      'a timestamp that is not a number',
      { timestamp: 'yesterday', sign: sign('yesterday') },
      { ok: false, reason: 'stale' },
    ],
    ['no sign header', { timestamp: ts }, { ok: false, reason: 'missing' }],
    ['no timestamp header', { sign: sign(ts) }, { ok: false, reason: 'missing' }],
    ['repeated headers', { timestamp: [ts, ts], sign: sign(ts) }, { ok: false, reason: 'missing' }],
  ])('%s', (_what, headers, expected) => {
    expect(verifyDingTalkCallback(headers as { timestamp?: string; sign?: string }, APP_SECRET, NOW)).toEqual(
      expected,
    );
  });
});

describe('commandTextOf', () => {
  it.each([
    [' status', 'status'],
    ['@secrets-bot status prod/pg', 'status prod/pg'],
    ['@secrets-bot  @alice   rotate   prod/pg ', 'rotate prod/pg'],
    ['＠机器人 mutes', 'mutes'],
    [' /secrets restore prod-rds-app', 'restore prod-rds-app'],
    ['\u3000help\u00a0', 'help'],
    ['', ''],
  ])('%j → %j', (content, command) => {
    expect(commandTextOf(content)).toBe(command);
  });
});

describe('parseDingTalkCallback', () => {
  const base = {
    msgtype: 'text',
    text: { content: ' status' },
    msgId: 'msgABCD1234==',
    conversationId: 'cidXyz==',
    senderStaffId: 'manager4711',
    senderNick: 'Alice',
    sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=0123abcd',
    sessionWebhookExpiredTime: 1772336730000,
  };
  it('reads what the bot uses', () => {
    expect(parseDingTalkCallback(base)).toEqual({
      ok: true,
      callback: {
        msgId: 'msgABCD1234==',
        command: 'status',
        senderStaffId: 'manager4711',
        senderNick: 'Alice',
        conversationId: 'cidXyz==',
        sessionWebhook: base.sessionWebhook,
        sessionWebhookExpiredTime: 1772336730000,
      },
    });
  });
  it.each([
    ['not an object', []],
    ['another msgtype', { ...base, msgtype: 'picture' }],
    ['no msgId', { ...base, msgId: '' }],
  ])('refuses %s', (_what, body) => {
    expect(parseDingTalkCallback(body).ok).toBe(false);
  });
  it('a callback without staff id or session webhook still parses (the bot then refuses to act / uses the robot)', () => {
    const { senderStaffId: _s, sessionWebhook: _w, sessionWebhookExpiredTime: _e, ...rest } = base;
    const parsed = parseDingTalkCallback(rest);
    expect(parsed).toMatchObject({ ok: true, callback: { senderStaffId: '' } });
    expect(parsed.ok && parsed.callback.sessionWebhook).toBeFalsy();
  });
});
