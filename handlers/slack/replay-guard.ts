import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';

/**
 * In front of Bolt's signature check: refuses a request whose exact signature was seen in the
 * last 6 minutes (a replayed body — the signature covers timestamp and body, so a copy has the
 * same one) and timestamps more than 5 minutes away in either direction (Bolt only checks the
 * past). A signature is remembered with one SET NX; if Redis does not answer, the request goes on
 * to Bolt (remediation is idempotent by its own claims), so Slack stays usable.
 */
export function createSlackReplayGuard(redis: Redis, keyOf: (digest: string) => string, now: () => number = Date.now) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const refuse = (error: string) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
      return false;
    };
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return true; // Bolt refuses these itself
    if (Math.abs(now() / 1000 - timestamp) > 300) return refuse('stale or future request timestamp');
    const digest = createHash('sha256').update(signature).digest('hex').slice(0, 32);
    try {
      const first = await redis.set(keyOf(digest), '1', 'PX', 360_000, 'NX');
      if (first !== 'OK') return refuse('replayed request');
    } catch {
      /* Redis away: let Bolt decide */
    }
    return true;
  };
}
