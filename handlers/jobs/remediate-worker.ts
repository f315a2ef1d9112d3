import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Metrics } from '../../src/ops/metrics';
import { runRemediation, type RemediationDeps } from '../../src/remediation/flow';
import { QUEUES, remediateBackoff, type RemediateJob } from '../../src/queue/queues';

/**
 * BullMQ processor for the remediate queue: runs one remediation job (src/remediation/flow.ts) and
 * turns its outcome into worker signals. Retryable cloud errors (throttling, 5xx, timeouts) go to
 * attempts + backoff — the flow has already said "retrying" in the thread; a permanent error, or
 * the last attempt, fails the job once (UnrecoverableError) after the flow has shown the failure.
 */
export function createRemediateWorker(
  deps: RemediationDeps,
  opts: { connection: ConnectionOptions; prefix: string; concurrency: number; metrics?: Pick<Metrics, 'remediations'> },
): Worker<RemediateJob> {
  return new Worker<RemediateJob>(
    QUEUES.remediate,
    async (job: Job<RemediateJob>) => {
      const maxAttempts = job.opts.attempts ?? 1;
      const count = (outcome: string) =>
        opts.metrics?.remediations.inc({ action: job.data.action, provider: job.data.target.provider, outcome });
      const result = await runRemediation(
        job.data,
        { attemptsMade: job.attemptsMade, maxAttempts, saveJob: (data) => job.updateData(data) },
        deps,
      ).catch((e: unknown) => {
        count('error');
        throw e;
      });
      count(result.outcome === 'retry' ? 'retrying' : result.outcome);
      switch (result.outcome) {
        case 'succeeded':
          return { outcome: 'succeeded', requestId: result.result.requestId };
        case 'superseded':
          deps.logger.info({ jobId: job.id }, 'remediation superseded by a newer request; nothing done');
          return { outcome: 'superseded' };
        case 'retry':
          deps.logger.warn({ jobId: job.id, code: result.error.code, attempt: job.attemptsMade + 1 }, 'remediation will be retried');
          throw result.error;
        case 'failed':
          deps.logger.warn({ jobId: job.id, code: result.error.code }, 'remediation failed');
          throw new UnrecoverableError(`${result.error.code}: ${result.error.message}`);
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => remediateBackoff(attemptsMade) },
    },
  );
}
