import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Logger } from '../../src/ops/logger';
import { digestOf, matchesDigest, sendJson } from './http-util';
import type { Mount } from './server';

/** Where the dashboard lives; everything else under `/admin/` answers 404. */
export const ADMIN_PREFIX = '/admin/';
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** The one user name the dashboard accepts (with ADMIN_PASSWORD). */
export const ADMIN_USER = 'admin';

export interface AdminDeps {
  /** ADMIN_PASSWORD; the dashboard is not mounted at all without it. */
  password: string;
  /** Every queue the bot uses. */
  queues: Queue[];
  /**
   * Queues shown but not changeable (no retry, add, edit, clean): a remediation retried or edited
   * here would act on a cloud without the chat's authorization, confirmation and audit, and a job
   * added to deliver-dingtalk would post any text as the bot.
   */
  readOnly: ReadonlySet<string>;
  /** PUBLIC_URL: a proxy may change Host, so its host is a same-site Origin too. */
  publicUrl?: string;
  logger: Logger;
}

/**
 * The Bull Board queue dashboard under `/admin/queues`, behind HTTP basic auth (user `admin`,
 * password ADMIN_PASSWORD, compared in constant time over SHA-256 digests). A changing request
 * (anything but GET/HEAD) from another site is refused, so a browser that remembers the password
 * cannot be made to retry or clean jobs by a page elsewhere.
 */
export function adminMount(deps: AdminDeps): Mount {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: deps.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: deps.readOnly.has(q.name) })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'secrets-bot queues' } },
  });
  const board = serverAdapter.getRouter() as express.Express;
  board.disable('x-powered-by');
  const app = express();
  app.disable('x-powered-by');
  app.use(QUEUE_DASHBOARD_PATH, board);
  const credentials = digestOf(`${ADMIN_USER}:${deps.password}`);
  const publicHost = deps.publicUrl ? new URL(deps.publicUrl).host : undefined;

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (!matchesDigest(basicCredentials(req.headers.authorization) ?? '', credentials)) {
      return sendJson(
        res,
        401,
        { error: 'authentication required' },
        { 'www-authenticate': 'Basic realm="secrets-bot admin", charset="UTF-8"' },
      );
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== QUEUE_DASHBOARD_PATH && !path.startsWith(`${QUEUE_DASHBOARD_PATH}/`))
      return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD' && isCrossSite(req, publicHost)) {
      deps.logger.warn(
        { method: req.method, path, origin: req.headers.origin },
        'cross-site request to the admin dashboard refused',
      );
      return sendJson(res, 403, { error: 'cross-site request refused' });
    }
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cache-control', 'no-store');
    app(req, res);
  };
  return { prefix: ADMIN_PREFIX, listener };
}

/** `user:password` from `Authorization: Basic …`, or undefined. */
export function basicCredentials(header: string | undefined): string | undefined {
  const m = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
}

/** True when the browser says the request comes from another site (Origin or Sec-Fetch-Site). */
function isCrossSite(req: IncomingMessage, publicHost: string | undefined): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    const host = new URL(origin).host;
    return host !== req.headers.host && host !== publicHost;
  } catch {
    return true;
  }
}
