import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { REMIND_JOB_OPTIONS } from '../queue/queues';
import type { MuteExpiryJob, MuteExpiryQueue } from './mute-expiry';

/** The queue of mute expiry notices: one delayed job per timed mute (mute-expiry.ts). */
export const MUTE_EXPIRY_QUEUE = 'mute-expiry';

/** A notice, like a reminder: chat outages retried with capped backoff for about a day. */
export const MUTE_EXPIRY_JOB_OPTIONS: JobsOptions = REMIND_JOB_OPTIONS;

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
