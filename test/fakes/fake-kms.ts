/**
 * A fake Alibaba Cloud KMS (API 2016-01-20, RPC style) on 127.0.0.1:<random port>, for the real
 * `@alicloud/kms20160120` client configured with `endpoint: '127.0.0.1:<port>', protocol: 'http'`
 * (the bot's `ALIBABA_KMS_ENDPOINT=http://127.0.0.1:<port>`).
 *
 * Requests are `POST /?Action=…&…` with every parameter in the query string. Each one's signature
 * is checked as the real service does (wire-formats §6.3: HMAC-SHA1 keyed with `<secret>&` over
 * `POST&%2F&` + the percent-encoded, sorted parameters): a wrong one gets HTTP 400
 * `SignatureDoesNotMatch`, an unknown key HTTP 404 `InvalidAccessKeyId.NotFound`.
 *
 * Semantics follow wire-formats §6.2; choices the reference does not confirm are marked [U].
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { FaultQueue } from './fault-queue';
import { createServer, type ServerResponse } from 'node:http';
import { closeServer, listen, readBody } from './fake-secrets-manager';

export const FAKE_ALIBABA_ACCESS_KEY_ID = 'LTAIfakeSecretsBot01';
export const FAKE_ALIBABA_ACCESS_KEY_SECRET = 'fakeAlibabaSecretForTestsOnly01';
export const FAKE_ALIBABA_CREDENTIALS = {
  accessKeyId: FAKE_ALIBABA_ACCESS_KEY_ID,
  accessKeySecret: FAKE_ALIBABA_ACCESS_KEY_SECRET,
};

export type KmsSecretType = 'Generic' | 'Rds' | 'RAMCredentials' | 'ECS' | 'Redis' | 'PolarDB';

export interface FakeKmsSecret {
  name: string;
  arn: string;
  type: KmsSecretType;
  description?: string;
  encryptionKeyId?: string;
  automaticRotation?: 'Enabled' | 'Disabled' | 'Invalid';
  /** e.g. `604800s` */
  rotationInterval?: string;
  lastRotationDate?: Date;
  nextRotationDate?: Date;
  /** Set while scheduled for deletion. */
  plannedDeleteTime?: Date;
  createTime: Date;
  updateTime: Date;
  tags: { TagKey: string; TagValue: string }[];
  /** Version ids, oldest first. */
  versions: string[];
  /** Rotations that really happened (a replayed VersionId does not count). */
  rotations: number;
}

export type FakeKmsSecretSeed = Partial<Omit<FakeKmsSecret, 'name' | 'rotations'>> & { name: string };

export interface FakeKmsCall {
  action: string;
  /** Every parameter except the signature. */
  params: Record<string, string>;
  accessKeyId: string;
  status: number;
  errorCode?: string;
}

export type FakeKmsFailure =
  { status: number; code: string; message?: string } | { status: number; raw: string };

export interface FakeKms {
  url: string;
  /** For the SDK's `endpoint` config: `127.0.0.1:<port>`. */
  host: string;
  secrets: Map<string, FakeKmsSecret>;
  calls: FakeKmsCall[];
  rejected: { code: string; accessKeyId?: string; message: string }[];
  addKey(accessKeyId: string, accessKeySecret: string): void;
  seed(secret: FakeKmsSecretSeed): FakeKmsSecret;
  failNext(action: string, count: number, failure: FakeKmsFailure): void;
  delayNext(action: string, count: number, ms: number): void;
  callsOf(action: string): FakeKmsCall[];
  reset(): void;
  close(): Promise<void>;
}

/** RFC 3986 percent-encoding as the Alibaba RPC signer does it (encodeURIComponent plus `!'()*`). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The RPC signature v1 over `params` (which must not contain `Signature`). */
export function rpcSignature(
  params: Record<string, string>,
  method: string,
  accessKeySecret: string,
): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

class KmsFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND = () => new KmsFault(404, 'Forbidden.ResourceNotFound', 'Resource not found');
const DAY = 86_400_000;

/** `2026-03-08T08:00:00Z`, or with nanoseconds and +08:00 like KMS's PlannedDeleteTime. */
function kmsTime(d: Date | undefined, style: 'utc' | 'nanos+08' = 'utc'): string | undefined {
  if (!d) return undefined;
  if (style === 'utc') return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const local = new Date(d.getTime() + 8 * 3600_000).toISOString(); // shift, then relabel as +08:00
  return `${local.slice(0, 23)}456789+08:00`;
}

function intervalMs(interval: string | undefined): number {
  const m = /^(\d+)s$/.exec(interval ?? '');
  return m ? Number(m[1]) * 1000 : 7 * DAY;
}

export async function startFakeKms(
  opts: {
    region?: string;
    account?: string;
    now?: () => number;
    /** Told about every signed call once it is answered (the demo turns calls into cloud events). */
    onCall?: (call: FakeKmsCall) => void;
  } = {},
): Promise<FakeKms> {
  const region = opts.region ?? 'cn-hangzhou';
  const account = opts.account ?? '1234567890123456';
  const now = opts.now ?? (() => Date.now());
  const keys = new Map<string, string>([[FAKE_ALIBABA_ACCESS_KEY_ID, FAKE_ALIBABA_ACCESS_KEY_SECRET]]);
  const secrets = new Map<string, FakeKmsSecret>();
  const calls: FakeKmsCall[] = [];
  const rejected: FakeKms['rejected'] = [];
  const failures = new FaultQueue<FakeKmsFailure>();
  const delays = new FaultQueue<number>();
  const nonces = new Set<string>();

  const find = (name: string | undefined): FakeKmsSecret | undefined => {
    if (!name) return undefined;
    const direct = secrets.get(name);
    if (direct) return direct;
    for (const s of secrets.values()) if (s.arn === name) return s;
    return undefined;
  };

  const tagsOf = (s: FakeKmsSecret, fetch: boolean) =>
    fetch && s.tags.length ? { Tags: { Tag: s.tags } } : {};

  const actions: Record<string, (p: Record<string, string>) => Record<string, unknown>> = {
    RotateSecret(p) {
      const s = find(p.SecretName);
      if (!s) throw NOT_FOUND();
      if (!p.VersionId)
        throw new KmsFault(400, 'MissingVersionId', 'VersionId is mandatory for this action.');
      // A VersionId that already exists: ignored, reported as success (the documented idempotency).
      if (s.versions.includes(p.VersionId)) return { Arn: s.arn, SecretName: s.name, VersionId: p.VersionId };
      if (s.type === 'Generic') {
        // [U] The real code for RotateSecret on a Generic secret is not confirmed (wire-formats U7);
        // the documented behaviour is only "not supported for generic secrets".
        throw new KmsFault(
          400,
          'Forbidden.SecretTypeNotSupported',
          'The secret type Generic does not support RotateSecret; call PutSecretValue to store a new version.',
        );
      }
      if (s.plannedDeleteTime) {
        // [U] The code for rotating a secret pending deletion is not confirmed.
        throw new KmsFault(
          400,
          'Rejected.Unavailable',
          'The resource is unavailable: the secret is pending deletion.',
        );
      }
      const t = new Date(now());
      s.versions.push(p.VersionId);
      s.rotations += 1;
      s.lastRotationDate = t;
      s.updateTime = t;
      if (s.automaticRotation === 'Enabled')
        s.nextRotationDate = new Date(t.getTime() + intervalMs(s.rotationInterval));
      return { Arn: s.arn, SecretName: s.name, VersionId: p.VersionId };
    },
    RestoreSecret(p) {
      const s = find(p.SecretName);
      if (!s) throw NOT_FOUND();
      s.plannedDeleteTime = undefined; // [U] on a secret not pending deletion this is a no-op here
      s.updateTime = new Date(now());
      return { SecretName: s.name };
    },
    DescribeSecret(p) {
      const s = find(p.SecretName);
      if (!s) throw NOT_FOUND();
      const managed = s.type !== 'Generic';
      return {
        Arn: s.arn,
        SecretName: s.name,
        SecretType: s.type,
        Description: s.description ?? '',
        EncryptionKeyId: s.encryptionKeyId ?? 'key-hzz00000000000000000',
        CreateTime: kmsTime(s.createTime),
        UpdateTime: kmsTime(s.updateTime),
        PlannedDeleteTime: kmsTime(s.plannedDeleteTime, 'nanos+08'),
        ...(managed
          ? {
              AutomaticRotation: s.automaticRotation ?? 'Disabled',
              RotationInterval: s.rotationInterval,
              LastRotationDate: kmsTime(s.lastRotationDate),
              NextRotationDate: s.automaticRotation === 'Disabled' ? undefined : kmsTime(s.nextRotationDate),
              ExtendedConfig: JSON.stringify({ SecretSubType: 'SingleUser' }),
            }
          : {}),
        ...tagsOf(s, p.FetchTags === 'true'),
      };
    },
    ListSecrets(p) {
      const pageNumber = p.PageNumber ? Number(p.PageNumber) : 1;
      const pageSize = p.PageSize ? Number(p.PageSize) : 10;
      if (!Number.isInteger(pageNumber) || pageNumber < 1)
        throw new KmsFault(400, 'InvalidParameter', 'The specified parameter PageNumber is not valid.');
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
        throw new KmsFault(400, 'InvalidParameter', 'The specified parameter PageSize is not valid.');
      }
      // [P] Secrets pending deletion are listed with a PlannedDeleteTime.
      const all = [...secrets.values()];
      const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return {
        PageNumber: pageNumber,
        PageSize: pageSize,
        TotalCount: all.length,
        SecretList: {
          Secret: page.map((s) => ({
            SecretName: s.name,
            SecretType: s.type,
            CreateTime: kmsTime(s.createTime),
            UpdateTime: kmsTime(s.updateTime),
            PlannedDeleteTime: kmsTime(s.plannedDeleteTime, 'nanos+08'),
            ...tagsOf(s, p.FetchTags === 'true'),
          })),
        },
      };
    },
    DeleteSecret(p) {
      const s = find(p.SecretName);
      if (!s) throw NOT_FOUND();
      if (p.ForceDeleteWithoutRecovery === 'true') {
        secrets.delete(s.name);
        return { SecretName: s.name, PlannedDeleteTime: kmsTime(new Date(now()), 'nanos+08') };
      }
      const days = p.RecoveryWindowInDays ? Number(p.RecoveryWindowInDays) : 30;
      if (!(days >= 7 && days <= 30))
        throw new KmsFault(
          400,
          'InvalidParameter',
          'The specified parameter RecoveryWindowInDays is not valid.',
        );
      s.plannedDeleteTime = new Date(now() + days * DAY);
      return { SecretName: s.name, PlannedDeleteTime: kmsTime(s.plannedDeleteTime, 'nanos+08') };
    },
  };

  const sendJson = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const sendError = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    requestId: string,
  ): void =>
    sendJson(res, status, {
      RequestId: requestId,
      HostId: `kms.${region}.aliyuncs.com`,
      Code: code,
      Message: message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}`,
    });

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const requestId = randomUUID().toUpperCase();
      const url = new URL(req.url ?? '/', 'http://fake');
      const params: Record<string, string> = {};
      for (const [k, v] of url.searchParams) params[k] = v;
      if (
        body.length &&
        String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ) {
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
      }
      const reject = (status: number, code: string, message: string, accessKeyId?: string) => {
        rejected.push({ code, accessKeyId, message });
        sendError(res, status, code, message, requestId);
      };

      // --- signature and request checks, in the order the service reports them
      const { Signature: signature, ...unsigned } = params;
      if (req.method !== 'POST' || url.pathname !== '/')
        return reject(404, 'InvalidAction.NotFound', 'Specified api is not found.');
      if (!signature || !params.AccessKeyId)
        return reject(400, 'MissingSignature', 'Signature and AccessKeyId are mandatory.');
      const secret = keys.get(params.AccessKeyId);
      if (!secret)
        return reject(
          404,
          'InvalidAccessKeyId.NotFound',
          'Specified access key is not found.',
          params.AccessKeyId,
        );
      if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
        return reject(
          400,
          'InvalidSignatureMethod',
          'Specified signature method is not valid.',
          params.AccessKeyId,
        );
      }
      const expected = rpcSignature(unsigned, 'POST', secret);
      const a = Buffer.from(signature);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        // Real KMS echoes its string to sign here; classify-cloud-error must keep it out of chat.
        return reject(
          400,
          'SignatureDoesNotMatch',
          `Specified signature is not matched with our calculation. server string to sign is:POST&%2F&${percentEncode(
            Object.keys(unsigned)
              .sort()
              .map((k) => `${percentEncode(k)}=${percentEncode(unsigned[k])}`)
              .join('&'),
          )}`,
          params.AccessKeyId,
        );
      }
      const ts = Date.parse(params.Timestamp ?? '');
      if (!Number.isFinite(ts) || Math.abs(now() - ts) > 15 * 60_000) {
        return reject(
          400,
          'InvalidTimeStamp.Expired',
          'Specified time stamp or date value is expired.',
          params.AccessKeyId,
        );
      }
      if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) {
        return reject(
          400,
          'SignatureNonceUsed',
          'Specified signature nonce was used already.',
          params.AccessKeyId,
        );
      }
      nonces.add(params.SignatureNonce);
      if (params.Version !== '2016-01-20')
        return reject(400, 'InvalidVersion', 'Specified parameter Version is not valid.', params.AccessKeyId);

      const action = params.Action ?? '';
      const call: FakeKmsCall = { action, params: unsigned, accessKeyId: params.AccessKeyId, status: 200 };
      calls.push(call);
      const delay = delays.take(action);
      if (delay) await new Promise((r) => setTimeout(r, delay).unref());
      const failure = failures.take(action);
      if (failure) {
        call.status = failure.status;
        if ('raw' in failure) {
          res.writeHead(failure.status, { 'content-type': 'text/html' });
          res.end(failure.raw);
          opts.onCall?.(call);
          return;
        }
        call.errorCode = failure.code;
        sendError(
          res,
          failure.status,
          failure.code,
          failure.message ?? `Injected ${failure.code}`,
          requestId,
        );
        opts.onCall?.(call);
        return;
      }
      const handler = actions[action];
      if (!handler) {
        call.status = 404;
        call.errorCode = 'InvalidAction.NotFound';
        sendError(res, 404, 'InvalidAction.NotFound', `Specified api ${action} is not found.`, requestId);
        opts.onCall?.(call);
        return;
      }
      try {
        sendJson(res, 200, { ...handler(params), RequestId: requestId });
      } catch (e) {
        if (!(e instanceof KmsFault)) throw e;
        call.status = e.status;
        call.errorCode = e.code;
        sendError(res, e.status, e.code, e.message, requestId);
      }
      opts.onCall?.(call);
    })().catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalFailure', String(e), 'fake');
    });
  });

  const url = await listen(server);
  return {
    url,
    host: url.replace(/^http:\/\//, ''),
    secrets,
    calls,
    rejected,
    addKey: (id, s) => keys.set(id, s),
    seed(seed) {
      const t = new Date(now() - 90 * DAY);
      const secret: FakeKmsSecret = {
        arn: `acs:kms:${region}:${account}:secret/${seed.name}`,
        type: 'Generic',
        createTime: t,
        updateTime: t,
        tags: [],
        versions: [`v-${createHash('sha256').update(seed.name).digest('hex').slice(0, 8)}`],
        ...seed,
        rotations: 0,
      };
      secrets.set(secret.name, secret);
      return secret;
    },
    failNext: (action, count, failure) => failures.push(action, count, failure),
    delayNext: (action, count, ms) => delays.push(action, count, ms),
    callsOf: (action) => calls.filter((c) => c.action === action),
    reset() {
      secrets.clear();
      calls.length = 0;
      rejected.length = 0;
      failures.clear();
      delays.clear();
    },
    close: () => closeServer(server),
  };
}
