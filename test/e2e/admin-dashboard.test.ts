/**
 * End to end: the Bull Board queue dashboard under /admin/queues, in the real bot process. On with
 * ADMIN_PASSWORD (user `admin`, basic auth), 404 without it and on ROLE=worker; the page and its
 * static assets load; every queue is listed; remediate and deliver-dingtalk are read-only; jobs it
 * shows carry secret names, never tokens, signing secrets or credentials.
 */
import { Redis } from 'ioredis';
import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { FAKE_ALIBABA_ACCESS_KEY_SECRET } from '../fakes/fake-kms';
import { FAKE_AWS_SECRET_ACCESS_KEY } from '../fakes/fake-secrets-manager';
import {
  ACTION_LINK_SECRET,
  APP_SECRET,
  messagesAbout,
  startDingTalkBot,
  waitUntil,
  type DingTalkBot,
} from './dingtalk-kit';
import { INGEST_TOKEN, REDIS_URL, scanKeys, SIGNING_SECRET, startBotProcess, type BotProcess } from './harness';
import {
  ACTION,
  ALERT_CHANNEL,
  OPERATOR,
  botEnv,
  buttonValue,
  cleanupPrefix,
  click,
  postAlert,
  seedAwsSecret,
  startPeers,
  uniqueName,
  uniquePrefix,
  type Peers,
  waitForShown,
} from './remediation-kit';

jest.setTimeout(60_000);

const PASSWORD = 'dashboard-password-0123456789';
const QUEUE_NAMES = ['notify', 'remediate', 'remind', 'reconcile', 'deliver-dingtalk'];

let peers: Peers;
let robot: FakeDingTalk;
let bot: DingTalkBot;
const others: BotProcess[] = [];
const otherPrefixes: string[] = [];

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
const ADMIN = basic('admin', PASSWORD);

/** Names of the BullMQ queues that exist under a key prefix, sorted. */
async function queuesInRedis(prefix: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await scanKeys(redis, `${prefix}:*:meta`);
    return [...new Set(keys.map((k) => k.slice(prefix.length + 1, -':meta'.length)))].sort();
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  peers = await startPeers();
  robot = await new FakeDingTalk().start();
  bot = await startDingTalkBot(peers, robot, { env: { ADMIN_PASSWORD: PASSWORD } });
});

afterAll(async () => {
  await Promise.all([bot?.stop(), ...others.map((b) => b.stop())]);
  await robot?.stop();
  await peers?.close();
  if (bot) await cleanupPrefix(bot.prefix);
  for (const p of otherPrefixes) await cleanupPrefix(p);
});

describe('the queue dashboard (ADMIN_PASSWORD set)', () => {
  it('asks for basic auth: no credentials, a wrong password or another user name get 401 with WWW-Authenticate', async () => {
    for (const headers of [
      {},
      basic('admin', 'wrong-password-wrong'),
      basic('root', PASSWORD),
      { authorization: `Bearer ${PASSWORD}` },
    ]) {
      const r = await fetch(`${bot.url}/admin/queues`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="secrets-bot admin"/);
      expect(await r.text()).not.toContain('<html');
    }
    const api = await fetch(`${bot.url}/admin/queues/api/queues`);
    expect(api.status).toBe(401);
  });

  it('serves the page and its static assets (script and stylesheet) to the admin', async () => {
    const page = await fetch(`${bot.url}/admin/queues`, { headers: ADMIN });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).toContain('<base href="/admin/queues/"');
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
    const style = /href="(static\/css\/[^"]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await fetch(`${bot.url}/admin/queues/${script}`, { headers: ADMIN });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${bot.url}/admin/queues/${style}`, { headers: ADMIN });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('lists every queue the bot uses; remediate and deliver-dingtalk are read-only', async () => {
    const r = await fetch(`${bot.url}/admin/queues/api/queues`, { headers: ADMIN });
    expect(r.status).toBe(200);
    const { queues } = (await r.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    // Every BullMQ queue the bot made under its prefix (each writes <prefix>:<queue>:meta) is listed.
    expect(queues.map((q) => q.name).sort()).toEqual(await queuesInRedis(bot.prefix));
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(QUEUE_NAMES));
    const readOnly = Object.fromEntries(queues.map((q) => [q.name, q.readOnlyMode]));
    expect(Object.keys(readOnly).filter((q) => readOnly[q])).toEqual(['remediate', 'deliver-dingtalk']);

    const retry = await fetch(`${bot.url}/admin/queues/api/queues/remediate/retry/failed`, {
      method: 'PUT',
      headers: ADMIN,
    });
    expect(retry.status).toBe(405);
    const crossSite = await fetch(`${bot.url}/admin/queues/api/queues/notify/pause`, {
      method: 'PUT',
      headers: { ...ADMIN, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const paused = (await (await fetch(`${bot.url}/admin/queues/api/queues`, { headers: ADMIN })).json()) as {
      queues: Array<{ name: string; isPaused: boolean }>;
    };
    expect(paused.queues.find((q) => q.name === 'notify')!.isPaused).toBe(false);
  });

  it('shows jobs with secret names but never a token, signing secret, webhook token or credential', async () => {
    const name = uniqueName('admin/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    await waitUntil(() => messagesAbout(robot, name)[0], 10_000, 'the DingTalk card');
    const answer = await click(bot, peers, {
      user: OPERATOR,
      actionId: ACTION.retry,
      value: buttonValue(alert.blocks, ACTION.retry),
      message: alert,
    });
    expect(answer.status).toBe(200);
    await waitForShown(peers, alert, /succeeded/, 'succeeded on the alert');

    let shown = '';
    for (const queue of QUEUE_NAMES) {
      const r = await fetch(
        `${bot.url}/admin/queues/api/queues?activeQueue=${queue}&status=latest&page=1&jobsPerPage=50`,
        { headers: ADMIN },
      );
      expect(r.status).toBe(200);
      shown += await r.text();
    }
    expect(shown).toContain(name); // the remediate job's target and the DingTalk card's event: names are shown
    const planted = [
      INGEST_TOKEN,
      SIGNING_SECRET,
      peers.slack.token,
      ACTION_LINK_SECRET,
      APP_SECRET,
      robot.accessToken,
      robot.secret,
      PASSWORD,
      FAKE_AWS_SECRET_ACCESS_KEY,
      FAKE_ALIBABA_ACCESS_KEY_SECRET,
    ];
    for (const p of planted) expect(shown).not.toContain(p);
    expect(peers.slack.alerts(ALERT_CHANNEL).some((m) => m.text.includes(name))).toBe(true);
  });

  it('answers 404 for anything else under /admin/, even to the admin', async () => {
    for (const path of ['/admin/', '/admin/other', '/admin/queuesx']) {
      const r = await fetch(`${bot.url}${path}`, { headers: ADMIN });
      expect(r.status).toBe(404);
    }
  });
});

describe('the queue dashboard is off', () => {
  it('without ADMIN_PASSWORD, and on ROLE=worker even with it: /admin/* is 404', async () => {
    const prefix = uniquePrefix();
    otherPrefixes.push(prefix);
    const plain = await startBotProcess(botEnv(peers, prefix));
    others.push(plain);
    const worker = await startBotProcess(botEnv(peers, prefix, { ROLE: 'worker', ADMIN_PASSWORD: PASSWORD }));
    others.push(worker);
    for (const b of [plain, worker]) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/']) {
        const r = await fetch(`${b.url}${path}`, { headers: ADMIN });
        expect(r.status).toBe(404);
        expect(r.headers.get('www-authenticate')).toBeNull();
      }
      expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    }
  });
});
