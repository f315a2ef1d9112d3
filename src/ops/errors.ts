/**
 * Errors that cross a boundary carry a stable code, whether retrying can help, and optionally a
 * message that is safe to show a chat user. Anything else becomes "internal error, ref <id>".
 */
export type ErrorCode =
  | 'CONFIG.INVALID'
  | 'INGEST.BAD_BODY'
  | 'INGEST.UNSUPPORTED_MEDIA'
  | 'INGEST.TOO_LARGE'
  | 'INGEST.UNAUTHORIZED'
  | 'INGEST.BAD_SIGNATURE'
  | 'INGEST.UNTRUSTED_URL'
  | 'STORE.UNAVAILABLE'
  | 'CHAT.RATE_LIMITED'
  | 'CHAT.UNAVAILABLE'
  | 'CHAT.REJECTED'
  | 'CLOUD.THROTTLED'
  | 'CLOUD.UNAVAILABLE'
  | 'CLOUD.NOT_FOUND'
  | 'CLOUD.WRONG_STATE'
  | 'CLOUD.ACCESS_DENIED'
  | 'CLOUD.UNSUPPORTED'
  | 'CLOUD.REJECTED'
  | 'INTERNAL';

export class BotError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Safe to show a chat user; never contains a secret value, token or URL with credentials. */
  readonly userMessage?: string;
  /** For rate limits: how long the peer asked us to wait. */
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable?: boolean; userMessage?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BotError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.userMessage = opts.userMessage;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export function isBotError(e: unknown): e is BotError {
  return e instanceof BotError;
}
