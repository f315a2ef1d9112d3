import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { loadFixture } from '../fixtures';
import { FakeSlack } from '../fakes/fake-slack';
import {
  cleanupPrefix,
  freePort,
  INGEST_TOKEN,
  postJson,
  sleep,
  oneMessagePerAlert,
  startBotProcess,
  uniquePrefix,
  rotationFailedEvent,
  slackBotEnv,
  withFreshId,
  type BotProcess,
} from './harness';

jest.setTimeout(120_000);

const CHANNEL = 'CFAULTS';


// One message per alert (grouping off): these tests count a message per event to prove none is lost or doubled.
const GROUPING_OFF = oneMessagePerAlert();
const env = (slack: FakeSlack, prefix: string, extra: Record<string, string> = {}) => slackBotEnv(slack, prefix, CHANNEL, { ...GROUPING_OFF, ...extra });
const rotationFailed = rotationFailedEvent;

/** Posts `count` distinct events; returns the secrets whose event got a 2xx. */
async function sendEvents(url: string, count: number, tag: string): Promise<string[]> {
  const accepted: string[] = [];
  for (let i = 0; i < count; i++) {
    const secret = `${tag}/${i}-${randomBytes(2).toString('hex')}`;
    const r = await postJson(`${url}/events/aws`, rotationFailed(secret)).catch(() => ({ status: 0 }));
    if (r.status === 202) accepted.push(secret);
  }
  return accepted;
}

async function expectEachShownOnce(slack: FakeSlack, secrets: string[]): Promise<void> {
  await slack.waitFor(() => secrets.every((s) => slack.alerts(CHANNEL).some((m) => m.text.includes(s))), 60_000, `${secrets.length} alerts`);
  await sleep(500);
  for (const s of secrets) expect(slack.alerts(CHANNEL).filter((m) => m.text.includes(s))).toHaveLength(1);
}

describe('the bot is killed (SIGKILL) between accepting events and posting them', () => {
  it('a restarted bot posts every accepted event, once', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const bots: BotProcess[] = [];
    try {
      slack.setOutage(true); // nothing can be posted before the kill
      const bot1 = await startBotProcess(env(slack, prefix));
      bots.push(bot1);
      const accepted = await sendEvents(bot1.url, 25, 'killed');
      expect(accepted).toHaveLength(25);
      // Killed while its notify jobs are active or waiting for backoff.
      await bot1.stop('SIGKILL');
      slack.setOutage(false);
      bots.push(await startBotProcess(env(slack, prefix)));
      await expectEachShownOnce(slack, accepted);
      expect(slack.alerts(CHANNEL)).toHaveLength(25);
    } finally {
      await Promise.all(bots.map((b) => b.stop()));
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });
});

describe('Redis restarts while events arrive (AOF persistence)', () => {
  let redisProc: ChildProcess | undefined;
  let dir: string;
  let port: number;

  const startRedis = async (fsync: 'everysec' | 'always') => {
    redisProc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', ''],
      { stdio: 'ignore' },
    );
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    for (let i = 0; i < 200; i++) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        await sleep(50);
      }
    }
    probe.disconnect();
  };
  const stopRedis = async (signal: NodeJS.Signals) => {
    if (!redisProc) return;
    const exited = new Promise((r) => redisProc!.once('exit', r));
    redisProc.kill(signal);
    await exited;
    redisProc = undefined;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
    port = await freePort();
  });
  afterEach(async () => {
    await stopRedis('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each<['everysec' | 'always', NodeJS.Signals]>([
    ['everysec', 'SIGTERM'], // a restart: Redis flushes its AOF on shutdown
    ['always', 'SIGKILL'], // a crash: only fsync=always keeps the last acknowledged writes
  ])('appendfsync %s, Redis stopped with %s: every event answered 2xx is shown once Redis is back; 503s were not stored', async (fsync, signal) => {
    await startRedis(fsync);
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    let bot: BotProcess | undefined;
    try {
      slack.setOutage(true); // keep everything in Redis, not yet in chat
      bot = await startBotProcess(env(slack, prefix, { REDIS_URL: `redis://127.0.0.1:${port}` }));
      const before = await sendEvents(bot.url, 15, `pre-${fsync}`);
      expect(before).toHaveLength(15);
      await stopRedis(signal);
      const during: Array<{ status: number }> = [];
      for (let i = 0; i < 5; i++) during.push(await postJson(`${bot.url}/events/aws`, rotationFailed(`down-${fsync}/${i}`)));
      expect(during.every((r) => r.status === 503)).toBe(true);
      await startRedis(fsync);
      let after: string[] = [];
      for (let i = 0; i < 50 && after.length === 0; i++) {
        after = await sendEvents(bot.url, 1, `post-${fsync}`);
        if (after.length === 0) await sleep(100);
      }
      after.push(...(await sendEvents(bot.url, 9, `post-${fsync}`)));
      expect(after).toHaveLength(10);
      slack.setOutage(false);
      await expectEachShownOnce(slack, [...before, ...after]);
      expect(slack.alerts(CHANNEL).some((m) => m.text.includes(`down-${fsync}/`))).toBe(false);
      expect(slack.alerts(CHANNEL)).toHaveLength(25);
    } finally {
      await bot?.stop();
      await slack.close();
    }
  });
});

describe('random and mutated input on the event endpoints', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    slack = await new FakeSlack().start();
    bot = await startBotProcess(env(slack, prefix));
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await cleanupPrefix(prefix);
  });

  const fixtures = ['aws/rotation-failed.json', 'aws/delete-secret.json', 'aws/get-secret-value-pending-deletion.json', 'alibaba/cloudmonitor-rotate-failure.json', 'alibaba/cloudevent-actiontrail-delete-secret.json'];

  /** Replaces one path in a JSON value with an arbitrary value (wrong types, deep nesting, huge strings). */
  function mutate(value: unknown, path: number[], replacement: unknown): unknown {
    if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return replacement;
    const [key, child] = entries[path[0]! % entries.length]!;
    const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
    copy[key] = mutate(child, path.slice(1), replacement);
    return copy;
  }

  const weird = fc.oneof(
    fc.jsonValue(),
    fc.string({ maxLength: 5000 }),
    fc.constant('x'.repeat(200_000)),
    fc.integer().map((d) => JSON.parse('['.repeat((Math.abs(d) % 500) + 1) + ']'.repeat((Math.abs(d) % 500) + 1)) as unknown),
    fc.constantFrom(null, true, -1, 1e308, '', '\u0000', '<!channel>', '"}'),
  );

  it('never answers 5xx (Redis is up) and never crashes; only accepted events reach chat', async () => {
    const statuses = new Map<number, number>();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        fc.array(fc.nat(), { maxLength: 6 }),
        weird,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', ''),
        fc.boolean(),
        async (fixture, path, replacement, contentType, withToken) => {
          const base = withFreshId(loadFixture(fixture) as Record<string, unknown>);
          const body = JSON.stringify(mutate(base, path, replacement));
          const endpoint = fixture.startsWith('aws') ? 'aws' : 'alibaba';
          const r = await fetch(`${bot.url}/events/${endpoint}`, {
            method: 'POST',
            headers: { ...(contentType ? { 'content-type': contentType } : {}), ...(withToken ? { authorization: `Bearer ${INGEST_TOKEN}` } : {}) },
            body,
          });
          await r.arrayBuffer();
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 202) accepted += 1;
          expect(r.status).toBeLessThan(500);
          if (!withToken) expect([401, 403, 415]).toContain(r.status);
        },
      ),
      { numRuns: 150 },
    );
    // Invalid UTF-8 as raw bytes.
    const bytes = await fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` }, body: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]) });
    expect(bytes.status).toBe(400);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    await sleep(1000);
    // Refused or invalid requests post nothing: at most one alert per accepted event.
    expect(slack.alerts(CHANNEL).length).toBeLessThanOrEqual(accepted);
    expect(bot.output()).not.toMatch(/"level":50|unhandled/);
  });
});
