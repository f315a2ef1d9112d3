import { loadConfig } from '../../../src/config/load-config';
import { ManualClock } from '../../../src/ops/clock';
import { SourceRateLimiter, sourceAddress, takeToken, type RateLimit } from '../../../src/ops/rate-limit';

const TEN_PER_SECOND: RateLimit = { events: 10, windowMs: 1000, burst: 10 };

describe('token bucket per source address', () => {
  it('lets a burst through, refuses the next request with the time until a token is back, and refills at the rate', () => {
    const clock = new ManualClock();
    const limiter = new SourceRateLimiter(TEN_PER_SECOND, clock);
    for (let i = 0; i < 10; i++) expect(limiter.take('198.51.100.7').allowed).toBe(true);
    const refused = limiter.take('198.51.100.7');
    expect(refused).toMatchObject({ allowed: false, reason: 'rate-limited', retryAfterMs: 100 });
    clock.advance(99);
    expect(limiter.take('198.51.100.7').allowed).toBe(false);
    clock.advance(1);
    expect(limiter.take('198.51.100.7').allowed).toBe(true);
    expect(limiter.take('198.51.100.7').allowed).toBe(false);
    clock.advance(1000); // a full second refills the whole bucket, and no more than that
    for (let i = 0; i < 10; i++) expect(limiter.take('198.51.100.7').allowed).toBe(true);
    expect(limiter.take('198.51.100.7').allowed).toBe(false);
  });

  it('a source that keeps sending at the rate is never refused; at twice the rate it gets the rate plus the burst', () => {
    const clock = new ManualClock();
    const limiter = new SourceRateLimiter(TEN_PER_SECOND, clock);
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      clock.advance(100);
      if (!limiter.take('a').allowed) refused += 1;
    }
    expect(refused).toBe(0);
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      clock.advance(50); // 1000 requests in 50 s: 10/s × 50 s + a burst of 10 get through
      if (limiter.take('a').allowed) accepted += 1;
    }
    expect(accepted).toBeGreaterThanOrEqual(509); // (floating point may lose the last half token)
    expect(accepted).toBeLessThanOrEqual(510);
  });

  it('one address exceeding its limit does not affect another', () => {
    const clock = new ManualClock();
    const limiter = new SourceRateLimiter(TEN_PER_SECOND, clock);
    for (let i = 0; i < 50; i++) limiter.take('203.0.113.1');
    expect(limiter.take('203.0.113.1').allowed).toBe(false);
    expect(limiter.take('203.0.113.2').allowed).toBe(true);
  });

  it('a slow window: 5 per minute with a burst of 2', () => {
    const limit: RateLimit = { events: 5, windowMs: 60_000, burst: 2 };
    const first = takeToken(undefined, 0, limit);
    const second = takeToken(first.bucket, 0, limit);
    const third = takeToken(second.bucket, 0, limit);
    expect([first.allowed, second.allowed, third.allowed]).toEqual([true, true, false]);
    expect(third).toMatchObject({ retryAfterMs: 12_000 });
    expect(takeToken(third.bucket, 12_000, limit).allowed).toBe(true);
  });

  it('remembers a bounded number of sources, forgetting the least recently seen first', () => {
    const clock = new ManualClock();
    const limiter = new SourceRateLimiter(TEN_PER_SECOND, clock, 100);
    for (let i = 0; i < 10; i++) limiter.take('busy');
    for (let i = 0; i < 1000; i++) {
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
      if (i % 50 === 0) expect(limiter.take('busy').allowed).toBe(false); // still remembered: no free refill
    }
    expect(limiter.size).toBe(100);
  });
});

describe('the source address of a request', () => {
  it.each([
    [
      'the socket peer when no proxy is trusted, whatever X-Forwarded-For says',
      '192.0.2.1',
      '198.51.100.9',
      0,
      '192.0.2.1',
    ],
    [
      'the entry the trusted proxy appended, not the client-claimed ones before it',
      '10.0.0.2',
      '6.6.6.6, 198.51.100.9',
      1,
      '198.51.100.9',
    ],
    [
      'two trusted proxies: the second entry from the right',
      '10.0.0.2',
      '6.6.6.6, 198.51.100.9, 10.0.0.9',
      2,
      '198.51.100.9',
    ],
    ['more hops trusted than entries: the left-most entry', '10.0.0.2', '198.51.100.9', 3, '198.51.100.9'],
    ['a trusted proxy that sent no header: the peer', '10.0.0.2', undefined, 1, '10.0.0.2'],
    ['an IPv4-mapped IPv6 peer as IPv4', '::ffff:127.0.0.1', undefined, 0, '127.0.0.1'],
    ['an IPv4 address with a port', '10.0.0.2', '198.51.100.9:4711', 1, '198.51.100.9'],
    ['IPv6 per /64', '2001:db8:1:2:aaaa::1', undefined, 0, '2001:db8:1:2::/64'],
    [
      'IPv6 per /64, compressed and with a port',
      '10.0.0.2',
      '[2001:db8:0:0:1::2]:443',
      1,
      '2001:db8:0:0::/64',
    ],
  ])('%s', (_name, peer, xff, hops, expected) => {
    expect(sourceAddress(peer, xff, hops)).toBe(expected);
  });

  it('two hosts of one IPv6 /64 share a bucket; another /64 does not', () => {
    expect(sourceAddress('2001:db8:1:2::10', undefined, 0)).toBe(
      sourceAddress('2001:db8:1:2:ffff::20', undefined, 0),
    );
    expect(sourceAddress('2001:db8:1:3::10', undefined, 0)).not.toBe(
      sourceAddress('2001:db8:1:2::10', undefined, 0),
    );
  });
});

describe('rate limit settings', () => {
  it.each([
    [{}, { events: 600, windowMs: 1000, burst: 600 }, 0],
    [{ INGEST_RATE_LIMIT: '0' }, undefined, 0],
    [{ INGEST_RATE_LIMIT: 'off' }, undefined, 0],
    [{ INGEST_RATE_LIMIT: '100/10s' }, { events: 100, windowMs: 10_000, burst: 100 }, 0],
    [{ INGEST_RATE_LIMIT: '50' }, { events: 50, windowMs: 1000, burst: 50 }, 0],
    [{ INGEST_RATE_LIMIT: '5/m', TRUST_PROXY: 'true' }, { events: 5, windowMs: 60_000, burst: 5 }, 1],
    [{ TRUST_PROXY: '2' }, { events: 600, windowMs: 1000, burst: 600 }, 2],
  ])('%j', (env, rateLimit, trustProxy) => {
    const config = loadConfig(env as NodeJS.ProcessEnv);
    expect(config.rate_limit).toEqual(rateLimit);
    expect(config.trust_proxy).toBe(trustProxy);
  });

  it.each([
    [{ INGEST_RATE_LIMIT: 'fast' }, /^INGEST_RATE_LIMIT \(rate_limit\.per_source\): "fast" is not a rate/],
    [{ INGEST_RATE_LIMIT: '-5/s' }, /INGEST_RATE_LIMIT .*is not a rate/],
    [{ TRUST_PROXY: 'yes' }, /^TRUST_PROXY \(trust_proxy\): /],
  ])('%j stops start-up naming the setting', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
