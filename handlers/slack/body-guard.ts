import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { isValidSlackRequest } from '@slack/bolt';
import { HttpError, readBody } from '../http/http-util';

/**
 * In front of Bolt, after the replay guard: reads the body once (at most `bodyLimit` bytes, else
 * 413), leaves it on `req.rawBody` where Bolt's receiver reuses it, and refuses with 400 a validly
 * signed body Bolt cannot handle safely (unsigned ones go on to Bolt, which answers 401). Bolt parses the body the same way (form `payload` JSON, other form
 * fields, or JSON) but assumes an object of the shape Slack sends: a signed body of `null` makes
 * it throw outside any handler and end the process, and an action without `actions` makes it
 * answer 500. Only someone holding the signing secret can send such a body, but it must never
 * take the bot down. Bolt still checks the signature of everything that passes.
 */
export function createSlackBodyGuard(opts: { bodyLimit: number; signingSecret: string }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const refuse = (status: number, error: string) => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
      return false;
    };
    let raw: Buffer;
    try {
      raw = await readBody(req, opts.bodyLimit);
    } catch (e) {
      return refuse(e instanceof HttpError ? e.status : 400, (e as Error).message);
    }
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    const text = raw.toString('utf8');
    // Unsigned or forged: Bolt refuses it (401) without parsing it as an event; only signed bodies are checked here.
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (typeof signature !== 'string' || !isValidSlackRequest({ signingSecret: opts.signingSecret, body: text, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } })) {
      return true;
    }
    const problem = shapeProblem(text, req.headers['content-type']);
    return problem === undefined ? true : refuse(400, problem);
  };
}

/** Why Bolt could not handle this body, or undefined when it can. Exported for tests. */
export function shapeProblem(text: string, contentType: string | undefined): string | undefined {
  let body: unknown;
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      if (form.ssl_check === '1') return undefined;
      body = typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
      if (typeof form.payload !== 'string' && typeof form.command !== 'string') return 'not a Slack command or interaction';
    } else {
      body = JSON.parse(text);
    }
  } catch {
    return 'body is not valid JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object';
  const b = body as Record<string, unknown>;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  switch (b.type) {
    case undefined:
      return typeof b.command === 'string' ? undefined : 'not a Slack command or interaction';
    case 'url_verification':
      return typeof b.challenge === 'string' ? undefined : 'url_verification without a challenge';
    case 'event_callback':
      return isObject(b.event) && typeof b.event.type === 'string' ? undefined : 'event_callback without an event';
    case 'block_actions':
      return Array.isArray(b.actions) && b.actions.length > 0 && b.actions.every((a) => isObject(a) && typeof a.action_id === 'string') && isObject(b.user)
        ? undefined
        : 'block_actions without actions or user';
    case 'view_submission':
    case 'view_closed':
      return isObject(b.view) && typeof b.view.callback_id === 'string' && isObject(b.user) ? undefined : `${String(b.type)} without a view or user`;
    default:
      return `interaction type ${JSON.stringify(String(b.type)).slice(0, 60)} is not handled by this app`;
  }
}
