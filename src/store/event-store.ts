import type { Redis } from 'ioredis';
import type { SecretEvent } from '../events/secret-event';
import { BotError } from '../ops/errors';
import type { Clock } from '../ops/clock';
import { eventKeyOf, type Keys } from './keys';

/**
 * Claim and store in one step: SET NX of the event record is the dedup claim; the outbox entry
 * (ZSET, until shown) and the ready entry (LIST, until a notify job exists) are added in the same
 * script, so an accepted event is always stored, pending and on its way to a worker — in one
 * Redis round trip on the request path.
 */
const ACCEPT_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) == false then return 0 end
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
  redis.call('LPUSH', KEYS[3], ARGV[5])
end
return 1`;

export interface StoredEvent {
  event: SecretEvent;
  acceptedAt: number;
  /** Request id of the HTTP request that brought it, so logs follow an event from ingest to chat. */
  requestId?: string;
}

export type AcceptOutcome = { status: 'accepted' | 'duplicate'; eventKey: string };

type AcceptCommand = (claimKey: string, pendingKey: string, readyKey: string, value: string, ttlMs: number, now: number, pending: '0' | '1', eventKey: string) => Promise<number>;

export class EventStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionMs: number,
    private readonly clock: Clock,
  ) {
    if (!(redis as unknown as { sbAcceptEvent?: unknown }).sbAcceptEvent) {
      redis.defineCommand('sbAcceptEvent', { numberOfKeys: 3, lua: ACCEPT_LUA });
    }
  }

  private get acceptCommand(): AcceptCommand {
    const r = this.redis as unknown as { sbAcceptEvent: (...a: unknown[]) => Promise<number> };
    return (claimKey, pendingKey, readyKey, value, ttlMs, now, pending, eventKey) =>
      r.sbAcceptEvent(claimKey, pendingKey, readyKey, value, ttlMs, now, pending, eventKey);
  }

  /** Stores the event durably and puts it in the outbox, unless its source id was seen before. */
  async accept(event: SecretEvent, requestId?: string): Promise<AcceptOutcome> {
    const eventKey = eventKeyOf(event.sourceId);
    const now = this.clock.now();
    const value = JSON.stringify({ event, acceptedAt: now, requestId } satisfies StoredEvent);
    const claimed = await this.run(() =>
      this.acceptCommand(this.keys.event(eventKey), this.keys.pendingEvents, this.keys.readyEvents, value, this.retentionMs, now, '1', eventKey),
    );
    return { status: claimed === 1 ? 'accepted' : 'duplicate', eventKey };
  }

  /** Records a valid event the bot does not act on: claimed for dedup, kept in a short capped list. */
  async recordIgnored(sourceId: string, reason: string): Promise<AcceptOutcome> {
    const eventKey = eventKeyOf(sourceId);
    const now = this.clock.now();
    const value = JSON.stringify({ ignored: reason, sourceId, at: now });
    const claimed = await this.run(() =>
      this.acceptCommand(this.keys.event(eventKey), this.keys.pendingEvents, this.keys.readyEvents, value, this.retentionMs, now, '0', eventKey),
    );
    if (claimed === 1) {
      await this.run(() =>
        this.redis.multi().lpush(this.keys.ignoredEvents, value).ltrim(this.keys.ignoredEvents, 0, 199).exec(),
      );
    }
    return { status: claimed === 1 ? 'accepted' : 'duplicate', eventKey };
  }

  async get(eventKey: string): Promise<StoredEvent | undefined> {
    const raw = await this.redis.get(this.keys.event(eventKey));
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as StoredEvent | { ignored: string };
    return 'event' in parsed ? parsed : undefined;
  }

  /** The event has been shown (or permanently failed): take it out of the outbox. */
  async markDone(eventKey: string): Promise<void> {
    await this.redis.zrem(this.keys.pendingEvents, eventKey);
  }

  /** Outbox entries accepted before `olderThanMs` ago: candidates for re-enqueueing. */
  async pendingOlderThan(olderThanMs: number, offset = 0, limit = 1000): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pendingEvents, 0, this.clock.now() - olderThanMs, 'LIMIT', offset, limit);
  }

  /**
   * Takes up to `max` ready event keys, oldest first, waiting up to `blockSeconds` for the first.
   * Uses `blocking`, a connection reserved for this (BRPOP holds it). A key taken but not turned
   * into a job (crash) is still pending, so the outbox relay re-enqueues it.
   */
  async takeReady(blocking: Redis, max: number, blockSeconds: number): Promise<string[]> {
    const first = await blocking.brpop(this.keys.readyEvents, blockSeconds);
    if (!first) return [];
    const more = max > 1 ? ((await blocking.rpop(this.keys.readyEvents, max - 1)) ?? []) : [];
    return [first[1], ...more];
  }

  async pendingCount(): Promise<number> {
    return this.redis.zcard(this.keys.pendingEvents);
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new BotError('STORE.UNAVAILABLE', `event store unavailable: ${(e as Error).message}`, { retryable: true, cause: e });
    }
  }
}
