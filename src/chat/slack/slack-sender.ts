import { ErrorCode, type WebClient } from '@slack/web-api';
import { BotError } from '../../ops/errors';
import type { ChatSender } from '../chat-sender';
import type { AlertMessage, MessageRef } from '../message';
import { renderSlackAlert, renderSlackThreadReply } from './render-slack-alert';

/** Slack platform errors that go away by themselves. Everything else is permanent. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** Classifies a @slack/web-api error: rate limit, retryable, or permanent. */
export function classifySlackError(e: unknown, method: string): BotError {
  const err = e as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return new BotError('CHAT.RATE_LIMITED', `Slack ${method}: rate limited, retry after ${err.retryAfter}s`, {
        retryable: true,
        retryAfterMs: Math.max(1, err.retryAfter ?? 1) * 1000,
        cause: e,
      });
    case ErrorCode.HTTPError:
      return new BotError('CHAT.UNAVAILABLE', `Slack ${method}: HTTP ${err.statusCode}`, {
        retryable: (err.statusCode ?? 500) >= 500 || err.statusCode === 408,
        cause: e,
      });
    case ErrorCode.RequestError:
      return new BotError('CHAT.UNAVAILABLE', `Slack ${method}: request failed`, { retryable: true, cause: e });
    case ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(code)
        ? new BotError('CHAT.UNAVAILABLE', `Slack ${method}: ${code}`, { retryable: true, cause: e })
        : new BotError('CHAT.REJECTED', `Slack ${method}: ${code}`, { retryable: false, cause: e });
    }
    default:
      return new BotError('CHAT.UNAVAILABLE', `Slack ${method}: ${err.message ?? 'unknown error'}`, { retryable: true, cause: e });
  }
}

export class SlackSender implements ChatSender {
  constructor(private readonly client: WebClient) {}

  async post(channel: string, msg: AlertMessage): Promise<MessageRef> {
    const { text, blocks } = renderSlackAlert(msg);
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false }),
    );
    return { platform: 'slack', channel: (res.channel as string) ?? channel, ts: res.ts as string };
  }

  async update(ref: MessageRef, msg: AlertMessage): Promise<void> {
    const { text, blocks } = renderSlackAlert(msg);
    await this.call('chat.update', () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks }));
  }

  async reply(ref: MessageRef, msg: AlertMessage): Promise<void> {
    const { text, blocks } = renderSlackThreadReply(msg);
    await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text, ...(blocks ? { blocks } : {}) }),
    );
  }

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw classifySlackError(e, method);
    }
  }
}
