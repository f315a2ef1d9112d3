import { request } from 'node:http';
import { FakeSlack } from '../fakes/fake-slack';
import { writeConfigFile } from './remediation-kit';
import {
  cleanupPrefix,
  INGEST_TOKEN,
  rotationFailedEvent,
  sleep,
  slackBotEnv,
  startBotProcess,
  uniquePrefix,
  type BotProcess,
} from './harness';

jest.setTimeout(60_000);

const CHANNEL = 'CRATE';

interface Answer {
  status: number;
  retryAfter?: string;
  body: Record<string, unknown>;
}

/** POSTs JSON from a chosen loopback address (127.0.0.0/8 is all this machine), like a second sender. */
function postFrom(
  from: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${INGEST_TOKEN}`,
          'content-length': Buffer.byteLength(text),
          ...headers,
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (data += d));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(data) as Record<string, unknown>;
          } catch {
            parsed = { raw: data };
          }
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('event rate per source address (rate_limit: a burst of 5, then one every 4 s)', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    slack = await new FakeSlack().start();
    bot = await startBotProcess(
      slackBotEnv(slack, prefix, CHANNEL, {
        CONFIG_FILE: writeConfigFile('rate_limit:\n  per_source: 1/4s\n  burst: 5\n'),
      }),
    );
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await cleanupPrefix(prefix);
  });

  it('an address over its limit gets 429 with Retry-After and nothing is stored or posted; another address is unaffected; after the refill the first is accepted again', async () => {
    const first = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        postFrom('127.0.0.1', `${bot.url}/events/aws`, rotationFailedEvent(`rl/ok-${i}`)),
      ),
    );
    expect(first.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);

    const refused = await postFrom('127.0.0.1', `${bot.url}/events/aws`, rotationFailedEvent('rl/refused'));
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.error).toMatch(/too many requests/);
    expect(refused.body.id).toBeUndefined();
    // The same bucket covers the Alibaba endpoint and the DingTalk callbacks of this address.
    expect((await postFrom('127.0.0.1', `${bot.url}/events/alibaba`, { any: 'thing' })).status).toBe(429);
    expect((await postFrom('127.0.0.1', `${bot.url}/dingtalk/events`, {})).status).toBe(429);
    // Claiming another client address in X-Forwarded-For does not help: no proxy is trusted.
    const spoofed = await postFrom('127.0.0.1', `${bot.url}/events/aws`, rotationFailedEvent('rl/spoofed'), {
      'x-forwarded-for': '198.51.100.77',
    });
    expect(spoofed.status).toBe(429);

    const other = await postFrom(
      '127.0.0.2',
      `${bot.url}/events/aws`,
      rotationFailedEvent('rl/other-address'),
    );
    expect(other.status).toBe(202);

    await sleep(Number(refused.retryAfter) * 1000);
    const later = await postFrom(
      '127.0.0.1',
      `${bot.url}/events/aws`,
      rotationFailedEvent('rl/after-refill'),
    );
    expect(later.status).toBe(202);

    // Stored: the 7 accepted events and nothing else (the refused ones never reached the store).
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(
      /secrets_bot_events_received_total\{source="aws",kind="rotation.failed",outcome="accepted"\} 7\n/,
    );
    expect(metrics).toMatch(
      /secrets_bot_events_received_total\{source="aws",kind="none",outcome="rate-limited"\} 2\n/,
    );
    // Shown: the last accepted event reaches chat (alone or in a storm summary); the refused ones never do.
    const everything = () => JSON.stringify(slack.messages);
    await slack.waitFor(
      () => everything().includes('rl/after-refill'),
      20_000,
      'the alert of the event accepted after the refill',
    );
    await sleep(500);
    expect(everything()).not.toContain('rl/refused');
    expect(everything()).not.toContain('rl/spoofed');
  });
});

describe('behind a trusted proxy (TRUST_PROXY=1)', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    slack = await new FakeSlack().start();
    bot = await startBotProcess(
      slackBotEnv(slack, prefix, CHANNEL, { INGEST_RATE_LIMIT: '2/m', TRUST_PROXY: '1' }),
    );
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await cleanupPrefix(prefix);
  });

  it('limits each client the proxy names, not the proxy itself', async () => {
    const via = (client: string, secret: string) =>
      postFrom('127.0.0.1', `${bot.url}/events/aws`, rotationFailedEvent(secret), {
        'x-forwarded-for': `203.0.113.250, ${client}`,
      });
    expect((await via('198.51.100.1', 'tp/a1')).status).toBe(202);
    expect((await via('198.51.100.1', 'tp/a2')).status).toBe(202);
    expect((await via('198.51.100.1', 'tp/a3')).status).toBe(429);
    expect((await via('198.51.100.2', 'tp/b1')).status).toBe(202);
  });
});
