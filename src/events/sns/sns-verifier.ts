/**
 * Verifies Amazon SNS message signatures and confirms subscriptions (wire-formats.md §2.3).
 *
 * We do NOT use the npm `sns-validator` package: per wire-formats.md §2.4 it rejects validly signed
 * UnsubscribeConfirmation messages (it leaves Token out of the string to sign for that type), it
 * doesn't let us cache or inspect certificates (they sit in a private module-level map), and it
 * fetches them with https.get behind a fixed host check. This is our own, on node:crypto and the
 * global fetch.
 *
 * Order of checks: message fields and SignatureVersion, then the certificate URL (https:, *.pem,
 * matches the trusted pattern), and only then a fetch. Nothing here logs.
 */
import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { Clock, systemClock } from '../../ops/clock';
import { BotError } from '../../ops/errors';
import { SnsMessage } from './sns-message';

/** CONTRACT.md default for SNS_TRUSTED_URL_PATTERN. */
export const DEFAULT_SNS_TRUSTED_URL_PATTERN = '^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/';

/** SignatureVersion → hash used with the certificate's RSA key. */
const HASH_BY_SIGNATURE_VERSION: Readonly<Record<string, string>> = { '1': 'sha1', '2': 'sha256' };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_CERT_BYTES = 64 * 1024;

export interface SnsUrlOptions {
  /** SigningCertURL and SubscribeURL must match this (after URL normalisation). */
  trustedUrlPattern: RegExp | string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request, default 5000 ms (SNS gives up on us after 15 s). */
  timeoutMs?: number;
}

export interface SnsVerifierOptions extends SnsUrlOptions {
  /** How long a fetched certificate is reused, default 1 h. */
  certTtlMs?: number;
  /** Most certificates kept, default 100; the least recently used goes first. */
  maxCerts?: number;
  clock?: Clock;
}

interface CachedCert {
  cert: X509Certificate;
  expiresAt: number;
}

/** The exact string SNS signs (wire-formats.md §2.3): `name\nvalue\n` per field, byte-sorted names. */
export function snsStringToSign(msg: SnsMessage): string {
  const fields: Array<[string, string | undefined]> =
    msg.Type === 'Notification'
      ? [
          ['Message', msg.Message],
          ['MessageId', msg.MessageId],
          ...(msg.Subject !== undefined ? [['Subject', msg.Subject] as [string, string]] : []),
          ['Timestamp', msg.Timestamp],
          ['TopicArn', msg.TopicArn],
          ['Type', msg.Type],
        ]
      : [
          ['Message', msg.Message],
          ['MessageId', msg.MessageId],
          ['SubscribeURL', msg.SubscribeURL],
          ['Timestamp', msg.Timestamp],
          ['Token', msg.Token],
          ['TopicArn', msg.TopicArn],
          ['Type', msg.Type],
        ];
  return fields
    .map(([name, value]) => {
      if (typeof value !== 'string') throw badSignature(`${msg.Type} without ${name}`);
      return `${name}\n${value}\n`;
    })
    .join('');
}

export class SnsVerifier {
  private readonly pattern: RegExp;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly certTtlMs: number;
  private readonly maxCerts: number;
  private readonly clock: Clock;
  /** Insertion order is recency order: a hit is moved to the end, eviction takes the first. */
  private readonly certs = new Map<string, CachedCert>();
  private readonly inflight = new Map<string, Promise<X509Certificate>>();

  constructor(opts: SnsVerifierOptions) {
    this.pattern = toPattern(opts.trustedUrlPattern);
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.certTtlMs = opts.certTtlMs ?? 60 * 60 * 1000;
    this.maxCerts = Math.max(1, opts.maxCerts ?? 100);
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Resolves when `msg` carries a valid SNS signature. Throws BotError: INGEST.BAD_SIGNATURE,
   * INGEST.UNTRUSTED_URL (before any fetch), or CLOUD.UNAVAILABLE (retryable) when the
   * certificate cannot be fetched right now.
   */
  async verify(msg: SnsMessage): Promise<void> {
    const hash = HASH_BY_SIGNATURE_VERSION[msg.SignatureVersion];
    if (hash === undefined)
      throw badSignature(`unsupported SignatureVersion ${JSON.stringify(msg.SignatureVersion)}`);
    if (typeof msg.Signature !== 'string' || !BASE64.test(msg.Signature))
      throw badSignature('missing or malformed Signature');
    const data = Buffer.from(snsStringToSign(msg), 'utf8');
    const url = trustedUrl(msg.SigningCertURL, this.pattern, 'SigningCertURL');
    if (!url.pathname.endsWith('.pem')) throw untrusted('SigningCertURL does not point to a .pem file');

    const cert = await this.certificate(url.href);
    let ok = false;
    try {
      ok = verifySignature(hash, data, cert.publicKey, Buffer.from(msg.Signature, 'base64'));
    } catch {
      ok = false;
    }
    if (!ok) throw badSignature('the SNS message signature is invalid');
  }

  /** GETs SubscribeURL after checking it against the trusted pattern. Verify the message first. */
  confirmSubscription(msg: SnsMessage): Promise<{ subscriptionArn?: string }> {
    return confirmSnsSubscription(msg, {
      trustedUrlPattern: this.pattern,
      fetch: this.fetchFn,
      timeoutMs: this.timeoutMs,
    });
  }

  /** The cached certificate for a SigningCertURL, if any and still fresh (for diagnostics). */
  cachedCertificate(certUrl: string): X509Certificate | undefined {
    const hit = this.certs.get(normalizedHref(certUrl) ?? certUrl);
    return hit && hit.expiresAt > this.clock.now() ? hit.cert : undefined;
  }

  private certificate(href: string): Promise<X509Certificate> {
    const hit = this.certs.get(href);
    if (hit && hit.expiresAt > this.clock.now()) {
      this.certs.delete(href);
      this.certs.set(href, hit);
      return Promise.resolve(hit.cert);
    }
    this.certs.delete(href);
    const pending = this.inflight.get(href);
    if (pending) return pending;
    const p = this.fetchCertificate(href).finally(() => this.inflight.delete(href));
    this.inflight.set(href, p);
    return p;
  }

  private async fetchCertificate(href: string): Promise<X509Certificate> {
    const res = await getText(this.fetchFn, href, this.timeoutMs, 'SNS signing certificate');
    if (res.status < 200 || res.status > 299)
      throw badSignature(`signing certificate answered HTTP ${res.status}`);
    if (res.body.length > MAX_CERT_BYTES) throw badSignature('signing certificate is too large');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(res.body);
    } catch {
      throw badSignature('signing certificate is not an X.509 PEM certificate');
    }
    if (cert.publicKey.asymmetricKeyType !== 'rsa') throw badSignature('signing certificate key is not RSA');
    this.certs.set(href, { cert, expiresAt: this.clock.now() + this.certTtlMs });
    while (this.certs.size > this.maxCerts) {
      const oldest = this.certs.keys().next().value as string;
      this.certs.delete(oldest);
    }
    return cert;
  }
}

/**
 * Confirms an SNS subscription by GETting SubscribeURL, only when it is https: and matches the
 * trusted pattern (INGEST.UNTRUSTED_URL otherwise, without any request). Network errors, timeouts,
 * 429 and 5xx are CLOUD.UNAVAILABLE (retryable); any other non-2xx answer is CLOUD.REJECTED.
 */
export async function confirmSnsSubscription(
  msg: SnsMessage,
  opts: SnsUrlOptions,
): Promise<{ subscriptionArn?: string }> {
  if (typeof msg.SubscribeURL !== 'string') throw untrusted(`${msg.Type} has no SubscribeURL`);
  const url = trustedUrl(msg.SubscribeURL, toPattern(opts.trustedUrlPattern), 'SubscribeURL');
  const res = await getText(
    opts.fetch ?? fetch,
    url.href,
    opts.timeoutMs ?? 5000,
    'SNS subscription confirmation',
  );
  if (res.status < 200 || res.status > 299) {
    throw new BotError('CLOUD.REJECTED', `SNS subscription confirmation answered HTTP ${res.status}`);
  }
  const arn = /<SubscriptionArn>([^<]*)<\/SubscriptionArn>/.exec(res.body)?.[1];
  return arn ? { subscriptionArn: arn } : {};
}

function toPattern(p: RegExp | string): RegExp {
  // A g or y flag would make test() stateful (lastIndex); we only ever need a plain match.
  return typeof p === 'string' ? new RegExp(p) : new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
}

function normalizedHref(raw: string): string | undefined {
  try {
    return new URL(raw).href;
  } catch {
    return undefined;
  }
}

/** Parses and checks a URL we are about to GET; the pattern is matched against what fetch will request. */
function trustedUrl(raw: unknown, pattern: RegExp, what: string): URL {
  if (typeof raw !== 'string') throw untrusted(`${what} is missing`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw untrusted(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:') throw untrusted(`${what} is not https`);
  if (url.username !== '' || url.password !== '') throw untrusted(`${what} carries credentials`);
  if (!pattern.test(url.href)) throw untrusted(`${what} host ${url.host} is not trusted`);
  return url;
}

async function getText(fetchFn: typeof fetch, href: string, timeoutMs: number, what: string) {
  try {
    const res = await fetchFn(href, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    if (res.status >= 500 || res.status === 429) {
      throw new BotError('CLOUD.UNAVAILABLE', `${what} answered HTTP ${res.status}`, { retryable: true });
    }
    return { status: res.status, body };
  } catch (e) {
    if (e instanceof BotError) throw e;
    throw new BotError('CLOUD.UNAVAILABLE', `${what} could not be fetched`, { retryable: true, cause: e });
  }
}

function badSignature(message: string): BotError {
  return new BotError('INGEST.BAD_SIGNATURE', message);
}

function untrusted(message: string): BotError {
  return new BotError('INGEST.UNTRUSTED_URL', message);
}
