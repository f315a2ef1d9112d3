import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { flushSummary, type SummaryDeps } from '../../src/alerting/summaries';
import { BotError } from '../../src/ops/errors';
import { cappedBackoff } from '../../src/queue/queues';
import { SUMMARY_QUEUE, type SummaryJob } from '../../src/queue/summary-queue';

/**
 * BullMQ processor for summary flushes: runs flushSummary and turns its outcome into worker
 * signals. Another worker flushing the same summary, a DingTalk summary sent less than a minute ago,
 * or a chat rate limit delay the job; other retryable failures go to attempts+backoff.
 */
export function createSummaryWorker(deps: SummaryDeps, opts: { connection: ConnectionOptions; prefix: string; concurrency: number }): Worker<SummaryJob> {
  return new Worker<SummaryJob>(
    SUMMARY_QUEUE,
    async (job: Job<SummaryJob>, token?: string) => {
      let delayUntil: number | undefined;
      try {
        const r = await flushSummary(job.data.summaryId, deps);
        if (r.outcome === 'busy') delayUntil = Date.now() + 200 + Math.floor(Math.random() * 300);
        else if (r.outcome === 'later') delayUntil = r.retryAt;
        else return r;
      } catch (e) {
        if (!(e instanceof BotError && e.code === 'CHAT.RATE_LIMITED')) {
          if (job.attemptsMade === 0) deps.logger.warn({ err: e, summaryId: job.data.summaryId }, 'summary flush failed; will retry with backoff');
          throw e;
        }
        delayUntil = Date.now() + (e.retryAfterMs ?? 1000);
      }
      await job.moveToDelayed(delayUntil, token);
      throw new DelayedError();
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration: 30_000,
      stalledInterval: 5_000,
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
    },
  );
}
