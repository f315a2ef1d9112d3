import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { EventStore } from '../store/event-store';
import { enqueueNotify, notifyJobId, type NotifyJob } from './queues';

/**
 * Re-enqueues outbox entries whose notify job is missing: the process died between storing an
 * event and adding its job, or Redis refused the add. Job ids are derived from the event, so an
 * entry whose job still exists (waiting, delayed for a chat outage, active) is not added twice.
 * Safe to run on every worker replica.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly events: EventStore,
    private readonly queue: Queue<NotifyJob>,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly opts: { intervalMs: number; graceMs: number } = { intervalMs: 5000, graceMs: 10_000 },
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err) => this.logger.warn({ err }, 'outbox relay pass failed'))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.opts.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns how many entries were (re-)enqueued. */
  async runOnce(): Promise<number> {
    const pending = await this.events.pendingCount();
    this.metrics.outboxPending.set(pending);
    let total = 0;
    const page = 1000;
    for (let offset = 0; offset < pending; offset += page) {
      const keys = await this.events.pendingOlderThan(this.opts.graceMs, offset, page);
      const missing = await this.withoutLiveJobs(keys);
      await enqueueNotify(this.queue, missing);
      total += missing.length;
      if (keys.length < page) break;
    }
    if (total > 0) this.logger.info({ count: total }, 'outbox relay re-enqueued events');
    return total;
  }

  /**
   * Keeps the keys whose notify job is gone, or finished without taking the event out of the outbox
   * (those are removed so a fresh job can run; the lifecycle recognises a duplicate if it was shown).
   * One pipelined round trip per page instead of a getJob per key.
   */
  private async withoutLiveJobs(keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const client = (await this.queue.client) as unknown as Redis;
    const pipe = client.pipeline();
    for (const k of keys) {
      const id = notifyJobId(k);
      pipe.exists(this.queue.toKey(id));
      pipe.zscore(this.queue.keys.completed!, id);
      pipe.zscore(this.queue.keys.failed!, id);
    }
    const res = (await pipe.exec()) ?? [];
    const missing: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const exists = res[i * 3]?.[1] === 1;
      const finished = res[i * 3 + 1]?.[1] !== null || res[i * 3 + 2]?.[1] !== null;
      if (!exists) missing.push(keys[i]!);
      else if (finished) {
        await this.queue.remove(notifyJobId(keys[i]!)).catch(() => undefined);
        missing.push(keys[i]!);
      }
    }
    return missing;
  }
}
