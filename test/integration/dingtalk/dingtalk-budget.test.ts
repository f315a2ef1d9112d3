import { Redis } from 'ioredis';
import { DingTalkBudget } from '../../../src/chat/dingtalk/dingtalk-budget';
import { createKeys } from '../../../src/store/keys';
import { cleanupPrefix, REDIS_URL, scanKeys, uniquePrefix } from '../../e2e/harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DingTalkBudget with real Redis', () => {
  const prefix = uniquePrefix();
  const keys = createKeys(prefix);
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await cleanupPrefix(prefix);
    redis.disconnect();
  });

  it('allows perMinute sends per window, then says when the oldest leaves the window', async () => {
    const budget = new DingTalkBudget(redis, keys, { perMinute: 20 });
    const results = [];
    for (let i = 0; i < 22; i++) results.push(await budget.take('robot-a'));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const refused = results.slice(20);
    for (const r of refused) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('budget');
        expect(r.retryAfterMs).toBeGreaterThan(55_000);
        expect(r.retryAfterMs).toBeLessThanOrEqual(61_000);
      }
    }
    expect(await redis.zcard(keys.dingtalkSends('robot-a'))).toBe(20);
  });

  it('counts each robot separately', async () => {
    const budget = new DingTalkBudget(redis, keys, { perMinute: 2 });
    expect((await budget.take('robot-b')).ok).toBe(true);
    expect((await budget.take('robot-b')).ok).toBe(true);
    expect((await budget.take('robot-b')).ok).toBe(false);
    expect((await budget.take('robot-c')).ok).toBe(true);
  });

  it('is a sliding window: sends become possible again as old ones leave it', async () => {
    const budget = new DingTalkBudget(redis, keys, { perMinute: 3, windowMs: 400 });
    for (let i = 0; i < 3; i++) expect((await budget.take('robot-d')).ok).toBe(true);
    const refused = await budget.take('robot-d');
    expect(refused.ok).toBe(false);
    await sleep(refused.ok ? 0 : refused.retryAfterMs + 20);
    expect((await budget.take('robot-d')).ok).toBe(true);
  });

  it('never allows more than perMinute across many connections taking at once (as from several replicas)', async () => {
    const clients = Array.from({ length: 5 }, () => new Redis(REDIS_URL));
    try {
      const budgets = clients.map((c) => new DingTalkBudget(c, keys, { perMinute: 20 }));
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => budgets[i % budgets.length]!.take('robot-e')),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(20);
    } finally {
      clients.forEach((c) => c.disconnect());
    }
  });

  it('block: refuses every send for the period, keeps a longer block, and lifts by itself', async () => {
    const budget = new DingTalkBudget(redis, keys, { perMinute: 20 });
    await budget.block('robot-f', 600);
    await budget.block('robot-f', 100); // shorter: must not shorten the block
    const r = await budget.take('robot-f');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('blocked');
      expect(r.retryAfterMs).toBeGreaterThan(300);
      expect(r.retryAfterMs).toBeLessThanOrEqual(600);
    }
    expect(await redis.zcard(keys.dingtalkSends('robot-f'))).toBe(0); // a refused take is not counted
    await sleep(650);
    expect((await budget.take('robot-f')).ok).toBe(true);
  });

  it('leaves no key without an expiry', async () => {
    const found = await scanKeys(redis, `${prefix}:dt:*`);
    expect(found.length).toBeGreaterThan(0);
    for (const k of found) expect(await redis.pttl(k)).toBeGreaterThan(0);
  });

  it('rejects when Redis is unavailable (the sender turns that into a retryable error)', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    try {
      await expect(new DingTalkBudget(dead, keys, { perMinute: 20 }).take('robot-g')).rejects.toThrow();
    } finally {
      dead.disconnect();
    }
  });
});
