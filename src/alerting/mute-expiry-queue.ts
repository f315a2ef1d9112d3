import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { MuteExpiryJob, MuteExpiryQueue } from './mute-expiry';

/** The queue of mute expiry notices: one delayed job per timed mute (mute-expiry.ts). */
export const MUTE_EXPIRY_QUEUE = 'mute-expiry';

/** Retry chat outages with capped backoff for about a day; a rate limit pauses the queue instead. */
export const MUTE_EXPIRY_JOB_OPTIONS: JobsOptions = {
  attempts: 200,
  backoff: { type: 'capped' },
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};

export function createMuteExpiryQueue(connection: ConnectionOptions, prefix: string): Queue<MuteExpiryJob> {
  return new Queue<MuteExpiryJob>(MUTE_EXPIRY_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: MUTE_EXPIRY_JOB_OPTIONS,
  });
}

/** The queue as MuteExpiry needs it. */
export function muteExpiryQueueAdapter(queue: Queue<MuteExpiryJob>): MuteExpiryQueue {
  return {
    add: async (jobId, job, delayMs) => {
      await queue.add('mute-expiry', job, { jobId, delay: delayMs });
    },
  };
}
