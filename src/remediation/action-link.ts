import {
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import {
  ACTION_IDS,
  BULK_ACTION_IDS,
  type ActionName,
  type ActionRef,
  type RemediationAction,
} from './actions';

/**
 * Signed, expiring action-link tokens: what a DingTalk card button carries (custom-robot buttons
 * can only open a link). A token names the action, the secret and the alert; anyone who changes
 * one character of it gets `bad-signature`.
 *
 * Format: `<payload>.<signature>`, both base64url without padding.
 * - payload: the JSON array `[1, action, provider, alertId, account, region, secretId, secretName,
 *   expiresAt (ms epoch), nonce]` (an array, not an object, to keep links short).
 * - signature: HMAC-SHA256 over the payload *text* with a key derived from ACTION_LINK_SECRET by
 *   HKDF-SHA256 (info `secrets-bot action links v1`), so the same secret used elsewhere yields an
 *   unrelated key. The full 32-byte tag is kept.
 *
 * Verification compares the signature text with the expected one in constant time. Comparing text
 * rather than decoded bytes matters: base64 decoders ignore the unused low bits of the last
 * character, so two different signature strings can decode to the same bytes.
 * Order of checks: shape (`malformed`), then signature (`bad-signature`), then expiry (`expired`):
 * a forged token never learns whether it would have been expired.
 *
 * Bulk links (the buttons of a summary card: "Retry rotation (137)") are the same token with the
 * payload `[2, action, summaryId, expiresAt, nonce]`: they name the summary, not a secret.
 */

export const ACTION_LINK_HKDF_INFO = 'secrets-bot action links v1';
const VERSION = 1;
const BULK_VERSION = 2;
/** Longer tokens are refused before any work (a real one is a few hundred characters). */
const MAX_TOKEN_LENGTH = 8192;
const SIGNATURE_LENGTH = 43; // base64url of 32 bytes, unpadded
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface ActionLinkClaims {
  action: ActionName;
  ref: ActionRef;
  /** ms epoch after which the link no longer works. */
  expiresAt: number;
  /** Unique per link, so a used or superseded link can be recognised. */
  nonce: string;
}

/** A bulk link: one action on the open members of a summary message. */
export interface BulkLinkClaims {
  action: RemediationAction;
  summaryId: string;
  expiresAt: number;
  nonce: string;
}

type LinkTokenError = { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export type ActionLinkVerifyResult = { ok: true; claims: ActionLinkClaims } | LinkTokenError;

/** Any link token: a single action (`claims`) or a bulk action on a summary (`bulk`). */
export type LinkTokenVerifyResult =
  | { ok: true; claims: ActionLinkClaims; bulk?: undefined }
  | { ok: true; bulk: BulkLinkClaims; claims?: undefined }
  | LinkTokenError;

/** The derived signing key. Holds a KeyObject, so logging it prints no key material. */
export interface ActionLinkKey {
  readonly kind: 'action-link-key';
  readonly key: KeyObject;
}

/** A 256-bit key derived from ACTION_LINK_SECRET for one purpose (`info`), so no two uses share a key. */
export function deriveSubkey(secret: string, info: string): KeyObject {
  if (typeof secret !== 'string' || secret.length === 0) throw new Error('ACTION_LINK_SECRET is empty');
  return createSecretKey(
    Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), info, 32)),
  );
}

/** Derives the link-signing key from ACTION_LINK_SECRET. Do it once at start-up and reuse the result. */
export function deriveActionLinkKey(secret: string): ActionLinkKey {
  return { kind: 'action-link-key', key: deriveSubkey(secret, ACTION_LINK_HKDF_INFO) };
}

/** `key`: a derived key, or ACTION_LINK_SECRET itself (derived on each call). */
export type ActionLinkKeyInput = ActionLinkKey | string;

function keyOf(input: ActionLinkKeyInput): KeyObject {
  return typeof input === 'string' ? deriveActionLinkKey(input).key : input.key;
}

function sign(payload: string, key: KeyObject): string {
  return createHmac('sha256', key).update(payload, 'ascii').digest('base64url');
}

export function createActionLinkToken(
  claims: { action: ActionName; ref: ActionRef; expiresAt: number; nonce?: string },
  key: ActionLinkKeyInput,
): string {
  if (!Number.isSafeInteger(claims.expiresAt)) throw new Error('expiresAt must be an integer ms epoch');
  if (!(claims.action in ACTION_IDS)) throw new Error(`unknown action ${String(claims.action)}`);
  const nonce = claims.nonce ?? randomBytes(9).toString('base64url');
  const { ref } = claims;
  const payload = Buffer.from(
    JSON.stringify([
      VERSION,
      claims.action,
      ref.provider,
      ref.alertId,
      ref.account,
      ref.region,
      ref.secretId,
      ref.secretName,
      claims.expiresAt,
      nonce,
    ]),
    'utf8',
  ).toString('base64url');
  return `${payload}.${sign(payload, keyOf(key))}`;
}

export function createBulkLinkToken(
  claims: { action: RemediationAction; summaryId: string; expiresAt: number; nonce?: string },
  key: ActionLinkKeyInput,
): string {
  if (!Number.isSafeInteger(claims.expiresAt)) throw new Error('expiresAt must be an integer ms epoch');
  if (!(claims.action in BULK_ACTION_IDS)) throw new Error(`no bulk action ${String(claims.action)}`);
  const nonce = claims.nonce ?? randomBytes(9).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify([BULK_VERSION, claims.action, claims.summaryId, claims.expiresAt, nonce]),
    'utf8',
  ).toString('base64url');
  return `${payload}.${sign(payload, keyOf(key))}`;
}

/** A single-action link only: a bulk link's token is `malformed` here. */
export function verifyActionLinkToken(
  token: string,
  key: ActionLinkKeyInput,
  now: number,
): ActionLinkVerifyResult {
  const r = verifyLinkToken(token, key, now);
  if (!r.ok) return r;
  return r.claims ? { ok: true, claims: r.claims } : { ok: false, reason: 'malformed' };
}

export function verifyLinkToken(token: string, key: ActionLinkKeyInput, now: number): LinkTokenVerifyResult {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!B64URL.test(payload) || signature.length !== SIGNATURE_LENGTH || !B64URL.test(signature))
    return { ok: false, reason: 'malformed' };

  const expected = Buffer.from(sign(payload, keyOf(key)), 'ascii');
  const given = Buffer.from(signature, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' };

  let a: unknown;
  try {
    a = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (Array.isArray(a) && a[0] === BULK_VERSION) {
    const bulk = parseBulkPayload(a);
    if (bulk === undefined) return { ok: false, reason: 'malformed' };
    if (!(now < bulk.expiresAt)) return { ok: false, reason: 'expired' };
    return { ok: true, bulk };
  }
  const claims = parsePayload(a);
  if (claims === undefined) return { ok: false, reason: 'malformed' };
  if (!(now < claims.expiresAt)) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function parseBulkPayload(a: unknown[]): BulkLinkClaims | undefined {
  if (a.length !== 5) return undefined;
  const [, action, summaryId, expiresAt, nonce] = a;
  if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(BULK_ACTION_IDS, action))
    return undefined;
  if (typeof summaryId !== 'string' || typeof nonce !== 'string') return undefined;
  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt)) return undefined;
  return { action: action as RemediationAction, summaryId, expiresAt, nonce };
}

function parsePayload(a: unknown): ActionLinkClaims | undefined {
  if (!Array.isArray(a) || a.length !== 10 || a[0] !== VERSION) return undefined;
  const [, action, provider, alertId, account, region, secretId, secretName, expiresAt, nonce] =
    a as unknown[];
  if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(ACTION_IDS, action))
    return undefined;
  if (provider !== 'aws' && provider !== 'alibaba') return undefined;
  for (const s of [alertId, account, region, secretId, secretName, nonce])
    if (typeof s !== 'string') return undefined;
  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt)) return undefined;
  return {
    action: action as ActionName,
    ref: {
      alertId: alertId as string,
      provider,
      account: account as string,
      region: region as string,
      secretId: secretId as string,
      secretName: secretName as string,
    },
    expiresAt,
    nonce: nonce as string,
  };
}

/** `${PUBLIC_URL}/actions/<token>`; a trailing slash on PUBLIC_URL is ignored. */
export function actionLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/actions/${token}`;
}

interface LinkOptions {
  publicUrl: string;
  key: ActionLinkKeyInput;
  expiresAt: number;
}

/** One signed link per action, each with its own nonce, under PUBLIC_URL/actions/. */
function linksFor<A extends ActionName>(
  actions: readonly A[],
  opts: LinkOptions,
  token: (action: A, key: ActionLinkKey) => string,
): Partial<Record<A, string>> {
  const key = typeof opts.key === 'string' ? deriveActionLinkKey(opts.key) : opts.key;
  const links: Partial<Record<A, string>> = {};
  for (const action of actions) links[action] = actionLinkUrl(opts.publicUrl, token(action, key));
  return links;
}

/** The links for a message's buttons (what renderDingTalkCard takes). */
export function actionLinksFor(
  actions: readonly ActionName[],
  ref: ActionRef,
  opts: LinkOptions,
): Partial<Record<ActionName, string>> {
  return linksFor(actions, opts, (action, key) =>
    createActionLinkToken({ action, ref, expiresAt: opts.expiresAt }, key),
  );
}

/**
 * When a card's links stop working: `ttlMs` after `now` (DINGTALK `link_ttl`, 7 days by default),
 * or the secret's permanent deletion date when that comes sooner (after it there is nothing left
 * to restore or rotate).
 */
export function actionLinkExpiry(now: number, ttlMs: number, deletionDate?: string): number {
  const cap = now + ttlMs;
  const deletion = deletionDate === undefined ? NaN : Date.parse(deletionDate);
  return Number.isFinite(deletion) && deletion > now && deletion < cap
    ? Math.floor(deletion)
    : Math.floor(cap);
}

/** The links for a summary card's bulk buttons. */
export function bulkLinksFor(
  actions: readonly RemediationAction[],
  summaryId: string,
  opts: LinkOptions,
): Partial<Record<RemediationAction, string>> {
  return linksFor(actions, opts, (action, key) =>
    createBulkLinkToken({ action, summaryId, expiresAt: opts.expiresAt }, key),
  );
}
