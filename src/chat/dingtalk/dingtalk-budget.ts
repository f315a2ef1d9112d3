import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../../store/keys';

/**
 * A per-robot send budget shared by every process through Redis: DingTalk allows a custom robot
 * 20 messages a minute and throttles it for about 10 minutes when it gets more (errcode 130101,
 * wire-formats.md §8.1). The budget is counted here, before sending, so the bot never provokes
 * the throttle; `block` records one DingTalk imposed anyway.
 *
 * - `take` is one Lua script (atomic across processes): if the robot is blocked, say for how
 *   long; else drop sends older than the window from a ZSET, and either record this send or say
 *   when the oldest one leaves the window. Time is Redis's own (`TIME`), so processes on hosts
 *   with different clocks still agree.
 * - The window is a sliding one of `windowMs` (default 61 s, a second longer than DingTalk's
 *   minute): any 61 s holds at most `perMinute` sends, so any minute at DingTalk does too, even
 *   when requests take different times to arrive.
 * - A send is counted when it is taken, whether or not it then succeeds.
 *
 * Keys: `keys.dingtalkSends(robotId)` (ZSET, expires with the window) and
 * `keys.dingtalkBlock(robotId)` (expires with the block). `robotId` must not be a secret.
 */

export type BudgetDecision = { ok: true } | { ok: false; retryAfterMs: number; reason: 'budget' | 'blocked' };

export interface DingTalkBudgetOptions {
  /** Sends allowed per window; DingTalk allows 20 a minute. */
  perMinute: number;
  /** Window length in ms; default 61 000 (see above). Tests use short windows. */
  windowMs?: number;
}

const TAKE = `
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked, 1} end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return {0, wait, 0}
`;

/** Sets the block unless a longer one is already in place. */
const BLOCK = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
end
return 1
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const TAKE_SHA = sha1(TAKE);
const BLOCK_SHA = sha1(BLOCK);

export class DingTalkBudget {
  private readonly perMinute: number;
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<Keys, 'dingtalkSends' | 'dingtalkBlock'>,
    opts: DingTalkBudgetOptions,
  ) {
    if (!Number.isInteger(opts.perMinute) || opts.perMinute < 1)
      throw new Error('perMinute must be a positive integer');
    this.perMinute = opts.perMinute;
    this.windowMs = opts.windowMs ?? 61_000;
    if (!Number.isInteger(this.windowMs) || this.windowMs < 1)
      throw new Error('windowMs must be a positive integer');
  }

  /** Takes one send from the robot's budget, or says how long to wait. Rejects when Redis is unavailable. */
  async take(robotId: string): Promise<BudgetDecision> {
    const member = randomBytes(6).toString('hex');
    const [ok, wait, blocked] = (await this.run(
      TAKE,
      TAKE_SHA,
      [this.keys.dingtalkSends(robotId), this.keys.dingtalkBlock(robotId)],
      [String(this.perMinute), String(this.windowMs), member],
    )) as [number, number, number];
    if (ok === 1) return { ok: true };
    return {
      ok: false,
      retryAfterMs: Math.max(1, Number(wait)),
      reason: blocked === 1 ? 'blocked' : 'budget',
    };
  }

  /** No sends for `ms` (DingTalk said 130101); a longer block already in place is kept. */
  async block(robotId: string, ms: number): Promise<void> {
    const n = Math.max(1, Math.ceil(ms));
    await this.run(BLOCK, BLOCK_SHA, [this.keys.dingtalkBlock(robotId)], [String(n)]);
  }

  private async run(script: string, sha: string, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('NOSCRIPT')) throw e;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}
