import type { EventKind, SecretEvent } from '../events/secret-event';
import type { AlertStatus, AlertTimelineEntry, MessageRef, NotifyReason } from '../chat/message';
import type { RemediationStatus } from '../remediation/actions';
import { hashId } from '../store/keys';

/**
 * Incidents: the events of one secret about one topic (its rotation, or its deletion) form one
 * incident with one chat message. The first event opens it; later ones update it in place; a
 * resolving event closes it. Pure: the caller loads and saves.
 */

export type Topic = 'rotation' | 'deletion';

export interface Incident {
  /** Stable id (derived from the incident key and its first event), carried by buttons and job ids. */
  id: string;
  key: string;
  topic: Topic;
  status: AlertStatus;
  openedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  /** The event that decides the headline and buttons. */
  event: SecretEvent;
  timeline: AlertTimelineEntry[];
  /** Source ids seen (capped), so a late redelivery is recognised even after dedup keys expire. */
  sourceIds: string[];
  message?: MessageRef;
  /**
   * Shown in DingTalk: the job id of the incident's latest queued robot message (robot messages
   * cannot be edited, so later events become follow-ups, each sent after the one before).
   */
  dingtalk?: { robot: string; lastJobId: string };
  /** Summary messages (group.ts) that show this incident instead of a message of its own, per platform. */
  summaries?: { slack?: string; dingtalk?: string };
  /** The latest remediation asked for from chat, shown in the message until the incident ends. */
  remediation?: RemediationStatus;
  /** The latest reminder or repeat (reminders.ts) and whether it was shown or held by a mute. */
  followUp?: { reason: 'reminder' | 'repeat-due'; at: string; outcome: 'shown' | 'muted'; final?: boolean };
}

const ROTATION_KINDS = new Set<EventKind>([
  'rotation.started',
  'rotation.succeeded',
  'rotation.failed',
  'rotation.abandoned',
  'rotation.requested',
  'rotation.cancelled',
  'rotation.label-updated',
  'rotation.overdue',
  'test-rotation.started',
  'test-rotation.succeeded',
  'test-rotation.failed',
]);

/** Kinds that end an incident: the problem went away, or nothing is left to act on. */
const CLOSING_KINDS = new Set<EventKind>([
  'rotation.succeeded',
  'rotation.label-updated',
  'test-rotation.succeeded',
  'deletion.cancelled',
  'deletion.completed',
  'deletion.forced',
  'access.pending-deletion-cleared',
]);

/** An info event arriving this soon after a resolution belongs to the resolved incident's thread. */
export const LATE_FOLLOW_UP_MS = 6 * 3_600_000;
const MAX_TIMELINE = 20;
const MAX_SOURCE_IDS = 50;

export function topicOf(kind: EventKind): Topic {
  return ROTATION_KINDS.has(kind) ? 'rotation' : 'deletion';
}

export function closesIncident(kind: EventKind): boolean {
  return CLOSING_KINDS.has(kind);
}

/** The incident key: one per secret (or, for alarms that name no secret, per alarm) and topic. */
export function incidentKeyOf(event: SecretEvent): string {
  const subject = event.secretId || `alarm:${event.sourceEventName}`;
  return incidentKeyFor({ ...event, secretId: subject }, topicOf(event.kind));
}

/** The key of a secret's incident about `topic`; `secretId` as its events give it (ARN or name). */
export function incidentKeyFor(s: Pick<SecretEvent, 'provider' | 'account' | 'region' | 'secretId'>, topic: Topic): string {
  return 'k' + hashId(s.provider, s.account, s.region, s.secretId, topic);
}

export type Decision =
  | { reason: 'duplicate' }
  | { reason: Exclude<NotifyReason, 'repeat-due' | 'reminder'>; incident: Incident; replacesHeadline: boolean };

function entryOf(event: SecretEvent): AlertTimelineEntry {
  return { kind: event.kind, occurredAt: event.occurredAt, ...(event.actor ? { actor: event.actor } : {}) };
}

function withEvent(incident: Incident, event: SecretEvent, nowIso: string, replace: boolean): Incident {
  const timeline = [...incident.timeline, entryOf(event)]
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
    .slice(-MAX_TIMELINE);
  return {
    ...incident,
    event: replace ? event : incident.event,
    timeline,
    updatedAt: nowIso,
    sourceIds: [...incident.sourceIds, event.sourceId].slice(-MAX_SOURCE_IDS),
  };
}

/**
 * Decides what an event does to its incident: `first` (post a new message), `changed` (update it
 * in place and reply in its thread), `resolved` (same, and it turns green), or `duplicate`.
 */
export function shouldNotify(current: Incident | undefined, event: SecretEvent, now: number): Decision {
  const nowIso = new Date(now).toISOString();
  if (current?.sourceIds.includes(event.sourceId)) return { reason: 'duplicate' };
  const closing = closesIncident(event.kind);

  if (current && current.status === 'resolved') {
    const resolvedAgo = now - Date.parse(current.resolvedAt ?? current.updatedAt);
    // Older than the event that resolved it (late delivery): history, never a reopening.
    const older = event.occurredAt <= current.event.occurredAt;
    // An info note soon after the resolution, e.g. "Secret Label Updated" right after RotationSucceeded.
    const note = event.severity === 'info' && resolvedAgo < LATE_FOLLOW_UP_MS;
    if (older || note) {
      return { reason: 'changed', incident: withEvent(current, event, nowIso, false), replacesHeadline: false };
    }
  }

  if (!current || current.status === 'resolved') {
    const key = incidentKeyOf(event);
    const incident: Incident = {
      id: 'i' + hashId(key, event.sourceId),
      key,
      topic: topicOf(event.kind),
      status: closing ? 'resolved' : 'open',
      openedAt: nowIso,
      updatedAt: nowIso,
      ...(closing ? { resolvedAt: nowIso } : {}),
      event,
      timeline: [entryOf(event)],
      sourceIds: [event.sourceId],
    };
    return { reason: 'first', incident, replacesHeadline: true };
  }

  // An event older than what the message already shows (out-of-order delivery) only joins the timeline.
  if (event.occurredAt < current.event.occurredAt) {
    return { reason: 'changed', incident: withEvent(current, event, nowIso, false), replacesHeadline: false };
  }
  const next = withEvent(current, event, nowIso, true);
  if (closing) return { reason: 'resolved', incident: { ...next, status: 'resolved', resolvedAt: nowIso }, replacesHeadline: true };
  return { reason: 'changed', incident: next, replacesHeadline: true };
}
