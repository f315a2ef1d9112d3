import type { EventKind, Provider, SecretEvent } from '../events/secret-event';

/**
 * Remediation actions and their chat ids, in one place. The secret reference travels in the
 * button value (or the signed DingTalk link), never in the action id.
 */
export const ACTION_IDS = {
  retryRotation: 'secrets_retry_rotation',
  cancelDeletion: 'secrets_cancel_deletion',
  mute: 'secrets_mute',
} as const;

export type ActionName = keyof typeof ACTION_IDS;

/** Bulk actions on a summary message (alerting/group.ts); the button value is the summary id. */
export const BULK_ACTION_IDS = {
  retryRotation: 'secrets_bulk_retry_rotation',
  cancelDeletion: 'secrets_bulk_cancel_deletion',
} as const;

/** Slack callback id of the Mute dialog (a modal view). */
export const MUTE_VIEW_ID = 'secrets_mute_dialog';

/** The actions that run as jobs against a cloud. */
export type RemediationAction = Exclude<ActionName, 'mute'>;

/** Policy names, as the YAML file spells them (`policies.rotate`, …). */
export type PolicyAction = 'rotate' | 'cancel_deletion' | 'mute';

export const POLICY_OF: Record<ActionName, PolicyAction> = {
  retryRotation: 'rotate',
  cancelDeletion: 'cancel_deletion',
  mute: 'mute',
};

/** How a remediation of an alert is going; kept on the incident and shown in its message. */
export interface RemediationStatus {
  action: RemediationAction;
  state: 'requested' | 'running' | 'succeeded' | 'failed';
  jobId: string;
  /** Chat user id of whoever asked. */
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  /** Source id of the incident's event when it was requested: a newer event makes the button apply again. */
  forEvent: string;
  /** What the cloud did, in one line (success). */
  detail?: string;
  /** Why it failed: stable code, the cloud's own code, and plain words. */
  error?: { code: string; cloudCode?: string; message: string };
  /** The cloud's request id of the decisive call. */
  cloudRequestId?: string;
}

const STATE_ORDER: Record<RemediationStatus['state'], number> = { requested: 1, running: 2, succeeded: 3, failed: 3 };

/** True when `next` moves a remediation forward (a late "requested" never overwrites "running"). */
export function advancesRemediation(current: RemediationStatus | undefined, next: RemediationStatus): boolean {
  if (!current || current.jobId !== next.jobId) return true;
  return STATE_ORDER[next.state] > STATE_ORDER[current.state];
}

/** What a button carries: enough to act without looking anything up (max 2000 chars in Slack). */
export interface ActionRef {
  /** Incident id the button belongs to. */
  alertId: string;
  provider: Provider;
  account: string;
  region: string;
  secretId: string;
  secretName: string;
}

export function encodeActionRef(ref: ActionRef): string {
  return JSON.stringify({ v: 1, a: ref.alertId, p: ref.provider, c: ref.account, r: ref.region, s: ref.secretId, n: ref.secretName });
}

export function decodeActionRef(value: string): ActionRef | undefined {
  try {
    const o = JSON.parse(value) as Record<string, unknown>;
    if (o.v !== 1 || (o.p !== 'aws' && o.p !== 'alibaba')) return undefined;
    for (const k of ['a', 'c', 'r', 's', 'n']) if (typeof o[k] !== 'string') return undefined;
    return {
      alertId: o.a as string,
      provider: o.p,
      account: o.c as string,
      region: o.r as string,
      secretId: o.s as string,
      secretName: o.n as string,
    };
  } catch {
    return undefined;
  }
}

/**
 * Which buttons apply to an incident whose latest event is `event`. Resolved incidents get none.
 * An event that names no secret (a CloudWatch alarm) gets only Mute: nothing to rotate or restore.
 * A remediation requested, running or done for this very event hides its own button (it comes back
 * when it failed, or when a newer event arrives).
 */
export function actionsFor(
  event: Pick<SecretEvent, 'kind' | 'secretId' | 'sourceId'>,
  open: boolean,
  remediation?: RemediationStatus,
): ActionName[] {
  if (!open) return [];
  const base = actionsForKind(event.kind);
  return base.filter((a) => {
    if (a === 'mute') return true;
    if (event.secretId.trim() === '') return false;
    const busy = remediation && remediation.action === a && remediation.forEvent === event.sourceId && remediation.state !== 'failed';
    return !busy;
  });
}

function actionsForKind(kind: EventKind): ActionName[] {
  switch (kind) {
    case 'rotation.failed':
    case 'rotation.abandoned':
    case 'rotation.overdue':
      return ['retryRotation', 'mute'];
    case 'deletion.scheduled':
    case 'access.pending-deletion':
      return ['cancelDeletion', 'mute'];
    default:
      return ['mute'];
  }
}

/**
 * Buttons for a secret described live by its cloud (`/secrets status <secret>`): Cancel deletion
 * while it is scheduled for deletion, else Retry rotation when it has a rotation to run.
 */
export function actionsForSecret(d: { provider: Provider; rotationEnabled: boolean; type?: string; deletionDate?: string }): ActionName[] {
  if (d.deletionDate) return ['cancelDeletion', 'mute'];
  const managedAlibaba = d.provider === 'alibaba' && d.type !== undefined && d.type !== 'Generic';
  return d.rotationEnabled || managedAlibaba ? ['retryRotation', 'mute'] : ['mute'];
}
