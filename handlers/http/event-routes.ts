import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  receiveAlibabaDelivery,
  receiveAwsDelivery,
  type DeliveryContext,
  type DeliveryOutcome,
  type ReceiveDeps,
} from '../../src/alerting/receive';
import { BotError } from '../../src/ops/errors';
import { sourceAddress, type SourceRateLimiter } from '../../src/ops/rate-limit';
import {
  digestOf,
  HttpError,
  matchesDigest,
  mediaType,
  parseJson,
  readBody,
  sendJson,
  tokenOf,
} from './http-util';
import type { Route } from './server';

export interface EventRouteDeps extends ReceiveDeps {
  ingestToken?: string;
  bodyLimit: number;
  /** Requests per source address (config `rate_limit`); absent: no limit. */
  sourceLimit?: SourceLimit;
}

export interface SourceLimit {
  limiter: SourceRateLimiter;
  /** Proxies whose X-Forwarded-For is believed (config `trust_proxy`). */
  trustProxy: number;
}

/** Seconds to wait when the request's source is over its rate, or undefined when it may go on. */
export function rateLimitedFor(req: IncomingMessage, limit: SourceLimit | undefined): number | undefined {
  if (limit === undefined) return undefined;
  const source = sourceAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], limit.trustProxy);
  const decision = limit.limiter.take(source);
  return decision.allowed ? undefined : Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}

function tooManyRequests(res: ServerResponse, retryAfter: number, extra: Record<string, string> = {}): void {
  sendJson(
    res,
    429,
    { error: `too many requests from this address; retry after ${retryAfter} s`, ...extra },
    { 'retry-after': String(retryAfter) },
  );
}

/** Wraps routes (DingTalk callbacks, action pages) so each request first passes its source's rate limit: beyond it 429, nothing read. */
export function limitBySource(routes: Route[], limit: SourceLimit | undefined): Route[] {
  if (limit === undefined) return routes;
  return routes.map((route) => ({
    ...route,
    handler: (req, res, url) => {
      const retryAfter = rateLimitedFor(req, limit);
      if (retryAfter !== undefined) return tooManyRequests(res, retryAfter);
      return route.handler(req, res, url);
    },
  }));
}

const AWS_TYPES = new Set(['application/json', 'text/plain']); // SNS posts JSON as text/plain
const ALIBABA_TYPES = new Set(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);

/** `POST /events/aws` and `POST /events/alibaba`: verify, parse, call one function in src/, map its answer. */
export function createEventHandler(provider: 'aws' | 'alibaba', deps: EventRouteDeps) {
  const accepted = provider === 'aws' ? AWS_TYPES : ALIBABA_TYPES;
  const tokenDigest = deps.ingestToken ? digestOf(deps.ingestToken) : undefined; // once, not per request
  const endpoint = `/events/${provider}`;
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const started = process.hrtime.bigint();
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    const refuse = (status: number, error: string, outcome: string) => {
      deps.metrics.eventsReceived.inc({ source: provider, kind: 'none', outcome });
      sendJson(res, status, { error, requestId });
      if (status >= 500) deps.logger.warn({ requestId, endpoint, status, error }, 'event refused');
      else deps.logger.info({ requestId, endpoint, status, error }, 'event refused');
    };
    try {
      const retryAfter = rateLimitedFor(req, deps.sourceLimit);
      if (retryAfter !== undefined) {
        // Not logged per request (a flood would flood the log): counted in secrets_bot_events_received_total.
        deps.metrics.eventsReceived.inc({ source: provider, kind: 'none', outcome: 'rate-limited' });
        return tooManyRequests(res, retryAfter, { requestId });
      }
      const type = mediaType(req);
      if (!accepted.has(type))
        return refuse(
          415,
          `unsupported content type "${type || 'none'}"; send ${[...accepted].join(' or ')}`,
          'refused',
        );
      const token = tokenOf(req, url);
      let tokenState: DeliveryContext['token'] = 'missing';
      if (token !== undefined) {
        if (!tokenDigest || !matchesDigest(token, tokenDigest))
          return refuse(403, 'wrong ingest token', 'refused');
        tokenState = 'valid';
      }
      const raw = await readBody(req, deps.bodyLimit);
      let body: unknown;
      if (type === 'application/x-www-form-urlencoded') {
        body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      } else {
        const parsed = parseJson(raw);
        if (!parsed.ok) {
          if (tokenState !== 'valid')
            return refuse(401, 'missing ingest token (Authorization: Bearer or ?token=)', 'refused');
          return refuse(400, 'body is not valid JSON', 'invalid');
        }
        body = parsed.value;
      }
      const ctx: DeliveryContext = { token: tokenState, requestId, receivedAt: new Date().toISOString() };
      const outcome =
        provider === 'aws'
          ? await receiveAwsDelivery(body, ctx, deps)
          : await receiveAlibabaDelivery(body, ctx, deps);
      respond(res, outcome, requestId, provider, deps);
    } catch (e) {
      if (e instanceof HttpError) return refuse(e.status, e.message, 'refused');
      if (e instanceof BotError && e.retryable)
        return refuse(503, `${e.code}: cannot store the event now, retry later`, 'unavailable');
      if (e instanceof BotError && (e.code === 'INGEST.UNTRUSTED_URL' || e.code === 'INGEST.BAD_SIGNATURE'))
        return refuse(403, e.message, 'refused');
      deps.logger.error({ err: e, requestId, endpoint }, 'ingest failed');
      return refuse(500, `internal error, ref ${requestId}`, 'error');
    } finally {
      deps.metrics.ingestSeconds.observe({ endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

function respond(
  res: ServerResponse,
  outcome: DeliveryOutcome,
  requestId: string,
  source: string,
  deps: EventRouteDeps,
): void {
  const count = (kind: string, result: string) =>
    deps.metrics.eventsReceived.inc({ source, kind, outcome: result });
  switch (outcome.status) {
    case 'accepted':
      count(outcome.kind, 'accepted');
      return sendJson(res, 202, { status: 'accepted', id: outcome.eventKey, requestId });
    case 'duplicate':
      count('unknown', 'duplicate');
      return sendJson(res, 200, { status: 'duplicate', id: outcome.eventKey, requestId });
    case 'ignored':
      count('none', 'ignored');
      return sendJson(res, 200, { status: 'ignored', reason: outcome.reason, requestId });
    case 'subscription-confirmed':
    case 'unsubscribed':
      count('none', 'ignored');
      return sendJson(res, 200, { status: outcome.status, requestId });
    case 'invalid':
      count('none', 'invalid');
      return sendJson(res, 400, { error: outcome.error, requestId });
    case 'unauthorized':
      count('none', 'refused');
      return sendJson(res, 401, { error: outcome.error, requestId });
    case 'forbidden':
      count('none', 'refused');
      return sendJson(res, 403, { error: outcome.error, requestId });
  }
}
