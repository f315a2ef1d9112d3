import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../../e2e/harness';
import { ManualClock } from '../../../src/ops/clock';
import { createLogger } from '../../../src/ops/logger';
import { AuditStore } from '../../../src/store/audit-store';
import { createKeys } from '../../../src/store/keys';
import { ENDED_MUTE_KEPT_MS, MuteStore } from '../../../src/store/mute-store';
import { RemediationClaims, type NewClaim } from '../../../src/store/remediation-claims';

const prefix = uniquePrefix();
const keys = createKeys(prefix);
let redis: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  redis.disconnect();
  await cleanupPrefix(prefix);
});

const record = (claimId: string, user = 'U1'): NewClaim => ({
  claimId,
  action: 'retryRotation',
  target: { provider: 'aws', account: '111122223333', region: 'eu-west-1', secretId: 'prod/pg', name: 'prod/pg' },
  alertId: 'i1',
  forEvent: 'aws:e1',
  requestedBy: user,
  requestedAt: '2026-03-01T00:00:00.000Z',
});

describe('RemediationClaims', () => {
  const claims = () => new RemediationClaims(redis, keys, { pendingTtlMs: 60_000, generationTtlMs: 60_000 });

  it('50 concurrent claims from separate connections: exactly one wins, the others see who holds it', async () => {
    const conns = Array.from({ length: 5 }, () => new Redis(REDIS_URL));
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => new RemediationClaims(conns[i % 5]!, keys, { pendingTtlMs: 60_000, generationTtlMs: 60_000 }).claim(record('c-race', `U${i}`), 'remediate-rotate-c-race')),
      );
      const winners = results.filter((r) => r.won);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.won ? winners[0]!.claim : undefined;
      expect(winner!.jobId).toBe('remediate-rotate-c-race-1');
      for (const r of results.filter((x) => !x.won)) {
        if (!r.won) expect(r.existing.requestedBy).toBe(winner!.requestedBy);
      }
    } finally {
      conns.forEach((c) => c.disconnect());
    }
  });

  it('done: later claims are refused; released: the next claim gets the next generation', async () => {
    const c = claims();
    const first = await c.claim(record('c-life'), 'stem');
    if (!first.won) throw new Error('expected to win');
    await c.markDone(first.claim, 'rotation started', '2026-03-01T00:00:01.000Z', 60_000);
    const again = await c.claim(record('c-life', 'U2'), 'stem');
    expect(again.won).toBe(false);
    if (!again.won) expect(again.existing).toMatchObject({ state: 'done', detail: 'rotation started', requestedBy: 'U1' });

    // Only the holder's job may change it.
    await c.release({ claimId: 'c-life', jobId: 'stem-99' });
    expect((await c.get('c-life'))?.state).toBe('done');

    await c.release(first.claim);
    const next = await c.claim(record('c-life', 'U3'), 'stem');
    expect(next.won && next.claim.jobId).toBe('stem-2');
  });

  it('a stale done claim can be taken over exactly once', async () => {
    const c = claims();
    const first = await c.claim(record('c-stale'), 'stem');
    if (!first.won) throw new Error('expected to win');
    await c.markDone(first.claim, undefined, '2026-03-01T00:00:01.000Z', 60_000);
    const seen = await c.claim(record('c-stale'), 'stem');
    if (seen.won) throw new Error('expected a held claim');
    const takeovers = await Promise.all([c.claim(record('c-stale', 'U2'), 'stem', seen.raw), c.claim(record('c-stale', 'U3'), 'stem', seen.raw)]);
    expect(takeovers.filter((t) => t.won)).toHaveLength(1);
  });
});

describe('MuteStore', () => {
  it('lists a mute while it lasts and drops it when it ends; until-resolved mutes end with their incident', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    const mutes = new MuteStore(redis, keys, clock);
    const timed = await mutes.create({ match: { secret: 'prod/*' }, label: 'prod/*', duration: 2000, createdBy: 'U1' });
    const bound = await mutes.create({ match: { secret: 'prod/pg', incidentKey: 'k1' }, label: 'prod/pg rotation alerts', duration: 'until-resolved', createdBy: 'U1' });
    expect((await mutes.listActive()).map((m) => m.id)).toEqual([timed.id, bound.id]);
    clock.advance(2000);
    expect((await mutes.listActive()).map((m) => m.id)).toEqual([bound.id]);
    // Ended, but its record stays a day for the expiry notice (mute-expiry.ts); then it is swept.
    expect(await redis.hexists(keys.mutes, timed.id)).toBe(1);
    clock.advance(ENDED_MUTE_KEPT_MS + 1000);
    await mutes.listActive();
    expect(await redis.hexists(keys.mutes, timed.id)).toBe(0); // swept
    expect((await mutes.endUntilResolved('k2')).length).toBe(0);
    expect((await mutes.endUntilResolved('k1')).map((m) => m.id)).toEqual([bound.id]);
    expect(await mutes.listActive()).toEqual([]);
  });

  it('unmute by id or by secret', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    const mutes = new MuteStore(redis, keys, clock);
    const a = await mutes.create({ match: { secret: 'a' }, label: 'a', duration: 60_000, createdBy: 'U1' });
    await mutes.create({ match: { secret: 'b' }, label: 'b', duration: 60_000, createdBy: 'U1' });
    expect((await mutes.unmute(a.id)).map((m) => m.id)).toEqual([a.id]);
    expect((await mutes.unmute('b')).map((m) => m.label)).toEqual(['b']);
    expect(await mutes.unmute('b')).toEqual([]);
  });
});

describe('AuditStore', () => {
  it('keeps entries per secret and overall, newest first, and forgets them after the retention period', async () => {
    const clock = new ManualClock(Date.now());
    const lines: string[] = [];
    const logger = createLogger('info', [], { write: (l: string) => void lines.push(l) });
    const audit = new AuditStore(redis, keys, 60_000, clock, logger);
    const secret = { provider: 'aws' as const, account: '111122223333', region: 'eu-west-1', name: `audit/${randomBytes(2).toString('hex')}` };
    await audit.record({ actor: 'U1', action: 'rotate', phase: 'refused', result: 'not-operator', secret, via: 'button' });
    clock.advance(10);
    await audit.record({ actor: 'U2', action: 'rotate', phase: 'succeeded', cloudRequestId: 'req-1', secret, via: 'job' });
    const entries = await audit.ofSecret(secret);
    expect(entries.map((e) => e.phase)).toEqual(['succeeded', 'refused']);
    expect(entries[0]).toMatchObject({ actor: 'U2', cloudRequestId: 'req-1' });
    expect(lines.some((l) => l.includes('"audit"') && l.includes('not-operator') && l.includes(`"name":"${secret.name}"`))).toBe(true); // also in the structured log
    // The ARN of the same secret finds the same trail.
    expect(await audit.ofSecret({ ...secret, name: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${secret.name}-AbC123` })).toHaveLength(2);
    clock.advance(61_000);
    expect(await audit.ofSecret(secret)).toEqual([]);
  });
});
