import {
  classifyDingTalkResponse,
  classifyTransportError,
} from '../../../../src/chat/dingtalk/dingtalk-sender';
import { HttpRequestError } from '../../../../src/chat/dingtalk/fetch-http-client';

const THROTTLE = 600_000;
const ok200 = (data: unknown) => ({ status: 200, data });

describe('classifyDingTalkResponse', () => {
  it('errcode 0 is success', () => {
    expect(
      classifyDingTalkResponse(ok200({ errcode: 0, errmsg: 'ok' }), { throttleMs: THROTTLE }),
    ).toBeUndefined();
  });

  it.each([
    // [what, response, code, retryable, retryAfterMs, message contains]
    [
      'send too fast',
      ok200({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }),
      'CHAT.RATE_LIMITED',
      true,
      THROTTLE,
      'throttles this robot',
    ],
    [
      'throttled (410100)',
      ok200({ errcode: 410100, errmsg: 'throttled' }),
      'CHAT.RATE_LIMITED',
      true,
      THROTTLE,
      'throttles',
    ],
    [
      'sign not match',
      ok200({ errcode: 310000, errmsg: 'sign not match' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'DINGTALK_SECRET',
    ],
    [
      'invalid timestamp',
      ok200({ errcode: 310000, errmsg: 'invalid timestamp' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'clock',
    ],
    [
      'keywords',
      ok200({ errcode: 310000, errmsg: 'keywords not in content' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'keyword',
    ],
    [
      'ip allowlist',
      ok200({ errcode: 310000, errmsg: 'ip 203.0.113.9 not in whitelist' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'allowlist',
    ],
    [
      'other security failure',
      ok200({ errcode: 310000, errmsg: 'something new' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'security settings',
    ],
    [
      'token not exist',
      ok200({ errcode: 300001, errmsg: 'token is not exist' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'DINGTALK_WEBHOOK_URL',
    ],
    [
      'unknown errcode',
      ok200({ errcode: 430102, errmsg: 'content not safe' }),
      'CHAT.REJECTED',
      false,
      undefined,
      'errcode 430102',
    ],
    [
      'errcode as a string',
      ok200({ errcode: '130101', errmsg: 'send too fast' }),
      'CHAT.RATE_LIMITED',
      true,
      THROTTLE,
      'throttles',
    ],
    [
      'anti-abuse answer',
      ok200({ status: 1111, wait: 5, punish: 'deny' }),
      'CHAT.RATE_LIMITED',
      true,
      60_000,
      'anti-abuse',
    ],
    [
      'not a DingTalk answer',
      ok200('<html>proxy</html>'),
      'CHAT.UNAVAILABLE',
      true,
      undefined,
      'without a DingTalk errcode',
    ],
    ['HTTP 502', { status: 502, data: 'bad gateway' }, 'CHAT.UNAVAILABLE', true, undefined, 'HTTP 502'],
    ['HTTP 503', { status: 503, data: '' }, 'CHAT.UNAVAILABLE', true, undefined, 'HTTP 503'],
    ['HTTP 408', { status: 408, data: '' }, 'CHAT.UNAVAILABLE', true, undefined, 'HTTP 408'],
    [
      'HTTP 429 with Retry-After',
      { status: 429, data: '', headers: { 'retry-after': '30' } },
      'CHAT.RATE_LIMITED',
      true,
      30_000,
      'HTTP 429',
    ],
    ['HTTP 404', { status: 404, data: 'not found' }, 'CHAT.REJECTED', false, undefined, 'HTTP 404'],
    [
      'HTTP 302 (redirects are not followed)',
      { status: 302, data: '' },
      'CHAT.REJECTED',
      false,
      undefined,
      'HTTP 302',
    ],
  ] as const)('%s', (_what, res, code, retryable, retryAfterMs, text) => {
    const e = classifyDingTalkResponse(res, { throttleMs: THROTTLE, robot: 'r123' });
    expect(e?.code).toBe(code);
    expect(e?.retryable).toBe(retryable);
    expect(e?.retryAfterMs).toBe(retryAfterMs);
    expect(e?.message).toContain(text);
    expect(e?.message).toMatch(/^DingTalk robot r123: /);
  });

  it('uses the configured throttle period for 130101', () => {
    const e = classifyDingTalkResponse(ok200({ errcode: 130101, errmsg: 'send too fast' }), {
      throttleMs: 1500,
    });
    expect(e?.retryAfterMs).toBe(1500);
  });
});

describe('classifyTransportError', () => {
  it('timeouts and network failures are retryable CHAT.UNAVAILABLE', () => {
    for (const err of [
      new HttpRequestError('timeout', '5000 ms'),
      new HttpRequestError('network', 'ECONNREFUSED'),
      new TypeError('x'),
    ]) {
      const e = classifyTransportError(err, 'r1');
      expect(e.code).toBe('CHAT.UNAVAILABLE');
      expect(e.retryable).toBe(true);
    }
  });
});
