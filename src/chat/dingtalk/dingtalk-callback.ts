import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * DingTalk robot callbacks (messages that @-mention the bot; wire-formats.md §8.3).
 *
 * Verification: DingTalk sends `timestamp` (ms) and `sign` headers, where
 *   sign = base64(HmacSHA256(key = appSecret, data = timestamp + "\n" + appSecret))
 * (not URL-encoded). A request is accepted only when the timestamp is within one hour of our
 * clock and the signature matches (compared as SHA-256 digests in constant time, so neither its
 * content nor its length leaks through timing).
 */

export const CALLBACK_MAX_SKEW_MS = 3_600_000;

export type CallbackVerifyResult =
  { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad-signature' };

export function dingTalkCallbackSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`, 'utf8').digest('base64');
}

export function verifyDingTalkCallback(
  headers: { timestamp?: string | string[]; sign?: string | string[] },
  appSecret: string,
  now: number,
): CallbackVerifyResult {
  const timestamp = typeof headers.timestamp === 'string' ? headers.timestamp.trim() : '';
  const sign = typeof headers.sign === 'string' ? headers.sign.trim() : '';
  if (timestamp === '' || sign === '') return { ok: false, reason: 'missing' };
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > CALLBACK_MAX_SKEW_MS)
    return { ok: false, reason: 'stale' };
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  if (!timingSafeEqual(digest(sign), digest(dingTalkCallbackSign(timestamp, appSecret))))
    return { ok: false, reason: 'bad-signature' };
  return { ok: true };
}

/** The fields of a callback the bot uses. */
export interface DingTalkCallback {
  msgId: string;
  /** The text with the @mention (and a leading `/secrets`) removed, trimmed. */
  command: string;
  /** The org user id: what OPERATORS lists for DingTalk. '' when DingTalk did not send it. */
  senderStaffId: string;
  senderNick: string;
  conversationId: string;
  /** Reply here while it is valid. */
  sessionWebhook?: string;
  /** ms epoch. */
  sessionWebhookExpiredTime?: number;
}

export type ParsedCallback = { ok: true; callback: DingTalkCallback } | { ok: false; error: string };

export function parseDingTalkCallback(body: unknown): ParsedCallback {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, error: 'body is not a JSON object' };
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const text =
    typeof b.text === 'object' && b.text !== null ? str((b.text as Record<string, unknown>).content) : '';
  if (b.msgtype !== 'text')
    return {
      ok: false,
      error: `msgtype ${JSON.stringify(String(b.msgtype ?? '')).slice(0, 40)} is not handled; send text`,
    };
  const msgId = str(b.msgId);
  if (msgId === '') return { ok: false, error: 'msgId is missing' };
  const expires = Number(b.sessionWebhookExpiredTime);
  const session = str(b.sessionWebhook);
  return {
    ok: true,
    callback: {
      msgId: msgId.slice(0, 200),
      command: commandTextOf(text),
      senderStaffId: str(b.senderStaffId).slice(0, 100),
      senderNick: str(b.senderNick).slice(0, 100),
      conversationId: str(b.conversationId).slice(0, 200),
      ...(session !== '' ? { sessionWebhook: session } : {}),
      ...(Number.isFinite(expires) && expires > 0 ? { sessionWebhookExpiredTime: expires } : {}),
    },
  };
}

/**
 * The command in a message's text: `@secrets-bot status prod/pg` → `status prod/pg`. DingTalk
 * usually removes the bot's own mention and leaves a leading space; any remaining leading
 * mentions and a leading `/secrets` (as in Slack) are dropped too.
 */
export function commandTextOf(content: string): string {
  let words = content
    .replace(/[\u00a0\u3000]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  while (words.length > 0 && /^[@＠]/.test(words[0]!)) words = words.slice(1);
  if (words[0]?.toLowerCase() === '/secrets') words = words.slice(1);
  return words.join(' ').slice(0, 2000);
}
