import { ErrorCode, type WebClient } from '@slack/web-api';
import { BotError } from '../../ops/errors';
import type { ChatSender } from '../chat-sender';
import type { AlertMessage, ChatNote, MessageRef } from '../message';
import type { Locale } from '../i18n/locale';
import { renderSlackAlert, renderSlackFollowUpReply, renderSlackThreadReply } from './render-slack-alert';
import { renderSlackNote, slackPlain } from './render-slack-remediation';
import type { ChannelBudgetDecision } from './slack-channel-budget';
import type { SummaryEntry, SummaryMessage, SummaryPage } from '../summary-message';
import type { SummarySender } from '../../alerting/summaries';
import { paginateSlackSummary, renderSlackSummary, renderSlackSummaryPage } from './render-slack-summary';

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

/** A per-channel posting budget (slack-channel-budget.ts). */
export interface ChannelBudget {
  take(channel: string): Promise<ChannelBudgetDecision>;
}

export interface SlackSenderOptions {
  /** LOCALE for alert messages, their thread notes and remediation/mute notes (default `en`). */
  locale?: Locale;
  /** Every new message waits for its channel's budget; none when absent. */
  budget?: ChannelBudget;
  /**
   * Longest wait for the budget inside one call (default 2 s). A longer one throws CHAT.RATE_LIMITED
   * with the wait, so the job is retried then instead of holding a worker.
   */
  maxBudgetWaitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SlackSender implements ChatSender, SummarySender {
  constructor(
    private readonly client: WebClient,
    private readonly opts: SlackSenderOptions = {},
  ) {}

  async post(channel: string, msg: AlertMessage): Promise<MessageRef> {
    const { text, blocks } = renderSlackAlert(msg, this.opts);
    const res = await this.posting(channel, () =>
      this.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false }),
    );
    return { platform: 'slack', channel: (res.channel as string) ?? channel, ts: res.ts as string };
  }

  async update(ref: MessageRef, msg: AlertMessage): Promise<void> {
    const { channel, ts } = slackRef(ref);
    const { text, blocks } = renderSlackAlert(msg, this.opts);
    await this.call('chat.update', () => this.client.chat.update({ channel, ts, text, blocks }));
  }

  async reply(ref: MessageRef, msg: AlertMessage): Promise<void> {
    const { channel, ts } = slackRef(ref);
    const followUp = msg.reason === 'reminder' || msg.reason === 'repeat-due';
    const { text, blocks } = followUp ? renderSlackFollowUpReply(msg, this.opts) : renderSlackThreadReply(msg, this.opts);
    await this.posting(channel, () => this.client.chat.postMessage({ channel, thread_ts: ts, text, ...(blocks ? { blocks } : {}) }));
  }

  async postSummary(channel: string, msg: SummaryMessage): Promise<MessageRef> {
    const { text, blocks } = renderSlackSummary(msg, this.summaryOptions());
    const res = await this.posting(channel, () =>
      this.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false }),
    );
    return { platform: 'slack', channel: (res.channel as string) ?? channel, ts: res.ts as string };
  }

  async updateSummary(ref: MessageRef, msg: SummaryMessage): Promise<void> {
    const { channel, ts } = slackRef(ref);
    const { text, blocks } = renderSlackSummary(msg, this.summaryOptions());
    await this.call('chat.update', () => this.client.chat.update({ channel, ts, text, blocks }));
  }

  async replySummaryPage(ref: MessageRef, page: SummaryPage, total: number): Promise<void> {
    const { channel, ts } = slackRef(ref);
    const { text, blocks } = renderSlackSummaryPage(page, total, this.summaryOptions());
    await this.posting(channel, () => this.client.chat.postMessage({ channel, thread_ts: ts, text, blocks }));
  }

  paginate(entries: readonly SummaryEntry[]): SummaryEntry[][] {
    return paginateSlackSummary(entries);
  }

  private summaryOptions() {
    return this.opts.locale ? { locale: this.opts.locale } : {};
  }

  /** Posts a note (remediation step, mute) as a message of its own. */
  async postNote(channel: string, note: ChatNote): Promise<MessageRef> {
    const { text, blocks } = renderSlackNote(note, this.opts.locale);
    const res = await this.posting(channel, () =>
      this.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false }),
    );
    return { platform: 'slack', channel: (res.channel as string) ?? channel, ts: res.ts as string };
  }

  /** Adds a note to a message's thread. */
  async replyNote(ref: MessageRef, note: ChatNote): Promise<void> {
    const { channel, ts } = slackRef(ref);
    const { text, blocks } = renderSlackNote(note, this.opts.locale);
    await this.posting(channel, () => this.client.chat.postMessage({ channel, thread_ts: ts, text, blocks }));
  }

  /** Rewrites a note posted as a message of its own. */
  async updateNote(ref: MessageRef, note: ChatNote): Promise<void> {
    const { channel, ts } = slackRef(ref);
    const { text, blocks } = renderSlackNote(note, this.opts.locale);
    await this.call('chat.update', () => this.client.chat.update({ channel, ts, text, blocks }));
  }

  /** A message only `user` sees, in `channel`. `text` is neutral (user/channel markers allowed). */
  async postEphemeral(channel: string, user: string, text: string): Promise<void> {
    const mrkdwn = slackPlain(text, 2900);
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ channel, user, text: mrkdwn, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] }),
    );
  }

  /** chat.postMessage into `channel`, after taking one message from the channel's budget. */
  private async posting<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    await this.waitForBudget(channel);
    return this.call('chat.postMessage', fn);
  }

  private async waitForBudget(channel: string): Promise<void> {
    const budget = this.opts.budget;
    if (!budget) return;
    const maxWait = this.opts.maxBudgetWaitMs ?? 2000;
    for (;;) {
      const d = await budget.take(channel);
      if (d.ok) return;
      if (d.retryAfterMs > maxWait) {
        throw new BotError('CHAT.RATE_LIMITED', `Slack channel budget: next message in ${d.retryAfterMs} ms`, {
          retryable: true,
          retryAfterMs: d.retryAfterMs,
        });
      }
      await sleep(d.retryAfterMs);
    }
  }

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw classifySlackError(e, method);
    }
  }
}

/** A Slack message's place; a message of another platform cannot be changed through Slack. */
function slackRef(ref: MessageRef): { channel: string; ts: string } {
  if (ref.platform !== 'slack') throw new BotError('CHAT.REJECTED', `not a Slack message (${ref.platform})`, { retryable: false });
  return ref;
}
