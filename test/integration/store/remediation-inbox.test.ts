/**
 * Clicks acknowledged but not yet answered (RemediationInbox, ClickIntake) against real Redis: a
 * click whose process dies right after Slack's ack is taken over by another process after the lease
 * and handled — queued exactly once, "requested" recorded, the clicker answered — even when the dead
 * process had already claimed the remediation.
 */
import { Redis } from 'ioredis';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../../e2e/harness';
import { ManualClock } from '../../../src/ops/clock';
import { createLogger } from '../../../src/ops/logger';
import { remediationClaimId, remediationJobIdStem, type RemediateJob } from '../../../src/queue/queues';
import { ClickIntake, type PendingClick } from '../../../src/remediation/click-intake';
import type { RemediationDeps } from '../../../src/remediation/flow';
import { AuditStore } from '../../../src/store/audit-store';
import { IncidentStore } from '../../../src/store/incident-store';
import { createKeys } from '../../../src/store/keys';
import { RemediationClaims } from '../../../src/store/remediation-claims';
import { RemediationInbox } from '../../../src/store/remediation-inbox';

const prefix = uniquePrefix();
const keys = createKeys(prefix);
const LEASE = 60_000;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  redis.disconnect();
  await cleanupPrefix(prefix);
});

describe('RemediationInbox', () => {
  it('keeps a click until it is removed; hands it over only after its lease, and to one taker at a time', async () => {
    const inbox = new RemediationInbox(redis, keys, LEASE);
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    await inbox.put({ id: 'c-lease', json: '{"x":1}' }, t0);
    expect(await inbox.takeDue(t0 + LEASE - 1)).toEqual([]); // its process may still be answering it
    expect(await inbox.takeDue(t0 + LEASE)).toEqual([{ id: 'c-lease', json: '{"x":1}' }]);
    expect(await inbox.takeDue(t0 + LEASE + 1)).toEqual([]); // leased to the first taker
    expect(await inbox.takeDue(t0 + 2 * LEASE)).toEqual([{ id: 'c-lease', json: '{"x":1}' }]); // that one died too
    await inbox.remove('c-lease');
    expect(await inbox.takeDue(t0 + 10 * LEASE)).toEqual([]);
  });
});

describe('ClickIntake: a process dies right after the ack', () => {
  const ref = {
    alertId: '',
    provider: 'aws' as const,
    account: '111122223333',
    region: 'eu-west-1',
    secretName: '',
  };
  const rig = () => {
    const clock = new ManualClock();
    const logger = createLogger('silent');
    const queued: RemediateJob[] = [];
    const answers: Array<{ url: string; text: string }> = [];
    const deps: RemediationDeps = {
      policy: { operators: ['U1', 'U2'], actions: {} },
      claims: new RemediationClaims(redis, keys, { pendingTtlMs: 3_600_000, generationTtlMs: 3_600_000 }),
      audit: new AuditStore(redis, keys, 3_600_000, clock, logger),
      clouds: { get: () => ({}) as never },
      incidents: new IncidentStore(redis, keys, 3_600_000),
      queue: { add: async (job) => void queued.push(job) },
      recentlyDoneMs: 60_000,
      clock,
      logger,
    };
    const intake = new ClickIntake(new RemediationInbox(redis, keys, LEASE), deps, {
      concurrency: 4,
      recoverEveryMs: 60_000,
      answer: async (url, text) => void answers.push({ url, text }),
    });
    return { clock, deps, intake, queued, answers };
  };
  const click = (secretId: string, user = 'U1'): PendingClick => {
    const id = ClickIntake.newId();
    return {
      id,
      request: { action: 'retryRotation', ref: { ...ref, secretId }, user, channel: 'C1', via: 'button' },
      responseUrl: `http://127.0.0.1:1/respond/${id}`,
    };
  };
  const inboxSize = () => redis.hlen(keys.remediationInbox);

  it('another process takes the stored click over after the lease: queued once, the clicker answered, the inbox emptied', async () => {
    const dead = rig();
    const c = click(`prod/a-${prefix}`);
    await dead.intake.accept(c); // stored, acknowledged … and the process is gone before handling it
    const before = await inboxSize();

    const live = rig();
    live.clock.set(dead.clock.now() + LEASE);
    expect(await live.intake.recover()).toBeGreaterThanOrEqual(1);
    await live.intake.stop();
    expect(live.queued.filter((j) => j.target.secretId === c.request.ref.secretId)).toHaveLength(1);
    expect(live.answers.find((a) => a.url === c.responseUrl)?.text).toMatch(/is queued/);
    expect(await inboxSize()).toBe(before - 1);
    const history = await live.deps.audit.ofSecret({
      provider: 'aws',
      account: ref.account,
      region: ref.region,
      name: c.request.ref.secretId,
    });
    expect(history.map((e) => e.phase)).toEqual(['queued', 'allowed']);
  });

  it('a click that had claimed before its process died resumes its own claim (same job id), while other clicks hear "in progress"', async () => {
    const dead = rig();
    const c = click(`prod/b-${prefix}`);
    await dead.intake.accept(c);
    // The dead process got as far as the claim, not the queue.
    const target = {
      provider: 'aws' as const,
      account: ref.account,
      region: ref.region,
      secretId: c.request.ref.secretId,
      name: c.request.ref.secretId,
    };
    const claimId = remediationClaimId('retryRotation', target, '');
    const taken = await dead.deps.claims.claim(
      {
        claimId,
        action: 'retryRotation',
        target,
        alertId: '',
        forEvent: '',
        requestedBy: 'U1',
        requestedAt: new Date(dead.clock.now()).toISOString(),
        requestId: c.id,
      },
      remediationJobIdStem('retryRotation', claimId),
    );
    expect(taken.won).toBe(true);

    const live = rig();
    const other = click(c.request.ref.secretId, 'U2');
    await live.intake.accept(other);
    live.intake.handle(other);
    await live.intake.stop();
    expect(live.answers.find((a) => a.url === other.responseUrl)?.text).toMatch(/already in progress/);
    expect(live.queued).toHaveLength(0);

    live.clock.set(dead.clock.now() + LEASE);
    await live.intake.recover();
    await live.intake.stop();
    expect(live.queued.map((j) => j.jobId)).toEqual([taken.won ? taken.claim.jobId : '']);
    expect(live.answers.filter((a) => a.url === c.responseUrl).map((a) => a.text)).toEqual([
      expect.stringMatching(/is queued/),
    ]);
  });
});
