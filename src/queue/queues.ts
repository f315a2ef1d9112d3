import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { DingTalkMessage } from '../chat/dingtalk/render-dingtalk-card';
import type { AlertMessage, MessageRef } from '../chat/message';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import type { RemediationAction } from '../remediation/actions';
import type { ClaimTarget } from '../store/remediation-claims';
import { hashId } from '../store/keys';

/** Queue names. Job ids are derived from what they act on, never random; they contain no `:`. */
export const QUEUES = {
  notify: 'notify',
  remediate: 'remediate',
  /** Deletion countdown reminders and repeats of unresolved failures: one delayed job each. */
  remind: 'remind',
  /** The reconciliation pass, made by one job scheduler shared by every replica. */
  reconcile: 'reconcile',
  /** One DingTalk robot message per job; separate so DingTalk's 20/min never holds Slack up. */
  deliverDingTalk: 'deliver-dingtalk',
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

// ---------------------------------------------------------------------------------------------
// Remediation jobs

export interface RemediateJob {
  claimId: string;
  jobId: string;
  action: RemediationAction;
  target: ClaimTarget;
  /** Incident id of the alert it was asked from ('' without one). */
  alertId: string;
  forEvent: string;
  requestedBy: string;
  requestedAt: string;
  via: 'button' | 'command';
  /** Channel it was asked from. */
  channel: string;
  /** The alert message to update, when it was asked from one. */
  message?: MessageRef;
  /** A message of its own, posted by the job when there is no alert message (kept across attempts). */
  statusMessage?: MessageRef;
  /** Asked from DingTalk: the outcome is posted in the DingTalk group too. */
  origin?: 'dingtalk';
}

const ACTION_SLUG: Record<RemediationAction, string> = { retryRotation: 'rotate', cancelDeletion: 'restore' };

/**
 * One claim per (action, secret, alert): the secret by provider, account, region and name (an ARN
 * and its name give the same id), the alert by incident id ('' for a command without an alert).
 */
export function remediationClaimId(action: RemediationAction, target: Omit<ClaimTarget, 'name'> & { name?: string }, alertId: string): string {
  const name = secretDisplayName(target.name || target.secretId);
  return hashId('remediate', action, target.provider, target.account, target.region, name, alertId);
}

/**
 * The job id: `remediate-rotate-<claim id>-<n>`, where n counts the requests this claim has had
 * (a new request is possible only after the previous one failed or its "recently done" time ran
 * out). Derived, never random; no `:`; never all digits. It is also the cloud idempotency key, so
 * retries of one job can never rotate twice.
 */
export function remediationJobIdStem(action: RemediationAction, claimId: string): string {
  return `remediate-${ACTION_SLUG[action]}-${claimId}`;
}

export function remediateJobOptions(attempts: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'capped' },
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  };
}

/** Backoff between remediation attempts: 1 s, 2 s, 4 s … capped at 30 s, ±20 % jitter. */
export function remediateBackoff(attemptsMade: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function createRemediateQueue(connection: ConnectionOptions, prefix: string, attempts: number): Queue<RemediateJob> {
  return new Queue<RemediateJob>(QUEUES.remediate, { connection, prefix, defaultJobOptions: remediateJobOptions(attempts) });
}

// ---------------------------------------------------------------------------------------------
// DingTalk deliveries

/**
 * One message through a DingTalk robot.
 * - `alert`: an alert rendered when sent (links signed then): `card` for a new incident, `update`
 *   ("Updated: …"/"Resolved: …") when the headline changed, `note` otherwise — one message per
 *   event. `after`: the job id of the incident's previous DingTalk message, sent first.
 *   `requestId`: the ingest request that brought the event, for the log line when it is sent.
 * - `body`: a message rendered already (a command reply the session webhook could not take, a
 *   remediation outcome); `what` names it in logs.
 */
export type DingTalkDelivery =
  | { kind: 'alert'; mode: 'card' | 'update' | 'note'; message: AlertMessage; after?: string; requestId?: string }
  | { kind: 'body'; body: DingTalkMessage; what: string };

export interface DeliverDingTalkJob {
  /** Robot id (a hash of its token, never the token). */
  robot: string;
  delivery: DingTalkDelivery;
}

/** Retry forever for retryable failures, like notify; waiting for budget is a delay, not an attempt. */
export const DELIVER_DINGTALK_JOB_OPTIONS: JobsOptions = {
  attempts: Number.MAX_SAFE_INTEGER,
  backoff: { type: 'capped' },
  removeOnComplete: { age: 3600, count: 20_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/** The DingTalk message for one event: `dingtalk-<robot>-<event key>` (no `:`, never all digits). */
export function dingTalkAlertJobId(robot: string, eventKey: string): string {
  return `dingtalk-${robot}-${eventKey}`;
}

/** Any other DingTalk message, derived from what it is about (`parts`: e.g. a callback msgId). */
export function dingTalkJobId(robot: string, kind: string, ...parts: string[]): string {
  return `dingtalk-${robot}-${kind}-${hashId('dingtalk', kind, ...parts)}`;
}

export function createDeliverDingTalkQueue(connection: ConnectionOptions, prefix: string): Queue<DeliverDingTalkJob> {
  return new Queue<DeliverDingTalkJob>(QUEUES.deliverDingTalk, { connection, prefix, defaultJobOptions: DELIVER_DINGTALK_JOB_OPTIONS });
}

// ---------------------------------------------------------------------------------------------
// Follow-ups (reminders, repeats) and reconciliation: issue 4

/** A delayed job that shows an incident again (src/alerting/reminders.ts decides whether). */
export type RemindJob =
  | { kind: 'reminder'; incidentKey: string; incidentId: string; deletionDate: string; at: number; final: boolean }
  | { kind: 'repeat'; incidentKey: string; incidentId: string; at: number };

/**
 * `remind-<incident id>-<ms>` / `repeat-<incident id>-<ms>`: the incident and when it is due
 * (a reminder's nominal time, deletion date minus its offset). Derived, so planning the same
 * reminder again (another event, another replica) adds nothing; no `:`, never all digits.
 */
export function remindJobId(job: Pick<RemindJob, 'kind' | 'incidentId' | 'at'>): string {
  return `${job.kind === 'reminder' ? 'remind' : 'repeat'}-${job.incidentId}-${Math.round(job.at)}`;
}

/** Retry chat outages with capped backoff for a day; a rate limit pauses the queue instead. */
export const REMIND_JOB_OPTIONS: JobsOptions = {
  attempts: 200,
  backoff: { type: 'capped' },
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};

export function createRemindQueue(connection: ConnectionOptions, prefix: string): Queue<RemindJob> {
  return new Queue<RemindJob>(QUEUES.remind, { connection, prefix, defaultJobOptions: REMIND_JOB_OPTIONS });
}

/** The one scheduler id every replica upserts: one reconciliation pass per interval, whoever runs it. */
export const RECONCILE_SCHEDULER_ID = 'reconcile-every';

export type ReconcileJob = Record<string, never>;

export function createReconcileQueue(connection: ConnectionOptions, prefix: string): Queue<ReconcileJob> {
  return new Queue<ReconcileJob>(QUEUES.reconcile, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 1, removeOnComplete: { age: 86_400, count: 100 }, removeOnFail: { age: 7 * 86_400, count: 100 } },
  });
}

/** The remind queue as the follow-ups need it: derived ids make a repeated add a no-op. */
export function remindQueueAdapter(queue: Queue<RemindJob>) {
  return {
    add: async (jobs: Array<{ jobId: string; job: RemindJob; delayMs: number }>): Promise<void> => {
      if (jobs.length === 0) return;
      await queue.addBulk(jobs.map((j) => ({ name: j.job.kind, data: j.job, opts: { jobId: j.jobId, delay: j.delayMs } })));
    },
    remove: async (jobIds: string[]): Promise<void> => {
      // A job that already runs is locked and stays; it finds its incident resolved and does nothing.
      await Promise.all(jobIds.map((id) => queue.remove(id).catch(() => 0)));
    },
  };
}

/** Every replica calls this at start: one scheduler, so one pass per interval whichever replica runs it; 0 removes it. */
export async function scheduleReconciliation(queue: Queue<ReconcileJob>, intervalMs: number): Promise<void> {
  if (intervalMs <= 0) {
    await queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: intervalMs }, { name: 'reconcile', data: {} });
}
