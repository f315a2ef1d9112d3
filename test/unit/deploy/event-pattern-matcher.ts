/**
 * A small EventBridge event-pattern matcher (AWS and Alibaba Cloud share these semantics) for the
 * operators the deploy/ patterns use: exact values, prefix, suffix, wildcard, exists, anything-but,
 * nested objects and `$or`. An operator it does not know throws, so a pattern can never pass the
 * tests by using something this matcher silently ignores.
 *
 * Semantics (AWS "Event patterns", Alibaba "Event patterns"): every key of the pattern must match
 * (AND); a leaf is an array of matchers of which one must match (OR); when the event's field is an
 * array, one element matching is enough; `{"exists": false}` matches only an absent field.
 */
export type EventPattern = { [key: string]: unknown };

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  const record = isRecord(event) ? event : {};
  for (const [key, condition] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(condition) || condition.length < 2)
        throw new Error('$or needs an array of at least two patterns');
      if (!condition.some((branch) => matchesEventPattern(asPattern(branch), record))) return false;
      continue;
    }
    const value = record[key];
    if (Array.isArray(condition)) {
      if (!matchesLeaf(condition, value)) return false;
    } else if (isRecord(condition)) {
      if (value !== undefined && !isRecord(value)) return false;
      if (!matchesEventPattern(condition, value ?? {})) return false;
    } else {
      throw new Error(`pattern field "${key}" must be an array of matchers or an object`);
    }
  }
  return true;
}

function matchesLeaf(matchers: unknown[], value: unknown): boolean {
  if (matchers.length === 0)
    throw new Error('an empty matcher array matches nothing; EventBridge refuses it');
  const values = Array.isArray(value) ? value : [value];
  return matchers.some((matcher) => {
    if (isRecord(matcher) && 'exists' in matcher) {
      if (typeof matcher.exists !== 'boolean') throw new Error('"exists" takes true or false');
      return matcher.exists === (value !== undefined);
    }
    if (value === undefined) return false;
    return values.some((v) => matchesOne(matcher, v));
  });
}

function matchesOne(matcher: unknown, value: unknown): boolean {
  if (!isRecord(matcher)) return matcher === value;
  const [operator, ...rest] = Object.keys(matcher);
  if (operator === undefined || rest.length > 0)
    throw new Error(`a matcher object has exactly one operator, got ${JSON.stringify(matcher)}`);
  const arg = matcher[operator];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(text(arg, operator));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(text(arg, operator));
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(text(arg, operator)).test(value);
    case 'anything-but':
      if (isRecord(arg)) return !matchesOne(arg, value);
      return Array.isArray(arg) ? !arg.includes(value) : arg !== value;
    default:
      throw new Error(
        `event-pattern operator "${operator}" is not supported by this test's matcher: add it here first`,
      );
  }
}

function wildcardRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

function text(arg: unknown, operator: string): string {
  if (typeof arg !== 'string') throw new Error(`"${operator}" takes a string`);
  return arg;
}

function asPattern(v: unknown): EventPattern {
  if (!isRecord(v)) throw new Error('each $or branch must be a pattern object');
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
