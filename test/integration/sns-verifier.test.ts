/**
 * SnsVerifier and subscription confirmation against FakeSns: real HTTPS, real certificates
 * (test-only, generated at start), real RSA signatures.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ManualClock } from '../../src/ops/clock';
import { BotError, ErrorCode } from '../../src/ops/errors';
import { parseSnsEnvelope, SnsMessage } from '../../src/events/sns/sns-message';
import { confirmSnsSubscription, SnsVerifier, SnsVerifierOptions } from '../../src/events/sns/sns-verifier';
import { FakeSns } from '../fakes/fake-sns';

jest.setTimeout(20_000);

let fake: FakeSns;

beforeAll(async () => {
  fake = await FakeSns.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.confirmations.length = 0;
  fake.certBehaviour = 'ok';
  fake.confirmStatus = 200;
});

function verifier(opts: Partial<SnsVerifierOptions> = {}): SnsVerifier {
  return new SnsVerifier({
    trustedUrlPattern: new RegExp(fake.trustedUrlPattern),
    fetch: fake.fetch,
    ...opts,
  });
}

async function expectBotError(p: Promise<unknown>, code: ErrorCode, retryable = false): Promise<BotError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BotError);
  expect(e).toMatchObject({ code, retryable });
  return e as BotError;
}

const eventBridgeEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  detail: { eventName: 'DeleteSecret', requestParameters: { secretId: 'prod/db' } },
};

describe('valid SNS messages are accepted', () => {
  it.each(['1', '2'] as const)('Notification, SignatureVersion %s', async (version) => {
    await expect(
      verifier().verify(fake.notification(eventBridgeEvent, { version })),
    ).resolves.toBeUndefined();
  });

  it('Notification with a Subject (CloudWatch alarm style)', async () => {
    const msg = fake.notification('{"AlarmName":"x"}', { subject: 'ALARM: "x" in EU (Ireland)' });
    await expect(verifier().verify(msg)).resolves.toBeUndefined();
  });

  it.each(['1', '2'] as const)('SubscriptionConfirmation, SignatureVersion %s', async (version) => {
    await expect(verifier().verify(fake.subscriptionConfirmation({ version }))).resolves.toBeUndefined();
  });

  it('UnsubscribeConfirmation v2 (Token is signed: the case sns-validator@0.3.5 rejects)', async () => {
    await expect(verifier().verify(fake.unsubscribeConfirmation({ version: '2' }))).resolves.toBeUndefined();
  });

  it('the JSON text body SNS posts, with escaped unicode and quotes, parses and verifies', async () => {
    const msg = fake.notification('déjà vu \u2028 "quoted" \\ back\nslash', { subject: 'Ünïcode ✓' });
    const body = JSON.stringify(msg).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const parsed = parseSnsEnvelope(body);
    expect(parsed).toBeDefined();
    await expect(verifier().verify(parsed as SnsMessage)).resolves.toBeUndefined();
  });
});

describe('forged or damaged messages are rejected', () => {
  it('tampered Message', async () => {
    const msg = fake.notification(eventBridgeEvent);
    await expectBotError(
      verifier().verify({ ...msg, Message: msg.Message.replace('DeleteSecret', 'RestoreSecret') }),
      'INGEST.BAD_SIGNATURE',
    );
  });

  it('tampered, added or removed Subject', async () => {
    const msg = fake.notification('{"AlarmName":"x"}', { subject: 'ALARM: "x"' });
    await expectBotError(verifier().verify({ ...msg, Subject: 'OK: "x"' }), 'INGEST.BAD_SIGNATURE');
    const { Subject: _s, ...withoutSubject } = msg;
    await expectBotError(verifier().verify(withoutSubject), 'INGEST.BAD_SIGNATURE');
    const plain = fake.notification('{"AlarmName":"x"}');
    await expectBotError(verifier().verify({ ...plain, Subject: 'ALARM' }), 'INGEST.BAD_SIGNATURE');
  });

  it('tampered Token or SubscribeURL on a confirmation', async () => {
    const msg = fake.unsubscribeConfirmation();
    await expectBotError(verifier().verify({ ...msg, Token: `${msg.Token}00` }), 'INGEST.BAD_SIGNATURE');
    await expectBotError(
      verifier().verify({ ...msg, SubscribeURL: `${msg.SubscribeURL}&x=1` }),
      'INGEST.BAD_SIGNATURE',
    );
  });

  it('missing or empty Signature, without fetching a certificate', async () => {
    const msg = fake.notification(eventBridgeEvent);
    await expectBotError(verifier().verify({ ...msg, Signature: '' }), 'INGEST.BAD_SIGNATURE');
    const { Signature: _sig, ...unsigned } = msg;
    await expectBotError(verifier().verify(unsigned as SnsMessage), 'INGEST.BAD_SIGNATURE');
    expect(fake.requests).toHaveLength(0);
  });

  it('SignatureVersion "3" (and a v1 signature relabelled as v2)', async () => {
    await expectBotError(
      verifier().verify({ ...fake.notification('x'), SignatureVersion: '3' }),
      'INGEST.BAD_SIGNATURE',
    );
    expect(fake.requests).toHaveLength(0);
    await expectBotError(
      verifier().verify({ ...fake.notification('x', { version: '1' }), SignatureVersion: '2' }),
      'INGEST.BAD_SIGNATURE',
    );
  });

  it('signed with a key that is not the certificate’s', async () => {
    await expectBotError(
      verifier().verify(fake.notification(eventBridgeEvent, { key: 'other' })),
      'INGEST.BAD_SIGNATURE',
    );
    await expectBotError(
      verifier().verify(fake.subscriptionConfirmation({ key: 'other' })),
      'INGEST.BAD_SIGNATURE',
    );
  });

  it('a certificate URL that does not serve an X.509 certificate', async () => {
    fake.certBehaviour = 'not-a-certificate';
    await expectBotError(verifier().verify(fake.notification('x')), 'INGEST.BAD_SIGNATURE');
  });
});

describe('the certificate URL is checked before anything is fetched', () => {
  it('a host outside the pattern is refused with zero requests (even one that would answer)', async () => {
    // localhost reaches the same fake (its TLS certificate covers it), so a fetch would succeed.
    const msg = fake.notification('x', { signingCertUrl: fake.certUrl.replace('127.0.0.1', 'localhost') });
    await expectBotError(verifier().verify(msg), 'INGEST.UNTRUSTED_URL');
    expect(fake.requests).toHaveLength(0);
  });

  it('the default pattern refuses the fake, and anything but sns.<region>.amazonaws.com(.cn)', async () => {
    const { DEFAULT_SNS_TRUSTED_URL_PATTERN } = await import('../../src/events/sns/sns-verifier');
    const v = verifier({ trustedUrlPattern: DEFAULT_SNS_TRUSTED_URL_PATTERN });
    await expectBotError(v.verify(fake.notification('x')), 'INGEST.UNTRUSTED_URL');
    const lookalike = 'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-1.pem';
    await expectBotError(
      v.verify(fake.notification('x', { signingCertUrl: lookalike })),
      'INGEST.UNTRUSTED_URL',
    );
    const withUser = 'https://sns.eu-west-1.amazonaws.com@127.0.0.1/SimpleNotificationService-1.pem';
    await expectBotError(
      v.verify(fake.notification('x', { signingCertUrl: withUser })),
      'INGEST.UNTRUSTED_URL',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('http: is refused even when the pattern would allow it', async () => {
    const loose = verifier({ trustedUrlPattern: `^https?://127\\.0\\.0\\.1:${fake.port}/` });
    const msg = fake.notification('x', { signingCertUrl: fake.certUrl.replace('https:', 'http:') });
    await expectBotError(loose.verify(msg), 'INGEST.UNTRUSTED_URL');
    expect(fake.requests).toHaveLength(0);
  });

  it('a path that does not end in .pem is refused', async () => {
    const msg = fake.notification('x', {
      signingCertUrl: `${fake.baseUrl}/SimpleNotificationService-abc.pem.txt`,
    });
    await expectBotError(verifier().verify(msg), 'INGEST.UNTRUSTED_URL');
    const withQuery = fake.notification('x', { signingCertUrl: `${fake.baseUrl}/cert?f=x.pem` });
    await expectBotError(verifier().verify(withQuery), 'INGEST.UNTRUSTED_URL');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('certificate cache', () => {
  it('two verifications fetch the certificate once', async () => {
    const v = verifier();
    await v.verify(fake.notification('a'));
    await v.verify(fake.subscriptionConfirmation());
    expect(fake.certFetches).toBe(1);
    expect(v.cachedCertificate(fake.certUrl)?.toString()).toBe(fake.signingCertPem.toString());
  });

  it('concurrent verifications share one fetch', async () => {
    const v = verifier();
    await Promise.all(Array.from({ length: 8 }, (_, i) => v.verify(fake.notification(`m${i}`))));
    expect(fake.certFetches).toBe(1);
  });

  it('a certificate is fetched again after its TTL', async () => {
    const clock = new ManualClock();
    const v = verifier({ clock, certTtlMs: 60_000 });
    await v.verify(fake.notification('a'));
    clock.advance(59_000);
    await v.verify(fake.notification('b'));
    expect(fake.certFetches).toBe(1);
    clock.advance(2_000);
    await v.verify(fake.notification('c'));
    expect(fake.certFetches).toBe(2);
  });

  it('keeps at most maxCerts, dropping the least recently used', async () => {
    const v = verifier({ maxCerts: 2 });
    const [a, b, c] = [fake.certUrl, fake.otherCertUrl(), fake.otherCertUrl()];
    await v.verify(fake.notification('1', { signingCertUrl: a }));
    await v.verify(fake.notification('2', { signingCertUrl: b }));
    await v.verify(fake.notification('3', { signingCertUrl: a })); // a is now the most recent
    await v.verify(fake.notification('4', { signingCertUrl: c })); // evicts b
    expect(fake.certFetches).toBe(3);
    expect(v.cachedCertificate(a)).toBeDefined();
    expect(v.cachedCertificate(b)).toBeUndefined();
    expect(v.cachedCertificate(c)).toBeDefined();
  });
});

describe('certificate server trouble is retryable (so the HTTP layer answers 5xx and SNS retries)', () => {
  it('5xx, and the failure is not cached', async () => {
    const v = verifier();
    fake.certBehaviour = 'unavailable';
    await expectBotError(v.verify(fake.notification('x')), 'CLOUD.UNAVAILABLE', true);
    fake.certBehaviour = 'ok';
    await expect(v.verify(fake.notification('x'))).resolves.toBeUndefined();
  });

  it('a server that never answers, after timeoutMs', async () => {
    fake.certBehaviour = 'hang';
    const started = Date.now();
    await expectBotError(
      verifier({ timeoutMs: 300 }).verify(fake.notification('x')),
      'CLOUD.UNAVAILABLE',
      true,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a server that is down', async () => {
    const gone = await FakeSns.start();
    const msg = gone.notification('x');
    const v = new SnsVerifier({ trustedUrlPattern: new RegExp(gone.trustedUrlPattern), fetch: gone.fetch });
    await gone.close();
    await expectBotError(v.verify(msg), 'CLOUD.UNAVAILABLE', true);
  });
});

describe('subscription confirmation', () => {
  it('GETs a SubscribeURL inside the pattern and reports the subscription ARN', async () => {
    const msg = fake.subscriptionConfirmation({ token: 'abc123' });
    const v = verifier();
    await v.verify(msg);
    const result = await v.confirmSubscription(msg);
    expect(fake.confirmations).toHaveLength(1);
    expect(fake.confirmations[0]?.query).toMatchObject({
      Action: 'ConfirmSubscription',
      Token: 'abc123',
      TopicArn: msg.TopicArn,
    });
    expect(result.subscriptionArn).toMatch(new RegExp(`^${msg.TopicArn}:`));
  });

  it('never fetches a SubscribeURL outside the pattern', async () => {
    const msg = fake.subscriptionConfirmation({
      subscribeUrl: fake.subscribeUrl().replace('127.0.0.1', 'localhost'),
    });
    await expectBotError(verifier().confirmSubscription(msg), 'INGEST.UNTRUSTED_URL');
    expect(fake.requests).toHaveLength(0);
    expect(fake.confirmations).toHaveLength(0);
  });

  it('never fetches an http: SubscribeURL, nor a confirmation without one', async () => {
    const opts = { trustedUrlPattern: `^https?://127\\.0\\.0\\.1:${fake.port}/`, fetch: fake.fetch };
    const msg = fake.subscriptionConfirmation({
      subscribeUrl: fake.subscribeUrl().replace('https:', 'http:'),
    });
    await expectBotError(confirmSnsSubscription(msg, opts), 'INGEST.UNTRUSTED_URL');
    const { SubscribeURL: _u, ...noUrl } = fake.subscriptionConfirmation();
    await expectBotError(confirmSnsSubscription(noUrl, opts), 'INGEST.UNTRUSTED_URL');
    expect(fake.requests).toHaveLength(0);
  });

  it('5xx from SNS is retryable; 4xx is not', async () => {
    fake.confirmStatus = 500;
    await expectBotError(
      verifier().confirmSubscription(fake.subscriptionConfirmation()),
      'CLOUD.UNAVAILABLE',
      true,
    );
    fake.confirmStatus = 403;
    await expectBotError(
      verifier().confirmSubscription(fake.subscriptionConfirmation()),
      'CLOUD.REJECTED',
      false,
    );
    expect(fake.confirmations).toHaveLength(2);
  });
});

describe('FakeSns in a child process', () => {
  it('global fetch trusts the fake through NODE_EXTRA_CA_CERTS=caPath', async () => {
    const script =
      'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(String(e.cause ?? e)); process.exit(1); })';
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: fake.caPath };
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, fake.certUrl], { env });
    expect(stdout).toBe(fake.signingCertPem);
  });

  it('and does not without it (so the test above proves something)', async () => {
    const script = 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(3))';
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const run = promisify(execFile)(process.execPath, ['-e', script, fake.certUrl], { env });
    await expect(run).rejects.toMatchObject({ code: 3 });
  });
});
