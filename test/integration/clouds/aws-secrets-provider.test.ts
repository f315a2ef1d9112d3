/**
 * The real @aws-sdk/client-secrets-manager (and the real STS credential provider) against fake
 * Secrets Manager and STS peers on 127.0.0.1 that check SigV4 signatures.
 */
import { inspect } from 'node:util';
import {
  AwsSecretsProvider,
  clientRequestTokenFor,
  type AwsSecretsProviderOptions,
} from '../../../src/clouds/aws/aws-secrets-provider';
import { CloudError } from '../../../src/clouds/classify-cloud-error';
import type { SecretTarget } from '../../../src/clouds/secrets-provider';
import { BotError } from '../../../src/ops/errors';
import {
  FAKE_AWS_CREDENTIALS,
  FAKE_AWS_SECRET_ACCESS_KEY,
  startFakeSecretsManager,
  type FakeSecretsManager,
} from '../../fakes/fake-secrets-manager';
import { startFakeSts, type FakeSts } from '../../fakes/fake-sts';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const LAMBDA = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:rotate-pg`;

let sm: FakeSecretsManager;
let sts: FakeSts;
const providers: AwsSecretsProvider[] = [];

beforeAll(async () => {
  sm = await startFakeSecretsManager({ account: ACCOUNT, region: REGION });
  sts = await startFakeSts({ keyring: sm.keyring });
});

afterAll(async () => {
  await sm.close();
  await sts.close();
});

beforeEach(() => sm.reset());

afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});

function provider(opts: AwsSecretsProviderOptions = {}): AwsSecretsProvider {
  const p = new AwsSecretsProvider({ endpoint: sm.url, credentials: FAKE_AWS_CREDENTIALS, ...opts });
  providers.push(p);
  return p;
}

function target(secretId: string, account = ACCOUNT): SecretTarget {
  return { provider: 'aws', account, region: REGION, secretId };
}

async function failure(p: Promise<unknown>): Promise<CloudError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CloudError);
  const e = err as CloudError;
  // No credential ever reaches an error a user or a log can see.
  // inspect() shows every own property, as a logger would.
  for (const text of [e.message, e.userMessage ?? '', e.cloudMessage ?? '', inspect(e, { depth: 10 })]) {
    expect(text).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
    expect(text).not.toMatch(/aws4_request|AWS4-HMAC-SHA256|x-amz-date:|x-amz-security-token/i);
  }
  return e;
}

describe('AwsSecretsProvider.rotateSecret', () => {
  it('starts one rotation with a ClientRequestToken derived from the idempotency key and the configured rotation', async () => {
    const s = sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA, rotationEnabled: true });
    const key = 'rotate|prod/pg|alert-1';

    const result = await provider().rotateSecret(target(s.arn), { idempotencyKey: key });

    const token = clientRequestTokenFor(key);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(sm.rejected).toEqual([]);
    expect(sm.callsOf('RotateSecret')).toEqual([
      {
        op: 'RotateSecret',
        params: { SecretId: s.arn, ClientRequestToken: token, RotateImmediately: true },
        accessKeyId: FAKE_AWS_CREDENTIALS.accessKeyId,
        status: 200,
      },
    ]);
    expect(s.rotations).toBe(1);
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.detail).toContain(token);
  });

  it('rotates only once when the same idempotency key is used again, even from another bot process', async () => {
    const s = sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    const key = 'rotate|prod/pg|alert-1';

    const first = await provider().rotateSecret(target('prod/pg'), { idempotencyKey: key });
    const again = await provider().rotateSecret(target('prod/pg'), { idempotencyKey: key });

    expect(s.rotations).toBe(1);
    expect(again.detail).toBe(first.detail);
    await provider().rotateSecret(target('prod/pg'), { idempotencyKey: 'rotate|prod/pg|alert-2' });
    expect(s.rotations).toBe(2);
  });

  it('lets the SDK retry one throttled attempt, then succeeds with one effective rotation', async () => {
    const s = sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    sm.failNext('RotateSecret', 1, { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });

    await provider().rotateSecret(target('prod/pg'), { idempotencyKey: 'k1' });

    expect(sm.callsOf('RotateSecret').map((c) => c.status)).toEqual([400, 200]);
    expect(s.rotations).toBe(1);
  });

  it('reports persistent throttling as retryable CLOUD.THROTTLED with the cloud code and message', async () => {
    sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    sm.failNext('RotateSecret', 5, { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });

    const e = await failure(provider().rotateSecret(target('prod/pg'), { idempotencyKey: 'k1' }));

    expect(e).toBeInstanceOf(BotError);
    expect(e.code).toBe('CLOUD.THROTTLED');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('ThrottlingException: Rate exceeded');
    expect(e.userMessage).toContain('ThrottlingException: Rate exceeded');
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sm.callsOf('RotateSecret')).toHaveLength(2); // maxAttempts 2: the job queue does the rest
  });

  it('reports a 500 InternalServiceError as retryable CLOUD.UNAVAILABLE', async () => {
    sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    sm.failNext('RotateSecret', 2, {
      status: 500,
      type: 'InternalServiceError',
      message: 'An error occurred on the server side.',
    });

    const e = await failure(provider().rotateSecret(target('prod/pg'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.httpStatus).toBe(500);
    expect(e.message).toContain('InternalServiceError');
  });

  it('reports a missing secret as CLOUD.NOT_FOUND in plain words, not retryable', async () => {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/pg-AbCdEf`;

    const e = await failure(provider().rotateSecret(target(arn), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.NOT_FOUND');
    expect(e.retryable).toBe(false);
    expect(e.userMessage).toMatch(
      /^The secret prod\/pg no longer exists in account 111111111111 \(eu-west-1\)\./,
    );
    expect(e.message).toContain(
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
    expect(e.cloudCode).toBe('ResourceNotFoundException');
  });

  it.each([
    [
      'a secret pending deletion',
      { deletedDate: new Date(Date.now() + 7 * 86_400_000) },
      /scheduled for deletion/,
      /marked for deletion/,
    ],
    [
      'a rotation that is not complete',
      { versionIdsToStages: { 'v-old': ['AWSCURRENT'], 'v-new': ['AWSPENDING'] } },
      /^Rotation is already in progress for prod\/pg/,
      /A previous rotation isn't complete/,
    ],
    [
      'a secret without rotation configured',
      { rotationLambdaArn: undefined },
      /has no rotation configured/,
      /doesn't already have a Lambda function ARN configured/,
    ],
  ])('reports %s as CLOUD.WRONG_STATE, not retryable', async (_label, seed, userText, cloudText) => {
    const s = sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA, ...seed });

    const e = await failure(provider().rotateSecret(target('prod/pg'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.WRONG_STATE');
    expect(e.retryable).toBe(false);
    expect(e.cloudCode).toBe('InvalidRequestException');
    expect(e.userMessage).toMatch(userText);
    expect(e.message).toMatch(cloudText);
    expect(s.rotations).toBe(0);
  });

  it('reports AccessDeniedException as CLOUD.ACCESS_DENIED pointing at the IAM policy', async () => {
    sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    const cloudMessage = `User: arn:aws:iam::${ACCOUNT}:user/bot is not authorized to perform: secretsmanager:RotateSecret`;
    sm.failNext('RotateSecret', 1, { status: 400, type: 'AccessDeniedException', message: cloudMessage });

    const e = await failure(provider().rotateSecret(target('prod/pg'), { idempotencyKey: 'k1' }));

    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.retryable).toBe(false);
    expect(e.userMessage).toMatch(
      /^The bot's credentials are not allowed to rotate prod\/pg in account 111111111111 \(eu-west-1\) — check the IAM policy in the README\./,
    );
    expect(e.userMessage).toContain(cloudMessage);
  });
});

describe('request signing', () => {
  it('is checked by the fake: a wrong secret key is refused before anything happens', async () => {
    const s = sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    const wrong = provider({
      credentials: { accessKeyId: FAKE_AWS_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-right-key' },
    });

    const e = await failure(wrong.rotateSecret(target('prod/pg'), { idempotencyKey: 'k1' }));

    expect(sm.rejected.map((r) => r.type)).toEqual(['InvalidSignatureException']);
    expect(sm.calls).toEqual([]);
    expect(s.rotations).toBe(0);
    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.cloudCode).toBe('InvalidSignatureException');
    expect(e.retryable).toBe(false);
  });

  it('is checked by the fake: an unknown access key is refused', async () => {
    const unknown = provider({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x' } });

    const e = await failure(unknown.describeSecret(target('prod/pg')));

    expect(sm.rejected.map((r) => r.type)).toEqual(['UnrecognizedClientException']);
    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.message).not.toContain('AKIAUNKNOWNKEY000001');
  });
});

describe('AwsSecretsProvider.restoreSecret', () => {
  it('cancels a scheduled deletion with one RestoreSecret call', async () => {
    const s = sm.seed({ name: 'prod/pg', deletedDate: new Date(Date.now() + 7 * 86_400_000) });

    const result = await provider().restoreSecret(target(s.arn));

    expect(sm.callsOf('RestoreSecret').map((c) => c.params)).toEqual([{ SecretId: s.arn }]);
    expect(s.deletedDate).toBeUndefined();
    expect(result.detail).toBe('deletion cancelled for prod/pg');
    expect(result.requestId).toBeDefined();
  });

  it('leaves a secret that is not pending deletion alone', async () => {
    sm.seed({ name: 'prod/pg' });

    const result = await provider().restoreSecret(target('prod/pg'));

    expect(sm.callsOf('RestoreSecret')).toEqual([]);
    expect(result.detail).toBe('not scheduled for deletion; nothing to restore');
  });

  it('reports a secret that is gone for good as CLOUD.NOT_FOUND', async () => {
    const e = await failure(provider().restoreSecret(target('prod/gone')));
    expect(e.code).toBe('CLOUD.NOT_FOUND');
    expect(e.userMessage).toMatch(/^The secret prod\/gone no longer exists/);
  });
});

describe('AwsSecretsProvider.describeSecret', () => {
  it('returns the full description with ISO dates, tags and a pending rotation', async () => {
    const s = sm.seed({
      name: 'prod/pg',
      description: 'primary database',
      rotationEnabled: true,
      rotationLambdaArn: LAMBDA,
      rotationRules: { AutomaticallyAfterDays: 30 },
      lastRotatedDate: new Date('2026-02-01T10:00:00Z'),
      nextRotationDate: new Date('2026-03-03T10:00:00Z'),
      lastChangedDate: new Date('2026-02-01T10:00:05Z'),
      createdDate: new Date('2025-01-01T00:00:00Z'),
      deletedDate: new Date('2026-03-10T00:00:00Z'),
      versionIdsToStages: { 'v-current': ['AWSCURRENT'], 'v-stuck': ['AWSPENDING'] },
      owningService: 'rds',
      tags: [{ Key: 'team', Value: 'payments' }],
    });

    const d = await provider().describeSecret(target('prod/pg'));

    expect(d).toEqual({
      provider: 'aws',
      account: ACCOUNT,
      region: REGION,
      name: 'prod/pg',
      arn: s.arn,
      type: 'rds',
      description: 'primary database',
      rotationEnabled: true,
      rotationSchedule: 'every 30 days',
      lastRotatedAt: '2026-02-01T10:00:00.000Z',
      nextRotationAt: '2026-03-03T10:00:00.000Z',
      lastChangedAt: '2026-02-01T10:00:05.000Z',
      createdAt: '2025-01-01T00:00:00.000Z',
      deletionDate: '2026-03-10T00:00:00.000Z',
      tags: { team: 'payments' },
      pendingRotation: { versionId: 'v-stuck' },
      requestId: expect.any(String),
    });
  });

  it('reports a secret that never had rotation configured as rotation disabled, without dates', async () => {
    sm.seed({ name: 'dev/api-key' });
    const d = await provider().describeSecret(target('dev/api-key'));
    expect(d.rotationEnabled).toBe(false);
    expect(d.nextRotationAt).toBeUndefined();
    expect(d.deletionDate).toBeUndefined();
    expect(d.pendingRotation).toBeUndefined();
  });
});

describe('AwsSecretsProvider.listSecrets', () => {
  beforeEach(() => {
    for (let i = 0; i < 250; i++) {
      sm.seed({
        name: `app/secret-${String(i).padStart(3, '0')}`,
        ...(i % 50 === 0 ? { deletedDate: new Date('2026-04-01T00:00:00Z') } : {}),
        ...(i === 1 ? { rotationEnabled: true, nextRotationDate: new Date('2026-03-05T00:00:00Z') } : {}),
      });
    }
  });

  it('pages through every secret, including those pending deletion when asked', async () => {
    const list = await provider().listSecrets(
      { account: ACCOUNT, region: REGION },
      { includePlannedDeletion: true },
    );

    expect(list).toHaveLength(250);
    expect(new Set(list.map((s) => s.name)).size).toBe(250);
    const calls = sm.callsOf('ListSecrets');
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.params.IncludePlannedDeletion === true && c.params.MaxResults === 100)).toBe(
      true,
    );
    expect(calls.map((c) => c.params.NextToken === undefined)).toEqual([true, false, false]);
    const pending = list.filter((s) => s.deletionDate);
    expect(pending.map((s) => s.name)).toEqual([
      'app/secret-000',
      'app/secret-050',
      'app/secret-100',
      'app/secret-150',
      'app/secret-200',
    ]);
    expect(pending[0].deletionDate).toBe('2026-04-01T00:00:00.000Z');
    expect(list.find((s) => s.name === 'app/secret-001')).toMatchObject({
      rotationEnabled: true,
      nextRotationAt: '2026-03-05T00:00:00.000Z',
      arn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:111111111111:secret:app\/secret-001-/),
    });
  });

  it('leaves out secrets pending deletion by default', async () => {
    const list = await provider().listSecrets(
      { account: ACCOUNT, region: REGION },
      { includePlannedDeletion: false },
    );
    expect(list).toHaveLength(245);
    expect(list.some((s) => s.deletionDate)).toBe(false);
    expect(sm.callsOf('ListSecrets').every((c) => c.params.IncludePlannedDeletion === false)).toBe(true);
  });
});

describe('endpoints, timeouts and accounts', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL_STS']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('honours AWS_ENDPOINT_URL_SECRETS_MANAGER when no endpoint is configured', async () => {
    sm.seed({ name: 'prod/pg' });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.url;
    const p = new AwsSecretsProvider({ credentials: FAKE_AWS_CREDENTIALS });
    providers.push(p);

    const d = await p.describeSecret(target('prod/pg'));

    expect(d.name).toBe('prod/pg');
    expect(sm.callsOf('DescribeSecret')).toHaveLength(1);
  });

  it('gives up on a request that takes longer than the request timeout, as retryable CLOUD.UNAVAILABLE', async () => {
    sm.seed({ name: 'prod/pg' });
    sm.delayNext('DescribeSecret', 2, 1500);

    const started = Date.now();
    const e = await failure(provider({ requestTimeoutMs: 200 }).describeSecret(target('prod/pg')));

    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports an endpoint that refuses connections as retryable CLOUD.UNAVAILABLE', async () => {
    const e = await failure(provider({ endpoint: 'http://127.0.0.1:1' }).describeSecret(target('prod/pg')));
    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
  });

  it('assumes the configured role once for another account and signs with the temporary key', async () => {
    sm.seed({ name: 'prod/pg', rotationLambdaArn: LAMBDA });
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/secrets-bot`;
    const p = provider({ roles: { [OTHER_ACCOUNT]: roleArn }, stsEndpoint: sts.url });

    await p.describeSecret(target('prod/pg', OTHER_ACCOUNT));
    await p.rotateSecret(target('prod/pg', OTHER_ACCOUNT), { idempotencyKey: 'k1' });
    await p.describeSecret(target('prod/pg', ACCOUNT)); // no role: the configured credentials

    expect(sts.calls).toHaveLength(1);
    expect(sts.calls[0]).toMatchObject({
      roleArn,
      roleSessionName: 'secrets-bot',
      callerAccessKeyId: FAKE_AWS_CREDENTIALS.accessKeyId,
    });
    const temp = sts.calls[0].issuedAccessKeyId;
    expect(temp).toMatch(/^ASIA/);
    expect(sm.calls.map((c) => [c.op, c.accessKeyId])).toEqual([
      ['DescribeSecret', temp],
      ['RotateSecret', temp],
      ['DescribeSecret', FAKE_AWS_CREDENTIALS.accessKeyId],
    ]);
    expect(sm.rejected).toEqual([]);
  });

  it('honours AWS_ENDPOINT_URL_STS for the role path', async () => {
    sm.seed({ name: 'prod/pg' });
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
    const before = sts.calls.length;
    const p = provider({ roles: { [OTHER_ACCOUNT]: `arn:aws:iam::${OTHER_ACCOUNT}:role/secrets-bot` } });

    await p.describeSecret(target('prod/pg', OTHER_ACCOUNT));

    expect(sts.calls.length - before).toBe(1);
    expect(sm.calls[0].accessKeyId).toBe(sts.calls[sts.calls.length - 1].issuedAccessKeyId);
  });

  it('reports a role the bot may not assume as CLOUD.ACCESS_DENIED without touching Secrets Manager', async () => {
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/not-trusted`;
    sts.denyRole(roleArn);
    const p = provider({ roles: { [OTHER_ACCOUNT]: roleArn }, stsEndpoint: sts.url });

    const e = await failure(p.describeSecret(target('prod/pg', OTHER_ACCOUNT)));

    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('not authorized to perform: sts:AssumeRole');
    expect(sm.calls).toEqual([]);
  });
});
