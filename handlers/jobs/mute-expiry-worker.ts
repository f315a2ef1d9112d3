import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { MUTE_EXPIRY_QUEUE } from '../../src/alerting/mute-expiry-queue';
import type { MuteExpiry, MuteExpiryJob } from '../../src/alerting/mute-expiry';
import { BotError } from '../../src/ops/errors';
import type { Logger } from '../../src/ops/logger';
import { cappedBackoff } from '../../src/queue/queues';

/**
 * BullMQ processor for the mute-expiry queue: announces one timed mute's end (src/alerting/
 * mute-expiry.ts). A job that runs before the mute's end waits until then; a chat rate limit
 * pauses the queue; a permanent chat error fails the job once; anything else retries with backoff.
 */
export function createMuteExpiryWorker(
  expiry: Pick<MuteExpiry, 'run'>,
  logger: Logger,
  opts: { connection: ConnectionOptions; prefix: string },
): Worker<MuteExpiryJob> {
  const worker: Worker<MuteExpiryJob> = new Worker<MuteExpiryJob>(
    MUTE_EXPIRY_QUEUE,
    async (job: Job<MuteExpiryJob>, token?: string) => {
      try {
        const result = await expiry.run(job.data);
        if (result.outcome === 'early') {
          await job.moveToDelayed(result.untilMs + 100, token);
          throw new DelayedError();
        }
        return result;
      } catch (e) {
        if (e instanceof DelayedError) throw e;
        if (e instanceof BotError && e.code === 'CHAT.RATE_LIMITED') {
          await worker.rateLimit(e.retryAfterMs ?? 1000);
          throw Worker.RateLimitError();
        }
        if (e instanceof BotError && !e.retryable) {
          logger.error(
            { err: e, jobId: job.id, code: e.code },
            'mute end cannot be announced: permanent chat error',
          );
          throw new UnrecoverableError(e.message);
        }
        throw e;
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: 2,
      limiter: { max: 10_000, duration: 1000 },
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
    },
  );
  return worker;
}
