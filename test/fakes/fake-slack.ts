import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests. It speaks what @slack/web-api sends
 * (POST /api/<method>, form-encoded, JSON-stringified object params, Bearer token) and records
 * every message. Failure modes: outage (503), rate limiting (429 + Retry-After), platform errors,
 * and, when asked for (`limitPerChannel`), Slack's posting limit of about one message per second
 * per channel.
 */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** Every version of the message, oldest first (chat.update appends). */
  history: Array<{ text: string; blocks: unknown[] }>;
}

export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  status: number;
  at: number;
  /** Seconds the caller was told to wait (429 from the per-channel limit of `limitPerChannel` only). */
  retryAfter?: number;
}

/** Per-channel posting limit (see `FakeSlack.limitPerChannel`). */
export interface FakeSlackChannelLimit {
  /** Messages a channel accepts per second on average (Slack: about 1). */
  perSecond: number;
  /** Messages a quiet channel accepts at once before the limit bites. */
  burst: number;
  /** Methods the limit applies to (each call with a `channel` parameter counts). */
  methods: string[];
}

export class FakeSlack {
  readonly messages: FakeSlackMessage[] = [];
  readonly calls: FakeSlackCall[] = [];
  /** Requests posted to response_url paths (/respond/<id>). */
  readonly responses: Array<{ path: string; body: Record<string, unknown> }> = [];
  private server!: Server;
  private seq = 0;
  private outage = false;
  private rateLimits: Array<{ remaining: number; retryAfter: number; methods?: string[] }> = [];
  private platformErrors: Array<{ method: string; error: string; remaining: number }> = [];
  private channelLimit?: FakeSlackChannelLimit & { buckets: Map<string, { tokens: number; at: number }> };
  port = 0;
  /** Socket Mode: frames the bot sent back over the WebSocket (acks), parsed. */
  readonly socketFrames: Array<Record<string, unknown>> = [];
  private wss?: WebSocketServer;
  private sockets: WebSocket[] = [];

  constructor(
    readonly token = 'xoxb-test-token',
    readonly appToken = 'xapp-1-test-app-token',
  ) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = (req.url ?? '').split('?')[0]!;
        if (path.startsWith('/respond/')) {
          this.responses.push({ path, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        const method = path.replace(/^\/api\//, '');
        const params = parseParams(raw, req.headers['content-type'] ?? '');
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}, retryAfter?: number) => {
          this.calls.push({ method, params, status, at: Date.now(), ...(retryAfter !== undefined ? { retryAfter } : {}) });
          res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
        };
        if (this.outage) return reply(503, { ok: false, error: 'service_unavailable' });
        const limit = this.rateLimits.find((l) => l.remaining > 0 && (!l.methods || l.methods.includes(method)));
        if (limit) {
          limit.remaining -= 1;
          return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
        }
        if (method === 'apps.connections.open') {
          if (req.headers.authorization !== `Bearer ${this.appToken}`) return reply(200, { ok: false, error: 'invalid_auth' });
          return reply(200, { ok: true, url: `ws://127.0.0.1:${this.port}/socket` });
        }
        if (req.headers.authorization !== `Bearer ${this.token}`) return reply(200, { ok: false, error: 'invalid_auth' });
        const injected = this.platformErrors.find((p) => p.remaining > 0 && p.method === method);
        if (injected) {
          injected.remaining -= 1;
          return reply(200, { ok: false, error: injected.error });
        }
        const wait = this.channelWait(method, params);
        if (wait !== undefined) return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) }, wait);
        reply(200, this.handle(method, params));
      });
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/socket') return socket.destroy();
      this.wss!.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.push(ws);
        ws.on('message', (data) => this.socketFrames.push(JSON.parse(String(data)) as Record<string, unknown>));
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKE' }, debug_info: { host: 'fake' } }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private handle(method: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'secrets-bot', team_id: 'T0FAKE', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage': {
        const channel = String(p.channel ?? '');
        if (channel === 'C_MISSING') return { ok: false, error: 'channel_not_found' };
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
        const m: FakeSlackMessage = {
          channel,
          ts,
          text: String(p.text ?? ''),
          blocks: (p.blocks as unknown[]) ?? [],
          ...(p.thread_ts ? { thread_ts: String(p.thread_ts) } : {}),
          history: [],
        };
        m.history.push({ text: m.text, blocks: m.blocks });
        this.messages.push(m);
        return { ok: true, channel, ts, message: { text: m.text, ts } };
      }
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === p.channel && x.ts === p.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = String(p.text ?? m.text);
        m.blocks = (p.blocks as unknown[]) ?? m.blocks;
        m.history.push({ text: m.text, blocks: m.blocks });
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${Date.now() / 1000}` };
      case 'views.publish':
      case 'views.open':
        return { ok: true, view: { id: 'V0FAKE' } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Top-level alert messages (not thread replies) in a channel. */
  alerts(channel?: string): FakeSlackMessage[] {
    return this.messages.filter((m) => !m.thread_ts && (!channel || m.channel === channel));
  }

  replies(parent: FakeSlackMessage): FakeSlackMessage[] {
    return this.messages.filter((m) => m.thread_ts === parent.ts && m.channel === parent.channel);
  }

  setOutage(on: boolean): void {
    this.outage = on;
  }

  rateLimit(count: number, retryAfterSeconds: number, methods?: string[]): void {
    this.rateLimits.push({ remaining: count, retryAfter: retryAfterSeconds, methods });
  }

  /**
   * Enforces Slack's per-channel posting limit from now on: each channel holds a bucket of `burst`
   * messages refilled at `perSecond`; a call that finds it empty gets 429 `ratelimited` with
   * Retry-After (whole seconds until the next message fits, at least 1) and posts nothing. Counts
   * only accepted calls. Off by default; `limitPerChannel(false)` turns it off again.
   */
  limitPerChannel(opts: Partial<FakeSlackChannelLimit> | false = {}): void {
    if (opts === false) {
      this.channelLimit = undefined;
      return;
    }
    const perSecond = opts.perSecond ?? 1;
    const burst = opts.burst ?? 1;
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('limitPerChannel: perSecond must be > 0 and burst ≥ 1');
    this.channelLimit = { perSecond, burst, methods: opts.methods ?? ['chat.postMessage'], buckets: new Map() };
  }

  /** Seconds to wait when the per-channel limit refuses this call, else undefined (and the call is counted). */
  private channelWait(method: string, params: Record<string, unknown>): number | undefined {
    const limit = this.channelLimit;
    if (!limit || !limit.methods.includes(method) || typeof params.channel !== 'string') return undefined;
    const now = Date.now();
    const bucket = limit.buckets.get(params.channel) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    limit.buckets.set(params.channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }

  failNext(method: string, error: string, count = 1): void {
    this.platformErrors.push({ method, error, remaining: count });
  }

  async waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Socket Mode: true once a bot has connected over the WebSocket. */
  get socketConnected(): boolean {
    return this.sockets.some((ws) => ws.readyState === ws.OPEN);
  }

  /** Socket Mode: delivers an envelope (slash_commands, interactive, events_api) to connected bots. */
  sendEnvelope(envelopeId: string, type: string, payload: Record<string, unknown>): void {
    const frame = JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' });
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = (v.startsWith('[') || v.startsWith('{')) && isJson(v) ? JSON.parse(v) : v;
  }
  return out;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
