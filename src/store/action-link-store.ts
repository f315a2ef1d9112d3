import type { Redis } from 'ioredis';
import { hashId, type Keys } from './keys';

/**
 * What action links and their confirmation pages leave behind in Redis:
 * - the use of a link (by the nonce inside its signed token): what it did and when, so a used
 *   link says what already happened; kept until the link expires;
 * - submitted confirmation forms (by their one-time nonce), so a form posts once.
 * Nonces are hashed into keys; nothing here is secret.
 */
export interface ActionLinkUse {
  at: string;
  kind: 'remediation' | 'mute' | 'bulk';
  /** The remediation job it queued. */
  jobId?: string;
  muteId?: string;
  /** What the person was told, neutral text. */
  text: string;
  /** For a mute: how long it lasts ("until 2026-03-08 12:00 UTC (mute m1a2b3)"). */
  detail?: string;
}

export class ActionLinkStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<Keys, 'actionLinkUse' | 'actionPageForm'>,
  ) {}

  async getUse(linkNonce: string): Promise<ActionLinkUse | undefined> {
    const raw = await this.redis.get(this.keys.actionLinkUse(hashId('link', linkNonce)));
    return raw ? (JSON.parse(raw) as ActionLinkUse) : undefined;
  }

  /** Records the link's use until `expiresAt` (ms epoch); the first record wins. */
  async markUsed(linkNonce: string, use: ActionLinkUse, expiresAt: number, now: number): Promise<void> {
    const ttl = Math.max(60_000, expiresAt - now);
    await this.redis.set(
      this.keys.actionLinkUse(hashId('link', linkNonce)),
      JSON.stringify(use),
      'PX',
      ttl,
      'NX',
    );
  }

  /** Takes a form's one-time nonce; false when it was taken before (a repeated submission). */
  async takeForm(formNonce: string, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.set(
      this.keys.actionPageForm(hashId('form', formNonce)),
      '1',
      'PX',
      Math.max(1000, ttlMs),
      'NX',
    );
    return ok === 'OK';
  }
}
