import { createHash } from 'node:crypto';

/**
 * Every Redis key the bot writes is built here. `prefix` (KEY_PREFIX, default `sb`) lets several
 * bots or test runs share one Redis; BullMQ queues live under the same prefix.
 */
export function hashId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export function createKeys(prefix: string) {
  return {
    prefix,
    /** The stored event (JSON), also the atomic dedup claim: SET NX. */
    event: (eventKey: string) => `${prefix}:evt:${eventKey}`,
    /** Outbox: events accepted but not yet shown (ZSET eventKey → accepted ms). */
    pendingEvents: `${prefix}:evt:pending`,
    /** Recent ignored events (capped list) for `/secrets status` and debugging. */
    ignoredEvents: `${prefix}:evt:ignored`,
    /** One incident (JSON) per secret and topic. */
    incident: (incidentKey: string) => `${prefix}:inc:${incidentKey}`,
    /** Open incidents (ZSET incidentKey → opened ms). */
    openIncidents: `${prefix}:inc:open`,
    /** Short lock serialising work on one incident across workers. */
    incidentLock: (incidentKey: string) => `${prefix}:lock:inc:${incidentKey}`,
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** Dedup key of a source event id. Job ids derived from it have no `:` and are never all digits. */
export function eventKeyOf(sourceId: string): string {
  return 'e' + hashId(sourceId);
}
