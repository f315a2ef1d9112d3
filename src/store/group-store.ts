import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { GroupArrival, SummaryState } from '../alerting/group';
import type { MessageRef } from '../chat/message';
import type { Keys } from './keys';

/**
 * Groups and summaries in Redis (see alerting/group.ts for what they mean).
 *
 * `arrive` is one Lua script, so any number of workers placing alerts of one group at once agree:
 * it counts the group's new alerts over the interval, joins the group's summary when it has one,
 * and otherwise starts one when the count passes the threshold — taking in every alert of the
 * interval. Members get consecutive sequence numbers (their order in the thread's list).
 */

/** Where a summary is shown. */
export type SummaryDestination = { platform: 'slack'; channel: string } | { platform: 'dingtalk'; robot: string };

export interface StoredSummary extends SummaryState {
  destination: SummaryDestination;
  /** The summary message, once posted (Slack). */
  ref?: MessageRef;
  /** Members listed in the thread (or in DingTalk follow-ups) so far. */
  listed: number;
  /** What the message shows now (group.ts summaryFingerprint). */
  shown?: string;
  /** DingTalk: when the last summary card was queued (ms). */
  lastSentAt?: number;
  /** When its members' repeat last posted it anew (ms). */
  repeatedAt?: number;
}

const ARRIVE = `
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local threshold = tonumber(ARGV[4])
local idle = tonumber(ARGV[5])
local retention = tonumber(ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window))
redis.call('ZADD', KEYS[1], 'NX', now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.max(window, 1))
local active = redis.call('GET', KEYS[2])
if active then
  redis.call('PEXPIRE', KEYS[2], idle)
  local members = ARGV[7] .. active
  if not redis.call('ZSCORE', members, ARGV[1]) then
    redis.call('ZADD', members, redis.call('ZCARD', members), ARGV[1])
  end
  redis.call('PEXPIRE', members, retention)
  return {'summary-joined', active}
end
if threshold > 0 and redis.call('ZCARD', KEYS[1]) > threshold then
  local id = ARGV[6]
  redis.call('SET', KEYS[2], id, 'PX', idle)
  local recent = redis.call('ZRANGE', KEYS[1], 0, -1)
  local members = ARGV[7] .. id
  for i = 1, #recent do redis.call('ZADD', members, i - 1, recent[i]) end
  redis.call('PEXPIRE', members, retention)
  return {'summary-started', id}
end
return {'alone', ''}
`;
const ARRIVE_SHA = createHash('sha1').update(ARRIVE).digest('hex');
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface ArriveInput {
  groupId: string;
  incidentKey: string;
  now: number;
  groupInterval: number;
  threshold: number;
  idleMs: number;
  /** The id a summary started now gets. */
  newSummaryId: string;
}

export class GroupStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionMs: number,
  ) {}

  async arrive(a: ArriveInput): Promise<GroupArrival> {
    const keys = [this.keys.groupRecent(a.groupId), this.keys.groupActive(a.groupId)];
    const args = [
      a.incidentKey,
      String(a.now),
      String(Math.max(1, a.groupInterval)),
      String(a.threshold),
      String(Math.max(1, a.idleMs)),
      a.newSummaryId,
      this.keys.summaryMembersPrefix,
      String(this.retentionMs),
    ];
    let r: unknown;
    try {
      r = await this.redis.evalsha(ARRIVE_SHA, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('NOSCRIPT')) throw e;
      r = await this.redis.eval(ARRIVE, keys.length, ...keys, ...args);
    }
    const [status, summaryId] = r as [string, string];
    if (status === 'summary-started' || status === 'summary-joined') return { status, summaryId };
    return { status: 'alone' };
  }

  /** Saves a new summary's state unless it exists (another worker started it). */
  async create(summary: StoredSummary): Promise<void> {
    await this.redis.set(this.keys.summary(summary.id), JSON.stringify(summary), 'PX', this.retentionMs, 'NX');
  }

  async get(summaryId: string): Promise<StoredSummary | undefined> {
    if (!/^s[a-f0-9]{32}$/.test(summaryId)) return undefined;
    const raw = await this.redis.get(this.keys.summary(summaryId));
    return raw ? (JSON.parse(raw) as StoredSummary) : undefined;
  }

  async save(summary: StoredSummary): Promise<void> {
    await this.redis.set(this.keys.summary(summary.id), JSON.stringify(summary), 'PX', this.retentionMs);
  }

  /** Incident keys of the members, in the order they joined. */
  async members(summaryId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.summaryMembersPrefix + summaryId, 0, -1);
  }

  /** Takes the summary's flush lock; undefined when another worker flushes it now. */
  async lock(summaryId: string, ttlMs = 30_000): Promise<(() => Promise<void>) | undefined> {
    const token = randomUUID();
    const key = this.keys.summaryLock(summaryId);
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    return async () => {
      await this.redis.eval(RELEASE_LUA, 1, key, token);
    };
  }
}
