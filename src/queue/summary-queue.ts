import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { nextFlush } from '../alerting/group';
import { NOTIFY_JOB_OPTIONS } from './queues';

/** Summary flushes (alerting/summaries.ts): one job per summary and group interval. */
export const SUMMARY_QUEUE = 'summary';

export interface SummaryJob {
  summaryId: string;
}

/** Retry chat outages with capped backoff, exactly like notify: a summary stands for accepted alerts. */
export const SUMMARY_JOB_OPTIONS: JobsOptions = NOTIFY_JOB_OPTIONS;

/**
 * `summary-<summary id>-<bucket>`: the flush of one interval (bucket 0: the first, at once). Any
 * number of arrivals in one interval, on any replica, add the same job once. No `:`, never all digits.
 */
export function summaryJobId(summaryId: string, bucket: number): string {
  return `summary-${summaryId}-${bucket}`;
}

export function createSummaryQueue(connection: ConnectionOptions, prefix: string): Queue<SummaryJob> {
  return new Queue<SummaryJob>(SUMMARY_QUEUE, { connection, prefix, defaultJobOptions: SUMMARY_JOB_OPTIONS });
}

/** The summary queue as the pipeline needs it: schedule the next flush of a summary. */
export function summaryScheduler(queue: Queue<SummaryJob>) {
  return {
    schedule: async (summaryId: string, now: number, t: { started: boolean; groupWait: number; groupInterval: number }): Promise<void> => {
      const { bucket, at } = nextFlush(now, t);
      await queue.add('flush', { summaryId }, { jobId: summaryJobId(summaryId, bucket), delay: Math.max(0, at - now) });
    },
  };
}
