import {
  createFormToken,
  deriveFormKey,
  FORM_TTL_MS,
  verifyFormToken,
} from '../../../src/remediation/action-form';
import { deriveActionLinkKey } from '../../../src/remediation/action-link';

const SECRET = 'action-link-secret-for-tests-0123456789';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const LINK = 'payload.signature-of-the-link';
const key = deriveFormKey(SECRET);

describe('confirmation form tokens (CSRF)', () => {
  it('a token made for a link verifies for that link, and names its one-time nonce', () => {
    const form = createFormToken(LINK, key, NOW);
    const v = verifyFormToken(form, LINK, key, NOW + 1000);
    expect(v).toEqual({ ok: true, nonce: form.split('.')[0], issuedAt: NOW });
  });

  it('each page gets its own nonce', () => {
    expect(createFormToken(LINK, key, NOW).split('.')[0]).not.toBe(
      createFormToken(LINK, key, NOW).split('.')[0],
    );
  });

  it.each([
    ['another link', (f: string) => verifyFormToken(f, 'other.link', key, NOW), 'bad-signature'],
    [
      'another key',
      (f: string) => verifyFormToken(f, LINK, deriveFormKey('another-secret-0123456789'), NOW),
      'bad-signature',
    ],
    [
      'a changed issue time',
      (f: string) =>
        verifyFormToken(
          f.replace(/\.([0-9a-z]+)\./, (_m, t: string) => `.${(parseInt(t, 36) + 1).toString(36)}.`),
          LINK,
          key,
          NOW,
        ),
      'bad-signature',
    ],
    [
      'older than the form lifetime',
      (f: string) => verifyFormToken(f, LINK, key, NOW + FORM_TTL_MS + 1),
      'expired',
    ],
    ['issued in the future', (f: string) => verifyFormToken(f, LINK, key, NOW - 120_000), 'expired'],
    ['cut short', (f: string) => verifyFormToken(f.slice(0, -1), LINK, key, NOW), 'malformed'],
    ['empty', () => verifyFormToken('', LINK, key, NOW), 'malformed'],
    ['not a string', () => verifyFormToken(undefined, LINK, key, NOW), 'malformed'],
  ])('refuses a token checked against %s', (_what, check, reason) => {
    expect(check(createFormToken(LINK, key, NOW))).toEqual({ ok: false, reason });
  });

  it('the form key is not the link-signing key (separate HKDF info)', () => {
    const a = key.key.export();
    const b = deriveActionLinkKey(SECRET).key.export();
    expect(Buffer.compare(a, b)).not.toBe(0);
  });
});
