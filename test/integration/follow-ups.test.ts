/**
 * Reminders, repeats and reconciliation against real Redis and BullMQ: the real remind and
 * reconcile workers, the real SlackSender (@slack/web-api) against the fake Slack Web API, the
 * real AWS SDK against the fake Secrets Manager. Each test uses its own key prefix and cleans it up.
 */
import { WebClient } from '@slack/web-api';
import type { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { FollowUps } from '../../src/alerting/follow-up';
import { shouldNotify, type Incident } from '../../src/alerting/lifecycle';
import { alertMessageOf } from '../../src/alerting/pipeline';
import type { ReconcileScope } from '../../src/alerting/reconcile';
import { SlackSender } from '../../src/chat/slack/slack-sender';
import { AwsSecretsProvider } from '../../src/clouds/aws/aws-secrets-provider';
import { CloudProviders } from '../../src/clouds/select-provider';
import type { EventKind, SecretEvent } from '../../src/events/secret-event';
import { awsEvent } from '../fixtures/secret-events';
import { systemClock } from '../../src/ops/clock';
import { createLogger } from '../../src/ops/logger';
import { createMetrics } from '../../src/ops/metrics';
import {
  createReconcileQueue,
  createRemindQueue,
  remindJobId,
  remindQueueAdapter,
  scheduleReconciliation,
  type ReconcileJob,
  type RemindJob,
} from '../../src/queue/queues';
import { EventStore } from '../../src/store/event-store';
import { FollowUpStore } from '../../src/store/follow-up-store';
import { IncidentStore } from '../../src/store/incident-store';
import { createKeys } from '../../src/store/keys';
import { MuteStore } from '../../src/store/mute-store';
import { createReconcileWorker } from '../../handlers/jobs/reconcile-worker';
import { createRemindWorker } from '../../handlers/jobs/remind-worker';
import { cleanupPrefix, REDIS_URL, sleep, uniquePrefix } from '../e2e/harness';
import { FakeSlack, type FakeSlackMessage } from '../fakes/fake-slack';
import {
  FAKE_AWS_CREDENTIALS,
  startFakeSecretsManager,
  type FakeSecretsManager,
} from '../fakes/fake-secrets-manager';

jest.setTimeout(30_000);

const CHANNEL = 'C0ALERTS';
const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';

/** An AWS event about secret `name` in ACCOUNT/REGION at `at` (ms), from the shared test fixture. */
function itEvent(
  kind: EventKind,
  name: string,
  sourceId: string,
  at: number,
  over: Partial<SecretEvent> = {},
): SecretEvent {
  return awsEvent(kind, {
    account: ACCOUNT,
    region: REGION,
    secretId: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbC123`,
    secretName: name,
    occurredAt: new Date(at).toISOString(),
    sourceId,
    ...over,
  });
}
const logger = createLogger('error');

let slack: FakeSlack;
beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  await slack.close();
});

/** One replica's worth of follow-up machinery: its own Redis connections, queue, worker. */
interface Replica {
  followUps: FollowUps;
  queue: Queue<RemindJob>;
  worker?: Worker<RemindJob>;
  startWorker(): void;
  close(): Promise<void>;
}

function replica(prefix: string, settings: { reminders: number[]; repeatIntervalMs: number }): Replica {
  const redis = new Redis(REDIS_URL);
  const bull = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const keys = createKeys(prefix);
  const queue = createRemindQueue(bull, prefix);
  const sender = new SlackSender(
    new WebClient(slack.token, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    }),
  );
  const followUps = new FollowUps({
    incidents: new IncidentStore(redis, keys, 3_600_000),
    mutes: new MuteStore(redis, keys, systemClock),
    store: new FollowUpStore(redis, keys, 3_600_000),
    queue: remindQueueAdapter(queue),
    slack: sender,
    defaultSlackChannel: CHANNEL,
    settings,
    clock: systemClock,
    logger,
    metrics: createMetrics(),
  });
  const r: Replica = {
    followUps,
    queue,
    startWorker: () => {
      r.worker = createRemindWorker(followUps, logger, { connection: bull, prefix, concurrency: 4 });
    },
    close: async () => {
      await r.worker?.close();
      await queue.close();
      redis.disconnect();
      bull.disconnect();
    },
  };
  return r;
}

let seq = 0;
/** A deletion incident whose alert is already in the channel (as notify leaves it). */
async function openDeletion(
  prefix: string,
  name: string,
  deletionInMs: number,
): Promise<{ incident: Incident; alert: FakeSlackMessage }> {
  seq += 1;
  const now = Date.now();
  const event = itEvent('deletion.scheduled', name, `it:${prefix}:${seq}`, now, {
    deletionDate: new Date(now + deletionInMs).toISOString(),
    sourceEventName: 'DeleteSecret',
  });
  const d = shouldNotify(undefined, event, now);
  if (d.reason === 'duplicate') throw new Error('unexpected');
  const sender = new SlackSender(
    new WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
  );
  const ref = await sender.post(CHANNEL, alertMessageOf(d.incident, 'first', now));
  const incident = { ...d.incident, message: ref };
  const redis = new Redis(REDIS_URL);
  await new IncidentStore(redis, createKeys(prefix), 3_600_000).save(incident);
  redis.disconnect();
  const alert = slack.messages.find(
    (m) => ref.platform === 'slack' && m.channel === ref.channel && m.ts === ref.ts,
  )!;
  return { incident, alert };
}

const alertsAbout = (name: string) => slack.alerts(CHANNEL).filter((m) => m.text.includes(name));
const updatesOf = (m: FakeSlackMessage) =>
  slack.calls.filter((c) => c.method === 'chat.update' && c.params.ts === m.ts && c.status === 200);

describe('deletion reminders with real Redis and BullMQ', () => {
  const prefixes: string[] = [];
  const replicas: Replica[] = [];
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    for (const p of prefixes) await cleanupPrefix(p);
  });

  it('each reminder fires exactly once with two workers running, both replicas having planned it', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const settings = { reminders: [2000, 1000], repeatIntervalMs: 0 };
    const a = replica(prefix, settings);
    const b = replica(prefix, settings);
    replicas.push(a, b);
    a.startWorker();
    b.startWorker();
    const { incident, alert } = await openDeletion(prefix, 'it/two-workers', 3000);
    // Both replicas plan the same follow-ups (e.g. a redelivered event on each): derived ids, one job each.
    await Promise.all([a.followUps.schedule(incident), b.followUps.schedule(incident)]);
    expect(await a.queue.getDelayedCount()).toBe(2);

    // Non-final at deletion-2s: the alert updated in place, a reminder note in its thread.
    await slack.waitFor(() => slack.replies(alert).length >= 1, 5000, 'the first reminder');
    expect(updatesOf(alert)).toHaveLength(1);
    expect(slack.replies(alert)[0]!.text).toMatch(
      /^Reminder: permanent deletion .* \(in less than a minute\)$/,
    );
    // Final at deletion-1s: posted anew in the channel; the old message loses its buttons.
    await slack.waitFor(() => alertsAbout('it/two-workers').length >= 2, 5000, 'the final reminder');
    await sleep(1500); // past the deletion date: nothing more comes
    const posted = alertsAbout('it/two-workers');
    expect(posted).toHaveLength(2);
    expect(JSON.stringify(posted[1]!.blocks)).toContain('Cancel deletion');
    expect(JSON.stringify(posted[1]!.blocks)).toContain('*Reminder*: the deletion date is getting close');
    expect(JSON.stringify(alert.blocks)).not.toContain('secrets_cancel_deletion');
    expect(slack.replies(alert)).toHaveLength(2);
    expect(slack.replies(posted[1]!)).toHaveLength(0);

    // The incident follows the new message; the claims say done.
    const redis = new Redis(REDIS_URL);
    try {
      const saved = await new IncidentStore(redis, createKeys(prefix), 3_600_000).get(incident.key);
      expect(saved?.message).toMatchObject({ ts: posted[1]!.ts });
      expect(saved?.followUp).toMatchObject({ reason: 'reminder', outcome: 'shown', final: true });
      const ids = [2000, 1000].map((o) =>
        remindJobId({
          kind: 'reminder',
          incidentId: incident.id,
          at: Date.parse(incident.event.deletionDate!) - o,
        }),
      );
      expect(await redis.mget(ids.map((id) => `${prefix}:fu:claim:${id}`))).toEqual(['done', 'done']);
    } finally {
      redis.disconnect();
    }
  });

  it('survives a worker restart: planned while one worker ran, shown once by the next one', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const settings = { reminders: [1000], repeatIntervalMs: 0 };
    const first = replica(prefix, settings);
    replicas.push(first);
    first.startWorker();
    const { incident, alert } = await openDeletion(prefix, 'it/restart', 2000);
    await first.followUps.schedule(incident);
    await first.close(); // the only worker goes away before the reminder is due
    replicas.splice(replicas.indexOf(first), 1);
    await sleep(1500); // due while nobody runs
    expect(alertsAbout('it/restart')).toHaveLength(1);

    const second = replica(prefix, settings);
    replicas.push(second);
    second.startWorker();
    await slack.waitFor(() => alertsAbout('it/restart').length >= 2, 5000, 'the reminder after the restart');
    // Planned again after it ran (another event, another replica): the claim keeps it from showing twice.
    await second.followUps.schedule(incident);
    // The alert loses its buttons once, right after the final reminder was posted.
    await slack.waitFor(() => alert.history.length === 2, 3000, 'the old alert without buttons');
    await second.followUps
      .run(
        {
          kind: 'reminder',
          incidentKey: incident.key,
          incidentId: incident.id,
          deletionDate: incident.event.deletionDate!,
          at: Date.parse(incident.event.deletionDate!) - 1000,
          final: true,
        },
        remindJobId({
          kind: 'reminder',
          incidentId: incident.id,
          at: Date.parse(incident.event.deletionDate!) - 1000,
        }),
      )
      .then((r) => expect(r).toEqual({ outcome: 'skipped', reason: 'already-done' }));
    await sleep(500);
    expect(alertsAbout('it/restart')).toHaveLength(2);
  });

  it('a resolved incident takes its pending reminders off the queue', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const r = replica(prefix, {
      reminders: [72 * 3_600_000, 24 * 3_600_000, 3_600_000],
      repeatIntervalMs: 0,
    });
    replicas.push(r);
    const { incident } = await openDeletion(prefix, 'it/resolved', 7 * 86_400_000);
    await r.followUps.schedule(incident);
    expect(await r.queue.getDelayedCount()).toBe(3);
    await r.followUps.schedule({ ...incident, status: 'resolved', resolvedAt: new Date().toISOString() });
    expect(await r.queue.getDelayedCount()).toBe(0);
  });
});

describe('repeats with real Redis and BullMQ', () => {
  const prefix = uniquePrefix();
  let r: Replica;
  afterAll(async () => {
    await r?.close();
    await cleanupPrefix(prefix);
  });

  it('an unresolved failure is posted again every interval, and stops when resolved', async () => {
    r = replica(prefix, { reminders: [], repeatIntervalMs: 700 });
    r.startWorker();
    const now = Date.now();
    const event = itEvent('rotation.failed', 'it/repeat', `it:${prefix}:repeat`, now);
    const d = shouldNotify(undefined, event, now);
    if (d.reason === 'duplicate') throw new Error('unexpected');
    const redis = new Redis(REDIS_URL);
    const incidents = new IncidentStore(redis, createKeys(prefix), 3_600_000);
    try {
      await incidents.save(d.incident);
      await r.followUps.schedule(d.incident);
      await slack.waitFor(() => alertsAbout('it/repeat').length >= 2, 5000, 'two repeats');
      expect(JSON.stringify(alertsAbout('it/repeat')[0]!.blocks)).toContain(
        '*Still unresolved*: the incident is still open',
      );
      // Resolved, under the incident's lock as notify does it: the chain ends (the pending repeat is removed).
      let release: (() => Promise<void>) | undefined;
      while (!(release = await incidents.lock(d.incident.key))) await sleep(20);
      try {
        const current = (await incidents.get(d.incident.key))!;
        const resolved = { ...current, status: 'resolved' as const, resolvedAt: new Date().toISOString() };
        await r.followUps.schedule(resolved);
        await incidents.save(resolved);
      } finally {
        await release();
      }
      const count = alertsAbout('it/repeat').length;
      await sleep(1600);
      expect(alertsAbout('it/repeat')).toHaveLength(count);
    } finally {
      redis.disconnect();
    }
  });
});

describe('repeats of alerts shown in a summary', () => {
  const prefix = uniquePrefix();
  afterAll(async () => cleanupPrefix(prefix));

  it('repeat the summary instead of posting each alert, and plan the next repeat', async () => {
    const redis = new Redis(REDIS_URL);
    const bull = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const keys = createKeys(prefix);
    const queue = createRemindQueue(bull, prefix);
    const repeated: string[] = [];
    const incidents = new IncidentStore(redis, keys, 3_600_000);
    const followUps = new FollowUps({
      incidents,
      store: new FollowUpStore(redis, keys, 3_600_000),
      queue: remindQueueAdapter(queue),
      slack: new SlackSender(
        new WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      ),
      defaultSlackChannel: CHANNEL,
      summaries: { repeat: async (id) => void repeated.push(id) },
      settings: { reminders: [], repeatIntervalMs: 60_000 },
      clock: systemClock,
      logger,
      metrics: createMetrics(),
    });
    try {
      const now = Date.now();
      const event = itEvent('rotation.failed', 'it/grouped', `it:${prefix}:grouped`, now - 120_000);
      const d = shouldNotify(undefined, event, now - 120_000);
      if (d.reason === 'duplicate') throw new Error('unexpected');
      const incident = { ...d.incident, summaries: { slack: 's0123456789abcdef0123456789abcdef' } };
      await incidents.save(incident);
      const outcome = await followUps.run(
        { kind: 'repeat', incidentKey: incident.key, incidentId: incident.id, at: now - 60_000 },
        'repeat-it-grouped',
      );
      expect(outcome).toEqual({
        outcome: 'summary-repeated',
        summaryIds: ['s0123456789abcdef0123456789abcdef'],
      });
      expect(repeated).toEqual(['s0123456789abcdef0123456789abcdef']);
      expect(alertsAbout('it/grouped')).toEqual([]); // no message of its own
      const next = (await queue.getDelayed()).filter((j) => j.data.incidentId === incident.id);
      expect(next).toHaveLength(1);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
      bull.disconnect();
    }
  });
});

describe('reconciliation with a job scheduler shared by two replicas', () => {
  const prefix = uniquePrefix();
  let sm: FakeSecretsManager;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    sm = await startFakeSecretsManager({ account: ACCOUNT, region: REGION });
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await sm.close();
    await cleanupPrefix(prefix);
  });

  it('runs about once per interval whichever replica picks it up, and a missed deletion is stored once', async () => {
    sm.seed({ name: 'it/forgotten', deletedDate: new Date(Date.now() + 5 * 86_400_000) });
    sm.seed({ name: 'it/healthy' });
    const scopes: ReconcileScope[] = [{ provider: 'aws', account: ACCOUNT, region: REGION }];
    const passes: string[] = [];
    const queues: Array<Queue<ReconcileJob>> = [];
    for (let i = 0; i < 2; i++) {
      const redis = new Redis(REDIS_URL);
      const bull = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const keys = createKeys(prefix);
      const clouds = new CloudProviders({
        aws: new AwsSecretsProvider({ endpoint: sm.url, credentials: FAKE_AWS_CREDENTIALS }),
      });
      const deps = {
        events: new EventStore(redis, keys, 3_600_000, systemClock),
        incidents: new IncidentStore(redis, keys, 3_600_000),
        clouds,
        scopes,
        clock: systemClock,
        logger,
        metrics: createMetrics(),
      };
      const queue = createReconcileQueue(bull, prefix);
      const worker = createReconcileWorker(deps, { connection: bull, prefix });
      worker.on('completed', (job) => passes.push(job.id ?? ''));
      queues.push(queue);
      closers.push(async () => {
        await worker.close();
        await queue.close();
        clouds.destroy();
        redis.disconnect();
        bull.disconnect();
      });
    }
    // Both replicas upsert the same scheduler at start-up.
    await Promise.all(queues.map((q) => scheduleReconciliation(q, 500)));
    await sleep(2600);
    expect(await queues[0]!.getJobSchedulersCount()).toBe(1);
    // One pass per 500 ms interval (5 or 6 in 2.6 s), not one per replica.
    expect(passes.length).toBeGreaterThanOrEqual(4);
    expect(passes.length).toBeLessThanOrEqual(7);
    expect(new Set(passes).size).toBe(passes.length);
    // One listing per pass (one more while a pass is still running).
    expect(sm.callsOf('ListSecrets').length - passes.length).toBeGreaterThanOrEqual(0);
    expect(sm.callsOf('ListSecrets').length - passes.length).toBeLessThanOrEqual(1);
    expect(sm.callsOf('ListSecrets').every((c) => c.params.IncludePlannedDeletion === true)).toBe(true);

    // Every pass found the forgotten deletion; ingest stored it once (the stable source id).
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.zcard(`${prefix}:evt:pending`)).toBe(1);
      expect(await redis.llen(`${prefix}:evt:ready`)).toBe(1);
      // Interval 0 removes the scheduler: passes stop.
      await scheduleReconciliation(queues[0]!, 0);
      expect(await queues[0]!.getJobSchedulersCount()).toBe(0);
      await sleep(300);
      const settled = passes.length;
      await sleep(1000);
      expect(passes.length).toBe(settled);
    } finally {
      redis.disconnect();
    }
  });
});
