import type { Redis } from 'ioredis';
import type { Provider } from '../events/secret-event';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import { secretKeyOf } from './secret-directory';
import type { Keys } from './keys';

/**
 * The audit trail of everything done from chat: each request, each authorization decision (allowed
 * or refused), each job start and outcome — who, what, which secret, when, the result and the
 * cloud's request id. Kept in Redis streams (one for all secrets, one per secret) trimmed to the
 * retention period, and written to the structured log as it happens.
 */
export type AuditAction = 'rotate' | 'cancel_deletion' | 'mute' | 'unmute';

/** allowed/refused: a request and its authorization decision; duplicate: asked again, nothing started. */
export type AuditPhase =
  | 'allowed'
  | 'refused'
  | 'duplicate'
  | 'queued'
  | 'started'
  | 'retrying'
  | 'succeeded'
  | 'failed';

export interface AuditSecret {
  provider: Provider;
  account: string;
  region: string;
  /** Name (or pattern, for mutes). */
  name: string;
  secretId?: string;
}

export interface AuditEntry {
  at: string;
  /** Chat user id (or 'bot' for job steps). */
  actor: string;
  action: AuditAction;
  phase: AuditPhase;
  secret?: AuditSecret;
  /** 'button' | 'command' | 'modal' | 'job' */
  via: string;
  alertId?: string;
  jobId?: string;
  channel?: string;
  /** Refusal reason, error code, or what happened. */
  result?: string;
  cloudRequestId?: string;
  muteId?: string;
}

export class AuditStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Records one entry. Never throws: an audit write failure is logged (the log line is the fallback record). */
  async record(entry: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
    const now = this.clock.now();
    const full: AuditEntry = { at: new Date(now).toISOString(), ...entry };
    // Logged as `target`: the logger censors any field named `secret` (meant for credentials).
    const { secret, ...rest } = full;
    this.logger.info({ audit: { ...rest, ...(secret ? { target: secret } : {}) } }, `audit: ${full.action} ${full.phase}`);
    const minId = String(Math.max(0, now - this.retentionMs));
    const json = JSON.stringify(full);
    const tx = this.redis.multi().xadd(this.keys.auditAll, 'MINID', '~', minId, '*', 'e', json);
    if (full.secret && full.secret.name !== '') {
      const key = this.keys.auditOfSecret(secretKeyOf(full.secret));
      tx.xadd(key, 'MINID', '~', minId, '*', 'e', json).pexpire(key, this.retentionMs);
    }
    try {
      await tx.exec();
    } catch (err) {
      this.logger.error({ err, audit: full }, 'audit entry could not be stored in Redis');
    }
    return full;
  }

  /** Newest first. */
  async ofSecret(secret: Pick<AuditSecret, 'provider' | 'account' | 'region' | 'name'>, limit = 20): Promise<AuditEntry[]> {
    return this.read(this.keys.auditOfSecret(secretKeyOf(secret)), limit);
  }

  /** Newest first, all secrets. */
  async recent(limit = 50): Promise<AuditEntry[]> {
    return this.read(this.keys.auditAll, limit);
  }

  private async read(key: string, limit: number): Promise<AuditEntry[]> {
    const minId = String(Math.max(0, this.clock.now() - this.retentionMs));
    const rows = await this.redis.xrevrange(key, '+', minId, 'COUNT', limit);
    return rows.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as AuditEntry);
  }
}
