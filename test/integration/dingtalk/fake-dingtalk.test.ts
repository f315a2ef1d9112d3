import { createHmac } from 'node:crypto';
import { FakeDingTalk } from '../../fakes/fake-dingtalk';

/** The fake robot checks what DingTalk checks, computed here independently of any client. */

function signed(f: FakeDingTalk, ts = Date.now(), secret = f.secret): string {
  const sign = encodeURIComponent(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  return `${f.webhookUrl}&timestamp=${ts}&sign=${sign}`;
}

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; json: { errcode?: number; errmsg?: string } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as { errcode?: number }) : {},
  };
}

const TEXT = { msgtype: 'text', text: { content: 'hello' } };

describe('FakeDingTalk', () => {
  let f: FakeDingTalk;
  beforeEach(async () => {
    f = await new FakeDingTalk({ limit: 3, throttleMs: 300 }).start();
  });
  afterEach(() => f.stop());

  it('accepts a correctly signed message and records it', async () => {
    expect((await post(signed(f), TEXT)).json).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(f.messages).toHaveLength(1);
    expect(f.messages[0]!.body).toEqual(TEXT);
  });

  it('answers HTTP 200 with the errcode DingTalk uses for each failure', async () => {
    expect((await post(signed(f).replace(f.accessToken, 'nope'), TEXT)).json).toEqual({
      errcode: 300001,
      errmsg: 'token is not exist',
    });
    expect((await post(signed(f, Date.now() - 2 * 3_600_000), TEXT)).json).toEqual({
      errcode: 310000,
      errmsg: 'invalid timestamp',
    });
    expect((await post(f.webhookUrl, TEXT)).json).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' });
    expect((await post(signed(f, Date.now(), 'SECwrong'), TEXT)).json).toEqual({
      errcode: 310000,
      errmsg: 'sign not match',
    });
    expect(
      (await post(signed(f), { msgtype: 'actionCard', actionCard: { title: 't', text: 'x', btns: [] } })).json
        .errcode,
    ).toBe(40035);
    expect((await post(signed(f), 'x'.repeat(20_001))).json.errcode).toBe(460101);
    expect((await post(signed(f), '{')).json.errcode).toBe(40035);
    expect(f.messages).toHaveLength(0);
  });

  it('throttles after `limit` messages in the window for the throttle period', async () => {
    for (let i = 0; i < 3; i++) expect((await post(signed(f), TEXT)).json.errcode).toBe(0);
    expect((await post(signed(f), TEXT)).json).toEqual({
      errcode: 130101,
      errmsg: 'send too fast, exceed 20 times per minute',
    });
    expect(f.throttledUntil).toBeGreaterThan(Date.now());
    expect(f.messages).toHaveLength(3);
  });

  it('injects failures', async () => {
    f.failNext({ status: 502 });
    f.failNext({ errcode: 410100, errmsg: 'throttled' });
    expect((await post(signed(f), TEXT)).status).toBe(502);
    expect((await post(signed(f), TEXT)).json).toEqual({ errcode: 410100, errmsg: 'throttled' });
    expect((await post(signed(f), TEXT)).json.errcode).toBe(0);
  });

  it('records replies to a valid session webhook and refuses unknown or expired ones', async () => {
    const url = f.createSession();
    expect((await post(url, TEXT)).json).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(f.sessionReplies).toEqual([
      { session: new URL(url).searchParams.get('session'), at: expect.any(Number), body: TEXT },
    ]);
    expect((await post(url.replace(/session=.*/, 'session=unknown'), TEXT)).json.errcode).not.toBe(0);
    const expired = f.createSession(-1);
    expect((await post(expired, TEXT)).json.errcode).not.toBe(0);
    expect(f.sessionReplies).toHaveLength(1);
  });
});
