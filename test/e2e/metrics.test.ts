/**
 * End to end: what an operator's Prometheus and log pipeline see. The real bot process with the
 * real Bolt, @slack/web-api, DingTalk sender and AWS SDK against the fake Slack, DingTalk robot and
 * Secrets Manager; `/metrics` scraped before and after, and counters compared by exact amounts.
 */
import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { loadFixtureText } from '../fixtures';
import {
  ACTION_LINK_SECRET,
  awsDeletionEvent,
  messagesAbout,
  startDingTalkBot,
  waitUntil,
  type DingTalkBot,
} from './dingtalk-kit';
import { INGEST_TOKEN, SIGNING_SECRET, postJson, withFreshId } from './harness';
import {
  ACTION,
  ALERT_CHANNEL,
  OPERATOR,
  buttonValue,
  cleanupPrefix,
  click,
  fixtureFor,
  seedAwsSecret,
  startPeers,
  uniqueName,
  type Peers,
  waitForShown,
} from './remediation-kit';

jest.setTimeout(60_000);

/** One sample of the Prometheus text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of every sample named `name` whose labels include `where`. */
function valueOf(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

let peers: Peers;
let robot: FakeDingTalk;
let bot: DingTalkBot;
/** Every secret name the tests use: none may appear in a metric label. */
const secretNames: string[] = [];

async function scrape(): Promise<Sample[]> {
  const r = await fetch(`${bot.url}/metrics`);
  expect(r.status).toBe(200);
  return parseMetrics(await r.text());
}

/** Scrapes until `ready` holds (the worker records a job after the chat call returns). */
async function scrapeUntil(ready: (s: Sample[]) => boolean, what: string): Promise<Sample[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await scrape();
    if (ready(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  peers = await startPeers();
  robot = await new FakeDingTalk().start();
  bot = await startDingTalkBot(peers, robot, { env: { REMINDERS: '2s' } });
});

afterAll(async () => {
  await bot?.stop();
  await robot?.stop();
  await peers?.close();
  if (bot) await cleanupPrefix(bot.prefix);
});

describe('/metrics', () => {
  it('counts ingest outcomes by source and kind, chat posts by platform and notify/deliver jobs by queue, by exact amounts', async () => {
    const name = uniqueName('metrics/pg');
    secretNames.push(name);
    const before = await scrape();

    const event = fixtureFor<Record<string, unknown>>('aws/rotation-failed.json', 'prod/pg', name);
    expect((await postJson(`${bot.url}/events/aws`, event)).status).toBe(202);
    expect((await postJson(`${bot.url}/events/aws`, event)).body.status).toBe('duplicate');
    const ignored = withFreshId(
      JSON.parse(loadFixtureText('aws/create-secret.json')) as Record<string, unknown>,
    );
    expect((await postJson(`${bot.url}/events/aws`, ignored)).body.status).toBe('ignored');
    expect(
      (await postJson(`${bot.url}/events/aws`, event, { authorization: 'Bearer not-the-ingest-token' }))
        .status,
    ).toBe(403);

    await peers.slack.waitFor(
      () => peers.slack.alerts(ALERT_CHANNEL).find((m) => m.text.includes(name)),
      10_000,
      'the Slack alert',
    );
    await waitUntil(() => messagesAbout(robot, name)[0], 10_000, 'the DingTalk card');
    const jobs = (s: Sample[], queue: string) =>
      valueOf(s, 'secrets_bot_job_seconds_count', { queue, outcome: 'completed' });
    const after = await scrapeUntil(
      (s) =>
        jobs(s, 'notify') > jobs(before, 'notify') &&
        jobs(s, 'deliver-dingtalk') > jobs(before, 'deliver-dingtalk'),
      'the notify and deliver-dingtalk jobs to be recorded',
    );
    const delta = (name: string, where: Record<string, string>) =>
      valueOf(after, name, where) - valueOf(before, name, where);

    const received = 'secrets_bot_events_received_total';
    expect(delta(received, { source: 'aws', kind: 'rotation.failed', outcome: 'accepted' })).toBe(1);
    expect(delta(received, { source: 'aws', outcome: 'accepted' })).toBe(1);
    expect(delta(received, { source: 'aws', outcome: 'duplicate' })).toBe(1);
    expect(delta(received, { source: 'aws', outcome: 'ignored' })).toBe(1);
    expect(delta(received, { source: 'aws', outcome: 'refused' })).toBe(1);
    expect(delta(received, { source: 'alibaba' })).toBe(0);

    const sent = 'secrets_bot_notifications_total';
    expect(delta(sent, { platform: 'slack', action: 'post', outcome: 'sent' })).toBe(1);
    expect(delta(sent, { platform: 'dingtalk', action: 'post', outcome: 'sent' })).toBe(1);
    expect(delta(sent, { outcome: 'failed' })).toBe(0);

    expect(jobs(after, 'notify') - jobs(before, 'notify')).toBe(1);
    expect(jobs(after, 'deliver-dingtalk') - jobs(before, 'deliver-dingtalk')).toBe(1);
    expect(delta('secrets_bot_event_to_chat_seconds_count', {})).toBe(1);

    // Queue depth: every queue the bot uses, each state, read on this scrape.
    for (const queue of ['notify', 'remediate', 'remind', 'reconcile', 'deliver-dingtalk'])
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(
          after.some(
            (s) =>
              s.name === 'secrets_bot_queue_depth' && s.labels.queue === queue && s.labels.state === state,
          ),
        ).toBe(true);
    expect(valueOf(after, 'secrets_bot_outbox_pending')).toBe(0);
  });

  it('counts a remediation by action, provider and outcome', async () => {
    const name = uniqueName('metrics/db');
    secretNames.push(name);
    seedAwsSecret(peers, name);
    const before = await scrape();
    await postJson(
      `${bot.url}/events/aws`,
      fixtureFor<Record<string, unknown>>('aws/rotation-failed.json', 'prod/pg', name),
    );
    const alert = await peers.slack.waitFor(
      () => peers.slack.alerts(ALERT_CHANNEL).find((m) => m.text.includes(name)),
      10_000,
      'the alert',
    );
    const answer = await click(bot, peers, {
      user: OPERATOR,
      actionId: ACTION.retry,
      value: buttonValue(alert.blocks, ACTION.retry),
      message: alert,
    });
    expect(answer.status).toBe(200);
    await waitForShown(peers, alert, /succeeded/, 'succeeded on the alert');

    const remediations = (s: Sample[]) =>
      valueOf(s, 'secrets_bot_remediations_total', {
        action: 'retryRotation',
        provider: 'aws',
        outcome: 'succeeded',
      });
    const after = await scrapeUntil(
      (s) =>
        valueOf(s, 'secrets_bot_job_seconds_count', { queue: 'remediate', outcome: 'completed' }) >
        valueOf(before, 'secrets_bot_job_seconds_count', { queue: 'remediate', outcome: 'completed' }),
      'the remediate job',
    );
    expect(remediations(after) - remediations(before)).toBe(1);
    expect(
      valueOf(after, 'secrets_bot_remediations_total', { outcome: 'failed' }) -
        valueOf(before, 'secrets_bot_remediations_total', { outcome: 'failed' }),
    ).toBe(0);
    expect(
      valueOf(after, 'secrets_bot_job_seconds_count', { queue: 'remediate' }) -
        valueOf(before, 'secrets_bot_job_seconds_count', { queue: 'remediate' }),
    ).toBe(1);
  });

  it('observes the lag of a deletion reminder, from its due time to chat', async () => {
    const name = uniqueName('metrics/old');
    secretNames.push(name);
    const before = await scrape();
    const event = awsDeletionEvent(name, 0);
    const deletionDate = Date.now() + 4000;
    ((event.detail as Record<string, unknown>).responseElements as Record<string, unknown>).deletionDate =
      new Date(deletionDate).toISOString();
    expect((await postJson(`${bot.url}/events/aws`, event)).status).toBe(202);

    const lagCount = (s: Sample[]) =>
      valueOf(s, 'secrets_bot_reminder_lag_seconds_count', { kind: 'reminder' });
    const after = await scrapeUntil(
      (s) => lagCount(s) > lagCount(before),
      'the reminder (due 2 s before the deletion date)',
    );
    expect(lagCount(after) - lagCount(before)).toBe(1);
    const lagSum =
      valueOf(after, 'secrets_bot_reminder_lag_seconds_sum', { kind: 'reminder' }) -
      valueOf(before, 'secrets_bot_reminder_lag_seconds_sum', { kind: 'reminder' });
    expect(lagSum).toBeGreaterThanOrEqual(0);
    expect(lagSum).toBeLessThan(60); // a lag, not the 2 s it waited for its date or a clock in another unit
  });

  it('no label value names a secret, and none carries a token or signing secret', async () => {
    const samples = await scrape();
    const values = new Set(samples.flatMap((s) => Object.values(s.labels)));
    const planted = [
      INGEST_TOKEN,
      SIGNING_SECRET,
      ACTION_LINK_SECRET,
      robot.accessToken,
      robot.secret,
      peers.slack.token,
    ];
    expect(secretNames.length).toBe(3);
    for (const v of values) {
      for (const name of secretNames) expect(v).not.toContain(name);
      for (const p of planted) expect(v).not.toContain(p);
    }
  });
});

describe('request ids in answers and logs', () => {
  /** The bot's JSON log lines (stdout) so far. */
  function logLines(): Array<Record<string, unknown>> {
    return bot
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('one request id follows an event from the ingest answer to the Slack and DingTalk log lines', async () => {
    const name = uniqueName('trace/pg');
    const requestId = `trace-${name.slice(-6)}`;
    const event = fixtureFor<Record<string, unknown>>('aws/rotation-failed.json', 'prod/pg', name);
    const r = await fetch(`${bot.url}/events/aws`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${INGEST_TOKEN}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify(event),
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('x-request-id')).toBe(requestId);
    expect(((await r.json()) as { requestId: string }).requestId).toBe(requestId);

    await peers.slack.waitFor(
      () => peers.slack.alerts(ALERT_CHANNEL).find((m) => m.text.includes(name)),
      10_000,
      'the Slack alert',
    );
    await waitUntil(() => messagesAbout(robot, name)[0], 10_000, 'the DingTalk card');
    const lines = await waitUntil(
      () => {
        const mine = logLines().filter((l) => l.requestId === requestId);
        return (
          mine.some((l) => l.msg === 'DingTalk message sent') &&
          mine.some((l) => l.msg === 'event shown in chat') &&
          mine
        );
      },
      10_000,
      'the log lines',
    );
    const accepted = lines.find((l) => l.msg === 'event accepted')!;
    const shown = lines.find((l) => l.msg === 'event shown in chat')!;
    expect(accepted.eventKey).toBe(shown.eventKey);
    expect(accepted.level).toBe(30);
    expect(accepted.kind).toBe('rotation.failed');
    expect(lines.find((l) => l.msg === 'DingTalk message sent')!.what).toBe('alert card');
  });

  it('a missing or unusable X-Request-Id is replaced by a fresh one, which the answer carries in header and body', async () => {
    for (const header of [undefined, 'has spaces and "quotes"', 'x'.repeat(65)]) {
      const r = await fetch(`${bot.url}/events/aws`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer wrong-token-wrong',
          ...(header ? { 'x-request-id': header } : {}),
        },
        body: '{}',
      });
      expect(r.status).toBe(403);
      const id = r.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(((await r.json()) as { requestId: string }).requestId).toBe(id);
      await waitUntil(
        () => logLines().some((l) => l.requestId === id && l.msg === 'event refused'),
        5000,
        `the log line of ${id}`,
      );
    }
    const health = await fetch(`${bot.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
    expect(health.headers.get('x-request-id')).toBe('probe-1');
  });
});
