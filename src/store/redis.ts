import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two kinds of connection:
 * - `command`: for the request path. Fails fast when Redis is away (no offline queue), so ingest
 *   answers 503 at once and the sender retries, instead of hanging past its timeout.
 * - `blocking`: for BullMQ workers/queues, which must retry forever (maxRetriesPerRequest: null).
 */
export function createRedis(url: string, kind: 'command' | 'blocking', extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    lazyConnect: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    ...extra,
  };
  if (kind === 'command') {
    return new Redis(url, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true });
  }
  return new Redis(url, { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true });
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
