import type { SecretEvent } from '../events/secret-event';
import type { ActionName, ActionRef } from '../remediation/actions';

/**
 * The platform-neutral alert message. Renderers (chat/slack, chat/dingtalk) turn it into
 * platform payloads; they are pure and tested against golden files.
 */

/** Why this message was sent; shown in the message ("why am I seeing this"). */
export type NotifyReason = 'first' | 'changed' | 'resolved' | 'repeat-due' | 'reminder';

export type AlertStatus = 'open' | 'resolved';

export interface AlertTimelineEntry {
  kind: SecretEvent['kind'];
  occurredAt: string;
  actor?: string;
}

export interface AlertMessage {
  alertId: string;
  status: AlertStatus;
  reason: NotifyReason;
  /** The latest event of the incident; it decides the headline. */
  event: SecretEvent;
  /** Earlier events of the same incident, oldest first (for "what happened so far"). */
  timeline: AlertTimelineEntry[];
  /** Buttons that apply now; empty once resolved. */
  actions: ActionName[];
  /** Reference every button carries. */
  ref: ActionRef;
  /** Link to the secret in its cloud console. */
  consoleUrl: string;
  /** Render time (ms epoch) for countdowns; passed in so renderers stay pure. */
  now: number;
}

/** Where a posted message lives, so later events update it in place and reply in its thread. */
export interface MessageRef {
  platform: 'slack';
  channel: string;
  ts: string;
}
