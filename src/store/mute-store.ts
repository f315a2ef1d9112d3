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
}

/**
 * Mutes in Redis: a HASH id → JSON and a ZSET id → end time (+inf for "until resolved"), so the
 * active ones are one range query. Expired mutes are swept on read.
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
      ...(untilResolved ? { untilResolved: true } : { endsAt: new Date(now + (input.duration as number)).toISOString() }),
      createdBy: input.createdBy,
      ...(input.reason ? { reason: input.reason } : {}),
      createdAt: new Date(now).toISOString(),
    };
    const score = untilResolved ? '+inf' : String(Date.parse(mute.endsAt!));
    await this.redis.multi().hset(this.keys.mutes, id, JSON.stringify(mute)).zadd(this.keys.muteEnds, score, id).exec();
    return mute;
  }

  /** Mutes in force now, oldest first. */
  async listActive(): Promise<Mute[]> {
    const now = this.clock.now();
    const [expired, live] = await Promise.all([
      this.redis.zrangebyscore(this.keys.muteEnds, '-inf', now),
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
    const raw = await this.redis.hget(this.keys.mutes, id);
    return raw ? (JSON.parse(raw) as Mute) : undefined;
  }

  /** Ends mutes by id, or every active mute of a secret name/pattern. Returns what was ended. */
  async unmute(idOrSecret: string): Promise<Mute[]> {
    const byId = await this.get(idOrSecret);
    const targets = byId
      ? [byId]
      : (await this.listActive()).filter((m) => m.match.secret === idOrSecret || m.label === idOrSecret || m.label.startsWith(`${idOrSecret} `));
    await this.remove(targets.map((m) => m.id));
    return targets;
  }

  /** The alert's incident resolved: its "until resolved" mutes end. */
  async endUntilResolved(incidentKey: string): Promise<Mute[]> {
    const ended = (await this.listActive()).filter((m) => m.untilResolved && m.match.incidentKey === incidentKey);
    await this.remove(ended.map((m) => m.id));
    return ended;
  }

  private async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().hdel(this.keys.mutes, ...ids).zrem(this.keys.muteEnds, ...ids).exec();
  }
}
