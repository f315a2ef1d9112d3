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

/**
 * The bot's one HTTP server: its own routes by exact path (or by prefix, for routes that say so),
 * and everything under `slackPath` handed to the Bolt receiver's request listener (which verifies
 * Slack's signature itself). An exact route wins over a prefix one.
 */
export function createHttpServer(opts: {
  routes: Route[];
  slack?: { path: string; listener: (req: IncomingMessage, res: ServerResponse) => void };
  logger: Logger;
}): Server {
  const table = new Map(opts.routes.map((r) => [`${r.method} ${r.path}`, r.handler]));
  const paths = new Set(opts.routes.map((r) => r.path));
  const prefixed = opts.routes.filter((r) => r.prefix);
  const prefixOf = (pathname: string) => prefixed.find((r) => pathname.startsWith(r.path))?.path;
  const server = createServer((req, res) => {
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
