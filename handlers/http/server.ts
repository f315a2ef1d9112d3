import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../src/ops/logger';
import { sendJson } from './http-util';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: RouteHandler;
  /** Match every path that starts with `path` (which should end with `/`), e.g. `/actions/<token>`. */
  prefix?: boolean;
}

/** Everything under `prefix` (which should end with `/`), any method, handed to `listener` (the /admin/ dashboard). */
export interface Mount {
  prefix: string;
  listener: (req: IncomingMessage, res: ServerResponse) => void;
}

/** An incoming `X-Request-Id` is kept when it is 1–64 letters, digits and `._:-` (starting with a letter or digit). */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The request id of a request: the caller's `X-Request-Id` when sane, else a new UUID. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * The bot's one HTTP server: its own routes by exact path (or by prefix, for routes that say so),
 * everything under a mount's prefix handed to its listener, and everything under `slackPath`
 * handed to the Bolt receiver's request listener (which verifies Slack's signature itself). An
 * exact route wins over a prefix one. Every answer carries `X-Request-Id`, the id the handlers
 * log (the caller's own when sane): `req.headers['x-request-id']` holds it for them.
 */
export function createHttpServer(opts: {
  routes: Route[];
  slack?: { path: string; listener: (req: IncomingMessage, res: ServerResponse) => void };
  mounts?: Mount[];
  logger: Logger;
}): Server {
  const table = new Map(opts.routes.map((r) => [`${r.method} ${r.path}`, r.handler]));
  const paths = new Set(opts.routes.map((r) => r.path));
  const prefixed = opts.routes.filter((r) => r.prefix);
  const prefixOf = (pathname: string) => prefixed.find((r) => pathname.startsWith(r.path))?.path;
  const server = createServer((req, res) => {
    const requestId = requestIdFor(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(res, 400, { error: 'bad request target' });
    }
    const prefix = prefixOf(url.pathname);
    const handler =
      table.get(`${req.method} ${url.pathname}`) ??
      (prefix === undefined ? undefined : prefixed.find((r) => r.path === prefix && r.method === req.method)?.handler);
    if (handler) {
      Promise.resolve(handler(req, res, url)).catch((err) => {
        opts.logger.error({ err, path: url.pathname }, 'unhandled error in route');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
      return;
    }
    if (opts.slack && url.pathname === opts.slack.path && req.method === 'POST') return opts.slack.listener(req, res);
    const mount = opts.mounts?.find((m) => url.pathname.startsWith(m.prefix));
    if (mount) return mount.listener(req, res);
    if (paths.has(url.pathname) || prefix !== undefined || (opts.slack && url.pathname === opts.slack.path)) {
      return sendJson(res, 405, { error: `method ${req.method} not allowed on ${url.pathname}` });
    }
    sendJson(res, 404, { error: 'not found' });
  });
  server.keepAliveTimeout = 65_000; // longer than typical load balancer idle timeouts
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}
