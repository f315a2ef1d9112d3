import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityLog } from '../activity-log';
import type { DingTalkGroup } from './dingtalk-group';
import { renderConsolePage, type PageOptions } from './page';
import type { SlackWorkspace } from './slack-workspace';

/**
 * The demo's front door at PUBLIC_URL: the console page at `/`, its JSON API under
 * `/console/api/`, and every other path proxied to the bot, so the links the bot posts
 * (`PUBLIC_URL/actions/…` in DingTalk cards) and its own endpoints work from the same origin.
 */

export interface ConsoleDeps {
  slack: SlackWorkspace;
  dingtalk: DingTalkGroup;
  activity: ActivityLog;
  page: PageOptions;
  /** Starts a scenario; resolves when its events are sent. */
  runScenario(id: string): Promise<void>;
  running(): string[];
  /** What the cloud stand-ins were asked, for a reader (and the browser test). */
  cloudCalls(): {
    aws: Array<{ op: string; secret: string; status: number }>;
    alibaba: Array<{ op: string; secret: string; status: number }>;
  };
}

const MAX_BODY = 1024 * 1024;
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><text y=".9em" font-size="90">🔐</text></svg>';

export class ConsoleServer {
  private server?: Server;
  private bot?: { host: string; port: number };
  private html?: string;

  constructor(private readonly deps: ConsoleDeps) {}

  async listen(port: number, host: string): Promise<number> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { error: (err as Error).message });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Where everything that is not the console goes. */
  proxyTo(botUrl: string): void {
    const u = new URL(botUrl);
    this.bot = { host: u.hostname, port: Number(u.port) };
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/console' || path === '/console/')) {
      this.html ??= renderConsolePage(this.deps.page);
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(this.html);
      return;
    }
    if (req.method === 'GET' && path === '/favicon.ico') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(FAVICON);
      return;
    }
    if (!path.startsWith('/console/api/')) return this.proxy(req, res);
    const route = path.slice('/console/api/'.length);
    if (req.method === 'GET' && route === 'state')
      return this.state(url.searchParams.get('since') ?? '', res);
    if (req.method === 'GET' && route === 'cloud') return json(res, 200, this.deps.cloudCalls());
    if (req.method !== 'POST') return json(res, 404, { error: 'not found' });
    const body = await readJson(req);
    if (!body) return json(res, 400, { error: 'expected a JSON object' });
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const { slack, dingtalk } = this.deps;
    switch (route) {
      case 'slack/click':
        return json(
          res,
          200,
          await slack.click({
            user: str('user'),
            messageKey: str('messageKey'),
            actionId: str('actionId'),
            blockId: str('blockId'),
            value: str('value'),
            label: str('label'),
          }),
        );
      case 'slack/command':
        return json(res, 200, await slack.command(str('user'), str('text')));
      case 'slack/view':
        return json(
          res,
          200,
          await slack.submitView(
            str('modalId'),
            (typeof body.values === 'object' && body.values ? body.values : {}) as Record<string, unknown>,
          ),
        );
      case 'slack/view-close':
        slack.closeView(str('modalId'));
        return json(res, 200, {});
      case 'slack/dismiss':
        slack.dismiss(str('key'));
        return json(res, 200, {});
      case 'dingtalk/mention':
        return json(res, 200, await dingtalk.mention(str('text')));
      default: {
        const scenario = /^scenarios\/([a-z0-9-]+)$/.exec(route);
        if (!scenario) return json(res, 404, { error: 'not found' });
        const id = scenario[1]!;
        if (this.deps.running().includes(id)) return json(res, 409, { error: 'already running' });
        const run = this.deps.runScenario(id);
        run.catch((err: unknown) =>
          this.deps.activity.add('scenario', `${id} failed: ${(err as Error).message}`, 'error'),
        );
        return json(res, 202, { started: id });
      }
    }
  }

  private state(since: string, res: ServerResponse): void {
    const { slack, dingtalk, activity } = this.deps;
    const sig = `${slack.signature}|${dingtalk.signature}|${activity.signature}|${this.deps.running().join(',')}`;
    if (since === sig) {
      res.writeHead(204, { 'cache-control': 'no-store' }).end();
      return;
    }
    json(res, 200, {
      sig,
      feed: slack.feed(),
      modal: slack.openModal() ?? null,
      dingtalk: dingtalk.items(),
      activity: activity.entries,
      running: this.deps.running(),
    });
  }

  private proxy(req: IncomingMessage, res: ServerResponse): void {
    if (!this.bot) {
      json(res, 503, { error: 'the bot is starting' });
      return;
    }
    const upstream = request(
      { host: this.bot.host, port: this.bot.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) json(res, 502, { error: 'the bot did not answer' });
      else res.destroy();
    });
    req.pipe(upstream);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c as Buffer);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
