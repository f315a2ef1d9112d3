import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../ops/logger';
import type { EventStore } from '../store/event-store';
import { enqueueNotify, type NotifyJob } from './queues';

/**
 * Turns accepted events into notify jobs, in batches, off the request path: it blocks on the
 * ready list that the accept script fills, and adds one BullMQ job per event (derived job ids, so
 * a key moved twice is still one job). A batch lost to a crash stays in the outbox, where the
 * OutboxRelay finds it.
 */
export class ReadyMover {
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly events: EventStore,
    private readonly queue: Queue<NotifyJob>,
    /** A connection of its own: BRPOP holds it while waiting. */
    private readonly blocking: Redis,
    private readonly logger: Logger,
    private readonly opts: { batch: number; blockSeconds: number } = { batch: 500, blockSeconds: 1 },
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const keys = await this.events.takeReady(this.blocking, this.opts.batch, this.opts.blockSeconds);
          if (keys.length > 0) await enqueueNotify(this.queue, keys);
        } catch (err) {
          if (this.stopped) return;
          this.logger.warn({ err }, 'moving ready events to the notify queue failed; the outbox relay will retry');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.blocking.disconnect(); // ends a BRPOP in progress at once
    await this.loop;
  }
}
