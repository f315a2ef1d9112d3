import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/** Queue names. Job ids are derived from what they act on, never random; they contain no `:`. */
export const QUEUES = {
  notify: 'notify',
} as const;

export interface NotifyJob {
  eventKey: string;
}

/** Retry forever for retryable failures (chat outages), with backoff capped at one minute. */
export const NOTIFY_JOB_OPTIONS: JobsOptions = {
  attempts: Number.MAX_SAFE_INTEGER,
  backoff: { type: 'capped' },
  removeOnComplete: { age: 3600, count: 20_000 },
  removeOnFail: { age: 7 * 86_400 },
};

export const MAX_BACKOFF_MS = 60_000;

/** Exponential backoff from 1 s, capped, with ±20 % jitter so a recovered peer is not hit in lockstep. */
export function cappedBackoff(attemptsMade: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function notifyJobId(eventKey: string): string {
  return `notify-${eventKey}`;
}

export function createNotifyQueue(connection: ConnectionOptions, prefix: string): Queue<NotifyJob> {
  return new Queue<NotifyJob>(QUEUES.notify, { connection, prefix, defaultJobOptions: NOTIFY_JOB_OPTIONS });
}

export async function enqueueNotify(queue: Queue<NotifyJob>, eventKeys: string[]): Promise<void> {
  if (eventKeys.length === 0) return;
  await queue.addBulk(eventKeys.map((eventKey) => ({ name: 'notify', data: { eventKey }, opts: { jobId: notifyJobId(eventKey) } })));
}
