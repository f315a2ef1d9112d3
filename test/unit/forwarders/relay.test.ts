/**
 * The forwarders' relay against a tiny local HTTP server standing in for the bot: what is retried,
 * what is not, and that nothing the bot did not acknowledge is lost silently.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  readForwarderConfig,
  relayEvent,
  relayEvents,
  RelayError,
  type LogLine,
  type RelayOptions,
} from '../../../handlers/forwarders/relay';

const TOKEN = 'relay-test-token-9f8e7d6c5b4a';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

/** A bot stand-in that answers each request with the next scripted reply (the last one repeats). */
class ScriptedBot {
  readonly seen: Seen[] = [];
  private server!: Server;
  constructor(
    private readonly replies: Array<
      { status: number; body?: unknown; headers?: Record<string, string> } | 'hang'
    >,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          body,
        });
        const reply = this.replies[Math.min(this.seen.length, this.replies.length) - 1]!;
        if (reply === 'hang') return; // never answers
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const EVENT = {
  id: 'evt-1',
  source: 'aws.secretsmanager',
  'detail-type': 'AWS Service Event via CloudTrail',
  detail: { eventName: 'RotationFailed' },
};

function options(botUrl: string, logs: LogLine[], extra: Partial<RelayOptions> = {}): RelayOptions {
  return {
    botUrl,
    token: TOKEN,
    path: '/events/aws',
    backoffMs: 5,
    timeoutMs: 2000,
    log: (l) => logs.push(l),
    ...extra,
  };
}

/** Everything the relay wrote or threw, for the "token never leaks" checks. */
const everything = (logs: LogLine[], error?: unknown) =>
  `${JSON.stringify(logs)}\n${error instanceof Error ? `${error.message}\n${error.stack}` : ''}`;

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return url;
}

describe('relayEvent', () => {
  let bot: ScriptedBot | undefined;
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('posts the event as JSON to the endpoint with the bearer token, once, when the bot accepts it', async () => {
    bot = await new ScriptedBot([
      { status: 202, body: { status: 'accepted', id: 'k', requestId: 'r-1' } },
    ]).start();
    const logs: LogLine[] = [];
    const delivery = await relayEvent(EVENT, options(bot.url, logs));
    expect(delivery).toEqual({ status: 202, outcome: 'accepted', requestId: 'r-1', attempts: 1 });
    expect(bot.seen).toEqual([
      {
        method: 'POST',
        url: '/events/aws',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/json',
        body: JSON.stringify(EVENT),
      },
    ]);
    expect(everything(logs)).not.toContain(TOKEN);
  });

  it('retries a 5xx and then delivers the event once', async () => {
    bot = await new ScriptedBot([
      { status: 503, body: { error: 'STORE.UNAVAILABLE: cannot store the event now, retry later' } },
      { status: 202, body: { status: 'accepted' } },
    ]).start();
    const logs: LogLine[] = [];
    const delivery = await relayEvent(EVENT, options(bot.url, logs));
    expect(delivery).toMatchObject({ status: 202, outcome: 'accepted', attempts: 2 });
    expect(bot.seen).toHaveLength(2);
    expect(
      bot.seen.every((s) => s.body === JSON.stringify(EVENT) && s.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
    expect(logs.map((l) => l.msg)).toEqual(['relay attempt failed', 'event relayed']);
  });

  it('retries a 429 as the bot asks and counts a duplicate as delivered', async () => {
    bot = await new ScriptedBot([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 200, body: { status: 'duplicate' } },
    ]).start();
    const delivery = await relayEvent(EVENT, options(bot.url, []));
    expect(delivery).toMatchObject({ status: 200, outcome: 'duplicate', attempts: 2 });
  });

  it('does not retry a 400, and surfaces the bot’s reason without the token', async () => {
    bot = await new ScriptedBot([
      {
        status: 400,
        body: { error: "not an EventBridge event: missing string field 'detail-type'", requestId: 'r-9' },
      },
    ]).start();
    const logs: LogLine[] = [];
    const error = await relayEvent({ hello: 'world' }, options(bot.url, logs)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayError);
    expect(error).toMatchObject({ code: 'FORWARD.REJECTED', retryable: false, status: 400 });
    expect((error as Error).message).toContain("missing string field 'detail-type'");
    expect((error as Error).message).toContain('r-9');
    expect(bot.seen).toHaveLength(1);
    expect(everything(logs, error)).not.toContain(TOKEN);
  });

  it('treats a wrong token (403) as permanent', async () => {
    bot = await new ScriptedBot([{ status: 403, body: { error: 'wrong ingest token' } }]).start();
    const error = await relayEvent(EVENT, options(bot.url, [])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORWARD.REJECTED', status: 403 });
    expect(bot.seen).toHaveLength(1);
  });

  it('throws after its tries when the bot keeps failing, so the cloud retries the invocation', async () => {
    bot = await new ScriptedBot([{ status: 500, body: { error: 'internal error, ref x' } }]).start();
    const logs: LogLine[] = [];
    const error = await relayEvent(EVENT, options(bot.url, logs, { attempts: 3 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORWARD.UNAVAILABLE', retryable: true, status: 500 });
    expect(bot.seen).toHaveLength(3);
    expect(everything(logs, error)).not.toContain(TOKEN);
  });

  it('throws when the bot is unreachable', async () => {
    const logs: LogLine[] = [];
    const error = await relayEvent(EVENT, options(await closedPortUrl(), logs, { attempts: 2 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'FORWARD.UNAVAILABLE', retryable: true });
    expect((error as Error).message).toMatch(/unreachable/);
    expect(logs.filter((l) => l.msg === 'relay attempt failed')).toHaveLength(2);
    expect(everything(logs, error)).not.toContain(TOKEN);
  });

  it('gives up on a try that gets no answer in time and tries again', async () => {
    bot = await new ScriptedBot(['hang', { status: 202, body: { status: 'accepted' } }]).start();
    const delivery = await relayEvent(EVENT, options(bot.url, [], { timeoutMs: 100 }));
    expect(delivery).toMatchObject({ outcome: 'accepted', attempts: 2 });
    expect(bot.seen).toHaveLength(2);
  });

  it('starts no try once the function is out of time, and still throws', async () => {
    bot = await new ScriptedBot([{ status: 202 }]).start();
    const error = await relayEvent(EVENT, options(bot.url, [], { deadline: Date.now() - 1 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'FORWARD.UNAVAILABLE' });
    expect(bot.seen).toHaveLength(0);
  });
});

describe('relayEvents', () => {
  let bot: ScriptedBot | undefined;
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('relays every event and fails the invocation if any one was not acknowledged', async () => {
    bot = await new ScriptedBot([
      { status: 202, body: { status: 'accepted' } },
      { status: 400, body: { error: 'bad' } },
      { status: 202, body: { status: 'accepted' } },
    ]).start();
    const error = await relayEvents([{ n: 1 }, { n: 2 }, { n: 3 }], options(bot.url, [])).catch(
      (e: unknown) => e,
    );
    expect(bot.seen.map((s) => s.body)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(error).toMatchObject({ code: 'FORWARD.REJECTED', retryable: false });
    expect((error as Error).message).toMatch(/^1 of 3 events not relayed/);
  });
});

describe('readForwarderConfig', () => {
  it('reads BOT_URL and INGEST_TOKEN and drops a trailing slash', () => {
    expect(readForwarderConfig({ BOT_URL: 'https://bot.example.com/base/', INGEST_TOKEN: TOKEN })).toEqual({
      botUrl: 'https://bot.example.com/base',
      token: TOKEN,
    });
  });

  it.each([
    [{ INGEST_TOKEN: TOKEN }, /BOT_URL is not set/],
    [{ BOT_URL: 'not a url', INGEST_TOKEN: TOKEN }, /BOT_URL is not a valid URL/],
    [
      { BOT_URL: 'https://bot.example.com/?token=abc', INGEST_TOKEN: TOKEN },
      /must not carry credentials or a query/,
    ],
    [{ BOT_URL: 'https://bot.example.com' }, /INGEST_TOKEN is not set/],
  ])('names the setting that is missing or malformed (%#)', (env, message) => {
    expect(() => readForwarderConfig(env)).toThrow(message);
  });
});
