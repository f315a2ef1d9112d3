import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { FollowUps } from '../../src/alerting/follow-up';
import { BotError } from '../../src/ops/errors';
import type { Logger } from '../../src/ops/logger';
import type { Metrics } from '../../src/ops/metrics';
import { cappedBackoff, QUEUES, type RemindJob } from '../../src/queue/queues';

/**
 * BullMQ processor for the remind queue: runs one due reminder or repeat (src/alerting/follow-up.ts)
 * and turns its outcome into worker signals — a busy incident is delayed briefly, a chat rate limit
 * pauses the queue for the time asked, a retryable failure goes to attempts+backoff, a permanent
 * one fails the job once.
 */
export function createRemindWorker(
  followUps: Pick<FollowUps, 'run'>,
  logger: Logger,
  opts: {
    connection: ConnectionOptions;
    prefix: string;
    concurrency: number;
    metrics?: Pick<Metrics, 'reminderLagSeconds'>;
  },
): Worker<RemindJob> {
  const worker: Worker<RemindJob> = new Worker<RemindJob>(
    QUEUES.remind,
    async (job: Job<RemindJob>, token?: string) => {
      const jobId = job.id ?? '';
      try {
        const result = await followUps.run(job.data, jobId);
        if (result.outcome === 'busy') {
          await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 400), token);
          throw new DelayedError();
        }
        if (result.outcome === 'shown')
          opts.metrics?.reminderLagSeconds.observe(
            { kind: job.data.kind },
            Math.max(0, Date.now() - job.data.at) / 1000,
          );
        return result;
      } catch (e) {
        if (e instanceof DelayedError) throw e;
        if (e instanceof BotError && e.code === 'CHAT.RATE_LIMITED') {
          logger.warn({ jobId, retryAfterMs: e.retryAfterMs }, 'chat rate limited; pausing the remind queue');
          await worker.rateLimit(e.retryAfterMs ?? 1000);
          throw Worker.RateLimitError();
        }
        if (e instanceof BotError && !e.retryable) {
          logger.error({ err: e, jobId, code: e.code }, 'follow-up cannot be shown: permanent chat error');
          throw new UnrecoverableError(e.message);
        }
        if (job.attemptsMade === 0)
          logger.warn({ err: e, jobId }, 'follow-up failed; will retry with backoff');
        throw e;
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      // With a limiter set, BullMQ checks the queue's shared rate-limit key before handing out a job,
      // so the pause worker.rateLimit() records for a Slack 429 holds in every process (as for notify).
      limiter: { max: 10_000, duration: 1000 },
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
    },
  );
  return worker;
}
