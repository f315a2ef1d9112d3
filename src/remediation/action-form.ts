import { createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { deriveSubkey } from './action-link';

/**
 * CSRF protection of the confirmation page behind an action link: the page's form carries a form
 * token that only this bot can make, bound to that very link, and good for one submission.
 *
 *   form token = nonce "." issuedAt (base 36) "." HMAC-SHA256(formKey, linkToken "\n" nonce "\n" issuedAt)
 *
 * - formKey is derived from ACTION_LINK_SECRET by HKDF-SHA256 with its own info string, so it is
 *   unrelated to the link-signing key, and the same on every replica (no shared session state).
 * - The POST is accepted only with a token made for the same link token, at most FORM_TTL_MS old;
 *   the nonce is then taken in Redis (SET NX), so a form posts once (a replay gets 409).
 * - No cookies: DingTalk's in-app browser and link-preview fetchers treat cookies unevenly, and a
 *   double-submit cookie would add nothing here — the link itself is the credential, and a page
 *   elsewhere cannot read our form token (same-origin policy), so it cannot post the form for
 *   someone who holds the link. The handler also refuses `Sec-Fetch-Site: cross-site` posts.
 * GET makes the token and writes nothing: GET never changes anything.
 */

export const FORM_HKDF_INFO = 'secrets-bot action page forms v1';
/** How long a confirmation page can be left open before confirming. */
export const FORM_TTL_MS = 30 * 60_000;
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const ISSUED = /^[0-9a-z]{1,12}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

export interface FormKey {
  readonly kind: 'form-key';
  readonly key: KeyObject;
}

export function deriveFormKey(secret: string): FormKey {
  return { kind: 'form-key', key: deriveSubkey(secret, FORM_HKDF_INFO) };
}

function mac(key: FormKey, linkToken: string, nonce: string, issued: string): string {
  return createHmac('sha256', key.key)
    .update(`${linkToken}\n${nonce}\n${issued}`, 'utf8')
    .digest('base64url');
}

export function createFormToken(
  linkToken: string,
  key: FormKey,
  now: number,
  nonce = randomBytes(16).toString('base64url'),
): string {
  const issued = Math.floor(now).toString(36);
  return `${nonce}.${issued}.${mac(key, linkToken, nonce, issued)}`;
}

export type FormVerifyResult =
  | { ok: true; nonce: string; issuedAt: number }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyFormToken(
  form: unknown,
  linkToken: string,
  key: FormKey,
  now: number,
): FormVerifyResult {
  if (typeof form !== 'string' || form.length > 200) return { ok: false, reason: 'malformed' };
  const parts = form.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [nonce, issued, given] = parts as [string, string, string];
  if (!NONCE.test(nonce) || !ISSUED.test(issued) || !MAC.test(given))
    return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(key, linkToken, nonce, issued), 'ascii');
  const actual = Buffer.from(given, 'ascii');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { ok: false, reason: 'bad-signature' };
  const issuedAt = parseInt(issued, 36);
  if (!(issuedAt <= now + 60_000) || now - issuedAt > FORM_TTL_MS) return { ok: false, reason: 'expired' };
  return { ok: true, nonce, issuedAt };
}
