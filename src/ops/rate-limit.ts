import type { Clock } from './clock';

/**
 * Requests per source address on the endpoints anyone can reach (cloud events, DingTalk callbacks,
 * action pages): a token bucket per address, kept in this process. `events` per `windowMs` refill
 * it, `burst` is its size. N web replicas allow N× the rate (no Redis round trip on the hot path).
 */
export interface RateLimit {
  events: number;
  windowMs: number;
  burst: number;
}

export interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision =
  | { allowed: true; bucket: Bucket }
  | { allowed: false; reason: 'rate-limited'; retryAfterMs: number; bucket: Bucket };

/** Pure bucket math: refill `bucket` up to `now`, then take one token if there is one. */
export function takeToken(bucket: Bucket | undefined, now: number, limit: RateLimit): RateDecision {
  const rate = limit.events / limit.windowMs; // tokens per ms
  const tokens = refilled(bucket, now, limit);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: now } };
  return {
    allowed: false,
    reason: 'rate-limited',
    retryAfterMs: Math.ceil((1 - tokens) / rate),
    bucket: { tokens, at: now },
  };
}

/** Tokens in `bucket` at `now` (a source never seen has a full bucket). */
export function refilled(bucket: Bucket | undefined, now: number, limit: RateLimit): number {
  if (bucket === undefined) return limit.burst;
  return Math.min(
    limit.burst,
    bucket.tokens + (Math.max(0, now - bucket.at) * limit.events) / limit.windowMs,
  );
}

/** One bucket per source; at most `maxSources` remembered (the least recently seen is forgotten first). */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly maxSources = 10_000,
  ) {}

  take(source: string): RateDecision {
    const decision = takeToken(this.buckets.get(source), this.clock.now(), this.limit);
    this.buckets.delete(source); // re-inserted last: the Map's order is least recently seen first
    this.buckets.set(source, decision.bucket);
    if (this.buckets.size > this.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
    return decision;
  }

  /** Sources remembered now. */
  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The address a request is limited by. Without a trusted proxy: the socket's peer. With
 * `trustedHops` proxies in front: the entry of X-Forwarded-For that the outermost trusted proxy
 * wrote (counting from the right: entries further left are whatever the client claimed).
 * IPv4-mapped IPv6 addresses are shown as IPv4; other IPv6 addresses count per /64 (one host's usual share).
 */
export function sourceAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  let address = peer ?? '';
  if (trustedHops > 0 && forwardedFor !== undefined) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const claimed = hops[Math.max(0, hops.length - trustedHops)];
    if (claimed !== undefined) address = claimed;
  }
  return addressKey(address);
}

function addressKey(address: string): string {
  const a = address
    .toLowerCase()
    .replace(/^\[([^\]]*)\](:\d+)?$/, '$1') // [v6]:port
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1'); // v4:port
  if (a.startsWith('::ffff:') && a.includes('.')) return a.slice(7);
  if (!a.includes(':')) return a.slice(0, 64);
  const [head = '', tail = ''] = a.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = a.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')
    .slice(0, 40)}::/64`;
}
