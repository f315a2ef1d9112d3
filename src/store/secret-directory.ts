import type { Redis } from 'ioredis';
import type { EventKind, Provider, SecretEvent } from '../events/secret-event';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import { hashId, type Keys } from './keys';

/**
 * The secrets the bot has seen in events, so `/secrets status prod/pg` finds where prod/pg lives
 * without a cloud-wide search, and each secret's recent events for `status <secret>` and `history`.
 * Written by the notify pipeline for every event that names a secret; kept for the retention period.
 */
export interface KnownSecret {
  provider: Provider;
  account: string;
  region: string;
  /** As the events give it: an ARN, or the name. */
  secretId: string;
  name: string;
  lastSeenAt: string;
}

export interface SecretEventEntry {
  /** The source's event id: a redelivery or a retried notify job records the same entry once. */
  sourceId: string;
  kind: EventKind;
  occurredAt: string;
  actor?: string;
  sourceEventName: string;
  failureCode?: string;
}

/** One key per secret whatever form (ARN or name) its events use. */
export function secretKeyOf(s: { provider: Provider; account: string; region: string; name: string }): string {
  return hashId(s.provider, s.account, s.region, secretDisplayName(s.name));
}

const MAX_EVENTS = 50;

export class SecretDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionMs: number,
  ) {}

  async record(event: SecretEvent, nowIso: string): Promise<void> {
    const name = event.secretName || secretDisplayName(event.secretId);
    if (name === '') return;
    const known: KnownSecret = {
      provider: event.provider,
      account: event.account,
      region: event.region,
      secretId: event.secretId || name,
      name,
      lastSeenAt: nowIso,
    };
    const entry: SecretEventEntry = {
      sourceId: event.sourceId,
      kind: event.kind,
      occurredAt: event.occurredAt,
      sourceEventName: event.sourceEventName,
      ...(event.actor ? { actor: event.actor } : {}),
      ...(event.failure?.code ? { failureCode: event.failure.code } : {}),
    };
    const nameKey = this.keys.secretsByName(hashId(name.toLowerCase()));
    const eventsKey = this.keys.secretEvents(secretKeyOf(known));
    await this.redis
      .multi()
      .hset(nameKey, `${known.provider}|${known.account}|${known.region}`, JSON.stringify(known))
      .pexpire(nameKey, this.retentionMs)
      .zadd(eventsKey, Date.parse(event.occurredAt) || 0, JSON.stringify(entry))
      .zremrangebyrank(eventsKey, 0, -MAX_EVENTS - 1)
      .pexpire(eventsKey, this.retentionMs)
      .exec();
  }

  /** Every known secret with this name (case-insensitive), in any account and region. */
  async findByName(name: string): Promise<KnownSecret[]> {
    const all = await this.redis.hgetall(this.keys.secretsByName(hashId(name.toLowerCase())));
    return Object.values(all)
      .map((raw) => JSON.parse(raw) as KnownSecret)
      .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
  }

  /** Newest first (by when they happened). */
  async recentEvents(s: { provider: Provider; account: string; region: string; name: string }, limit = 10): Promise<SecretEventEntry[]> {
    const raws = await this.redis.zrevrange(this.keys.secretEvents(secretKeyOf(s)), 0, limit - 1);
    return raws.map((r) => JSON.parse(r) as SecretEventEntry);
  }
}
