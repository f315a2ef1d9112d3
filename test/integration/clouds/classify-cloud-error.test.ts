/**
 * Error classification over the shapes the two SDKs really throw (table-driven), plus scrubbing
 * and provider selection. The provider tests produce these shapes from live SDK calls; this table
 * covers the codes the fakes do not.
 */
import { inspect } from 'node:util';
import {
  CloudError,
  alibabaErrorCode,
  classifyCloudError,
  scrubCloudMessage,
  secretDisplayName,
  userMessageIn,
  type CloudErrorContext,
} from '../../../src/clouds/classify-cloud-error';
import { cloudWords, type CloudFailureKind } from '../../../src/chat/i18n/cloud-words';
import { AlibabaSecretsProvider } from '../../../src/clouds/alibaba/alibaba-secrets-provider';
import { AwsSecretsProvider } from '../../../src/clouds/aws/aws-secrets-provider';
import {
  ALIBABA_DISABLED_MESSAGE,
  CloudProviders,
  createCloudProviders,
} from '../../../src/clouds/select-provider';
import { BotError } from '../../../src/ops/errors';

const aws: CloudErrorContext = {
  provider: 'aws',
  operation: 'RotateSecret',
  account: '111111111111',
  region: 'eu-west-1',
  secretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/pg-AbCdEf',
};
const ali: CloudErrorContext = {
  provider: 'alibaba',
  operation: 'RestoreSecret',
  account: '1234567890123456',
  region: 'cn-hangzhou',
  secretId: 'acs:kms:cn-hangzhou:1234567890123456:secret/prod/pg',
};

/** What the AWS SDK throws for a modeled or unmodeled service error. */
function awsErr(name: string, status: number, message = `${name} message`): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
  });
}

/** What @alicloud/tea-typescript's ResponseError looks like for an HTTP error answer. */
function aliErr(code: string, status: number, message = `${code} message`): Error {
  return Object.assign(new Error(`${code}Error: code: ${status}, ${message} requestid: RID-1`), {
    name: 'ResponseError',
    code: `${code}Error`,
    data: { RequestId: 'RID-1', HostId: 'kms.cn-hangzhou.aliyuncs.com', Code: code, Message: message },
  });
}

describe('classifyCloudError (AWS)', () => {
  it.each([
    ['ThrottlingException', 400, 'CLOUD.THROTTLED', true],
    ['TooManyRequestsException', 400, 'CLOUD.THROTTLED', true],
    ['SomethingNew', 429, 'CLOUD.THROTTLED', true],
    ['InternalServiceError', 500, 'CLOUD.UNAVAILABLE', true],
    ['ServiceUnavailable', 503, 'CLOUD.UNAVAILABLE', true],
    ['SomethingNew', 502, 'CLOUD.UNAVAILABLE', true],
    ['ResourceNotFoundException', 400, 'CLOUD.NOT_FOUND', false],
    ['InvalidRequestException', 400, 'CLOUD.WRONG_STATE', false],
    ['AccessDeniedException', 400, 'CLOUD.ACCESS_DENIED', false],
    ['UnrecognizedClientException', 400, 'CLOUD.ACCESS_DENIED', false],
    ['InvalidSignatureException', 403, 'CLOUD.ACCESS_DENIED', false],
    ['ExpiredTokenException', 400, 'CLOUD.ACCESS_DENIED', false],
    ['InvalidParameterException', 400, 'CLOUD.REJECTED', false],
    ['LimitExceededException', 400, 'CLOUD.REJECTED', false],
  ])('%s (HTTP %i) → %s, retryable %s', (name, status, code, retryable) => {
    const e = classifyCloudError(awsErr(name, status), aws) as CloudError;
    expect(e).toBeInstanceOf(CloudError);
    expect(e).toBeInstanceOf(BotError);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.cloudCode).toBe(name);
    expect(e.requestId).toBe('req-1');
    expect(e.message).toBe(`aws RotateSecret failed: ${name}: ${name} message (request id req-1)`);
    expect(e.userMessage).toContain(`AWS said: ${name}: ${name} message`);
  });

  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
        code: 'ECONNREFUSED',
        $metadata: { attempts: 2 },
      }),
      'ECONNREFUSED',
    ],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    [
      Object.assign(new Error('request exceeded 5000 ms'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
      'TimeoutError',
    ],
    [
      new Error(
        'AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND secretsmanager.eu-west-1.amazonaws.com',
      ),
      'ENOTFOUND',
    ],
  ])('a network failure (%s) is retryable CLOUD.UNAVAILABLE', (err, cloudCode) => {
    const e = classifyCloudError(err, aws) as CloudError;
    expect(e.code).toBe('CLOUD.UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.cloudCode).toBe(cloudCode);
    expect(e.userMessage).toContain('Details: ');
  });

  it('a missing credential chain is CLOUD.ACCESS_DENIED with a pointer to the README', () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const e = classifyCloudError(err, aws);
    expect(e.code).toBe('CLOUD.ACCESS_DENIED');
    expect(e.userMessage).toMatch(
      /^The bot has no usable AWS credentials to rotate prod\/pg .* see the README/,
    );
  });

  it('words each InvalidRequestException by its cause', () => {
    const words = (m: string) =>
      classifyCloudError(awsErr('InvalidRequestException', 400, m), aws).userMessage;
    expect(
      words("You can't perform this operation on the secret because it was marked for deletion."),
    ).toMatch(/^The secret prod\/pg is scheduled for deletion/);
    expect(words("A previous rotation isn't complete. That rotation will be reattempted.")).toMatch(
      /^Rotation is already in progress for prod\/pg/,
    );
    expect(
      words(
        "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.",
      ),
    ).toMatch(/^prod\/pg has no rotation configured/);
    expect(words('Something else about state.')).toMatch(
      /refused to rotate prod\/pg in account 111111111111 \(eu-west-1\) because of the secret's current state/,
    );
  });

  it('passes a BotError through unchanged', () => {
    const original = new BotError('CLOUD.UNSUPPORTED', 'x', { userMessage: 'y' });
    expect(classifyCloudError(original, aws)).toBe(original);
  });
});

describe('classifyCloudError (Alibaba)', () => {
  it.each([
    ['Throttling', 400, 'CLOUD.THROTTLED', true],
    ['Throttling.User', 400, 'CLOUD.THROTTLED', true],
    ['Throttling.Api', 400, 'CLOUD.THROTTLED', true],
    ['ServiceUnavailable', 503, 'CLOUD.UNAVAILABLE', true],
    ['InternalError', 500, 'CLOUD.UNAVAILABLE', true],
    ['Forbidden.ResourceNotFound', 404, 'CLOUD.NOT_FOUND', false],
    ['Rejected.Unavailable', 400, 'CLOUD.WRONG_STATE', false],
    ['Forbidden.NoPermission', 403, 'CLOUD.ACCESS_DENIED', false],
    ['Forbidden.RAM', 403, 'CLOUD.ACCESS_DENIED', false],
    ['InvalidAccessKeyId.NotFound', 404, 'CLOUD.ACCESS_DENIED', false],
    ['InvalidAccessKeyId.Inactive', 400, 'CLOUD.ACCESS_DENIED', false],
    ['SignatureDoesNotMatch', 400, 'CLOUD.ACCESS_DENIED', false],
    ['Forbidden.SecretTypeNotSupported', 400, 'CLOUD.UNSUPPORTED', false],
    ['Rejected.ResourceExist', 400, 'CLOUD.REJECTED', false],
    ['InvalidParameter', 400, 'CLOUD.REJECTED', false],
  ])('%s (HTTP %i) → %s, retryable %s', (kmsCode, status, code, retryable) => {
    const e = classifyCloudError(aliErr(kmsCode, status), ali) as CloudError;
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.cloudCode).toBe(kmsCode); // without the SDK's appended "Error"
    expect(e.httpStatus).toBe(status);
    expect(e.requestId).toBe('RID-1');
    expect(e.message).toBe(`alibaba RestoreSecret failed: ${kmsCode}: ${kmsCode} message (request id RID-1)`);
    expect(e.userMessage).toContain(`Alibaba Cloud said: ${kmsCode}: ${kmsCode} message`);
  });

  it('reads an InvalidParameter about the secret state as CLOUD.WRONG_STATE', () => {
    const e = classifyCloudError(
      aliErr('InvalidParameter', 400, 'The secret is not in the pending deletion state.'),
      ali,
    );
    expect(e.code).toBe('CLOUD.WRONG_STATE');
  });

  it('matches the code without the appended "Error" when the body is missing', () => {
    const err = Object.assign(new Error('Forbidden.ResourceNotFoundError: code: 404'), {
      code: 'Forbidden.ResourceNotFoundError',
    });
    expect(alibabaErrorCode(err)).toBe('Forbidden.ResourceNotFound');
    expect(classifyCloudError(err, ali).code).toBe('CLOUD.NOT_FOUND');
    expect(alibabaErrorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
  });

  it('says which secret is gone, in plain words', () => {
    expect(
      classifyCloudError(aliErr('Forbidden.ResourceNotFound', 404, 'Resource not found'), ali).userMessage,
    ).toBe(
      'The secret prod/pg no longer exists in account 1234567890123456 (cn-hangzhou). Alibaba Cloud said: Forbidden.ResourceNotFound: Resource not found',
    );
  });
});

describe('scrubCloudMessage', () => {
  it.each([
    [
      'ReadTimeout(5000). POST https://kms.cn-hangzhou.aliyuncs.com/?Action=RotateSecret&AccessKeyId=LTAIabc&Signature=abc%3D failed.',
      'ReadTimeout(5000). POST https://kms.cn-hangzhou.aliyuncs.com/?[redacted] failed.',
    ],
    ['bad X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJ7 here', 'bad X-Amz-Security-Token=[redacted] here'],
    ['key AKIAIOSFODNN7EXAMPLE is unknown', 'key AKIA…MPLE is unknown'],
    [
      "does not match. The Canonical String for this request should have been\n'POST\n/\n\nx-amz-security-token:SECRET\n'",
      'does not match. The Canonical String for this request should have been [redacted]',
    ],
    [
      'not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAI',
      'not matched with our calculation. server string to sign is: [redacted]',
    ],
  ])('scrubs %s', (input, expected) => {
    expect(scrubCloudMessage(input)).toBe(expected);
  });

  it('keeps a classified error free of the SDK error it came from', () => {
    const raw = Object.assign(
      new Error('connect ECONNREFUSED 1.2.3.4:443POST https://kms/?Signature=SIG&AccessKeyId=AK failed.'),
      {
        code: 'ECONNREFUSED',
      },
    );
    const e = classifyCloudError(raw, ali);
    expect(e.cause).toBeUndefined();
    expect(inspect(e, { depth: 10 })).not.toContain('SIG');
  });
});

describe('secretDisplayName', () => {
  it.each([
    ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/pg-AbCdEf', 'prod/pg'],
    ['arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:db-Xy12Zz', 'db'],
    ['acs:kms:cn-hangzhou:1234567890123456:secret/prod/pg', 'prod/pg'],
    ['prod/pg', 'prod/pg'],
  ])('%s → %s', (id, name) => expect(secretDisplayName(id)).toBe(name));
});

describe('CloudProviders', () => {
  it('returns the provider for each configured cloud', () => {
    const providers = createCloudProviders({
      aws: {},
      alibaba: { credentials: { accessKeyId: 'LTAI', accessKeySecret: 's' } },
    });
    expect(providers.get('aws')).toBeInstanceOf(AwsSecretsProvider);
    expect(providers.get('alibaba')).toBeInstanceOf(AlibabaSecretsProvider);
  });

  it('refuses Alibaba actions with CLOUD.UNSUPPORTED and says which variables to set when Alibaba is not configured', () => {
    const providers = new CloudProviders({ aws: new AwsSecretsProvider() });
    expect(providers.has('alibaba')).toBe(false);
    let err: unknown;
    try {
      providers.get('alibaba');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BotError);
    expect(err).toMatchObject({
      code: 'CLOUD.UNSUPPORTED',
      retryable: false,
      message: ALIBABA_DISABLED_MESSAGE,
    });
    expect((err as BotError).userMessage).toBe(
      'Alibaba actions are disabled: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.',
    );
  });
});

describe('what chat says about a cloud failure, per LOCALE', () => {
  const KINDS: CloudFailureKind[] = [
    'throttled',
    'unavailable',
    'not-found',
    'pending-deletion',
    'rotation-in-progress',
    'no-rotation-configured',
    'wrong-state',
    'access-denied',
    'bad-credentials',
    'no-credentials',
    'unsupported-type',
    'rejected',
    'generic-secret',
    'rotate-while-deleting',
    'provider-disabled',
  ];

  it.each(KINDS)('%s: Chinese words in zh-CN, with the secret, the account and what the cloud said', (kind) => {
    for (const provider of ['aws', 'alibaba'] as const) {
      const x = {
        kind,
        provider,
        operation: 'RotateSecret' as const,
        account: '111111111111',
        region: 'eu-west-1',
        name: 'prod/pg',
        said: 'SomeCode: some message',
        source: 'cloud' as const,
      };
      const zh = cloudWords('zh-CN').explain(x);
      const en = cloudWords('en').explain(x);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/\b(the|secret|account|bot|retry|cannot|rotate)\b/i);
      expect(zh).toContain('SomeCode: some message'); // the cloud's own words stay as they were
      expect(en).toContain('SomeCode: some message');
      if (kind !== 'provider-disabled' && kind !== 'throttled' && kind !== 'unavailable') {
        expect(zh).toContain('prod/pg');
        expect(en).toContain('prod/pg');
      }
      expect(zh).not.toBe(en);
    }
  });

  it('a classified SDK error keeps the English userMessage and says the same in Chinese for zh-CN', () => {
    const e = classifyCloudError(awsErr('AccessDeniedException', 400), aws);
    expect(userMessageIn(e as BotError, 'en')).toBe((e as BotError).userMessage);
    expect((e as BotError).userMessage).toMatch(/^The bot's credentials are not allowed to rotate prod\/pg in account 111111111111/);
    expect(userMessageIn(e as BotError, 'zh-CN')).toBe(
      '机器人的凭证无权轮转账号 111111111111（eu-west-1）中的凭据 prod/pg，请检查 README 中的 IAM 策略。' +
        'AWS 返回：AccessDeniedException: AccessDeniedException message',
    );
  });

  it('a disabled cloud is explained in the locale too', () => {
    let err: unknown;
    try {
      new CloudProviders({ aws: new AwsSecretsProvider() }).get('alibaba');
    } catch (e) {
      err = e;
    }
    expect(userMessageIn(err as BotError, 'zh-CN')).toBe(
      '阿里云操作已停用：请设置 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET。',
    );
  });

  it('an error that is not a cloud failure keeps its own message', () => {
    expect(userMessageIn(new BotError('INTERNAL', 'x', { userMessage: 'said as is' }), 'zh-CN')).toBe('said as is');
  });
});

describe('what chat says a cloud call did, per LOCALE', () => {
  it.each([
    [{ kind: 'rotation-started', versionId: 'v2' } as const, 'rotation started, new version v2', '已开始轮转，新版本 v2'],
    [{ kind: 'deletion-cancelled', name: 'prod/pg' } as const, 'deletion cancelled for prod/pg', '已取消 prod/pg 的删除'],
    [{ kind: 'nothing-to-restore' } as const, 'not scheduled for deletion; nothing to restore', '未计划删除，无需恢复'],
  ])('%j', (outcome, en, zh) => {
    expect(cloudWords('en').did(outcome)).toBe(en);
    expect(cloudWords('zh-CN').did(outcome)).toBe(zh);
  });
});
