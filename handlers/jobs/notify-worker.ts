import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { notify, type NotifyDeps } from '../../src/alerting/pipeline';
import { BotError } from '../../src/ops/errors';
import { cappedBackoff, QUEUES, type NotifyJob } from '../../src/queue/queues';

/**
 * BullMQ processor for the notify queue: runs the pipeline for one event and turns its outcome
 * into worker signals — a busy incident is delayed briefly, a rate limit pauses the queue for the
 * time the platform asked, a retryable failure goes to attempts+backoff, a permanent one fails the
 * job once (UnrecoverableError) and is logged.
 */
export function createNotifyWorker(
  deps: NotifyDeps,
  opts: { connection: ConnectionOptions; prefix: string; concurrency: number },
): Worker<NotifyJob> {
  const worker: Worker<NotifyJob> = new Worker<NotifyJob>(
    QUEUES.notify,
    async (job: Job<NotifyJob>, token?: string) => {
      try {
        const result = await notify(job.data.eventKey, deps);
        if (result.outcome === 'busy') {
          await job.moveToDelayed(Date.now() + 50 + Math.floor(Math.random() * 150), token);
          throw new DelayedError();
        }
        return result;
      } catch (e) {
        if (e instanceof DelayedError) throw e;
        if (e instanceof BotError && e.code === 'CHAT.RATE_LIMITED') {
          deps.logger.warn({ eventKey: job.data.eventKey, retryAfterMs: e.retryAfterMs }, 'chat rate limited; pausing the notify queue');
          await worker.rateLimit(e.retryAfterMs ?? 1000);
          throw Worker.RateLimitError();
        }
        if (e instanceof BotError && !e.retryable) {
          const requestId = await requestIdOf(job.data.eventKey, deps);
          deps.logger.error({ err: e, eventKey: job.data.eventKey, requestId, code: e.code }, 'event cannot be shown: permanent chat error');
          await deps.events.markDone(job.data.eventKey);
          throw new UnrecoverableError(e.message);
        }
        if (job.attemptsMade === 0)
          deps.logger.warn({ err: e, eventKey: job.data.eventKey, requestId: await requestIdOf(job.data.eventKey, deps) }, 'notify failed; will retry with backoff');
        throw e;
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      // A worker that dies mid-job (SIGKILL, OOM) holds its jobs' locks until they expire; shorter
      // locks and a more frequent stalled-job check hand them to a live worker within ~20 s.
      // With a limiter set, BullMQ checks the queue's shared rate-limit key before handing out a job,
      // so the pause worker.rateLimit() records for a Slack 429 holds in every process, not just this one.
      limiter: { max: 10_000, duration: 1000 },
      lockDuration: 15_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
    },
  );
  return worker;
}

/** The ingest request id stored with the event, for failure log lines (read only when one is written). */
async function requestIdOf(eventKey: string, deps: Pick<NotifyDeps, 'events'>): Promise<string | undefined> {
  return deps.events.get(eventKey).then(
    (stored) => stored?.requestId,
    () => undefined,
  );
}
