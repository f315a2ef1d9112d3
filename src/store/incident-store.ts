import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Incident } from '../alerting/lifecycle';
import type { Keys } from './keys';

const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Incidents by key, the set of open ones, and a short per-incident lock shared by all workers. */
export class IncidentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionMs: number,
  ) {}

  async get(key: string): Promise<Incident | undefined> {
    const raw = await this.redis.get(this.keys.incident(key));
    return raw ? (JSON.parse(raw) as Incident) : undefined;
  }

  /** Several incidents by key, in order (undefined where one has expired); MGET in chunks. */
  /**
   * Many incidents, in the order of `keys` (undefined where none is saved), 500 per round trip.
   * `project` keeps only what the caller needs of each, one chunk at a time, so thousands of them
   * never sit in memory whole (a summary flush).
   */
  async getMany(keys: readonly string[]): Promise<Array<Incident | undefined>>;
  async getMany<T>(keys: readonly string[], project: (incident: Incident) => T): Promise<Array<T | undefined>>;
  async getMany<T>(keys: readonly string[], project?: (incident: Incident) => T): Promise<Array<T | Incident | undefined>> {
    const out: Array<T | Incident | undefined> = [];
    for (let i = 0; i < keys.length; i += 500) {
      const raws = await this.redis.mget(keys.slice(i, i + 500).map((k) => this.keys.incident(k)));
      for (const r of raws) {
        const incident = r ? (JSON.parse(r) as Incident) : undefined;
        out.push(incident && project ? project(incident) : incident);
      }
    }
    return out;
  }

  async save(incident: Incident): Promise<void> {
    const tx = this.redis
      .multi()
      .set(this.keys.incident(incident.key), JSON.stringify(incident), 'PX', this.retentionMs)
      .set(this.keys.incidentByAlert(incident.id), incident.key, 'PX', this.retentionMs);
    if (incident.status === 'open') tx.zadd(this.keys.openIncidents, Date.parse(incident.openedAt), incident.key);
    else tx.zrem(this.keys.openIncidents, incident.key);
    await tx.exec();
  }

  /** The incident a button's alert id belongs to (it may have moved on: check its status and event). */
  async getByAlertId(alertId: string): Promise<Incident | undefined> {
    if (!/^[a-z0-9]{1,64}$/.test(alertId)) return undefined;
    const key = await this.redis.get(this.keys.incidentByAlert(alertId));
    return key ? this.get(key) : undefined;
  }

  async listOpen(limit = 500): Promise<Incident[]> {
    const keys = await this.redis.zrange(this.keys.openIncidents, 0, limit - 1);
    if (keys.length === 0) return [];
    const raws = await this.redis.mget(keys.map((k) => this.keys.incident(k)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Incident);
  }

  /** Takes the incident's lock for `ttlMs`; returns a release function, or undefined if another worker holds it. */
  async lock(key: string, ttlMs = 15_000): Promise<(() => Promise<void>) | undefined> {
    const token = randomUUID();
    const ok = await this.redis.set(this.keys.incidentLock(key), token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    return async () => {
      await this.redis.eval(RELEASE_LUA, 1, this.keys.incidentLock(key), token);
    };
  }
}
