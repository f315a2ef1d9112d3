import { createHmac, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import type { ActionRef } from '../../../src/remediation/actions';
import {
  actionLinksFor,
  actionLinkUrl,
  bulkLinksFor,
  createActionLinkToken,
  createBulkLinkToken,
  deriveActionLinkKey,
  verifyActionLinkToken,
  verifyLinkToken,
} from '../../../src/remediation/action-link';

const SECRET = 'action-link-secret-for-tests-0123456789';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;

const REF: ActionRef = {
  alertId: 'inc-7f3a9c2e41b5d6a8',
  provider: 'aws',
  account: '111122223333',
  region: 'eu-west-1',
  secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/postgres-primary-AbCdEf',
  secretName: 'prod/payments/postgres-primary',
};

const token = (over: Partial<Parameters<typeof createActionLinkToken>[0]> = {}, key: string = SECRET) =>
  createActionLinkToken(
    { action: 'retryRotation', ref: REF, expiresAt: NOW + HOUR, nonce: 'abc', ...over },
    key,
  );

describe('action-link tokens', () => {
  it('round trip: the claims come back as signed', () => {
    const v = verifyActionLinkToken(token(), SECRET, NOW);
    expect(v).toEqual({
      ok: true,
      claims: { action: 'retryRotation', ref: REF, expiresAt: NOW + HOUR, nonce: 'abc' },
    });
  });

  it('round trip with a derived key, an Alibaba ref, non-ASCII names and every action', () => {
    const key = deriveActionLinkKey(SECRET);
    const ref: ActionRef = {
      alertId: 'inc-1',
      provider: 'alibaba',
      account: '1234567890123456',
      region: 'cn-hangzhou',
      secretId: 'acs:kms:cn-hangzhou:1234567890123456:secret/订单库_主账号',
      secretName: '订单库_主账号',
    };
    for (const action of ['retryRotation', 'cancelDeletion', 'mute'] as const) {
      const t = createActionLinkToken({ action, ref, expiresAt: NOW + HOUR }, key);
      const v = verifyActionLinkToken(t, SECRET, NOW);
      expect(v.ok && v.claims.action === action && v.claims.ref).toEqual(ref);
    }
  });

  it('gives each link its own nonce unless one is passed', () => {
    const a = createActionLinkToken({ action: 'mute', ref: REF, expiresAt: NOW + HOUR }, SECRET);
    const b = createActionLinkToken({ action: 'mute', ref: REF, expiresAt: NOW + HOUR }, SECRET);
    expect(a).not.toBe(b);
    const na = verifyActionLinkToken(a, SECRET, NOW);
    expect(na.ok && na.claims.nonce.length).toBeGreaterThanOrEqual(12);
  });

  it('rejects a tampered payload (another secret, same signature)', () => {
    const [, sig] = token().split('.');
    const evil = createActionLinkToken(
      {
        action: 'retryRotation',
        ref: { ...REF, secretName: 'prod/other' },
        expiresAt: NOW + HOUR,
        nonce: 'abc',
      },
      'attacker-key',
    );
    const [evilPayload] = evil.split('.');
    expect(verifyActionLinkToken(`${evilPayload}.${sig}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a tampered payload (expiry pushed out by editing the JSON)', () => {
    const [payload, sig] = token().split('.');
    const json = Buffer.from(payload!, 'base64url')
      .toString('utf8')
      .replace(String(NOW + HOUR), String(NOW + 1000 * HOUR));
    const forged = `${Buffer.from(json).toString('base64url')}.${sig}`;
    expect(verifyActionLinkToken(forged, SECRET, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a tampered signature', () => {
    const t = token();
    const last = t.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyActionLinkToken(t.slice(0, -1) + last, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const first = t.indexOf('.') + 1;
    const flipped = t.slice(0, first) + (t[first] === 'x' ? 'y' : 'x') + t.slice(first + 1);
    expect(verifyActionLinkToken(flipped, SECRET, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token signed with another key', () => {
    expect(verifyActionLinkToken(token({}, 'another-secret-0123456789abcdef'), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('derives the key with HKDF: a raw HMAC with ACTION_LINK_SECRET itself does not verify', () => {
    const [payload] = token().split('.');
    const raw = createHmac('sha256', SECRET).update(payload!).digest('base64url');
    expect(verifyActionLinkToken(`${payload}.${raw}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const derived = Buffer.from(
      hkdfSync('sha256', SECRET, Buffer.alloc(0), 'secrets-bot action links v1', 32),
    );
    expect(token().split('.')[1]).toBe(createHmac('sha256', derived).update(payload!).digest('base64url'));
  });

  it('rejects an expired token (at and after expiresAt), but only once the signature is good', () => {
    const t = token({ expiresAt: NOW });
    expect(verifyActionLinkToken(t, SECRET, NOW - 1).ok).toBe(true);
    expect(verifyActionLinkToken(t, SECRET, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyActionLinkToken(t, SECRET, NOW + HOUR)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyActionLinkToken(t, 'another-secret-0123456789abcdef', NOW + HOUR)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects truncated tokens', () => {
    const t = token();
    const dot = t.indexOf('.');
    for (const cut of [1, 10, dot - 1, dot, dot + 1, dot + 20, t.length - 1]) {
      const v = verifyActionLinkToken(t.slice(0, cut), SECRET, NOW);
      expect(v.ok).toBe(false);
    }
    expect(verifyActionLinkToken(t.slice(0, -1), SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyActionLinkToken(t.slice(5), SECRET, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abcdef'],
    ['two dots', 'a.b.c'],
    ['empty payload', `.${'A'.repeat(43)}`],
    ['not base64url', `ab+/.${'A'.repeat(43)}`],
    ['padding', `YWJj=.${'A'.repeat(43)}`],
    ['short signature', 'YWJj.AAAA'],
    ['spaces', `YW Jj.${'A'.repeat(43)}`],
    ['huge', `${'A'.repeat(10_000)}.${'A'.repeat(43)}`],
    ['percent-encoded', encodeURIComponent('a.b')],
  ])('rejects garbage as malformed: %s', (_n, garbage) => {
    expect(verifyActionLinkToken(garbage, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('a correctly signed payload that is not our JSON is malformed, not accepted', () => {
    for (const json of [
      '{"a":1}',
      '[2,"mute","aws","","","","","",1,"n"]',
      '[1,"delete","aws","","","","","",9e15,"n"]',
      'not json',
    ]) {
      const payload = Buffer.from(json).toString('base64url');
      const key = deriveActionLinkKey(SECRET).key;
      const sig = createHmac('sha256', key).update(payload).digest('base64url');
      expect(verifyActionLinkToken(`${payload}.${sig}`, SECRET, 0)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('rejects any single-character change, deletion or insertion (property)', () => {
    const t = token();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %';
    fc.assert(
      fc.property(
        fc.nat(t.length - 1),
        fc.constantFrom(...alphabet.split('')),
        fc.constantFrom<'replace' | 'delete' | 'insert'>('replace', 'delete', 'insert'),
        (i, c, op) => {
          let mutated: string;
          if (op === 'replace') mutated = t.slice(0, i) + c + t.slice(i + 1);
          else if (op === 'delete') mutated = t.slice(0, i) + t.slice(i + 1);
          else mutated = t.slice(0, i) + c + t.slice(i);
          fc.pre(mutated !== t);
          expect(verifyActionLinkToken(mutated, SECRET, NOW).ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every position of the signature matters, including the last character (no ignored bits)', () => {
    const t = token();
    const sigStart = t.indexOf('.') + 1;
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = sigStart; i < t.length; i++)
      for (const c of chars) {
        if (c === t[i]) continue;
        expect(verifyActionLinkToken(t.slice(0, i) + c + t.slice(i + 1), SECRET, NOW).ok).toBe(false);
      }
  });

  it('is compact: a link for a typical ARN stays well under 600 characters', () => {
    const url = actionLinkUrl('https://secrets-bot.example.com', token());
    expect(url.length).toBeLessThan(600);
    expect(url).toMatch(/^https:\/\/secrets-bot\.example\.com\/actions\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('builds links under PUBLIC_URL, ignoring a trailing slash', () => {
    expect(actionLinkUrl('https://bot.example.com/', 'abc.def')).toBe(
      'https://bot.example.com/actions/abc.def',
    );
    expect(actionLinkUrl('http://localhost:3000', 'abc.def')).toBe('http://localhost:3000/actions/abc.def');
    expect(actionLinkUrl('https://example.com/bot//', 't')).toBe('https://example.com/bot/actions/t');
  });

  it('actionLinksFor: one verifiable link per action', () => {
    const links = actionLinksFor(['cancelDeletion', 'mute'], REF, {
      publicUrl: 'https://bot.example.com',
      key: SECRET,
      expiresAt: NOW + HOUR,
    });
    expect(Object.keys(links)).toEqual(['cancelDeletion', 'mute']);
    for (const [action, url] of Object.entries(links)) {
      const v = verifyActionLinkToken(url!.split('/actions/')[1]!, SECRET, NOW);
      expect(v.ok && v.claims.action).toBe(action);
    }
  });

  it('refuses to sign with an empty secret, or with a non-integer expiry', () => {
    expect(() => token({}, '')).toThrow();
    expect(() => token({ expiresAt: NaN })).toThrow();
  });

  it('does not print the key when the derived key is logged', () => {
    const key = deriveActionLinkKey(SECRET);
    const raw = Buffer.from(hkdfSync('sha256', SECRET, Buffer.alloc(0), 'secrets-bot action links v1', 32));
    const printed = JSON.stringify(key) + inspect(key, { depth: 5 });
    expect(printed).not.toContain(raw.toString('hex'));
    expect(printed).not.toContain(raw.toString('base64'));
    expect(printed).not.toContain(SECRET);
  });
});

describe('bulk link tokens (summary cards)', () => {
  const SUMMARY = 's0123456789abcdef0123456789abcdef';
  const bulk = (over: Partial<Parameters<typeof createBulkLinkToken>[0]> = {}, key: string = SECRET) =>
    createBulkLinkToken(
      { action: 'retryRotation', summaryId: SUMMARY, expiresAt: NOW + HOUR, nonce: 'n1', ...over },
      key,
    );

  it('round trip: the summary and action come back as signed', () => {
    expect(verifyLinkToken(bulk(), SECRET, NOW)).toEqual({
      ok: true,
      bulk: { action: 'retryRotation', summaryId: SUMMARY, expiresAt: NOW + HOUR, nonce: 'n1' },
    });
    expect(verifyLinkToken(token(), SECRET, NOW)).toMatchObject({ ok: true, claims: { ref: REF } });
  });

  it('is never taken for a single-action link, nor the other way round', () => {
    expect(verifyActionLinkToken(bulk(), SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    const single = verifyLinkToken(token(), SECRET, NOW);
    expect(single.ok && single.bulk).toBe(undefined);
  });

  it('refuses a changed character, another key, and an expired link, in that order', () => {
    const t = bulk();
    const flipped = `${t.slice(0, 5)}${t[5] === 'A' ? 'B' : 'A'}${t.slice(6)}`;
    expect(verifyLinkToken(flipped, SECRET, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyLinkToken(bulk({}, 'another-secret'), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyLinkToken(bulk(), SECRET, NOW + HOUR)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyLinkToken(bulk({}, 'another-secret'), SECRET, NOW + HOUR)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('a correctly signed bulk payload of the wrong shape is malformed, not accepted', () => {
    const key = deriveActionLinkKey(SECRET).key;
    for (const json of [
      '[2,"mute","s1",9e15,"n"]', // no bulk mute
      '[2,"retryRotation","s1",9e15]', // no nonce
      '[2,"retryRotation",1,9e15,"n"]', // summary id not a string
      '[2,"retryRotation","s1","9e15","n"]', // expiry not a number
      '[2,"retryRotation","s1",1.5,"n"]', // expiry not an integer
    ]) {
      const payload = Buffer.from(json).toString('base64url');
      const sig = createHmac('sha256', key).update(payload).digest('base64url');
      expect(verifyLinkToken(`${payload}.${sig}`, SECRET, 0)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('only for actions that have a bulk form (no bulk mute)', () => {
    expect(() =>
      createBulkLinkToken({ action: 'mute' as never, summaryId: SUMMARY, expiresAt: NOW + HOUR }, SECRET),
    ).toThrow(/no bulk action/);
  });

  it('bulkLinksFor: one link per action under PUBLIC_URL/actions/, each with its own nonce', () => {
    const links = bulkLinksFor(['retryRotation', 'cancelDeletion'], SUMMARY, {
      publicUrl: 'https://bot.example/',
      key: SECRET,
      expiresAt: NOW + HOUR,
    });
    const verified = Object.values(links).map((l) =>
      verifyLinkToken(l!.slice('https://bot.example/actions/'.length), SECRET, NOW),
    );
    expect(verified.map((v) => (v.ok && v.bulk ? v.bulk.action : undefined))).toEqual([
      'retryRotation',
      'cancelDeletion',
    ]);
    expect(new Set(verified.map((v) => (v.ok && v.bulk ? v.bulk.nonce : ''))).size).toBe(2);
  });
});
