import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { MessageRef } from '../chat/message';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import type { RemediationAction } from '../remediation/actions';
import type { ClaimTarget } from '../store/remediation-claims';
import { hashId } from '../store/keys';

/** Queue names. Job ids are derived from what they act on, never random; they contain no `:`. */
export const QUEUES = {
  notify: 'notify',
  remediate: 'remediate',
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
