import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';

const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export type FollowUpClaim = { state: 'won'; token: string } | { state: 'done' } | { state: 'busy' };

/**
 * Follow-up bookkeeping in Redis:
 * - a claim per follow-up job id, the second guard behind BullMQ's job ids: `pending:<token>`
 *   while one worker shows it (expires, so a crashed worker's claim frees itself), then `done`
 *   for the retention period, so the same reminder is never shown twice — not after a restart,
 *   not when a replica plans it again after the finished job was cleaned up;
 * - the follow-up job ids planned per incident, so they can be removed when it resolves.
 */
export class FollowUpStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionMs: number,
  ) {}

  async claim(jobId: string, pendingTtlMs = 120_000): Promise<FollowUpClaim> {
    const key = this.keys.followUpClaim(jobId);
    const token = `pending:${randomUUID()}`;
    if ((await this.redis.set(key, token, 'PX', pendingTtlMs, 'NX')) === 'OK') return { state: 'won', token };
    return (await this.redis.get(key)) === 'done' ? { state: 'done' } : { state: 'busy' };
  }

  /** The follow-up was shown (or decided against): never again. */
  async finish(jobId: string): Promise<void> {
    await this.redis.set(this.keys.followUpClaim(jobId), 'done', 'PX', this.retentionMs);
  }

  /** Gives a claim back after a failure, so the retry can take it (only if it is still ours). */
  async release(jobId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE_LUA, 1, this.keys.followUpClaim(jobId), token);
  }

  async remember(incidentId: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const key = this.keys.followUpJobs(incidentId);
    await this.redis
      .multi()
      .sadd(key, ...jobIds)
      .pexpire(key, this.retentionMs)
      .exec();
  }

  /** The job ids planned for an incident, forgetting them. */
  async takeAll(incidentId: string): Promise<string[]> {
    const key = this.keys.followUpJobs(incidentId);
    const res = await this.redis.multi().smembers(key).del(key).exec();
    const members = res?.[0]?.[1];
    return Array.isArray(members) ? (members as string[]) : [];
  }
}
