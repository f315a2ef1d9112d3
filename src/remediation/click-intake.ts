import { randomBytes } from 'node:crypto';
import type { RemediationInbox } from '../store/remediation-inbox';
import { requestRemediation, type RemediationDeps, type RemediationRequest } from './flow';
import { internalErrorText } from './replies';

/**
 * Button clicks, from Slack's ack to the clicker's answer. The click is stored in Redis before the
 * ack (one auto-pipelined round trip; when it cannot be, it is handled in place after the ack), so
 * acknowledging never waits for the remediation flow; the flow (authorize ▸ claim ▸
 * show "requested" ▸ enqueue) and the answer then run at most `concurrency` at a time, so a flood of
 * clicks cannot slow the acks of the next ones down — Slack's 3 seconds hold whatever runs behind.
 * A click whose process died before answering it is taken over by any process after the inbox lease
 * and handled again; its claim knows it by id, so it resumes instead of running twice.
 */
export interface PendingClick {
  /** Unique per click; also its request id on the remediation claim. */
  id: string;
  request: RemediationRequest;
  /** Where the clicker's answer goes (Slack's response_url). */
  responseUrl: string;
}

/** Sends the clicker an answer only they see (neutral text). */
export type ClickAnswer = (responseUrl: string, text: string) => Promise<void>;

export interface ClickIntakeOptions {
  concurrency: number;
  answer: ClickAnswer;
  /** How often to look for clicks left behind by a process that died. */
  recoverEveryMs: number;
}

export class ClickIntake {
  private active = 0;
  private readonly waiting: PendingClick[] = [];
  private readonly idle: Array<() => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly inbox: RemediationInbox,
    private readonly deps: RemediationDeps,
    private readonly opts: ClickIntakeOptions,
  ) {}

  static newId(): string {
    return `c${randomBytes(12).toString('hex')}`;
  }

  /** Before the ack: stores the click (rejects when Redis did not take it). */
  async accept(click: PendingClick): Promise<void> {
    await this.inbox.put({ id: click.id, json: JSON.stringify(click) }, this.deps.clock.now());
  }

  /** After the ack: runs the flow when a slot is free and answers the clicker. Never rejects. */
  handle(click: PendingClick): void {
    this.waiting.push(click);
    this.pump();
  }

  /** Starts taking over clicks that other (dead) processes left unanswered. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.recover(), this.opts.recoverEveryMs);
    this.timer.unref();
    void this.recover();
  }

  /** Stops recovering and waits until every click taken in has been answered. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.active === 0 && this.waiting.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Clicks left unanswered past their lease; returns how many were taken over. */
  async recover(): Promise<number> {
    try {
      const due = await this.inbox.takeDue(this.deps.clock.now());
      for (const entry of due) {
        try {
          this.handle(JSON.parse(entry.json) as PendingClick);
        } catch (err) {
          this.deps.logger.error({ err, click: entry.id }, 'unreadable click in the inbox; dropped');
          await this.inbox.remove(entry.id);
        }
      }
      if (due.length)
        this.deps.logger.warn(
          { clicks: due.length },
          'took over clicks that were acknowledged but never answered',
        );
      return due.length;
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not look for unanswered clicks');
      return 0;
    }
  }

  private pump(): void {
    while (this.active < this.opts.concurrency && this.waiting.length > 0) {
      const click = this.waiting.shift()!;
      this.active += 1;
      void this.run(click).finally(() => {
        this.active -= 1;
        this.pump();
        if (this.active === 0 && this.waiting.length === 0)
          this.idle.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  private async run(click: PendingClick): Promise<void> {
    const { deps } = this;
    let text: string;
    try {
      text = (await requestRemediation({ ...click.request, requestId: click.id }, deps)).text;
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      deps.logger.error({ err, ref, action: click.request.action }, 'button click failed');
      text = internalErrorText(ref, deps.locale);
    }
    try {
      await this.opts.answer(click.responseUrl, text);
    } catch (err) {
      deps.logger.warn(
        { err: { message: (err as Error).message }, click: click.id },
        'could not answer the clicker',
      );
    }
    await this.inbox
      .remove(click.id)
      .catch((err) =>
        deps.logger.warn({ err, click: click.id }, 'could not remove an answered click from the inbox'),
      );
  }
}
