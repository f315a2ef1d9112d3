/**
 * The one piece both forwarders share: POST each event to the bot with the ingest token, retry
 * what can succeed later (network error, timeout, 429, 5xx) with a short backoff, and throw what
 * did not get a 2xx so the cloud's own retry and dead-letter handling take over. Nothing is
 * swallowed: an event the bot did not acknowledge always ends in a thrown RelayError.
 *
 * Runs inside AWS Lambda and Alibaba Function Compute (Node.js 18+): no dependencies beyond the
 * global fetch, and no imports from the rest of the repository, so the compiled file can be
 * zipped next to its handler as is. The token never reaches a log line or an error message.
 */

export type RelayPath = '/events/aws' | '/events/alibaba';

/** Stable codes, in the spirit of the bot's own BotError codes. */
export type RelayErrorCode =
  'FORWARD.CONFIG' | 'FORWARD.REJECTED' | 'FORWARD.UNAVAILABLE' | 'FORWARD.BAD_INPUT';

export class RelayError extends Error {
  readonly code: RelayErrorCode;
  /** false: sending the same event again cannot help (4xx other than 429, bad input, bad config). */
  readonly retryable: boolean;
  /** The bot's HTTP status, when it answered. */
  readonly status?: number;

  constructor(code: RelayErrorCode, message: string, opts: { retryable?: boolean; status?: number } = {}) {
    super(message);
    this.name = 'RelayError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.status = opts.status;
  }
}

export interface ForwarderConfig {
  /** The bot's base URL, without a trailing slash (`https://bot.example.com`). */
  botUrl: string;
  token: string;
}

export type LogLine = Record<string, unknown> & { msg: string };

export interface RelayOptions extends ForwarderConfig {
  path: RelayPath;
  /** Tries per event, the first included. Default 3. */
  attempts?: number;
  /** Per-try timeout. Default 5000 ms (the bot acknowledges once the event is stored). */
  timeoutMs?: number;
  /** First backoff; doubles each retry, with jitter. Default 250 ms. */
  backoffMs?: number;
  /** Epoch ms after which no new try starts (set from the function's remaining time). */
  deadline?: number;
  log?: (line: LogLine) => void;
}

/** What the bot said about one event: `accepted`, `duplicate`, `ignored`, … (its JSON `status`). */
export interface Delivery {
  status: number;
  outcome: string;
  requestId?: string;
  attempts: number;
}

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_BACKOFF_MS = 250;
const MAX_RETRY_AFTER_MS = 5000;
const ERROR_TEXT_LIMIT = 300;

/** Reads BOT_URL and INGEST_TOKEN; a missing or malformed one stops the invocation with its name. */
export function readForwarderConfig(env: NodeJS.ProcessEnv = process.env): ForwarderConfig {
  const rawUrl = env.BOT_URL?.trim() ?? '';
  const token = env.INGEST_TOKEN?.trim() ?? '';
  if (rawUrl === '')
    throw new RelayError(
      'FORWARD.CONFIG',
      'BOT_URL is not set (the bot base URL, e.g. https://bot.example.com)',
    );
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new RelayError('FORWARD.CONFIG', 'BOT_URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RelayError('FORWARD.CONFIG', 'BOT_URL must be an http(s) URL');
  if (url.username || url.password || url.search)
    throw new RelayError(
      'FORWARD.CONFIG',
      'BOT_URL must not carry credentials or a query: the token goes in INGEST_TOKEN',
    );
  if (token === '') throw new RelayError('FORWARD.CONFIG', 'INGEST_TOKEN is not set (the bot INGEST_TOKEN)');
  return { botUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, token };
}

/** Posts one event; resolves on 2xx, throws RelayError otherwise (after retrying what is retryable). */
export async function relayEvent(event: unknown, opts: RelayOptions): Promise<Delivery> {
  const attempts = Math.max(1, opts.attempts ?? DEFAULT_ATTEMPTS);
  const endpoint = `${opts.botUrl}${opts.path}`;
  const body = JSON.stringify(event);
  const log = opts.log ?? logJson;
  let lastFailure = 'no attempt was made';
  let lastStatus: number | undefined;

  for (let attempt = 1; attempt <= attempts; attempt++) {
    const budget = opts.deadline === undefined ? Infinity : opts.deadline - Date.now();
    if (budget <= 0) {
      lastFailure = `${lastFailure}; out of time before try ${attempt}`;
      break;
    }
    let waitMs = backoff(opts.backoffMs ?? DEFAULT_BACKOFF_MS, attempt);
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body,
        signal: AbortSignal.timeout(Math.max(1, Math.min(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, budget))),
      });
      const answer = await readAnswer(res);
      if (res.ok) {
        log({
          msg: 'event relayed',
          endpoint,
          status: res.status,
          outcome: answer.status,
          requestId: answer.requestId,
          attempts: attempt,
        });
        return {
          status: res.status,
          outcome: answer.status ?? 'accepted',
          requestId: answer.requestId,
          attempts: attempt,
        };
      }
      lastStatus = res.status;
      lastFailure = `the bot answered ${res.status}${answer.error ? `: ${answer.error}` : ''}${answer.requestId ? ` (ref ${answer.requestId})` : ''}`;
      if (res.status !== 429 && res.status < 500) {
        log({
          msg: 'event rejected by the bot; not retrying',
          endpoint,
          status: res.status,
          error: answer.error,
          requestId: answer.requestId,
        });
        throw new RelayError('FORWARD.REJECTED', `event not relayed to ${endpoint}: ${lastFailure}`, {
          status: res.status,
        });
      }
      waitMs = Math.max(waitMs, retryAfterMs(res.headers.get('retry-after')));
    } catch (e) {
      if (e instanceof RelayError) throw e;
      lastStatus = undefined;
      lastFailure = describeNetworkError(e);
    }
    log({
      msg: 'relay attempt failed',
      endpoint,
      attempt,
      of: attempts,
      status: lastStatus,
      error: lastFailure,
    });
    if (attempt < attempts) {
      const remaining = opts.deadline === undefined ? Infinity : opts.deadline - Date.now();
      if (waitMs >= remaining) break;
      await sleep(waitMs);
    }
  }
  throw new RelayError('FORWARD.UNAVAILABLE', `event not relayed to ${endpoint}: ${lastFailure}`, {
    retryable: true,
    status: lastStatus,
  });
}

/**
 * Relays every event, one after another, then throws if any was not acknowledged: the whole
 * invocation fails so the cloud retries it (the bot answers 2xx `duplicate` for the ones that
 * already arrived) or moves it to its dead-letter destination.
 */
export async function relayEvents(events: unknown[], opts: RelayOptions): Promise<Delivery[]> {
  const delivered: Delivery[] = [];
  const failures: RelayError[] = [];
  for (const event of events) {
    try {
      delivered.push(await relayEvent(event, opts));
    } catch (e) {
      failures.push(
        e instanceof RelayError ? e : new RelayError('FORWARD.UNAVAILABLE', String(e), { retryable: true }),
      );
    }
  }
  if (failures.length === 0) return delivered;
  const first = failures[0]!;
  if (failures.length === 1 && delivered.length === 0) throw first;
  const retryable = failures.some((f) => f.retryable);
  throw new RelayError(
    retryable ? 'FORWARD.UNAVAILABLE' : 'FORWARD.REJECTED',
    `${failures.length} of ${events.length} events not relayed; first: ${first.message}`,
    { retryable, status: first.status },
  );
}

/** Parses a JSON body that may arrive as text or as base64 of the text (MNS, EventBridge → MNS). */
export function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed.replace(/\s+/g, ''))) {
      try {
        return JSON.parse(Buffer.from(trimmed, 'base64').toString('utf8')) as unknown;
      } catch {
        /* not base64 of JSON either */
      }
    }
    throw new RelayError(
      'FORWARD.BAD_INPUT',
      `payload is neither JSON nor base64-encoded JSON (${trimmed.length} characters)`,
    );
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function logJson(line: LogLine): void {
  console.log(JSON.stringify(line));
}

async function readAnswer(res: Response): Promise<{ status?: string; error?: string; requestId?: string }> {
  const text = await res.text().catch(() => '');
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const pick = (k: string) =>
      typeof json[k] === 'string' ? (json[k] as string).slice(0, ERROR_TEXT_LIMIT) : undefined;
    return { status: pick('status'), error: pick('error'), requestId: pick('requestId') };
  } catch {
    return text.trim() === '' ? {} : { error: text.trim().slice(0, ERROR_TEXT_LIMIT) };
  }
}

function describeNetworkError(e: unknown): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return 'the bot did not answer in time';
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return `the bot is unreachable${typeof code === 'string' ? ` (${code})` : ''}`;
}

function backoff(baseMs: number, attempt: number): number {
  const ms = baseMs * 2 ** (attempt - 1);
  return Math.round(ms / 2 + Math.random() * (ms / 2));
}

function retryAfterMs(header: string | null): number {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
