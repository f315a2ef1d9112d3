import type { NormalizeResult, SecretEvent } from '../../../src/events/secret-event';

/** The event of a result, failing the test with the whole result when it is not an event. */
export function eventOf(result: NormalizeResult): SecretEvent {
  if (result.outcome !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

/** Deep copy of a fixture with `edit` applied, so each case changes only what it names. */
export function edited<T = Record<string, unknown>>(fixture: unknown, edit: (copy: T) => void): T {
  const copy = structuredClone(fixture) as T;
  edit(copy);
  return copy;
}
