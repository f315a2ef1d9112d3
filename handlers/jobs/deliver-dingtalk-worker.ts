import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { deliverToDingTalk, type DeliverDeps } from '../../src/chat/dingtalk/deliver-dingtalk';
import { BotError } from '../../src/ops/errors';
import type { Logger } from '../../src/ops/logger';
import { cappedBackoff, QUEUES, type DeliverDingTalkJob } from '../../src/queue/queues';

/**
 * BullMQ processor for the deliver-dingtalk queue: one robot message per job
 * (src/chat/dingtalk/deliver-dingtalk.ts), its outcome turned into worker signals —
 * - waiting (no budget left, DingTalk's throttle, or an earlier message of the incident not out
 *   yet): this job alone is delayed by the time left (moveToDelayed + DelayedError), so the queue
 *   keeps going and Slack never notices; a wait is not a failed attempt;
 * - a retryable failure goes to attempts + capped backoff (forever: messages wait, never dropped);
 * - a permanent one (DingTalk refused the message or the robot) fails the job once, logged once.
 */
export function createDeliverDingTalkWorker(
  deps: DeliverDeps & { logger: Logger },
  opts: { connection: ConnectionOptions; prefix: string; concurrency: number },
): Worker<DeliverDingTalkJob> {
  return new Worker<DeliverDingTalkJob>(
    QUEUES.deliverDingTalk,
    async (job: Job<DeliverDingTalkJob>, token?: string) => {
      try {
        const result = await deliverToDingTalk(job.data, deps);
        if (result.outcome === 'wait') {
          if (result.reason === 'budget')
            deps.logger.debug(
              { jobId: job.id, waitMs: result.ms },
              'DingTalk send budget used up; message waits',
            );
          await job.moveToDelayed(Date.now() + result.ms + Math.floor(Math.random() * 50), token);
          throw new DelayedError();
        }
        deps.logger.info(
          { jobId: job.id, requestId: requestIdOf(job.data), what: whatOf(job.data) },
          'DingTalk message sent',
        );
        return result;
      } catch (e) {
        if (e instanceof DelayedError) throw e;
        if (e instanceof BotError && !e.retryable) {
          deps.logger.error(
            { err: e, jobId: job.id, requestId: requestIdOf(job.data), code: e.code },
            'DingTalk message cannot be sent: permanent error',
          );
          throw new UnrecoverableError(e.message);
        }
        if (job.attemptsMade === 0)
          deps.logger.warn(
            { err: e, jobId: job.id, requestId: requestIdOf(job.data) },
            'DingTalk message failed; will retry with backoff',
          );
        throw e;
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
    },
  );
}

/** The ingest request id of an alert message's event (absent for command replies and remediation notes). */
function requestIdOf(job: DeliverDingTalkJob): string | undefined {
  return job.delivery.kind === 'alert' ? job.delivery.requestId : undefined;
}

function whatOf(job: DeliverDingTalkJob): string {
  return job.delivery.kind === 'alert' ? `alert ${job.delivery.mode}` : job.delivery.what;
}
