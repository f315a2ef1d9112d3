import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake DingTalk custom robot (群自定义机器人) on 127.0.0.1 (wire-formats.md §8.1, §8.3).
 *
 * POST /robot/send?access_token=…&timestamp=…&sign=…
 * - checks the access token (300001 "token is not exist"), the timestamp (within 1 hour, else
 *   310000 "invalid timestamp") and the signature exactly as DingTalk does:
 *   sign = urlEncode(base64(HmacSHA256(secret, timestamp + "\n" + secret))) (310000 "sign not match");
 * - optionally custom keywords (310000 "keywords not in content");
 * - throttles like the real robot: the 21st message within a minute is answered 130101 "send too
 *   fast, exceed 20 times per minute", and so is everything for the throttle period after it;
 * - checks the body: JSON, at most 20000 bytes, a known msgtype with its required fields;
 * - always answers HTTP 200 with {errcode, errmsg}, except for injected HTTP failures.
 * POST /robot/sendBySession?session=… records replies to a robot-callback session webhook.
 *
 * Everything is recorded: `messages` (accepted), `requests` (every request with its outcome) and
 * `sessionReplies`. Failure injection: `failNext` (HTTP status or errcode), `delayNext`.
 */

export interface FakeDingTalkOptions {
  accessToken?: string;
  secret?: string;
  /** Messages allowed per window before throttling; DingTalk: 20. */
  limit?: number;
  /** Window for `limit`; DingTalk: one minute. */
  windowMs?: number;
  /** How long the robot stays throttled; DingTalk: about 10 minutes. */
  throttleMs?: number;
  /** Custom keywords security setting: a message must contain one. */
  keywords?: string[];
  /** The fake's clock (ms). */
  now?: () => number;
}

export interface FakeDingTalkMessage {
  at: number;
  timestamp: number;
  body: Record<string, unknown>;
}

export interface FakeDingTalkRequest {
  at: number;
  path: string;
  /** The raw query values as received (tests check these never leak into errors). */
  accessToken: string | null;
  timestamp: string | null;
  sign: string | null;
  signatureValid: boolean;
  status: number;
  errcode?: number;
  errmsg?: string;
}

export type FakeDingTalkFailure = { status: number } | { errcode: number; errmsg: string };

export const DINGTALK_MAX_BYTES = 20_000;

export class FakeDingTalk {
  readonly messages: FakeDingTalkMessage[] = [];
  readonly requests: FakeDingTalkRequest[] = [];
  readonly sessionReplies: Array<{ session: string; at: number; body: Record<string, unknown> }> = [];
  readonly accessToken: string;
  readonly secret: string;
  port = 0;
  /** Until when (fake clock ms) the robot is throttled. */
  throttledUntil = 0;

  private server?: Server;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly throttleMs: number;
  private readonly keywords: string[];
  private readonly now: () => number;
  private readonly accepted: number[] = [];
  private failures: FakeDingTalkFailure[] = [];
  private delays: number[] = [];
  private readonly sessions = new Map<string, number>();

  constructor(opts: FakeDingTalkOptions = {}) {
    this.accessToken = opts.accessToken ?? randomBytes(32).toString('hex');
    this.secret = opts.secret ?? `SEC${randomBytes(32).toString('hex')}`;
    this.limit = opts.limit ?? 20;
    this.windowMs = opts.windowMs ?? 60_000;
    this.throttleMs = opts.throttleMs ?? 10 * 60_000;
    this.keywords = opts.keywords ?? [];
    this.now = opts.now ?? Date.now;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The robot's webhook as DingTalk shows it (DINGTALK_WEBHOOK_URL). */
  get webhookUrl(): string {
    return `${this.baseUrl}/robot/send?access_token=${this.accessToken}`;
  }

  /** Answers of the fake, by errcode, in order. */
  errcodes(): Array<number | undefined> {
    return this.requests.map((r) => r.errcode);
  }

  /** The next `count` robot sends fail this way (after authentication, before throttling). */
  failNext(failure: FakeDingTalkFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** The next robot send is answered after `ms`. */
  delayNext(ms: number): void {
    this.delays.push(ms);
  }

  /** A session webhook as a robot callback carries it (`sessionWebhook`), valid for `ttlMs`. */
  createSession(ttlMs = 90 * 60_000): string {
    const session = randomBytes(12).toString('hex');
    this.sessions.set(session, this.now() + ttlMs);
    return `${this.baseUrl}/robot/sendBySession?session=${session}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks), res).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  // -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/robot/sendBySession')
      return this.handleSession(url, raw, res);
    if (req.method !== 'POST' || url.pathname !== '/robot/send') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }

    const at = this.now();
    const record: FakeDingTalkRequest = {
      at,
      path: url.pathname,
      accessToken: url.searchParams.get('access_token'),
      timestamp: url.searchParams.get('timestamp'),
      sign: url.searchParams.get('sign'),
      signatureValid: false,
      status: 200,
    };
    this.requests.push(record);
    const answer = (errcode: number, errmsg: string) => {
      record.errcode = errcode;
      record.errmsg = errmsg;
      res
        .writeHead(200, { 'content-type': 'application/json;charset=utf-8' })
        .end(JSON.stringify({ errcode, errmsg }));
    };

    const delay = this.delays.shift();
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    if (res.destroyed) return;

    if (record.accessToken !== this.accessToken) return answer(300001, 'token is not exist');
    const ts = Number(record.timestamp);
    if (record.timestamp === null || !/^\d{13}$/.test(record.timestamp) || Math.abs(at - ts) > 3_600_000)
      return answer(310000, 'invalid timestamp');
    record.signatureValid = this.signatureMatches(record.timestamp, record.sign);
    if (!record.signatureValid) return answer(310000, 'sign not match');

    const failure = this.failures.shift();
    if (failure !== undefined) {
      if ('status' in failure) {
        record.status = failure.status;
        res.writeHead(failure.status, { 'content-type': 'text/html' }).end('<html>upstream error</html>');
        return;
      }
      return answer(failure.errcode, failure.errmsg);
    }

    if (at < this.throttledUntil) return answer(130101, 'send too fast, exceed 20 times per minute');
    while (this.accepted.length > 0 && this.accepted[0]! <= at - this.windowMs) this.accepted.shift();
    if (this.accepted.length >= this.limit) {
      this.throttledUntil = at + this.throttleMs;
      return answer(130101, 'send too fast, exceed 20 times per minute');
    }

    if (raw.length > DINGTALK_MAX_BYTES) return answer(460101, 'message too long, exceed 20000 bytes');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return answer(40035, 'param error: body is not JSON');
    }
    const problem = bodyProblem(body);
    if (problem !== undefined) return answer(40035, `param error: ${problem}`);
    if (this.keywords.length > 0 && !this.keywords.some((k) => raw.toString('utf8').includes(k)))
      return answer(310000, 'keywords not in content');

    this.accepted.push(at);
    this.messages.push({ at, timestamp: ts, body });
    return answer(0, 'ok');
  }

  private handleSession(url: URL, raw: Buffer, res: ServerResponse): void {
    const session = url.searchParams.get('session') ?? '';
    const expires = this.sessions.get(session);
    const reply = (errcode: number, errmsg: string): void => {
      res
        .writeHead(200, { 'content-type': 'application/json;charset=utf-8' })
        .end(JSON.stringify({ errcode, errmsg }));
    };
    // [U] the real errcode for an unknown or expired session is not documented.
    if (expires === undefined || this.now() > expires)
      return reply(300001, 'session is not exist or expired');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return reply(40035, 'param error: body is not JSON');
    }
    const problem = bodyProblem(body);
    if (problem !== undefined) return reply(40035, `param error: ${problem}`);
    this.sessionReplies.push({ session, at: this.now(), body });
    return reply(0, 'ok');
  }

  private signatureMatches(timestamp: string, sign: string | null): boolean {
    if (sign === null) return false;
    // searchParams.get already undid the URL encoding the client applied.
    const expected = createHmac('sha256', this.secret)
      .update(`${timestamp}\n${this.secret}`, 'utf8')
      .digest('base64');
    const a = Buffer.from(sign, 'utf8');
    const b = Buffer.from(expected, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** What DingTalk would refuse about a message body, or undefined. */
function bodyProblem(body: Record<string, unknown>): string | undefined {
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  const obj = (v: unknown) =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  switch (body.msgtype) {
    case 'text':
      return str(obj(body.text)?.content) ? undefined : 'text.content';
    case 'markdown': {
      const m = obj(body.markdown);
      return str(m?.title) && str(m?.text) ? undefined : 'markdown.title/text';
    }
    case 'link': {
      const l = obj(body.link);
      return str(l?.title) && str(l?.text) && str(l?.messageUrl) ? undefined : 'link.title/text/messageUrl';
    }
    case 'actionCard': {
      const c = obj(body.actionCard);
      if (!str(c?.title) || !str(c?.text)) return 'actionCard.title/text';
      if (str(c?.singleTitle) && str(c?.singleURL)) return undefined;
      const btns = c?.btns;
      if (!Array.isArray(btns) || btns.length === 0) return 'actionCard.btns';
      for (const b of btns)
        if (!str(obj(b)?.title) || !str(obj(b)?.actionURL)) return 'actionCard.btns[].title/actionURL';
      return undefined;
    }
    case 'feedCard':
      return Array.isArray(obj(body.feedCard)?.links) ? undefined : 'feedCard.links';
    default:
      return 'msgtype';
  }
}
