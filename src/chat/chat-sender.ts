import type { AlertMessage, MessageRef } from './message';

/**
 * What the alerting pipeline needs from a chat platform. Every method throws BotError:
 * CHAT.RATE_LIMITED (retryable, with retryAfterMs), CHAT.UNAVAILABLE (retryable) or CHAT.REJECTED
 * (permanent: retrying cannot help).
 */
export interface ChatSender {
  /** Posts a new alert message into `channel`. */
  post(channel: string, msg: AlertMessage): Promise<MessageRef>;
  /** Rewrites an alert message in place. */
  update(ref: MessageRef, msg: AlertMessage): Promise<void>;
  /** Adds a short note about the latest event to the alert's thread. */
  reply(ref: MessageRef, msg: AlertMessage): Promise<void>;
}
