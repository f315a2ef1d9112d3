import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { FakeSlack } from '../fakes/fake-slack';
import { EventStore } from '../../src/store/event-store';
import { createKeys } from '../../src/store/keys';
import { ManualClock } from '../../src/ops/clock';
import { normalizeAwsEvent } from '../../src/events/normalize-aws-event';
import {
  cleanupPrefix,
  freePort,
  INGEST_TOKEN,
  postJson,
  REDIS_URL,
  sleep,
  oneMessagePerAlert,
  startBotProcess,
  uniquePrefix,
  rotationFailedEvent,
  slackBotEnv,
  type BotProcess,
} from './harness';

jest.setTimeout(90_000);

const CHANNEL = 'CRESILIENCE';


// One message per alert (grouping off): these tests count a message per event to prove none is lost or doubled.
const GROUPING_OFF = oneMessagePerAlert();
const slackEnv = (slack: FakeSlack, prefix: string, extra: Record<string, string> = {}) => slackBotEnv(slack, prefix, CHANNEL, { ...GROUPING_OFF, ...extra });
const rotationFailed = rotationFailedEvent;

describe('bad input gets its answer and posts nothing', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    bot = await startBotProcess(slackEnv(slack, prefix));
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await cleanupPrefix(prefix);
  });

  const good = () => rotationFailed(`bad/${randomBytes(3).toString('hex')}`);
  const auth = { authorization: `Bearer ${INGEST_TOKEN}` };

  it.each<[string, () => Promise<Response>, number, RegExp]>([
    ['malformed JSON', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"id": ' }), 400, /not valid JSON/],
    ['JSON that is not an event', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"hello":"world"}' }), 400, /./],
    ['an array', () => fetch(`${bot.url}/events/alibaba`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '[1,2,3]' }), 400, /./],
    ['invalid UTF-8', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 400, /not valid JSON/],
    ['no token', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(good()) }), 401, /missing ingest token/],
    ['no token (Alibaba)', () => fetch(`${bot.url}/events/alibaba`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 401, /missing ingest token/],
    ['a wrong bearer token', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope-nope' }, body: JSON.stringify(good()) }), 403, /wrong ingest token/],
    ['a wrong ?token=', () => fetch(`${bot.url}/events/aws?token=${INGEST_TOKEN}x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(good()) }), 403, /wrong ingest token/],
    ['a body over 1 MiB', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ ...good(), pad: 'x'.repeat(1024 * 1024) }) }), 413, /larger than/],
    ['an unsupported content type', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: { 'content-type': 'application/xml', ...auth }, body: '<x/>' }), 415, /unsupported content type/],
    ['no content type', () => fetch(`${bot.url}/events/aws`, { method: 'POST', headers: auth, body: new Blob([JSON.stringify(good())]) }), 415, /unsupported content type/],
  ])('%s', async (_name, send, status, error) => {
    const before = slack.messages.length;
    const r = await send();
    expect(r.status).toBe(status);
    const body = (await r.json()) as { error?: string };
    expect(body.error).toMatch(error);
    await sleep(200);
    expect(slack.messages.length).toBe(before);
  });

  it('the event endpoints refuse GET with 405; unknown paths are 404; health and metrics answer', async () => {
    expect((await fetch(`${bot.url}/events/aws`)).status).toBe(405);
    expect((await fetch(`${bot.url}/nope`)).status).toBe(404);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/secrets_bot_events_received_total\{source="aws",kind="none",outcome="refused"\} \d+/);
    expect(metrics).toMatch(/secrets_bot_queue_depth\{queue="notify",state="waiting"\}/);
  });

  it('a forged Slack request to /slack/events is refused with 401', async () => {
    const r = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=deadbeef', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) },
      body: 'command=%2Fsecrets&text=status',
    });
    expect(r.status).toBe(401);
  });
});

describe('a Slack outage delays but loses nothing, also across a restart', () => {
  it('events accepted while Slack is down are posted once when it is back, by a restarted bot', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    try {
      slack.setOutage(true);
      const bot1 = await startBotProcess(slackEnv(slack, prefix));
      const secrets = ['outage/a', 'outage/b', 'outage/c'].map((s) => `${s}-${randomBytes(2).toString('hex')}`);
      for (const s of secrets) expect((await postJson(`${bot1.url}/events/aws`, rotationFailed(s))).status).toBe(202);
      await slack.waitFor(() => slack.calls.filter((c) => c.method === 'chat.postMessage').length >= 3, 10_000, 'attempts during the outage');
      expect(slack.alerts(CHANNEL)).toHaveLength(0);
      expect(await bot1.stop('SIGTERM')).toBe(0);

      const bot2 = await startBotProcess(slackEnv(slack, prefix));
      slack.setOutage(false);
      await slack.waitFor(() => slack.alerts(CHANNEL).length >= 3, 30_000, 'all three alerts after the outage');
      await sleep(500);
      for (const s of secrets) expect(slack.alerts(CHANNEL).filter((m) => m.text.includes(s))).toHaveLength(1);
      await bot2.stop();
    } finally {
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });

  it('a 429 is honoured: the next attempt waits for Retry-After', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const bot = await startBotProcess(slackEnv(slack, prefix));
    try {
      slack.rateLimit(1, 2, ['chat.postMessage']);
      expect((await postJson(`${bot.url}/events/aws`, rotationFailed('limited/x'))).status).toBe(202);
      await slack.waitFor(() => slack.alerts(CHANNEL).length === 1, 15_000, 'the alert after the rate limit');
      const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
      expect(posts[0]!.status).toBe(429);
      expect(posts[1]!.status).toBe(200);
      expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1900);
    } finally {
      await bot.stop();
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });

  it('a 429 pauses posting in every worker process, not only the one that got it', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const bots = await Promise.all([startBotProcess(slackEnv(slack, prefix)), startBotProcess({ ...slackEnv(slack, prefix), ROLE: 'worker' })]);
    try {
      // Let both workers be idle and ready, then make the first post of a burst hit a 429.
      slack.rateLimit(1, 2, ['chat.postMessage']);
      const secrets = Array.from({ length: 8 }, (_, i) => `burst/${i}-${randomBytes(2).toString('hex')}`);
      for (const s of secrets.slice(0, 4)) expect((await postJson(`${bots[0]!.url}/events/aws`, rotationFailed(s))).status).toBe(202);
      await slack.waitFor(() => slack.calls.some((c) => c.status === 429), 10_000, 'the 429');
      // More events arrive during the pause: no process may post them before Retry-After has passed.
      for (const s of secrets.slice(4)) expect((await postJson(`${bots[0]!.url}/events/aws`, rotationFailed(s))).status).toBe(202);
      await slack.waitFor(() => slack.alerts(CHANNEL).length === secrets.length, 20_000, 'all alerts after the pause');
      const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
      const limited = posts.find((c) => c.status === 429)!;
      // Requests already in flight when the 429 was sent may land just after it; none may start later.
      const during = posts.filter((c) => c.at > limited.at + 250 && c.at < limited.at + 1900);
      expect(during).toEqual([]);
      // The refused message itself is posted again only after Retry-After, whichever process takes it.
      const retried = posts.find((c) => c.at > limited.at && c.status === 200 && c.params.text === limited.params.text)!;
      expect(retried.at - limited.at).toBeGreaterThanOrEqual(1900);
    } finally {
      await Promise.all(bots.map((b) => b.stop()));
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });

  it('a permanent Slack error (channel_not_found) is logged once and not retried', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const bot = await startBotProcess(slackEnv(slack, prefix));
    try {
      slack.failNext('chat.postMessage', 'channel_not_found');
      expect((await postJson(`${bot.url}/events/aws`, rotationFailed('perm/x'))).status).toBe(202);
      await slack.waitFor(() => slack.calls.some((c) => c.method === 'chat.postMessage'), 10_000, 'the first attempt');
      await sleep(2500);
      expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
      expect(bot.output().match(/permanent chat error/g)).toHaveLength(1);
      expect(bot.output()).toContain('channel_not_found');
    } finally {
      await bot.stop();
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });

  it('an event stored but never enqueued (process died in between) is posted by the outbox relay, once', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const redis = new Redis(REDIS_URL);
    try {
      const clock = new ManualClock(Date.now() - 60_000);
      const store = new EventStore(redis, createKeys(prefix), 3_600_000, clock);
      const normalized = normalizeAwsEvent(rotationFailed('orphan/x'));
      if (normalized.outcome !== 'event') throw new Error('fixture did not normalize');
      expect((await store.accept(normalized.event)).status).toBe('accepted');
      const bot = await startBotProcess(slackEnv(slack, prefix));
      await slack.waitFor(() => slack.alerts(CHANNEL).length === 1, 15_000, 'the orphaned event');
      await sleep(500);
      expect(slack.alerts(CHANNEL)).toHaveLength(1);
      expect(await redis.zcard(`${prefix}:evt:pending`)).toBe(0);
      await bot.stop();
    } finally {
      redis.disconnect();
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });
});

describe('scale-out: ROLE=web and ROLE=worker processes sharing Redis', () => {
  it('two web and two worker processes post every event exactly once, and SIGTERM on a worker loses nothing', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const procs: BotProcess[] = [];
    try {
      const env = slackEnv(slack, prefix);
      const [web1, web2, worker1, worker2] = await Promise.all([
        startBotProcess({ ...env, ROLE: 'web' }),
        startBotProcess({ ...env, ROLE: 'web' }),
        startBotProcess({ ...env, ROLE: 'worker' }),
        startBotProcess({ ...env, ROLE: 'worker' }),
      ]);
      procs.push(web1!, web2!, worker1!, worker2!);
      const secrets = Array.from({ length: 40 }, (_, i) => `scale/${i}-${randomBytes(2).toString('hex')}`);
      const bodies = secrets.map((s) => rotationFailed(s));
      // Every event is delivered twice, once to each web process (as a retrying sender might).
      const answers = await Promise.all(bodies.flatMap((b) => [postJson(`${web1!.url}/events/aws`, b), postJson(`${web2!.url}/events/aws`, b)]));
      expect(answers.filter((a) => a.status === 202)).toHaveLength(40);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(40);
      // A worker is stopped while the queue drains; the other finishes the work.
      const stopped = worker1!.stop('SIGTERM');
      await slack.waitFor(() => slack.alerts(CHANNEL).length >= 40, 30_000, 'all 40 alerts');
      expect(await stopped).toBe(0);
      await sleep(500);
      for (const s of secrets) expect(slack.alerts(CHANNEL).filter((m) => m.text.includes(s))).toHaveLength(1);
      expect(slack.alerts(CHANNEL)).toHaveLength(40);
      // The web role runs no worker: its logs never show an event being shown in chat.
      expect(web1!.output()).not.toContain('event shown in chat');
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });
});

describe('Redis unavailable: 503 so the sender retries, and nothing is half-stored', () => {
  let redisProc: ChildProcess | undefined;
  const startRedis = async (port: number) => {
    redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100 });
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        await sleep(50);
      }
    }
    probe.disconnect();
  };
  const stopRedis = async () => {
    if (!redisProc) return;
    const exited = new Promise((r) => redisProc!.once('exit', r));
    redisProc.kill('SIGKILL');
    await exited;
    redisProc = undefined;
  };
  afterEach(stopRedis);

  it('answers 503 while Redis is down, /readyz says not ready, and accepts again when it is back', async () => {
    const port = await freePort();
    await startRedis(port);
    const slack = await new FakeSlack().start();
    const bot = await startBotProcess({ ...slackEnv(slack, uniquePrefix()), REDIS_URL: `redis://127.0.0.1:${port}/3` });
    try {
      expect((await postJson(`${bot.url}/events/aws`, rotationFailed('r/up'))).status).toBe(202);
      await slack.waitFor(() => slack.alerts(CHANNEL).length === 1, 10_000, 'first alert');
      await stopRedis();
      const down = await postJson(`${bot.url}/events/aws`, rotationFailed('r/down'));
      expect(down.status).toBe(503);
      expect(String(down.body.error)).toMatch(/retry/);
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
      await startRedis(port);
      let status = 0;
      for (let i = 0; i < 100 && status !== 202; i++) {
        status = (await postJson(`${bot.url}/events/aws`, rotationFailed('r/back'))).status;
        if (status !== 202) await sleep(100);
      }
      expect(status).toBe(202);
      await slack.waitFor(() => slack.alerts(CHANNEL).some((m) => m.text.includes('r/back')), 15_000, 'alert after Redis is back');
      expect(slack.alerts(CHANNEL).some((m) => m.text.includes('r/down'))).toBe(false);
    } finally {
      await bot.stop();
      await slack.close();
    }
  });
});

describe('start-up and shutdown', () => {
  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^secrets-bot: configuration error: SLACK_CHANNEL \(slack\.channel\): is required when SLACK_BOT_TOKEN is set$/m],
    [{ PORT: 'eighty' }, /PORT \(port\): /],
    [{ REMINDERS: '72h,soon' }, /REMINDERS \(reminders\): "soon" is not a positive duration/],
    [{ SNS_TRUSTED_URL_PATTERN: '([' }, /SNS_TRUSTED_URL_PATTERN \(sns_trusted_url_pattern\): is not a valid regular expression/],
    [{ CONFIG_FILE: '/nonexistent.yml' }, /CONFIG_FILE: cannot read \/nonexistent\.yml/],
  ])('a bad setting %j stops start-up with one line naming it', async (env, line) => {
    const bot = await startBotProcess(env as Record<string, string>, { waitHealthy: false });
    expect(await bot.exited()).toBe(2);
    expect(bot.output().trim().split('\n')).toHaveLength(1);
    expect(bot.output()).toMatch(line);
  });

  it('SIGTERM stops taking requests, finishes in-flight work and exits 0', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const bot = await startBotProcess(slackEnv(slack, prefix));
    try {
      expect((await postJson(`${bot.url}/events/aws`, rotationFailed('term/x'))).status).toBe(202);
      expect(await bot.stop('SIGTERM')).toBe(0);
      expect(bot.output()).toMatch(/"msg":"stopped"/);
      await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
    } finally {
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });
});
