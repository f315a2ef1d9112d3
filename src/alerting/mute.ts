import type { Provider, SecretEvent, Severity } from '../events/secret-event';
import { incidentKeyOf } from './lifecycle';
import { kindProblem, matchesEvent, regexProblem, severityProblem, type EventMatcher } from './matcher';

/**
 * Mutes: a muted event still updates its incident but posts nothing (the pipeline's mute stage).
 * Pure: the caller loads the active mutes and passes the time.
 *
 * What a mute matches:
 * - `incidentKey` set (the Mute button on an alert): the events of that alert — that secret and
 *   topic (its rotation, or its deletion) — and nothing else;
 * - otherwise (`/secrets mute <secret or pattern> <duration> [kind=… account=… …]`): every event
 *   that the route matcher (matcher.ts) accepts: `secret` is a name, an ARN or a glob over names,
 *   and the optional fields narrow it like a route's `match` (provider, account, region, kind,
 *   severity, secret type, regex, tags). `secret: ''` matches nothing.
 *
 * How long: from `startsAt` until `endsAt`; or, with `untilResolved`, until the alert's incident
 * resolves (the pipeline ends such mutes when it sees the resolution).
 *
 * Mutes stored before the extra fields existed have only secret/provider/account/region and
 * keep matching exactly as they did.
 */
export interface MuteMatch extends EventMatcher {
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
  /** What was muted, for people ("prod/pg rotation alerts", "prod/* kind=rotation.failed"). */
  label: string;
  startsAt: string;
  /** Absent with `untilResolved`. */
  endsAt?: string;
  untilResolved?: boolean;
  /** Chat user id. */
  createdBy: string;
  reason?: string;
  createdAt: string;
  /** Where it was asked for (a Slack channel id), so its expiry is announced there. */
  channel?: string;
}

/** The first mute in force at `now` that matches `event`, if any. */
export function findMute(event: SecretEvent, mutes: readonly Mute[], now: number): Mute | undefined {
  const key = incidentKeyOf(event);
  return mutes.find((m) => isActive(m, now) && muteMatches(m.match, event, key));
}

export function isActive(mute: Mute, now: number): boolean {
  if (Date.parse(mute.startsAt) > now) return false;
  if (mute.endsAt !== undefined) return now < Date.parse(mute.endsAt);
  return mute.untilResolved === true;
}

export function muteMatches(m: MuteMatch, event: SecretEvent, incidentKey = incidentKeyOf(event)): boolean {
  if (m.incidentKey !== undefined) return m.incidentKey === incidentKey;
  if (m.secret === '') return false;
  return matchesEvent(m, event);
}

/** The matcher fields `/secrets mute` takes after the duration, besides the secret. */
export type MuteFilters = Omit<MuteMatch, 'secret' | 'incidentKey'>;

const FILTER_WORD =
  /^(provider|account|region|kind|severity|type|secret_type|regex|secret_regex|tag\.[^=\s]+)=(\S*)$/;

/**
 * Reads the filters at the start of `words` (`kind=rotation.failed,rotation.abandoned account=1111
 * severity=critical type=Rds regex=^prod/ tag.team=db provider=aws region=eu-west-1`); the first
 * word that is not one ends them (the reason follows). Pure.
 */
export function parseMuteFilters(
  words: readonly string[],
): { filters: MuteFilters; rest: string[] } | { error: string } {
  const filters: MuteFilters = {};
  let i = 0;
  for (; i < words.length; i++) {
    const m = FILTER_WORD.exec(words[i]!);
    if (!m) break;
    const [, key, value] = m as unknown as [string, string, string];
    if (value === '') return { error: `${key}= needs a value` };
    const list = value.split(',').filter(Boolean);
    const bad = (p: string | undefined) => (p ? { error: `${key}: ${p}` } : undefined);
    if (key === 'provider') {
      if (value !== 'aws' && value !== 'alibaba')
        return { error: `provider: "${value}" is not aws or alibaba` };
      filters.provider = value;
    } else if (key === 'account') filters.account = value;
    else if (key === 'region') filters.region = value;
    else if (key === 'kind') {
      const problem = list.map(kindProblem).find(Boolean);
      if (problem) return bad(problem)!;
      filters.kind = list;
    } else if (key === 'severity') {
      const problem = list.map(severityProblem).find(Boolean);
      if (problem) return bad(problem)!;
      filters.severity = list as Severity[];
    } else if (key === 'type' || key === 'secret_type') filters.secretType = list;
    else if (key === 'regex' || key === 'secret_regex') {
      const problem = regexProblem(value);
      if (problem) return bad(problem)!;
      filters.secretRegex = value;
    } else filters.tags = { ...filters.tags, [key.slice('tag.'.length)]: value };
  }
  return { filters, rest: words.slice(i) };
}
