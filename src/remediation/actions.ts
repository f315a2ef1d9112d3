import type { EventKind, Provider } from '../events/secret-event';

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

/** Which buttons apply to an open incident whose latest event is `kind`. Resolved incidents get none. */
export function actionsFor(kind: EventKind, open: boolean): ActionName[] {
  if (!open) return [];
  switch (kind) {
    case 'rotation.failed':
    case 'rotation.abandoned':
      return ['retryRotation', 'mute'];
    case 'deletion.scheduled':
    case 'access.pending-deletion':
      return ['cancelDeletion', 'mute'];
    default:
      return ['mute'];
  }
}
