import type { EventKind } from '../events/secret-event';
import type { Incident } from './lifecycle';
import { findMute, type Mute } from './mute';

/**
 * Follow-ups: what is said about an incident after its events, on a timer. Pure: the caller
 * (follow-up.ts) loads the incident and the mutes, passes the time, and does what is decided.
 *
 * - Deletion countdown reminders: at each REMINDERS point before a scheduled deletion's date
 *   (default 72h, 24h, 1h), while the deletion incident is open. The last point is the final
 *   reminder: a mute never hides it, because after it the secret is gone for good.
 * - Repeats: an open rotation failure is announced again every `repeat_interval` after it was
 *   last shown (event or repeat), unless a mute holds it; the timer then moves on by an interval.
 */

export interface FollowUpSettings {
  /** Offsets before a deletion date, in ms (any order; the smallest is the final reminder). */
  reminders: readonly number[];
  /** How long an open rotation failure waits before it is announced again; 0 turns repeats off. */
  repeatIntervalMs: number;
}

export interface ReminderPoint {
  /** When it fires (ms epoch): the deletion date minus `offsetMs`. */
  at: number;
  offsetMs: number;
  /** The last reminder before the deletion becomes permanent. */
  final: boolean;
}

/** Kinds whose incident is a deletion countdown (they carry a deletion date and Cancel deletion). */
const COUNTDOWN_KINDS = new Set<EventKind>(['deletion.scheduled', 'access.pending-deletion']);

/** Rotation kinds that mean "broken until someone acts": repeated while the incident stays open. */
export const REPEATING_KINDS = new Set<EventKind>([
  'rotation.failed',
  'rotation.abandoned',
  'rotation.overdue',
]);

/** The deletion date (ms) an open incident counts down to, if it is a countdown. */
export function countdownOf(incident: Incident): number | undefined {
  if (incident.status !== 'open' || incident.topic !== 'deletion') return undefined;
  const { kind, deletionDate } = incident.event;
  if (!COUNTDOWN_KINDS.has(kind) || deletionDate === undefined) return undefined;
  const t = Date.parse(deletionDate);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The reminders still ahead for a deletion on `deadline`: one per offset whose time is still to
 * come. Points already past are skipped — except that an incident never shown (its opening was
 * muted) whose final point has passed still gets its final reminder, at once: nobody has seen the
 * countdown, and it is about to end. The point keeps its nominal time, so its job id is stable.
 */
export function reminderPoints(
  deadline: number,
  offsets: readonly number[],
  now: number,
  opts: { shown: boolean },
): ReminderPoint[] {
  if (!(deadline > now) || offsets.length === 0) return [];
  const distinct = [...new Set(offsets.filter((o) => o > 0))].sort((a, b) => b - a);
  if (distinct.length === 0) return [];
  const finalOffset = distinct[distinct.length - 1]!;
  const points = distinct.map((offsetMs) => ({
    at: deadline - offsetMs,
    offsetMs,
    final: offsetMs === finalOffset,
  }));
  const ahead = points.filter((p) => p.at > now);
  if (!opts.shown && !ahead.some((p) => p.final)) return [points[points.length - 1]!];
  return ahead;
}

/** When an open rotation failure is next due to be announced again: an interval after it was last shown. */
export function repeatDueAt(incident: Incident, intervalMs: number): number {
  const updated = Date.parse(incident.updatedAt);
  const shown =
    incident.followUp && incident.followUp.outcome === 'shown' ? Date.parse(incident.followUp.at) : -Infinity;
  return Math.max(updated, shown) + intervalMs;
}

export function isRepeating(incident: Incident): boolean {
  return (
    incident.status === 'open' && incident.topic === 'rotation' && REPEATING_KINDS.has(incident.event.kind)
  );
}

export interface FollowUpPlan {
  /** The incident is over: pending follow-ups can go. */
  cancel: boolean;
  reminders: ReminderPoint[];
  /** When the next repeat is due, for an open rotation failure with repeats on. */
  repeatAt?: number;
}

/** What to schedule after the pipeline saved `incident` (every event, shown or muted). */
export function planFollowUps(incident: Incident, settings: FollowUpSettings, now: number): FollowUpPlan {
  if (incident.status === 'resolved') return { cancel: true, reminders: [] };
  const deadline = countdownOf(incident);
  const reminders =
    deadline === undefined
      ? []
      : reminderPoints(deadline, settings.reminders, now, { shown: incident.message !== undefined });
  const repeats = settings.repeatIntervalMs > 0 && isRepeating(incident);
  return {
    cancel: false,
    reminders,
    ...(repeats ? { repeatAt: repeatDueAt(incident, settings.repeatIntervalMs) } : {}),
  };
}

/** Why a follow-up is not shown. */
export type SkipReason =
  | 'gone' // the incident expired
  | 'superseded' // a newer incident about the same secret and topic
  | 'resolved'
  | 'rescheduled' // the deletion date changed, or the incident was shown since: another job is due
  | 'cancelled' // Cancel deletion succeeded from chat; the cloud's own event has not arrived yet
  | 'deleted' // the deletion date has passed: nothing left to remind about
  | 'not-failing' // the rotation incident's latest event is no longer a failure
  | 'muted';

export type FollowUpDecision =
  | {
      action: 'show';
      reason: 'reminder' | 'repeat-due';
      /** `update`: rewrite the alert in place and reply in its thread; `post`: post it anew in the channel. */
      mode: 'update' | 'post';
      final: boolean;
      /** The mute the final reminder goes through. */
      bypassedMute?: string;
      /** Repeats: when the one after this is due. */
      next?: number;
    }
  | { action: 'skip'; reason: SkipReason; muteId?: string; next?: number };

export interface ReminderJobFacts {
  incidentId: string;
  /** The deletion date the reminder was planned for. */
  deletionDate: string;
  final: boolean;
}

/**
 * A reminder that came due. Non-final reminders rewrite the alert in place (fresh countdown,
 * "Reminder") and add a thread note; the final one is posted anew in the channel so that it is
 * seen, and the incident moves to that message. A mute holds a non-final reminder but never the
 * final one.
 */
export function reminderDecision(
  incident: Incident | undefined,
  job: ReminderJobFacts,
  mutes: readonly Mute[],
  now: number,
): FollowUpDecision {
  if (!incident) return { action: 'skip', reason: 'gone' };
  if (incident.id !== job.incidentId) return { action: 'skip', reason: 'superseded' };
  if (incident.status === 'resolved') return { action: 'skip', reason: 'resolved' };
  const deadline = countdownOf(incident);
  if (deadline === undefined || incident.event.deletionDate !== job.deletionDate)
    return { action: 'skip', reason: 'rescheduled' };
  const r = incident.remediation;
  if (
    r &&
    r.action === 'cancelDeletion' &&
    r.state === 'succeeded' &&
    r.forEvent === incident.event.sourceId
  ) {
    return { action: 'skip', reason: 'cancelled' };
  }
  if (deadline <= now) return { action: 'skip', reason: 'deleted' };
  const mute = findMute(incident.event, mutes, now);
  if (mute && !job.final) return { action: 'skip', reason: 'muted', muteId: mute.id };
  return {
    action: 'show',
    reason: 'reminder',
    mode: job.final || !incident.message ? 'post' : 'update',
    final: job.final,
    ...(mute ? { bypassedMute: mute.id } : {}),
  };
}

export interface RepeatJobFacts {
  incidentId: string;
  /** When this repeat was planned to be due (ms). */
  dueAt: number;
}

/**
 * A repeat that came due. Shown (posted anew, like Alertmanager's re-notification) when the
 * incident is still an open rotation failure that nothing has shown since it was planned; a mute
 * skips this one and moves the timer on by an interval, so the repeats resume when it ends.
 */
export function repeatDecision(
  incident: Incident | undefined,
  job: RepeatJobFacts,
  mutes: readonly Mute[],
  now: number,
  intervalMs: number,
): FollowUpDecision {
  if (!incident) return { action: 'skip', reason: 'gone' };
  if (incident.id !== job.incidentId) return { action: 'skip', reason: 'superseded' };
  if (incident.status === 'resolved') return { action: 'skip', reason: 'resolved' };
  if (!isRepeating(incident)) return { action: 'skip', reason: 'not-failing' };
  if (intervalMs <= 0) return { action: 'skip', reason: 'rescheduled' };
  if (job.dueAt < repeatDueAt(incident, intervalMs)) return { action: 'skip', reason: 'rescheduled' };
  const next = now + intervalMs;
  const mute = findMute(incident.event, mutes, now);
  if (mute) return { action: 'skip', reason: 'muted', muteId: mute.id, next };
  return { action: 'show', reason: 'repeat-due', mode: 'post', final: false, next };
}
