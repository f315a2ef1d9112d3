import type { Job, Queue, Worker } from 'bullmq';
import type { Metrics } from '../ops/metrics';

/** The states `secrets_bot_queue_depth` reports for every queue. */
export const QUEUE_DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Reads every queue's job counts from Redis into `secrets_bot_queue_depth` (on each scrape, so any replica reports all). */
export async function collectQueueDepth(
  queues: Queue[],
  metrics: Pick<Metrics, 'queueDepth'>,
): Promise<void> {
  await Promise.all(
    queues.map(async (queue) => {
      const counts = await queue.getJobCounts(...QUEUE_DEPTH_STATES);
      for (const state of QUEUE_DEPTH_STATES)
        metrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
    }),
  );
}

/**
 * Seconds from when a job was due to when it finished: from the moment it was added, or for a job
 * added with a delay (a reminder) from the end of that delay. Retries, backoff and rate-limit
 * pauses count; the time a reminder waits for its date does not.
 */
export function jobLatencySeconds(job: Pick<Job, 'timestamp' | 'opts' | 'finishedOn'>, now: number): number {
  const due = job.timestamp + (job.opts.delay ?? 0);
  return Math.max(0, (job.finishedOn ?? now) - due) / 1000;
}

/** Observes `secrets_bot_job_seconds` for every job this worker finishes: completed, or failed for good. */
export function observeJobLatency(
  worker: Worker,
  metrics: Pick<Metrics, 'jobSeconds'>,
  now: () => number = Date.now,
): void {
  worker.on('completed', (job) =>
    metrics.jobSeconds.observe({ queue: worker.name, outcome: 'completed' }, jobLatencySeconds(job, now())),
  );
  worker.on('failed', (job) => {
    // BullMQ sets finishedOn only when the job moves to the failed set, not when it will be retried.
    if (job?.finishedOn)
      metrics.jobSeconds.observe({ queue: worker.name, outcome: 'failed' }, jobLatencySeconds(job, now()));
  });
}
