import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { reconcile, type ReconcileDeps } from '../../src/alerting/reconcile';
import { QUEUES, type ReconcileJob } from '../../src/queue/queues';

/**
 * BullMQ processor for the reconcile queue: one reconciliation pass per job. The jobs come from
 * one job scheduler shared by every replica (RECONCILE_SCHEDULER_ID), so each interval runs once;
 * concurrency 1, and a pass that fails is simply done again at the next interval.
 */
export function createReconcileWorker(
  deps: ReconcileDeps,
  opts: { connection: ConnectionOptions; prefix: string },
): Worker<ReconcileJob> {
  return new Worker<ReconcileJob>(
    QUEUES.reconcile,
    async (job: Job<ReconcileJob>) => {
      const report = await reconcile(deps, (job.id ?? 'pass').replace(/[^A-Za-z0-9_-]/g, '-'));
      deps.logger.info(
        {
          jobId: job.id,
          scopes: report.scopes,
          listed: report.listed,
          opened: report.opened.length,
          resolved: report.resolved.length,
          alreadyFound: report.alreadyFound,
          failed: report.failed.length,
        },
        'reconciliation pass done',
      );
      return {
        scopes: report.scopes,
        listed: report.listed,
        opened: report.opened.length,
        resolved: report.resolved.length,
        alreadyFound: report.alreadyFound,
        failed: report.failed,
      };
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: 1 },
  );
}
