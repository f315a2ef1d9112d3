import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Route } from './server';
import { sendJson, sendText } from './http-util';

/** `/healthz` (the process serves), `/readyz` (Redis answers), `/metrics` (Prometheus text). */
export function healthRoutes(deps: { redis: Redis; registry: Registry; beforeMetrics?: () => Promise<void> }): Route[] {
  return [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        try {
          await Promise.race([
            deps.redis.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
          ]);
          sendJson(res, 200, { status: 'ready' });
        } catch {
          sendJson(res, 503, { status: 'not ready', error: 'Redis does not answer' });
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        await deps.beforeMetrics?.().catch(() => undefined);
        sendText(res, 200, await deps.registry.metrics(), deps.registry.contentType);
      },
    },
  ];
}
