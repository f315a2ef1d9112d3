import { secretDisplayName } from '../clouds/classify-cloud-error';
import { EVENT_KINDS, type Provider, type SecretEvent, type Severity } from '../events/secret-event';

/**
 * One matcher over the fields of a SecretEvent, shared by routes (route.ts) and mutes (mute.ts).
 * Plain data (stored in Redis as part of a mute), so regexes and globs are strings here.
 *
 * Every field that is set must match; within a field, any listed value may (OR). Unset: any event.
 * - `provider`, `severity`: equal.
 * - `account`, `region`: equal; `*` matches any.
 * - `secret`: the secret's name, its ARN or its display name; equal, or a glob when it has `*`
 *   (any characters, including `/`) or `?` (one character).
 * - `secretRegex`: a JavaScript regular expression searched in the same names (not anchored: write
 *   `^` and `$` when you mean them).
 * - `secretType`: equal, ignoring case (`RDS` matches Alibaba's `Rds`).
 * - `kind`: an event kind (`rotation.failed`) or a glob over kinds (`rotation.*`).
 * - `tags`: each key must be known on the event with that value (`*`: any value). An event whose
 *   tags are unknown (most cloud events carry none) never matches a tag matcher.
 */
export interface EventMatcher {
  provider?: Provider | Provider[];
  account?: string | string[];
  region?: string | string[];
  secret?: string | string[];
  secretRegex?: string;
  secretType?: string | string[];
  kind?: string | string[];
  severity?: Severity | Severity[];
  tags?: Record<string, string>;
}

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

function listOf<T>(v: T | T[] | undefined): T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export function isPattern(s: string): boolean {
  return /[*?]/.test(s);
}

/** `prod/*` → /^prod\/.*$/ ; every other character is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 2000;

/** Compiled once per distinct pattern: matching runs for every event on the notify path. */
function cachedRegExp(key: string, build: () => RegExp): RegExp {
  let re = compiled.get(key);
  if (!re) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    re = build();
    compiled.set(key, re);
  }
  return re;
}

function globMatches(glob: string, value: string): boolean {
  if (!isPattern(glob)) return glob === value;
  return cachedRegExp(`g${glob}`, () => globToRegExp(glob)).test(value);
}

/** The names a secret may be given by: its name, its ARN (events' secretId) and the display name. */
export function secretNamesOf(event: Pick<SecretEvent, 'secretId' | 'secretName'>): string[] {
  return [
    ...new Set([event.secretName, event.secretId, secretDisplayName(event.secretId)].filter((n) => n !== '')),
  ];
}

function anyOf(wanted: string[] | undefined, test: (w: string) => boolean): boolean {
  return wanted === undefined || wanted.some(test);
}

/** Whether `event` matches every field `m` sets. Pure. */
export function matchesEvent(m: EventMatcher, event: SecretEvent): boolean {
  if (!anyOf(listOf(m.provider), (p) => p === event.provider)) return false;
  if (!anyOf(listOf(m.account), (a) => a === '*' || a === event.account)) return false;
  if (!anyOf(listOf(m.region), (r) => r === '*' || r === event.region)) return false;
  if (!anyOf(listOf(m.severity), (s) => s === event.severity)) return false;
  if (!anyOf(listOf(m.kind), (k) => globMatches(k, event.kind))) return false;
  const type = event.secretType?.toLowerCase();
  if (!anyOf(listOf(m.secretType), (t) => type !== undefined && t.toLowerCase() === type)) return false;
  if (m.tags !== undefined) {
    const known = event.tags;
    for (const [k, v] of Object.entries(m.tags)) {
      const have = known?.[k];
      if (have === undefined || (v !== '*' && v !== have)) return false;
    }
  }
  const secrets = listOf(m.secret);
  if (secrets === undefined && m.secretRegex === undefined) return true;
  const names = secretNamesOf(event);
  if (secrets !== undefined && !secrets.some((s) => names.some((n) => globMatches(s, n)))) return false;
  if (m.secretRegex !== undefined) {
    const re = cachedRegExp(`r${m.secretRegex}`, () => new RegExp(m.secretRegex!, 's'));
    if (!names.some((n) => re.test(n))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Validation (config start-up and `/secrets mute`): one short reason per bad value

/** Why a secret glob cannot work, or undefined. Names never contain brackets or braces. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'is empty';
  if (/\s/.test(glob)) return `"${glob}" contains white space`;
  if (/[[\]{}]/.test(glob))
    return `"${glob}" is not a supported glob: only * (any characters) and ? (one character); use secret_regex for more`;
  return undefined;
}

export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return `is not a valid regular expression (${(e as Error).message})`;
  }
}

/** Why a kind (or kind glob) matches no event kind, or undefined. */
export function kindProblem(kind: string): string | undefined {
  if (EVENT_KINDS.some((k) => globMatches(kind, k))) return undefined;
  return `"${kind}" is not an event kind (e.g. rotation.failed, rotation.*, deletion.scheduled; see README)`;
}

export function severityProblem(s: string): string | undefined {
  return (SEVERITIES as readonly string[]).includes(s)
    ? undefined
    : `"${s}" is not a severity (critical, warning, info)`;
}

// ---------------------------------------------------------------------------------------------
// Coverage: does every event that matches `b` also match `a`? (unreachable routes)

/** Conservative: true only when it is certain; false when unsure. */
export function coversMatcher(a: EventMatcher, b: EventMatcher): boolean {
  return (
    coversSet(listOf(a.provider), listOf(b.provider), (x, y) => x === y) &&
    coversSet(listOf(a.account), listOf(b.account), wildEq) &&
    coversSet(listOf(a.region), listOf(b.region), wildEq) &&
    coversSet(listOf(a.severity), listOf(b.severity), (x, y) => x === y) &&
    coversSet(listOf(a.kind), listOf(b.kind), globCoversGlob) &&
    coversSet(listOf(a.secretType), listOf(b.secretType), (x, y) => x.toLowerCase() === y.toLowerCase()) &&
    coversTags(a.tags, b.tags) &&
    coversSecret(a, b)
  );
}

function wildEq(x: string, y: string): boolean {
  return x === '*' || x === y;
}

/** Every value `b` allows is allowed by some value of `a`. `a` unset allows all; `b` unset needs `a` unset (or a catch-all). */
function coversSet<T extends string>(
  a: T[] | undefined,
  b: T[] | undefined,
  covers: (x: T, y: T) => boolean,
): boolean {
  if (a === undefined) return true;
  if (b === undefined) return a.some((x) => x === '*');
  return b.every((y) => a.some((x) => covers(x, y)));
}

/** Glob `x` matches everything glob `y` matches (sure cases only). */
function globCoversGlob(x: string, y: string): boolean {
  if (x === y || x === '*') return true;
  if (!isPattern(y)) return globMatches(x, y);
  // `prod/*` covers `prod/db/*`: a literal prefix then one trailing *.
  const star = /^([^*?]*)\*$/.exec(x);
  return star !== null && y.startsWith(star[1]!);
}

function coversTags(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === undefined) return true;
  return Object.entries(a).every(([k, v]) => b?.[k] !== undefined && (v === '*' || b[k] === v));
}

function coversSecret(a: EventMatcher, b: EventMatcher): boolean {
  const aSecrets = listOf(a.secret);
  const bSecrets = listOf(b.secret);
  if (aSecrets !== undefined) {
    if (bSecrets === undefined) {
      if (!aSecrets.includes('*')) return false;
    } else if (!bSecrets.every((y) => aSecrets.some((x) => globCoversGlob(x, y)))) return false;
  }
  if (a.secretRegex !== undefined && a.secretRegex !== b.secretRegex) {
    // A regex covers a list of literal names it matches; anything else is unsure.
    if (bSecrets === undefined || bSecrets.some(isPattern)) return false;
    const re = new RegExp(a.secretRegex, 's');
    if (!bSecrets.every((n) => re.test(n))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// For people: `kind=rotation.failed account=1111`

const LABELS: Array<[keyof EventMatcher, string]> = [
  ['provider', 'provider'],
  ['account', 'account'],
  ['region', 'region'],
  ['kind', 'kind'],
  ['severity', 'severity'],
  ['secretType', 'type'],
  ['secretRegex', 'regex'],
];

/** The filters of a matcher other than `secret`, as `/secrets mute` takes them. */
export function describeFilters(m: EventMatcher): string {
  const parts: string[] = [];
  for (const [field, label] of LABELS) {
    const v = m[field];
    if (v !== undefined && typeof v !== 'object') parts.push(`${label}=${v}`);
    else if (Array.isArray(v)) parts.push(`${label}=${v.join(',')}`);
  }
  for (const [k, v] of Object.entries(m.tags ?? {})) parts.push(`tag.${k}=${v}`);
  return parts.join(' ');
}
