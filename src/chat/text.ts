import type { EventKind, EventSource, Provider, SecretEvent, Severity } from '../events/secret-event';
import type { NotifyReason } from './message';

/**
 * Pure text helpers shared by the chat renderers (Slack, DingTalk). Everything here returns plain
 * words; escaping for a platform's markup is the renderer's job (see `escapeSlackMrkdwn`).
 * No clock: times are always passed in.
 */

/** Short label of an event kind, without the secret's name ("Rotation failed"). Used in timelines. */
export function kindLabel(kind: EventKind): string {
  switch (kind) {
    case 'rotation.started':
      return 'Rotation started';
    case 'rotation.succeeded':
      return 'Rotation succeeded';
    case 'rotation.failed':
      return 'Rotation failed';
    case 'rotation.abandoned':
      return 'Rotation abandoned';
    case 'rotation.requested':
      return 'Rotation requested';
    case 'rotation.cancelled':
      return 'Automatic rotation turned off';
    case 'rotation.label-updated':
      return 'New version became current';
    case 'rotation.overdue':
      return 'Rotation overdue';
    case 'test-rotation.started':
      return 'Test rotation started';
    case 'test-rotation.succeeded':
      return 'Test rotation succeeded';
    case 'test-rotation.failed':
      return 'Test rotation failed';
    case 'deletion.scheduled':
      return 'Deletion scheduled';
    case 'deletion.forced':
      return 'Deleted without recovery window';
    case 'deletion.cancelled':
      return 'Deletion cancelled (secret restored)';
    case 'deletion.started':
      return 'Permanent deletion started';
    case 'deletion.completed':
      return 'Permanently deleted';
    case 'access.pending-deletion':
      return 'Read while pending deletion';
    case 'access.pending-deletion-cleared':
      return 'Reads while pending deletion stopped';
  }
}

/**
 * The headline of an event in plain words, naming the secret when the event does
 * ("Rotation failed for prod/pg"). A CloudWatch alarm names no secret: "A secret …".
 */
export function describeEvent(event: Pick<SecretEvent, 'kind' | 'secretName'>): string {
  const name = event.secretName.trim();
  const n = name === '' ? undefined : name;
  const forName = n === undefined ? '' : ` for ${n}`;
  switch (event.kind) {
    case 'rotation.started':
    case 'rotation.succeeded':
    case 'rotation.failed':
    case 'rotation.abandoned':
    case 'rotation.requested':
    case 'rotation.cancelled':
    case 'rotation.overdue':
    case 'test-rotation.started':
    case 'test-rotation.succeeded':
    case 'test-rotation.failed':
    case 'deletion.scheduled':
    case 'deletion.started':
      return kindLabel(event.kind) + forName;
    case 'deletion.cancelled':
      return `Deletion cancelled${forName} (secret restored)`;
    case 'rotation.label-updated':
      return n === undefined ? 'A new secret version became current' : `New version of ${n} became current`;
    case 'deletion.forced':
      return `${n ?? 'A secret'} was deleted immediately, without a recovery window`;
    case 'deletion.completed':
      return `${n ?? 'A secret'} was permanently deleted`;
    case 'access.pending-deletion':
      return `${n ?? 'A secret'} was read while pending deletion`;
    case 'access.pending-deletion-cleared':
      return n === undefined
        ? 'No more reads of secrets pending deletion'
        : `No more reads of ${n} while pending deletion`;
  }
}

/** Why this message was sent, in one or two words. */
export function reasonLabel(reason: NotifyReason): string {
  switch (reason) {
    case 'first':
      return 'New alert';
    case 'changed':
      return 'Updated';
    case 'resolved':
      return 'Resolved';
    case 'reminder':
      return 'Reminder';
    case 'repeat-due':
      return 'Still unresolved';
  }
}

/** A longer "why am I seeing this" sentence for a reason. */
export function reasonExplanation(reason: NotifyReason): string {
  switch (reason) {
    case 'first':
      return 'first event of this incident';
    case 'changed':
      return 'the incident changed';
    case 'resolved':
      return 'the incident is over';
    case 'reminder':
      return 'the deletion date is getting close';
    case 'repeat-due':
      return 'the incident is still open';
  }
}

export function cloudLabel(provider: Provider): string {
  return provider === 'aws' ? 'AWS' : 'Alibaba Cloud';
}

/** The cloud service that holds the secret, as users know it. */
export function serviceLabel(provider: Provider): string {
  return provider === 'aws' ? 'Secrets Manager' : 'KMS';
}

export function severityLabel(severity: Severity): string {
  switch (severity) {
    case 'critical':
      return 'Critical';
    case 'warning':
      return 'Warning';
    case 'info':
      return 'Info';
  }
}

/** True for events the bot made up itself after listing secrets (alerting/reconcile.ts). */
export function isReconciled(source: EventSource): boolean {
  return source === 'aws.reconcile' || source === 'alibaba.reconcile';
}

/** Shown with events found by reconciliation, in place of "via <source>": why there is an alert without an event. */
export const RECONCILED_NOTE = 'found by reconciliation: no event arrived';

export function sourceLabel(source: EventSource): string {
  switch (source) {
    case 'aws.eventbridge':
      return 'EventBridge';
    case 'aws.cloudwatch-alarm':
      return 'CloudWatch alarm';
    case 'alibaba.cloudmonitor':
      return 'CloudMonitor';
    case 'alibaba.eventbridge':
      return 'Alibaba EventBridge';
    case 'aws.reconcile':
      return 'Secrets Manager reconciliation';
    case 'alibaba.reconcile':
      return 'KMS reconciliation';
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * Time from `nowMs` to a deadline, with the two largest units, rounded down so a deadline is
 * never made to look further away than it is: "in 6 days 23 hours", "in 47 minutes",
 * "2 hours ago". Returns '' when the date cannot be parsed.
 */
export function formatCountdown(deadlineIso: string, nowMs: number): string {
  const span = countdownSpan(deadlineIso, nowMs);
  if (span === undefined) return '';
  if (span.units.length === 0) return span.future ? 'in less than a minute' : 'less than a minute ago';
  const text = span.units.map(([n, unit]) => plural(n, unit)).join(' ');
  return span.future ? `in ${text}` : `${text} ago`;
}

export type CountdownUnit = 'day' | 'hour' | 'minute';

/**
 * The time between now and a deadline as its two largest whole units, rounded down, leaving out a
 * zero second unit ("2 days", "3 hours 5 minutes"); no units under a minute; undefined for a date
 * that does not parse. Every locale words the same span (i18n/alert-words.ts).
 */
export function countdownSpan(
  deadlineIso: string,
  nowMs: number,
): { future: boolean; units: Array<[number, CountdownUnit]> } | undefined {
  const deadline = Date.parse(deadlineIso);
  if (Number.isNaN(deadline) || !Number.isFinite(nowMs)) return undefined;
  const diff = deadline - nowMs;
  const abs = Math.abs(diff);
  const future = diff >= 0;
  if (abs < MINUTE) return { future, units: [] };
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  const all: Array<[number, CountdownUnit]> = [
    [days, 'day'],
    [hours, 'hour'],
    [minutes, 'minute'],
  ];
  const first = all.findIndex(([n]) => n > 0); // some unit is, at a minute or more
  return { future, units: all.slice(first, first + 2).filter(([n], i) => i === 0 || n > 0) };
}

/** "2026-03-08 11:59 UTC"; for plain-text places where Slack date formatting does not work. */
export function formatUtc(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)} UTC`;
}

export const ELLIPSIS = '…';

/**
 * Cut `s` to at most `max` UTF-16 code units (what Slack's limits count, or stricter), ending
 * with an ellipsis when something was cut. Never splits a surrogate pair.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  if (end > 0 && isHighSurrogate(s.charCodeAt(end - 1))) end -= 1;
  return s.slice(0, Math.max(0, end)) + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Escape text for Slack mrkdwn (and the top-level `text`): `&`, `<` and `>` become entities, as
 * Slack asks. Untrusted text (secret names, actors, failure messages) then cannot form links,
 * user/channel mentions or `<!channel>` / `<!here>` broadcasts.
 */
export function escapeSlackMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escape for Slack mrkdwn and cut to at most `max` characters of escaped text, never in the
 * middle of an entity or a surrogate pair.
 */
export function escapeAndTruncate(s: string, max: number): string {
  // Escaping never shortens, so text longer than `max` is cut without escaping all of it (100 kB fields).
  if (s.length <= max) {
    const escaped = escapeSlackMrkdwn(s);
    if (escaped.length <= max) return escaped;
  }
  if (max <= 0) return '';
  const budget = max - ELLIPSIS.length;
  let out = '';
  for (const ch of s) {
    const piece = escapeSlackMrkdwn(ch);
    if (out.length + piece.length > budget) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/**
 * Cut composed Slack mrkdwn (escaped text with our own `<@U…>`, `<!date…>`, `<url|label>` tokens and
 * `&lt;`-style entities) to at most `max` code units. Never splits a token, an entity or a surrogate
 * pair, so a cut can neither leave a raw `<` or `>` nor turn a mention into text that pings. Prefers
 * to end at a line break when one falls in the last quarter of what is kept (lists lose whole lines).
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return truncate('', max);
  let cut = max - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  for (;;) {
    const kept = text.slice(0, cut);
    const lt = kept.lastIndexOf('<');
    const amp = kept.lastIndexOf('&');
    if (lt !== -1 && kept.indexOf('>', lt) === -1) cut = lt;
    else if (amp !== -1 && kept.indexOf(';', amp) === -1) cut = amp;
    else break;
  }
  const nl = text.lastIndexOf('\n', cut - 1);
  if (nl > 0 && nl >= cut * 0.75) cut = nl + 1;
  return text.slice(0, cut) + ELLIPSIS;
}

/**
 * Mute choices offered by every platform; `value` is what a mute action carries. Their labels are
 * in each locale's words (i18n/sentence-words.ts, `mute.choice`).
 */
export const MUTE_CHOICES = [
  { value: '1h' },
  { value: '1d' },
  { value: '1w' },
  { value: 'resolved' },
] as const;

export type MuteChoice = (typeof MUTE_CHOICES)[number]['value'];

/** What each chat action is called, in buttons and in sentences about it. */
export const ACTION_LABELS = {
  retryRotation: 'Retry rotation',
  cancelDeletion: 'Cancel deletion',
  mute: 'Mute',
} as const;

/**
 * Neutral texts name chat users and channels through these markers; each renderer turns them into
 * its own mention syntax (Slack `<@U…>`, `<#C…>`) after escaping everything else, so untrusted
 * text can never form a mention. The marker character never appears in cloud names.
 */
const MARK = '\u0001';

export function userRef(id: string): string {
  return `${MARK}@${stripRefMarkers(id)}${MARK}`;
}

export function channelRef(id: string): string {
  return `${MARK}#${stripRefMarkers(id)}${MARK}`;
}

/** Replaces user/channel markers: `mention(kind, id)` gives the platform's text for each. */
export function replaceRefs(text: string, mention: (kind: '@' | '#', id: string) => string): string {
  const parts = text.split(MARK);
  if (parts.length < 3) return text;
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const ref = parts[i]!;
    const closed = i + 1 < parts.length;
    const kind = ref[0];
    out += closed && (kind === '@' || kind === '#') ? mention(kind, ref.slice(1)) : ref;
    if (closed) out += parts[i + 1]!;
  }
  return out;
}

/** Removes the marker character from untrusted input (command arguments). */
export function stripRefMarkers(text: string): string {
  return text.split(MARK).join('');
}
