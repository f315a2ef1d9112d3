/**
 * The real @alicloud/kms20160120@1.2.0 client against a fake KMS on 127.0.0.1 that checks the
 * RPC request signature (HMAC-SHA1) the way the real service does.
 */
import { inspect } from 'node:util';
import { dirname } from 'node:path';
import Kms, { DescribeSecretRequest } from '@alicloud/kms20160120';
import {
  AlibabaSecretsProvider,
  alibabaIso,
  parseKmsEndpoint,
  versionIdFor,
  type AlibabaSecretsProviderOptions,
} from '../../../src/clouds/alibaba/alibaba-secrets-provider';
import { CloudError, GENERIC_ROTATION_EXPLANATION } from '../../../src/clouds/classify-cloud-error';
import type { SecretTarget } from '../../../src/clouds/secrets-provider';
import {
  FAKE_ALIBABA_ACCESS_KEY_SECRET,
  FAKE_ALIBABA_CREDENTIALS,
  startFakeKms,
  type FakeKms,
  type FakeKmsSecretSeed,
} from '../../fakes/fake-kms';

const ACCOUNT = '1234567890123456';
const REGION = 'cn-hangzhou';
const DAY = 86_400_000;

let kms: FakeKms;

beforeAll(async () => {
  kms = await startFakeKms({ region: REGION, account: ACCOUNT });
});

afterAll(() => kms.close());

beforeEach(() => kms.reset());

function provider(opts: Partial<AlibabaSecretsProviderOptions> = {}): AlibabaSecretsProvider {
  return new AlibabaSecretsProvider({ credentials: FAKE_ALIBABA_CREDENTIALS, endpoint: kms.url, ...opts });
}

function target(name: string): SecretTarget {
  return {
    provider: 'alibaba',
    account: ACCOUNT,
    region: REGION,
    secretId: `acs:kms:${REGION}:${ACCOUNT}:secret/${name}`,
  };
}

function seedRds(extra: Partial<FakeKmsSecretSeed> = {}) {
  return kms.seed({
    name: 'prod/rds-app',
    type: 'Rds',
    automaticRotation: 'Enabled',
    rotationInterval: '604800s',
    ...extra,
  });
}

async function failure(p: Promise<unknown>): Promise<CloudError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CloudError);
  const e = err as CloudError;
  // Neither the key secret nor anything signed (the SDK puts the signature in the URL) leaks.
  // inspect() shows every own property, as a logger would.
  for (const text of [e.message, e.userMessage ?? '', e.cloudMessage ?? '', inspect(e, { depth: 10 })]) {
    expect(text).not.toContain(FAKE_ALIBABA_ACCESS_KEY_SECRET);
    expect(text).not.toMatch(/Signature=[^[]|SignatureNonce|AccessKeyId%3D|POST&%2F&/);
  }
  return e;
}

describe('AlibabaSecretsProvider.rotateSecret', () => {
  it('sends one signed RotateSecret (API 2016-01-20) with a VersionId derived from the idempotency key', async () => {
    const s = seedRds();
    const key = 'rotate|prod/rds-app|alert-1';

    const result = await provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: key });

    expect(kms.rejected).toEqual([]);
    const rotations = kms.callsOf('RotateSecret');
    expect(rotations).toHaveLength(1);
    expect(rotations[0].accessKeyId).toBe(FAKE_ALIBABA_CREDENTIALS.accessKeyId);
    expect(rotations[0].params).toMatchObject({
      Action: 'RotateSecret',
      Version: '2016-01-20',
      SecretName: 'prod/rds-app',
      VersionId: versionIdFor(key),
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      Format: 'json',
    });
    expect(versionIdFor(key)).toMatch(/^bot-[0-9a-f]{32}$/);
    expect(s.rotations).toBe(1);
    expect(s.versions).toContain(versionIdFor(key));
    expect(result.requestId).toBeDefined();
    expect(result.detail).toContain(versionIdFor(key));
  });

  it('rotates only once when the same idempotency key is used again, even from another bot process', async () => {
    const s = seedRds();

    await provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' });
    await provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' });

    expect(kms.callsOf('RotateSecret')).toHaveLength(2);
    expect(s.rotations).toBe(1);
  });

  it('refuses a Generic secret with CLOUD.UNSUPPORTED and explains how to rotate it, without calling RotateSecret', async () => {
    kms.seed({ name: 'app/api-token', type: 'Generic' });

    const e = await failure(provider().rotateSecret(target('app/api-token'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.UNSUPPORTED');
    expect(e.retryable).toBe(false);
    expect(e.userMessage).toBe(
      `The secret app/api-token is a Generic secret. ${GENERIC_ROTATION_EXPLANATION}`,
    );
    expect(e.userMessage).toMatch(/PutSecretValue/);
    expect(e.userMessage).toMatch(/RDS, RAM, ECS, PolarDB, Redis/);
    expect(kms.callsOf('RotateSecret')).toEqual([]);
  });

  it('classifies KMS itself refusing the secret type the same way', async () => {
    seedRds();
    kms.failNext('RotateSecret', 1, {
      status: 400,
      code: 'Forbidden.SecretTypeNotSupported',
      message: 'The secret type does not support RotateSecret.',
    });

    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.UNSUPPORTED');
    expect(e.cloudCode).toBe('Forbidden.SecretTypeNotSupported');
    expect(e.userMessage).toContain(GENERIC_ROTATION_EXPLANATION);
  });

  it('does not rotate a secret pending deletion (CLOUD.WRONG_STATE)', async () => {
    const s = seedRds({ plannedDeleteTime: new Date(Date.now() + 7 * DAY) });

    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.WRONG_STATE');
    expect(e.userMessage).toMatch(/scheduled for deletion.*cancel the deletion first/);
    expect(kms.callsOf('RotateSecret')).toEqual([]);
    expect(s.rotations).toBe(0);
  });

  it('reports Rejected.Unavailable as CLOUD.WRONG_STATE with the KMS code, without the SDK\'s "Error" suffix', async () => {
    seedRds();
    kms.failNext('RotateSecret', 1, {
      status: 400,
      code: 'Rejected.Unavailable',
      message: 'The resource is unavailable.',
    });

    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.WRONG_STATE');
    expect(e.retryable).toBe(false);
    expect(e.cloudCode).toBe('Rejected.Unavailable');
    expect(e.message).toContain('Rejected.Unavailable: The resource is unavailable.');
  });

  it('reports throttling as retryable CLOUD.THROTTLED with the KMS code and message, making one attempt', async () => {
    seedRds();
    kms.failNext('RotateSecret', 1, {
      status: 400,
      code: 'Throttling.User',
      message: 'Request was denied due to user flow control.',
    });

    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.THROTTLED');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('Throttling.User: Request was denied due to user flow control.');
    expect(e.userMessage).toContain('Throttling.User');
    expect(e.requestId).toBeDefined();
    expect(kms.callsOf('RotateSecret')).toHaveLength(1); // the job queue retries, not the SDK
  });

  it('succeeds on the next attempt after throttling', async () => {
    const s = seedRds();
    kms.failNext('RotateSecret', 1, {
      status: 400,
      code: 'Throttling',
      message: 'Request was denied due to request throttling.',
    });
    const p = provider();

    await expect(p.rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' })).rejects.toMatchObject({
      code: 'CLOUD.THROTTLED',
    });
    await p.rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' });

    expect(s.rotations).toBe(1);
  });

  it.each([
    [
      'ServiceUnavailable 503',
      {
        status: 503,
        code: 'ServiceUnavailable',
        message: 'The request has failed due to a temporary failure of the server.',
      },
    ],
    [
      'InternalError 500',
      {
        status: 500,
        code: 'InternalError',
        message: 'The request processing has failed due to some unknown error.',
      },
    ],
    ['a non-JSON 502 from a gateway', { status: 502, raw: '<html><body>502 Bad Gateway</body></html>' }],
  ])('reports %s as retryable CLOUD.UNAVAILABLE', async (_label, failureSpec) => {
    seedRds();
    kms.failNext('RotateSecret', 1, failureSpec);

    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
  });

  it('reports a missing secret as CLOUD.NOT_FOUND in plain words, not retryable', async () => {
    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.NOT_FOUND');
    expect(e.retryable).toBe(false);
    expect(e.cloudCode).toBe('Forbidden.ResourceNotFound');
    expect(e.httpStatus).toBe(404);
    expect(e.userMessage).toMatch(
      /^The secret prod\/rds-app no longer exists in account 1234567890123456 \(cn-hangzhou\)\./,
    );
    expect(e.message).toContain('Forbidden.ResourceNotFound: Resource not found');
  });

  it('reports Forbidden.NoPermission as CLOUD.ACCESS_DENIED pointing at the RAM policy', async () => {
    seedRds();
    kms.failNext('RotateSecret', 1, {
      status: 403,
      code: 'Forbidden.NoPermission',
      message: 'This operation for this resource is forbidden by permission system.',
    });

    const e = await failure(provider().rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.retryable).toBe(false);
    expect(e.userMessage).toMatch(
      /^The bot's credentials are not allowed to rotate prod\/rds-app .* — check the RAM policy in the README\./,
    );
  });
});

describe('request signing', () => {
  it('is checked by the fake: a wrong key secret is refused with SignatureDoesNotMatch', async () => {
    const s = seedRds();
    const wrong = provider({
      credentials: { accessKeyId: FAKE_ALIBABA_CREDENTIALS.accessKeyId, accessKeySecret: 'wrong' },
    });

    const e = await failure(wrong.rotateSecret(target('prod/rds-app'), { idempotencyKey: 'k1' }));

    expect(kms.rejected.map((r) => r.code)).toEqual(['SignatureDoesNotMatch']);
    expect(kms.calls).toEqual([]);
    expect(s.rotations).toBe(0);
    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.cloudCode).toBe('SignatureDoesNotMatch');
    expect(e.retryable).toBe(false);
  });

  it('is checked by the fake: an unknown AccessKeyId is refused with InvalidAccessKeyId.NotFound', async () => {
    const unknown = provider({ credentials: { accessKeyId: 'LTAIunknown', accessKeySecret: 'x' } });

    const e = await failure(unknown.describeSecret(target('prod/rds-app')));

    expect(kms.rejected.map((r) => r.code)).toEqual(['InvalidAccessKeyId.NotFound']);
    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.cloudCode).toBe('InvalidAccessKeyId.NotFound');
  });
});

describe('AlibabaSecretsProvider.restoreSecret', () => {
  it('cancels a scheduled deletion with one RestoreSecret call', async () => {
    const s = kms.seed({
      name: 'app/api-token',
      type: 'Generic',
      plannedDeleteTime: new Date(Date.now() + 7 * DAY),
    });

    const result = await provider().restoreSecret(target('app/api-token'));

    expect(kms.callsOf('RestoreSecret').map((c) => c.params.SecretName)).toEqual(['app/api-token']);
    expect(s.plannedDeleteTime).toBeUndefined();
    expect(result.detail).toBe('deletion cancelled for app/api-token');
    expect(result.requestId).toBeDefined();
  });

  it('leaves a secret that is not pending deletion alone', async () => {
    kms.seed({ name: 'app/api-token' });

    const result = await provider().restoreSecret(target('app/api-token'));

    expect(kms.callsOf('RestoreSecret')).toEqual([]);
    expect(result.detail).toBe('not scheduled for deletion; nothing to restore');
  });
});

describe('AlibabaSecretsProvider.describeSecret', () => {
  it('returns the fields the typed SDK response drops (SecretType, AutomaticRotation, NextRotationDate)', async () => {
    const s = seedRds({
      description: 'app user',
      lastRotationDate: new Date('2026-02-20T01:02:03Z'),
      nextRotationDate: new Date('2026-02-27T01:02:03Z'),
      createTime: new Date('2025-06-01T00:00:00Z'),
      updateTime: new Date('2026-02-20T01:02:03Z'),
      plannedDeleteTime: new Date('2026-03-09T12:34:56.789Z'),
      tags: [{ TagKey: 'team', TagValue: 'payments' }],
    });

    const d = await provider().describeSecret(target('prod/rds-app'));

    expect(d).toEqual({
      provider: 'alibaba',
      account: ACCOUNT,
      region: REGION,
      name: 'prod/rds-app',
      arn: s.arn,
      type: 'Rds',
      description: 'app user',
      rotationEnabled: true,
      rotationState: 'Enabled',
      rotationSchedule: '604800s',
      lastRotatedAt: '2026-02-20T01:02:03.000Z',
      nextRotationAt: '2026-02-27T01:02:03.000Z',
      lastChangedAt: '2026-02-20T01:02:03.000Z',
      createdAt: '2025-06-01T00:00:00.000Z',
      deletionDate: '2026-03-09T12:34:56.789Z', // from `2026-03-10T04:34:56.789456789+08:00`
      tags: { team: 'payments' },
      requestId: expect.any(String),
    });

    // Why doRequest: the package's typed method loses those fields.
    const typed = await new Kms({
      ...FAKE_ALIBABA_CREDENTIALS,
      regionId: REGION,
      endpoint: kms.host,
      protocol: 'http',
    } as unknown as ConstructorParameters<typeof Kms>[0]).describeSecret(
      new DescribeSecretRequest({ secretName: 'prod/rds-app' }),
    );
    expect(typed.secretName).toBe('prod/rds-app');
    expect((typed as unknown as Record<string, unknown>).secretType).toBeUndefined();
    expect((typed as unknown as Record<string, unknown>).SecretType).toBeUndefined();
  });

  it('reports a Generic secret without rotation fields as rotation disabled', async () => {
    kms.seed({ name: 'app/api-token', type: 'Generic' });
    const d = await provider().describeSecret(target('app/api-token'));
    expect(d.type).toBe('Generic');
    expect(d.rotationEnabled).toBe(false);
    expect(d.rotationState).toBeUndefined();
    expect(d.deletionDate).toBeUndefined();
    expect(d.tags).toEqual({});
  });

  it('gives up on a request slower than the read timeout, as retryable CLOUD.UNAVAILABLE', async () => {
    seedRds();
    kms.delayNext('DescribeSecret', 1, 1500);

    const started = Date.now();
    const e = await failure(provider({ readTimeoutMs: 200 }).describeSecret(target('prod/rds-app')));

    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports an endpoint that refuses connections as retryable CLOUD.UNAVAILABLE, without echoing the signed URL', async () => {
    const e = await failure(
      provider({ endpoint: 'http://127.0.0.1:1' }).describeSecret(target('prod/rds-app')),
    );
    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.cloudCode).toBe('ECONNREFUSED');
  });
});

describe('AlibabaSecretsProvider.listSecrets', () => {
  beforeEach(() => {
    for (let i = 0; i < 250; i++) {
      kms.seed({
        name: `app/secret-${String(i).padStart(3, '0')}`,
        type: i % 2 ? 'Rds' : 'Generic',
        ...(i % 50 === 0 ? { plannedDeleteTime: new Date('2026-04-01T00:00:00Z') } : {}),
        ...(i === 3 ? { tags: [{ TagKey: 'env', TagValue: 'prod' }] } : {}),
      });
    }
  });

  it('pages through every secret with SecretType and PlannedDeleteTime', async () => {
    const list = await provider().listSecrets(
      { account: ACCOUNT, region: REGION },
      { includePlannedDeletion: true },
    );

    expect(list).toHaveLength(250);
    expect(new Set(list.map((s) => s.name)).size).toBe(250);
    expect(kms.callsOf('ListSecrets').map((c) => [c.params.PageNumber, c.params.PageSize])).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
    expect(list.find((s) => s.name === 'app/secret-003')).toMatchObject({
      type: 'Rds',
      tags: { env: 'prod' },
    });
    expect(list.find((s) => s.name === 'app/secret-004')).toMatchObject({ type: 'Generic' });
    const pending = list.filter((s) => s.deletionDate);
    expect(pending).toHaveLength(5);
    expect(pending[0].deletionDate).toBe('2026-04-01T00:00:00.000Z');
  });

  it('leaves out secrets pending deletion unless asked', async () => {
    const list = await provider().listSecrets(
      { account: ACCOUNT, region: REGION },
      { includePlannedDeletion: false },
    );
    expect(list).toHaveLength(245);
    expect(list.some((s) => s.deletionDate)).toBe(false);
  });
});

describe('endpoint and time helpers', () => {
  it.each([
    ['http://127.0.0.1:9998', { protocol: 'http', host: '127.0.0.1:9998' }],
    [
      'https://kms-vpc.cn-hangzhou.aliyuncs.com/',
      { protocol: 'https', host: 'kms-vpc.cn-hangzhou.aliyuncs.com' },
    ],
    ['kms.cn-shanghai.aliyuncs.com', { protocol: 'https', host: 'kms.cn-shanghai.aliyuncs.com' }],
  ])('splits %s into protocol and host', (input, expected) => {
    expect(parseKmsEndpoint(input)).toEqual(expected);
  });

  it("defaults to kms.<region>.aliyuncs.com over HTTPS, never the package's undefined.<region> host", () => {
    const p = new AlibabaSecretsProvider({ credentials: FAKE_ALIBABA_CREDENTIALS });
    const client = p['clientFor']('cn-shanghai') as unknown as { _endpoint: string; _protocol: string };
    expect(client._endpoint).toBe('kms.cn-shanghai.aliyuncs.com');
    expect(client._protocol).toBe('https');
  });

  it.each([
    ['2020-02-21T23:36:07.713703651+08:00', '2020-02-21T15:36:07.713Z'],
    ['2019-02-21T15:39:26Z', '2019-02-21T15:39:26.000Z'],
    ['2019-02-21 15:39:26', '2019-02-21T15:39:26.000Z'],
    ['2019-02-21T15:39:26+0800', '2019-02-21T07:39:26.000Z'],
  ])('reads the KMS time %s as %s', (input, expected) => {
    expect(alibabaIso(input)).toBe(expected);
  });
});

describe('the Alibaba SDK’s XML parsing', () => {
  it('uses an xml2js without CVE-2023-0842 (package.json overrides 0.4.23), which still parses synchronously as rpc-util expects', () => {
    const from = { paths: [dirname(require.resolve('@alicloud/rpc-util'))] };
    // The copy rpc-util resolves, not whichever copy the project root would get.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const xml2js = require(require.resolve('xml2js', from)) as typeof import('xml2js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require(require.resolve('xml2js/package.json', from)) as { version: string };
    const [major, minor] = version.split('.').map(Number) as [number, number];
    expect(major > 0 || minor >= 5).toBe(true);
    // rpc-util's parseXML reads the result right after parseString returns.
    let out: unknown;
    new xml2js.Parser({ explicitArray: false }).parseString(
      '<Error><Code>Forbidden.ResourceNotFound</Code><RequestId>r1</RequestId></Error>',
      (_e: unknown, o: unknown) => (out = o),
    );
    expect(out).toEqual({ Error: { Code: 'Forbidden.ResourceNotFound', RequestId: 'r1' } });
  });
});
