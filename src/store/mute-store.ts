import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isActive, type Mute, type MuteMatch } from '../alerting/mute';
import type { Clock } from '../ops/clock';
import type { Keys } from './keys';

export interface NewMute {
  match: MuteMatch;
  label: string;
  /** Duration in ms, or 'until-resolved' (needs match.incidentKey). */
  duration: number | 'until-resolved';
  createdBy: string;
  reason?: string;
  /** Where it was asked for (a chat channel id), so its expiry can be announced there. */
  channel?: string;
}

/** How long a timed mute is kept after it ended, for its expiry notice (mute-expiry.ts). */
export const ENDED_MUTE_KEPT_MS = 86_400_000;

/** Mute ids as create() makes them; anything else is never looked up (the hash also holds counters). */
const MUTE_ID = /^m[0-9a-f]{8}$/;

/** The hash field counting the events a mute held back. */
function countField(id: string): string {
  return `${id}#muted`;
}

/**
 * Mutes in Redis: a HASH id → JSON (and id#muted → how many events it held back) and a ZSET id →
 * end time (+inf for "until resolved"), so the active ones are one range query. A timed mute is
 * kept a day after it ended, for its expiry notice, then swept on read. Mutes stored before
 * matchers had more fields read as they are (every new MuteMatch field is optional).
 */
export class MuteStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly clock: Clock,
  ) {}

  async create(input: NewMute): Promise<Mute> {
    const now = this.clock.now();
    const id = `m${randomBytes(4).toString('hex')}`;
    const untilResolved = input.duration === 'until-resolved';
    const mute: Mute = {
      id,
      match: input.match,
      label: input.label,
      startsAt: new Date(now).toISOString(),
      ...(untilResolved
        ? { untilResolved: true }
        : { endsAt: new Date(now + (input.duration as number)).toISOString() }),
      createdBy: input.createdBy,
      ...(input.reason ? { reason: input.reason } : {}),
      createdAt: new Date(now).toISOString(),
      ...(input.channel ? { channel: input.channel } : {}),
    };
    const score = untilResolved ? '+inf' : String(Date.parse(mute.endsAt!));
    await this.redis
      .multi()
      .hset(this.keys.mutes, id, JSON.stringify(mute))
      .zadd(this.keys.muteEnds, score, id)
      .exec();
    return mute;
  }

  /** Mutes in force now, oldest first. */
  async listActive(): Promise<Mute[]> {
    const now = this.clock.now();
    const [expired, live] = await Promise.all([
      this.redis.zrangebyscore(this.keys.muteEnds, '-inf', now - ENDED_MUTE_KEPT_MS),
      this.redis.zrangebyscore(this.keys.muteEnds, `(${now}`, '+inf'),
    ]);
    if (expired.length > 0) await this.remove(expired);
    if (live.length === 0) return [];
    const raws = await this.redis.hmget(this.keys.mutes, ...live);
    return raws
      .filter((r): r is string => r !== null)
      .map((r) => JSON.parse(r) as Mute)
      .filter((m) => isActive(m, now))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<Mute | undefined> {
    if (!MUTE_ID.test(id)) return undefined;
    const raw = await this.redis.hget(this.keys.mutes, id);
    return raw ? (JSON.parse(raw) as Mute) : undefined;
  }

  /** One more event held back by the mute (pipeline step 6), for its expiry notice. */
  async countMuted(id: string): Promise<void> {
    await this.redis.hincrby(this.keys.mutes, countField(id), 1);
  }

  /** A mute (active or recently ended) and how many events it held back; undefined once it was ended by hand or swept. */
  async getWithCount(id: string): Promise<{ mute: Mute; mutedEvents: number } | undefined> {
    if (!MUTE_ID.test(id)) return undefined;
    const [raw, count] = await this.redis.hmget(this.keys.mutes, id, countField(id));
    return raw ? { mute: JSON.parse(raw) as Mute, mutedEvents: Number(count ?? 0) } : undefined;
  }

  /** Forgets an ended mute once its expiry was announced. */
  async forget(id: string): Promise<void> {
    await this.remove([id]);
  }

  /** Ends mutes by id, or every active mute of a secret name/pattern. Returns what was ended. */
  async unmute(idOrSecret: string): Promise<Mute[]> {
    const found = await this.get(idOrSecret);
    const byId = found && isActive(found, this.clock.now()) ? found : undefined;
    const targets = byId
      ? [byId]
      : (await this.listActive()).filter(
          (m) =>
            m.match.secret === idOrSecret || m.label === idOrSecret || m.label.startsWith(`${idOrSecret} `),
        );
    await this.remove(targets.map((m) => m.id));
    return targets;
  }

  /** The alert's incident resolved: its "until resolved" mutes end. */
  async endUntilResolved(incidentKey: string): Promise<Mute[]> {
    const ended = (await this.listActive()).filter(
      (m) => m.untilResolved && m.match.incidentKey === incidentKey,
    );
    await this.remove(ended.map((m) => m.id));
    return ended;
  }

  private async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .hdel(this.keys.mutes, ...ids, ...ids.map(countField))
      .zrem(this.keys.muteEnds, ...ids)
      .exec();
  }
}
