import type { Mute } from '../alerting/mute';
import type { Provider, SecretEvent } from '../events/secret-event';
import type { ActionName, ActionRef, RemediationStatus } from '../remediation/actions';

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
  /** A remediation asked for from chat, and how it is going. */
  remediation?: RemediationStatus;
}

/** Where a posted message lives, so later events update it in place and reply in its thread. */
export type MessageRef = SlackMessageRef | DingTalkMessageRef;

export interface SlackMessageRef {
  platform: 'slack';
  channel: string;
  ts: string;
}

/**
 * A DingTalk robot message. Custom robots return no message id and cannot edit or thread, so
 * this only says which robot posted it (`robot`: a hash, never the token) and gives the message
 * our own key; updates become follow-up messages through the same robot.
 */
export interface DingTalkMessageRef {
  platform: 'dingtalk';
  robot: string;
  msgKey: string;
}

/** The secret a note is about, for people. */
export interface SecretLabel {
  provider: Provider;
  account: string;
  region: string;
  name: string;
}

/** A step of a remediation, for its alert's thread (or a message of its own when there is no alert). */
export interface RemediationNote {
  kind: 'remediation';
  status: RemediationStatus;
  secret: SecretLabel;
  /** Set while a retryable failure is being retried. */
  retrying?: { message: string; attempt: number; maxAttempts: number };
}

/** A mute created or ended from chat, for its alert's thread. */
export interface MuteNote {
  kind: 'mute';
  mute: Mute;
  ended?: boolean;
  /** A timed mute ran out (alerting/mute-expiry.ts): how many events it held back meanwhile. */
  expired?: { mutedEvents: number };
}

export type ChatNote = RemediationNote | MuteNote;
