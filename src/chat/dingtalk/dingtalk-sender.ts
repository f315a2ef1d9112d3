import { randomBytes } from 'node:crypto';
import ChatBot from 'dingtalk-robot-sender';
import { BotError } from '../../ops/errors';
import { redactText } from '../../ops/redact';
import { hashId } from '../../store/keys';
import type { ChatSender } from '../chat-sender';
import type { AlertMessage, DingTalkMessageRef, MessageRef } from '../message';
import type { Locale } from '../i18n/locale';
import {
  createFetchHttpClient,
  HttpRequestError,
  type HttpClient,
  type HttpResponse,
} from './fetch-http-client';
import {
  renderDingTalkCard,
  renderDingTalkFollowUp,
  type DingTalkCardLinks,
  type DingTalkMessage,
} from './render-dingtalk-card';

/**
 * Posts alerts through one DingTalk custom robot (DINGTALK_WEBHOOK_URL + DINGTALK_SECRET) with
 * dingtalk-robot-sender, which signs each request; its HTTP goes through our fetch client
 * (`createFetchHttpClient`), never the package's axios.
 *
 * - `post` sends the action card; `update` and `reply` send follow-up markdown messages, because
 *   robot messages cannot be edited or threaded (`update`: "Resolved: …"/"Updated: …" with the
 *   facts and action links; `reply`: a one-line note). Each costs one message of the robot's 20 a
 *   minute. The `channel` argument of `post` is not used: a robot posts into its own group.
 * - Before every send it takes one message from the robot's shared budget (`SendBudget`, e.g.
 *   DingTalkBudget in Redis); with none left it throws CHAT.RATE_LIMITED with the wait, so the
 *   message waits in the queue instead of being dropped or provoking DingTalk's throttle.
 * - DingTalk answers HTTP 200 with an errcode; see `classifyDingTalkResponse` for the mapping.
 *   130101 also blocks the robot in the shared budget for the throttle period.
 * - No error message or log line carries the access token, the signing secret, the webhook URL
 *   or a request signature: errors are built without the URL and pass through redactText.
 */

/** What the sender needs from a shared send budget (DingTalkBudget implements it). */
export interface SendBudget {
  take(robotId: string): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  block(robotId: string, ms: number): Promise<void>;
}

export interface DingTalkSenderOptions {
  /** DINGTALK_WEBHOOK_URL: `https://oapi.dingtalk.com/robot/send?access_token=…` */
  webhookUrl: string;
  /** DINGTALK_SECRET (`SEC…`): requests are signed with it. */
  secret: string;
  locale: Locale;
  /** The signed links behind a message's buttons (remediation/action-link `actionLinksFor`). */
  links?: (msg: AlertMessage) => DingTalkCardLinks;
  /** Shared per-robot budget; without one, only DingTalk's own throttle limits sends. */
  budget?: SendBudget;
  /** Names the robot in budget keys, message refs and errors; default: a hash of its access token. */
  robotId?: string;
  /** How long DingTalk throttles a robot after 130101; default 10 minutes (wire-formats.md §8.1). */
  throttleMs?: number;
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number;
  /** Replaces the fetch client (tests). */
  httpClient?: HttpClient;
  logger?: { warn(obj: object, msg: string): void };
}

export const DINGTALK_THROTTLE_MS = 10 * 60_000;

/** DingTalk's answers, by errcode (wire-formats.md §8.1; [P] codes are second-hand). */
export const DINGTALK_ERRCODES = {
  ok: 0,
  tooFast: 130101,
  /** [P] "throttled"; treated like 130101. */
  throttled: 410100,
  securityCheckFailed: 310000,
  tokenNotExist: 300001,
} as const;

/**
 * Maps a DingTalk answer to a BotError, or undefined when the message was accepted.
 *
 * - errcode 0: sent.
 * - 130101 ("send too fast") and 410100: CHAT.RATE_LIMITED, retry after the throttle period.
 * - 310000: CHAT.REJECTED (permanent), with what to fix for each errmsg: sign not match,
 *   invalid timestamp, keywords not in content, ip not in whitelist.
 * - 300001 (token is not exist): CHAT.REJECTED.
 * - HTTP 5xx, 408: CHAT.UNAVAILABLE (retryable); HTTP 429: CHAT.RATE_LIMITED; other non-2xx:
 *   CHAT.REJECTED.
 * - An anti-abuse answer without errcode (`{status, wait, punish}`) [P]: CHAT.RATE_LIMITED.
 * - A 2xx that is not a DingTalk answer at all: CHAT.UNAVAILABLE (retryable).
 * - Any other errcode: CHAT.REJECTED.
 */
export function classifyDingTalkResponse(
  res: Pick<HttpResponse, 'status' | 'data'> & { headers?: Record<string, string> },
  opts: { throttleMs: number; robot?: string },
): BotError | undefined {
  const who = `DingTalk robot ${opts.robot ?? ''}`.trimEnd();
  const { status } = res;
  if (status >= 500 || status === 408)
    return new BotError('CHAT.UNAVAILABLE', `${who}: HTTP ${status}`, { retryable: true });
  if (status === 429) {
    const after = Number(res.headers?.['retry-after']);
    const retryAfterMs = Number.isFinite(after) && after > 0 ? after * 1000 : 60_000;
    return new BotError(
      'CHAT.RATE_LIMITED',
      `${who}: HTTP 429, retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      {
        retryable: true,
        retryAfterMs,
      },
    );
  }
  if (status < 200 || status >= 300)
    return new BotError('CHAT.REJECTED', `${who}: HTTP ${status}`, { retryable: false });

  const data = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as Record<string, unknown>;
  const errcode =
    typeof data.errcode === 'number'
      ? data.errcode
      : typeof data.errcode === 'string'
        ? Number(data.errcode)
        : undefined;
  const errmsg = typeof data.errmsg === 'string' ? data.errmsg.slice(0, 200) : '';
  if (errcode === undefined || Number.isNaN(errcode)) {
    if (data.punish !== undefined || data.wait !== undefined) {
      const wait = Number(data.wait);
      const retryAfterMs = Math.max(60_000, Number.isFinite(wait) ? wait * 1000 : 0);
      return new BotError(
        'CHAT.RATE_LIMITED',
        `${who}: refused by DingTalk's anti-abuse check, retry in ${retryAfterMs / 1000} s`,
        {
          retryable: true,
          retryAfterMs,
        },
      );
    }
    return new BotError('CHAT.UNAVAILABLE', `${who}: HTTP ${status} without a DingTalk errcode`, {
      retryable: true,
    });
  }
  if (errcode === DINGTALK_ERRCODES.ok) return undefined;

  const said = `errcode ${errcode}${errmsg === '' ? '' : ` "${errmsg}"`}`;
  if (errcode === DINGTALK_ERRCODES.tooFast || errcode === DINGTALK_ERRCODES.throttled) {
    return new BotError(
      'CHAT.RATE_LIMITED',
      `${who}: DingTalk throttles this robot (${said}); retry in ${Math.ceil(opts.throttleMs / 1000)} s`,
      { retryable: true, retryAfterMs: opts.throttleMs },
    );
  }
  if (errcode === DINGTALK_ERRCODES.securityCheckFailed) {
    const m = errmsg.toLowerCase();
    let hint = "the robot's security settings refused the message";
    if (m.includes('sign not match'))
      hint = "the signature was refused: DINGTALK_SECRET is not this robot's signing secret";
    else if (m.includes('timestamp'))
      hint = "the timestamp was refused: this host's clock is more than an hour off";
    else if (m.includes('keyword'))
      hint = "the message lacks one of the robot's custom keywords: use signing (DINGTALK_SECRET) instead";
    else if (m.includes('whitelist') || m.includes('ip '))
      hint = "this host's IP address is not in the robot's IP allowlist";
    return new BotError('CHAT.REJECTED', `${who}: ${hint} (${said})`, { retryable: false });
  }
  if (errcode === DINGTALK_ERRCODES.tokenNotExist) {
    return new BotError(
      'CHAT.REJECTED',
      `${who}: the access token does not exist: the robot was removed or DINGTALK_WEBHOOK_URL is wrong (${said})`,
      { retryable: false },
    );
  }
  return new BotError('CHAT.REJECTED', `${who}: message refused (${said})`, { retryable: false });
}

/** Timeouts and network failures are worth retrying. */
export function classifyTransportError(e: unknown, robot?: string): BotError {
  const who = `DingTalk robot ${robot ?? ''}`.trimEnd();
  if (e instanceof HttpRequestError)
    return new BotError('CHAT.UNAVAILABLE', `${who}: ${e.message}`, { retryable: true });
  const name = e instanceof Error ? e.name : typeof e;
  return new BotError('CHAT.UNAVAILABLE', `${who}: request failed (${name})`, { retryable: true });
}

/** A robot id that is not a secret: `r` + 12 hex characters of a hash of the access token. */
export function robotIdOf(webhookUrl: string): string {
  const token = new URL(webhookUrl).searchParams.get('access_token') ?? '';
  return 'r' + hashId('dingtalk-robot', token).slice(0, 12);
}

export class DingTalkSender implements ChatSender {
  readonly robotId: string;
  private readonly bot: ChatBot;
  private readonly throttleMs: number;
  private readonly secrets: string[];

  constructor(private readonly opts: DingTalkSenderOptions) {
    let url: URL;
    try {
      url = new URL(opts.webhookUrl);
    } catch {
      throw new BotError('CONFIG.INVALID', 'DINGTALK_WEBHOOK_URL is not a URL');
    }
    const token = url.searchParams.get('access_token') ?? '';
    if (token === '')
      throw new BotError('CONFIG.INVALID', 'DINGTALK_WEBHOOK_URL has no access_token parameter');
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
      throw new BotError('CONFIG.INVALID', 'DINGTALK_WEBHOOK_URL must use https');
    if (opts.secret === '') throw new BotError('CONFIG.INVALID', 'DINGTALK_SECRET is empty');

    this.robotId = opts.robotId ?? robotIdOf(opts.webhookUrl);
    this.throttleMs = opts.throttleMs ?? DINGTALK_THROTTLE_MS;
    this.secrets = [opts.secret, token, opts.webhookUrl, encodeURIComponent(token)];
    const httpclient = opts.httpClient ?? createFetchHttpClient({ timeoutMs: opts.timeoutMs ?? 5000 });
    // One options object: the package ignores any further constructor arguments.
    this.bot = new ChatBot({ webhook: opts.webhookUrl, secret: opts.secret, httpclient });
  }

  async post(_channel: string, msg: AlertMessage): Promise<MessageRef> {
    await this.send(renderDingTalkCard(msg, this.linksOf(msg), { locale: this.opts.locale }));
    const ref: DingTalkMessageRef = {
      platform: 'dingtalk',
      robot: this.robotId,
      msgKey: randomBytes(8).toString('hex'),
    };
    return ref;
  }

  async update(ref: MessageRef, msg: AlertMessage): Promise<void> {
    this.expectDingTalk(ref);
    await this.send(
      renderDingTalkFollowUp(msg, { locale: this.opts.locale, mode: 'update', links: this.linksOf(msg) }),
    );
  }

  async reply(ref: MessageRef, msg: AlertMessage): Promise<void> {
    this.expectDingTalk(ref);
    await this.send(renderDingTalkFollowUp(msg, { locale: this.opts.locale, mode: 'note' }));
  }

  /** Sends one message body (also for callers with their own message, e.g. command replies). */
  async send(body: DingTalkMessage): Promise<void> {
    const robot = this.robotId;
    if (this.opts.budget) {
      let decision: { ok: true } | { ok: false; retryAfterMs: number };
      try {
        decision = await this.opts.budget.take(robot);
      } catch (e) {
        throw this.safe(
          new BotError(
            'CHAT.UNAVAILABLE',
            `DingTalk robot ${robot}: send budget unavailable (${e instanceof Error ? e.message : 'error'})`,
            {
              retryable: true,
            },
          ),
        );
      }
      if (!decision.ok) {
        throw new BotError(
          'CHAT.RATE_LIMITED',
          `DingTalk robot ${robot}: no send budget left, retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
          { retryable: true, retryAfterMs: decision.retryAfterMs },
        );
      }
    }

    let res: HttpResponse;
    try {
      res = (await this.bot.send(body)) as HttpResponse;
    } catch (e) {
      throw this.safe(classifyTransportError(e, robot));
    }
    const err = classifyDingTalkResponse(res, { throttleMs: this.throttleMs, robot });
    if (err === undefined) return;
    if (err.code === 'CHAT.RATE_LIMITED' && this.opts.budget && err.retryAfterMs !== undefined) {
      await this.opts.budget.block(robot, err.retryAfterMs).catch(() => undefined);
      this.opts.logger?.warn(
        { robot, retryAfterMs: err.retryAfterMs },
        'DingTalk throttles the robot; sends paused',
      );
    }
    throw this.safe(err);
  }

  private linksOf(msg: AlertMessage): DingTalkCardLinks {
    return this.opts.links ? this.opts.links(msg) : {};
  }

  private expectDingTalk(ref: MessageRef): void {
    if (ref.platform !== 'dingtalk')
      throw new BotError('CHAT.REJECTED', `not a DingTalk message (platform ${ref.platform})`, {
        retryable: false,
      });
  }

  /** The same error with its message passed through redactText (belt and braces: none is built with a secret). */
  private safe(e: BotError): BotError {
    const message = redactText(e.message, this.secrets);
    if (message === e.message) return e;
    return new BotError(e.code, message, {
      retryable: e.retryable,
      retryAfterMs: e.retryAfterMs,
      userMessage: e.userMessage,
    });
  }
}
