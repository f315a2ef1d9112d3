/**
 * Turns whatever an SDK threw into a CloudError: a BotError with a stable CLOUD.* code, whether
 * retrying can help, the cloud's own code and message (operators need to see them), the cloud's
 * request id, and a plain-words message for chat.
 *
 * Throttling, 5xx, timeouts and network errors are retryable: the job queue retries them with
 * backoff. Not found, wrong state, access denied, unsupported and anything else fail at once.
 */
import { BotError, type ErrorCode } from '../ops/errors';
import type { Provider } from '../events/secret-event';
import {
  cloudWords,
  GENERIC_ROTATION_EXPLANATION,
  type CloudExplanation,
  type CloudFailureKind as Kind,
  type CloudOperation,
} from '../chat/i18n/cloud-words';
import type { Locale } from '../chat/i18n/locale';

export { GENERIC_ROTATION_EXPLANATION, type CloudExplanation, type CloudOperation };

export interface CloudErrorContext {
  provider: Provider;
  operation: CloudOperation;
  account: string;
  region: string;
  /** Absent for ListSecrets. */
  secretId?: string;
}

export class CloudError extends BotError {
  readonly provider: Provider;
  /** Absent when no call was made (the cloud's actions are off). */
  readonly operation?: CloudOperation;
  /** What went wrong as plain data, said in each chat locale by chat/i18n/cloud-words.ts. */
  readonly explanation?: CloudExplanation;
  /** The cloud's own error code (`ThrottlingException`, `Forbidden.ResourceNotFound`), without the Alibaba SDK's "Error" suffix. */
  readonly cloudCode?: string;
  /** The cloud's own message, with anything credential-like removed. */
  readonly cloudMessage?: string;
  readonly requestId?: string;
  readonly httpStatus?: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: {
      retryable: boolean;
      userMessage: string;
      provider: Provider;
      operation?: CloudOperation;
      explanation?: CloudExplanation;
      cloudCode?: string;
      cloudMessage?: string;
      requestId?: string;
      httpStatus?: number;
    },
  ) {
    super(code, message, { retryable: opts.retryable, userMessage: opts.userMessage });
    this.name = 'CloudError';
    this.provider = opts.provider;
    this.operation = opts.operation;
    this.explanation = opts.explanation;
    this.cloudCode = opts.cloudCode;
    this.cloudMessage = opts.cloudMessage;
    this.requestId = opts.requestId;
    this.httpStatus = opts.httpStatus;
  }
}

/**
 * What to tell people in chat about `e`, in `locale`: a cloud failure in that locale's words, any
 * other error's own `userMessage`; undefined when it has none (the caller says "internal error").
 */
export function userMessageIn(e: BotError, locale: Locale = 'en'): string | undefined {
  return e instanceof CloudError && e.explanation
    ? cloudWords(locale).explain(e.explanation)
    : e.userMessage;
}

export function classifyCloudError(err: unknown, ctx: CloudErrorContext): BotError {
  if (err instanceof BotError) return err;
  return ctx.provider === 'aws' ? classifyAwsError(err, ctx) : classifyAlibabaError(err, ctx);
}

// ---------------------------------------------------------------------------------------------
// Plain words: chat/i18n/cloud-words.ts says each kind of failure in every locale.

/** `arn:aws:secretsmanager:r:a:secret:prod/pg-AbCdEf` → `prod/pg`; `acs:kms:r:a:secret/prod/pg` → `prod/pg`. */
export function secretDisplayName(secretId: string): string {
  const aws = /^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(secretId);
  if (aws) return aws[1].replace(/-[A-Za-z0-9]{6}$/, '');
  const ali = /^acs:kms:[^:]*:[^:]*:secret\/(.+)$/.exec(secretId);
  if (ali) return ali[1];
  return secretId;
}

const CODE_OF: Record<Kind, ErrorCode> = {
  throttled: 'CLOUD.THROTTLED',
  unavailable: 'CLOUD.UNAVAILABLE',
  'not-found': 'CLOUD.NOT_FOUND',
  'pending-deletion': 'CLOUD.WRONG_STATE',
  'rotation-in-progress': 'CLOUD.WRONG_STATE',
  'no-rotation-configured': 'CLOUD.WRONG_STATE',
  'wrong-state': 'CLOUD.WRONG_STATE',
  'access-denied': 'CLOUD.ACCESS_DENIED',
  'bad-credentials': 'CLOUD.ACCESS_DENIED',
  'no-credentials': 'CLOUD.ACCESS_DENIED',
  'unsupported-type': 'CLOUD.UNSUPPORTED',
  rejected: 'CLOUD.REJECTED',
  'generic-secret': 'CLOUD.UNSUPPORTED',
  'rotate-while-deleting': 'CLOUD.WRONG_STATE',
  'provider-disabled': 'CLOUD.UNSUPPORTED',
};

function build(
  kind: Kind,
  ctx: CloudErrorContext,
  f: { cloudCode?: string; cloudMessage?: string; requestId?: string; httpStatus?: number },
): CloudError {
  const said = [f.cloudCode, f.cloudMessage].filter(Boolean).join(': ');
  const rid = f.requestId ? ` (request id ${f.requestId})` : '';
  return cloudError(
    kind,
    `${ctx.provider} ${ctx.operation} failed${said ? `: ${said}` : ''}${rid}`,
    {
      provider: ctx.provider,
      operation: ctx.operation,
      account: ctx.account,
      region: ctx.region,
      ...(ctx.secretId ? { name: secretDisplayName(ctx.secretId) } : {}),
      ...(said ? { said } : {}),
      // Only an HTTP answer is the cloud speaking; a timeout or refused connection is our own detail.
      source: f.httpStatus !== undefined ? 'cloud' : 'details',
    },
    f,
  );
}

/**
 * A CloudError of `kind`: its code, whether a retry can help, and its plain words (English in
 * `userMessage`; chat says it in its own locale from `explanation`).
 */
export function cloudError(
  kind: Kind,
  message: string,
  explanation: Omit<CloudExplanation, 'kind'>,
  f: { cloudCode?: string; cloudMessage?: string; requestId?: string; httpStatus?: number } = {},
): CloudError {
  const x: CloudExplanation = { kind, ...explanation };
  return new CloudError(CODE_OF[kind], message, {
    retryable: kind === 'throttled' || kind === 'unavailable',
    userMessage: cloudWords('en').explain(x),
    explanation: x,
    provider: x.provider,
    ...(x.operation ? { operation: x.operation } : {}),
    cloudCode: f.cloudCode,
    cloudMessage: f.cloudMessage,
    requestId: f.requestId,
    httpStatus: f.httpStatus,
    // The SDK's own error is deliberately not kept as `cause`: the Alibaba SDK's messages carry the
    // whole signed request URL, and a logger would print it.
  });
}

// ---------------------------------------------------------------------------------------------
// Scrubbing: a cloud or network message may echo a signed URL, a canonical request or a string to
// sign. None of that reaches a BotError.

const MAX_MESSAGE = 500;

export function scrubCloudMessage(text: string): string {
  let s = text;
  // AWS InvalidSignatureException / Alibaba SignatureDoesNotMatch echo what they signed.
  s = s.replace(/(The Canonical String for this request should have been)[\s\S]*/i, '$1 [redacted]');
  s = s.replace(/(The String-to-Sign should have been)[\s\S]*/i, '$1 [redacted]');
  s = s.replace(/(string to sign is\s*:?)[\s\S]*/i, '$1 [redacted]');
  // Signed URLs (the Alibaba SDK puts every parameter, Signature included, in the query string).
  s = s.replace(/\b(https?:\/\/[^\s?'"]+)\?[^\s'"]*/gi, '$1?[redacted]');
  s = s.replace(
    /\b(Signature|SecurityToken|AccessKeySecret|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|x-amz-security-token)\s*[=:]\s*[^\s&,;'"]+/gi,
    '$1=[redacted]',
  );
  // AWS access key ids: keep the prefix and the last four characters.
  s = s.replace(/\b(AKIA|ASIA)[A-Z0-9]{8,}([A-Z0-9]{4})\b/g, '$1…$2');
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}

// ---------------------------------------------------------------------------------------------
// AWS

type AnyErr = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $fault?: unknown;
  data?: unknown;
  statusCode?: unknown;
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The system error code of a network failure (`ECONNREFUSED`), or undefined. */
function networkCode(e: AnyErr): string | undefined {
  const code = str(e.code);
  if (code !== undefined && NETWORK_CODES.has(code)) return code;
  // A Node error from another realm can reach us re-wrapped with only its text left (the AWS SDK
  // wraps what is not `instanceof Error`), so look for the system error code in the message too.
  const m = /\b(E[A-Z_]{4,}|UND_ERR_[A-Z_]+)\b/.exec(str(e.message) ?? '');
  return m !== null && NETWORK_CODES.has(m[1]) ? m[1] : undefined;
}

function isNetworkError(e: AnyErr): boolean {
  return networkCode(e) !== undefined || /Timeout|AbortError|NetworkingError/.test(str(e.name) ?? '');
}

const AWS_THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const AWS_SERVER = new Set([
  'InternalServiceError',
  'InternalServiceErrorException',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const AWS_ACCESS = new Set(['AccessDeniedException', 'AccessDenied', 'NotAuthorized']);

const AWS_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'MissingAuthenticationToken',
]);

export function classifyAwsError(err: unknown, ctx: CloudErrorContext): CloudError {
  const e: AnyErr = typeof err === 'object' && err !== null ? (err as AnyErr) : { message: String(err) };
  const name = str(e.name);
  const cloudCode = name && name !== 'Error' ? name : (networkCode(e) ?? str(e.code) ?? name);
  const cloudMessage = str(e.message) ? scrubCloudMessage(e.message as string) : undefined;
  const httpStatus = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const f = { cloudCode, cloudMessage, requestId, httpStatus };
  const msg = (cloudMessage ?? '').toLowerCase();

  if ((name && AWS_THROTTLING.has(name)) || httpStatus === 429) return build('throttled', ctx, f);
  if (name === 'CredentialsProviderError') return build('no-credentials', ctx, f);
  if (
    (name && AWS_SERVER.has(name)) ||
    (httpStatus !== undefined && httpStatus >= 500) ||
    isNetworkError(e)
  ) {
    return build('unavailable', ctx, f);
  }
  if (name === 'ResourceNotFoundException') return build('not-found', ctx, f);
  if (name === 'InvalidRequestException') {
    if (msg.includes('marked for deletion') || msg.includes('scheduled for deletion')) {
      return build('pending-deletion', ctx, f);
    }
    if (
      msg.includes("previous rotation isn't complete") ||
      msg.includes('previous rotation is not complete')
    ) {
      return build('rotation-in-progress', ctx, f);
    }
    if (msg.includes('lambda function arn')) return build('no-rotation-configured', ctx, f);
    return build('wrong-state', ctx, f);
  }
  if (name && AWS_ACCESS.has(name)) return build('access-denied', ctx, f);
  if (name && AWS_CREDENTIALS.has(name)) return build('bad-credentials', ctx, f);
  if (httpStatus === 403) return build('access-denied', ctx, f);
  return build('rejected', ctx, f);
}

// ---------------------------------------------------------------------------------------------
// Alibaba

/** The KMS code: the body's `Code` when the SDK kept it, else the SDK's code without its appended "Error". */
export function alibabaErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as AnyErr;
  const data = e.data as { Code?: unknown; code?: unknown } | undefined;
  const fromData = str(data?.Code) ?? str(data?.code);
  if (fromData) return fromData;
  // The SDK's ResponseError code is always `<Code>Error`; anything else (ECONNREFUSED) is not a KMS code.
  const code = str(e.code);
  return code && code.length > 5 && code.endsWith('Error') ? code.slice(0, -5) : undefined;
}

const ALI_ACCESS =
  /^(Forbidden\.NoPermission|Forbidden\.RAM|Forbidden\.AccessDenied|NoPermission|Forbidden$)/;
const ALI_CREDENTIALS =
  /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|Forbidden\.AccessKeyDisabled|InvalidTimeStamp|SignatureNonceUsed)/;

export function classifyAlibabaError(err: unknown, ctx: CloudErrorContext): CloudError {
  const e: AnyErr = typeof err === 'object' && err !== null ? (err as AnyErr) : { message: String(err) };
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as {
    Code?: unknown;
    Message?: unknown;
    message?: unknown;
    RequestId?: unknown;
    requestId?: unknown;
  };
  const kmsCode = alibabaErrorCode(err);
  const statusMatch = /code: (\d{3}),/.exec(str(e.message) ?? '');
  const httpStatus =
    typeof e.statusCode === 'number' ? e.statusCode : statusMatch ? Number(statusMatch[1]) : undefined;
  const rawMessage = str(data.Message) ?? str(data.message) ?? (kmsCode ? undefined : str(e.message));
  const cloudMessage = rawMessage ? scrubCloudMessage(rawMessage) : undefined;
  const requestId = str(data.RequestId) ?? str(data.requestId);
  const cloudCode = kmsCode ?? networkCode(e) ?? (str(e.name) !== 'Error' ? str(e.name) : undefined);
  const f = { cloudCode, cloudMessage, requestId, httpStatus };
  const msg = (cloudMessage ?? '').toLowerCase();
  const code = kmsCode ?? '';

  if (/^Throttling/.test(code) || httpStatus === 429) return build('throttled', ctx, f);
  if (
    /^(ServiceUnavailable|InternalError|Unavailable|ServiceTimeout|InternalFailure)/.test(code) ||
    (httpStatus !== undefined && httpStatus >= 500)
  ) {
    return build('unavailable', ctx, f);
  }
  if (!kmsCode && (isNetworkError(e) || str(e.name) === 'SyntaxError')) {
    // No KMS answer at all, or a non-JSON page from something in between (a gateway's 502).
    return build('unavailable', ctx, f);
  }
  if (code === 'Forbidden.ResourceNotFound' || code === 'EntityNotExist.Secret')
    return build('not-found', ctx, f);
  if (/SecretType|NotSupport/i.test(code) || /generic secret|secret type/.test(msg)) {
    return build('unsupported-type', ctx, f);
  }
  if (code === 'Rejected.Unavailable') {
    if (/delet/.test(msg)) return build('pending-deletion', ctx, f);
    return build('wrong-state', ctx, f);
  }
  if (code.startsWith('InvalidParameter') && /state|status|delet|rotation/.test(msg)) {
    return build('wrong-state', ctx, f);
  }
  if (ALI_CREDENTIALS.test(code)) return build('bad-credentials', ctx, f);
  if (ALI_ACCESS.test(code) || httpStatus === 403) return build('access-denied', ctx, f);
  return build('rejected', ctx, f);
}
