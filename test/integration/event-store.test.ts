import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { EventStore } from '../../src/store/event-store';
import { createKeys, eventKeyOf } from '../../src/store/keys';
import { systemClock } from '../../src/ops/clock';
import { ingest } from '../../src/alerting/pipeline';
import { createLogger } from '../../src/ops/logger';
import { createMetrics } from '../../src/ops/metrics';
import { createNotifyQueue, notifyJobId, type NotifyJob } from '../../src/queue/queues';
import { ReadyMover } from '../../src/queue/ready-mover';
import type { SecretEvent } from '../../src/events/secret-event';
import { awsEvent } from '../fixtures/secret-events';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../e2e/harness';

function event(sourceId: string): SecretEvent {
  return awsEvent('rotation.failed', { occurredAt: '2026-03-01T02:17:48.000Z', sourceId });
}

describe('EventStore with real Redis', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let store: EventStore;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    store = new EventStore(redis, createKeys(prefix), 60_000, systemClock);
  });
  afterAll(async () => {
    await cleanupPrefix(prefix);
    redis.disconnect();
  });

  it('50 concurrent identical deliveries: exactly one is accepted, stored once and pending once', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.accept(event('aws:dup-1'))));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(49);
    expect(await redis.zcard(`${prefix}:evt:pending`)).toBe(1);
    const stored = await store.get(eventKeyOf('aws:dup-1'));
    expect(stored?.event.sourceId).toBe('aws:dup-1');
  });

  it('concurrent deliveries through separate connections (as from separate replicas) still claim once', async () => {
    const clients = Array.from({ length: 5 }, () => new Redis(REDIS_URL));
    try {
      const stores = clients.map((c) => new EventStore(c, createKeys(prefix), 60_000, systemClock));
      const results = await Promise.all(
        stores.flatMap((s) => [s.accept(event('aws:dup-2')), s.accept(event('aws:dup-2'))]),
      );
      expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    } finally {
      clients.forEach((c) => c.disconnect());
    }
  });

  it('an ignored event is claimed (a redelivery is a duplicate) but never pending', async () => {
    expect((await store.recordIgnored('aws:ign-1', 'CreateSecret is not acted on')).status).toBe('accepted');
    expect((await store.recordIgnored('aws:ign-1', 'CreateSecret is not acted on')).status).toBe('duplicate');
    expect(await store.get(eventKeyOf('aws:ign-1'))).toBeUndefined();
    expect(await redis.zscore(`${prefix}:evt:pending`, eventKeyOf('aws:ign-1'))).toBeNull();
  });

  it('the dedup claim expires with the retention period', async () => {
    const short = new EventStore(redis, createKeys(prefix), 200, systemClock);
    expect((await short.accept(event('aws:ttl-1'))).status).toBe('accepted');
    const ttl = await redis.pttl(`${prefix}:evt:${eventKeyOf('aws:ttl-1')}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(200);
  });

  it('store-then-queue: ingest stores the event in one step, the ReadyMover adds exactly one notify job with a derived id', async () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue: Queue<NotifyJob> = createNotifyQueue(connection, prefix);
    try {
      const logger = createLogger('error');
      const deps = { events: store, logger, metrics: createMetrics() };
      const ok = { outcome: 'event' as const, event: event('aws:queued-1') };
      const outcomes = await Promise.all([ingest(ok, deps), ingest(ok, deps), ingest(ok, deps)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
      const key = eventKeyOf('aws:queued-1');
      expect((await redis.lrange(`${prefix}:evt:ready`, 0, -1)).filter((k) => k === key)).toHaveLength(1);
      const mover = new ReadyMover(store, queue, new Redis(REDIS_URL), logger);
      mover.start();
      for (let i = 0; i < 100 && !(await queue.getJob(notifyJobId(key))); i++)
        await new Promise((r) => setTimeout(r, 20));
      await mover.stop();
      expect(await redis.llen(`${prefix}:evt:ready`)).toBe(0);
      const job = await queue.getJob(notifyJobId(key));
      expect(job?.data.eventKey).toBe(key);
      expect((await queue.getJobs(['waiting'])).filter((j) => j.data.eventKey === key)).toHaveLength(1);
      expect(notifyJobId(key)).not.toMatch(/:|^\d+$/);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('Redis unreachable: accept fails with a retryable STORE.UNAVAILABLE (the handler answers 503)', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const deadStore = new EventStore(dead, createKeys(prefix), 60_000, systemClock);
    await expect(deadStore.accept(event('aws:dead-1'))).rejects.toMatchObject({
      code: 'STORE.UNAVAILABLE',
      retryable: true,
    });
    dead.disconnect();
  });
});
