import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Slack's posting limit, kept before Slack has to say so: about one message per second per channel
 * with short bursts (wire-formats.md §9.5). Shared by every process through Redis, so two workers
 * (or two replicas) posting into one channel count against one budget.
 *
 * GCRA (the generic cell rate algorithm, a token bucket stored as one timestamp): each channel has a
 * "theoretical arrival time" (TAT). A post at `now` is allowed when TAT − now ≤ interval × (burst − 1);
 * it then moves TAT on by one interval. Otherwise the answer is how long to wait. One Lua script,
 * one key per channel, expiring as soon as the channel is idle again. Time is Redis's (`TIME`), so
 * hosts with different clocks agree.
 *
 * The interval is 5 % longer than 1/perSecond: clocks and network delays differ between the bot and
 * Slack, and a budget exactly at the limit would now and then step over it.
 *
 * Only new messages (chat.postMessage, top-level or in a thread) count: edits in place
 * (chat.update) and ephemeral messages are not what floods a channel.
 */

export type ChannelBudgetDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface SlackChannelBudgetOptions {
  /** Messages per second a channel gets on average (Slack: about 1). */
  perSecond: number;
  /** Messages a quiet channel may receive at once. */
  burst: number;
}

const TAKE = `
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tolerance then
  return tat - now - tolerance
end
local nextTat = tat + interval
redis.call('SET', KEYS[1], nextTat, 'PX', math.max(1, nextTat - now))
return 0
`;
const TAKE_SHA = createHash('sha1').update(TAKE).digest('hex');

export class SlackChannelBudget {
  private readonly intervalMs: number;
  private readonly burst: number;

  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (channel: string) => string,
    opts: SlackChannelBudgetOptions,
  ) {
    if (!(opts.perSecond > 0)) throw new Error('perSecond must be > 0');
    if (!Number.isInteger(opts.burst) || opts.burst < 1) throw new Error('burst must be an integer ≥ 1');
    this.intervalMs = Math.max(1, Math.round(1050 / opts.perSecond));
    this.burst = opts.burst;
  }

  /** Takes one message from the channel's budget, or says how long to wait. Rejects when Redis is unavailable. */
  async take(channel: string): Promise<ChannelBudgetDecision> {
    const key = this.keyOf(channel);
    const args = [String(this.intervalMs), String(this.burst)];
    let wait: unknown;
    try {
      wait = await this.redis.evalsha(TAKE_SHA, 1, key, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('NOSCRIPT')) throw e;
      wait = await this.redis.eval(TAKE, 1, key, ...args);
    }
    const ms = Number(wait);
    return ms <= 0 ? { ok: true } : { ok: false, retryAfterMs: Math.max(1, Math.ceil(ms)) };
  }
}
