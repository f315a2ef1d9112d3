import type { Provider, SecretEvent } from '../events/secret-event';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import { incidentKeyOf } from './lifecycle';

/**
 * Mutes: a muted event still updates its incident but posts nothing (the pipeline's mute stage).
 * Pure: the caller loads the active mutes and passes the time.
 *
 * What a mute matches:
 * - `incidentKey` set (the Mute button on an alert): the events of that alert — that secret and
 *   topic (its rotation, or its deletion) — and nothing else;
 * - otherwise (`/secrets mute <secret or pattern> …`): every event of a secret whose name (or id)
 *   equals `secret`, or matches it as a glob (`*` any characters including `/`, `?` one character),
 *   optionally only in one provider, account and region.
 *
 * How long: from `startsAt` until `endsAt`; or, with `untilResolved`, until the alert's incident
 * resolves (the pipeline ends such mutes when it sees the resolution).
 */
export interface MuteMatch {
  /** Secret name or ARN, or a glob over names (`prod/*`). '' with an incidentKey. */
  secret: string;
  provider?: Provider;
  account?: string;
  region?: string;
  /** Only the events of this alert (secret + topic). */
  incidentKey?: string;
}

export interface Mute {
  id: string;
  match: MuteMatch;
  /** What was muted, for people ("prod/pg rotation alert", "prod/*"). */
  label: string;
  startsAt: string;
  /** Absent with `untilResolved`. */
  endsAt?: string;
  untilResolved?: boolean;
  /** Chat user id. */
  createdBy: string;
  reason?: string;
  createdAt: string;
}

/** The first mute in force at `now` that matches `event`, if any. */
export function findMute(event: SecretEvent, mutes: readonly Mute[], now: number): Mute | undefined {
  const key = incidentKeyOf(event);
  return mutes.find((m) => isActive(m, now) && matches(m.match, event, key));
}

export function isActive(mute: Mute, now: number): boolean {
  if (Date.parse(mute.startsAt) > now) return false;
  if (mute.endsAt !== undefined) return now < Date.parse(mute.endsAt);
  return mute.untilResolved === true;
}

function matches(m: MuteMatch, event: SecretEvent, incidentKey: string): boolean {
  if (m.incidentKey !== undefined) return m.incidentKey === incidentKey;
  if (m.provider !== undefined && m.provider !== event.provider) return false;
  if (m.account !== undefined && m.account !== '*' && m.account !== event.account) return false;
  if (m.region !== undefined && m.region !== '*' && m.region !== event.region) return false;
  if (m.secret === '') return false;
  const names = new Set([event.secretName, event.secretId, secretDisplayName(event.secretId)].filter((n) => n !== ''));
  if (!isPattern(m.secret)) return names.has(m.secret);
  const re = globToRegExp(m.secret);
  return [...names].some((n) => re.test(n));
}

export function isPattern(s: string): boolean {
  return /[*?]/.test(s);
}

/** `prod/*` → /^prod\/.*$/ ; every other character is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}
