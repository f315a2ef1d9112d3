/**
 * A fake AWS Secrets Manager on 127.0.0.1:<random port>, speaking the real wire protocol
 * (awsJson1_1: `POST /`, `X-Amz-Target: secretsmanager.<Op>`, JSON bodies, epoch-second dates,
 * errors as `{"__type", "message"}`), so the real `@aws-sdk/client-secrets-manager` can be pointed
 * at it with `endpoint` or `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 *
 * It checks every request's SigV4 signature the way AWS does (recomputed with the known secret
 * key) and answers 403 InvalidSignatureException / UnrecognizedClientException otherwise, so a
 * wrong key or a broken client set-up fails in tests.
 *
 * Semantics follow wire-formats §7; where AWS behaviour is not documented the choice is marked [U].
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { FaultQueue } from './fault-queue';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Keys and SigV4

export const FAKE_AWS_ACCESS_KEY_ID = 'AKIAFAKESECRETSBOT01';
export const FAKE_AWS_SECRET_ACCESS_KEY = 'fake/secret/access/key/for/tests/only0001';
export const FAKE_AWS_CREDENTIALS = {
  accessKeyId: FAKE_AWS_ACCESS_KEY_ID,
  secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY,
};

export interface FakeAwsKey {
  secretAccessKey: string;
  sessionToken?: string;
}

/** Access keys the fakes accept. Shared between the fake Secrets Manager and the fake STS. */
export class FakeAwsKeyring {
  private readonly keys = new Map<string, FakeAwsKey>();
  constructor() {
    this.add(FAKE_AWS_ACCESS_KEY_ID, FAKE_AWS_SECRET_ACCESS_KEY);
  }
  add(accessKeyId: string, secretAccessKey: string, sessionToken?: string): void {
    this.keys.set(accessKeyId, { secretAccessKey, sessionToken });
  }
  get(accessKeyId: string): FakeAwsKey | undefined {
    return this.keys.get(accessKeyId);
  }
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string }
  | {
      ok: false;
      type: 'InvalidSignatureException' | 'UnrecognizedClientException' | 'IncompleteSignature';
      message: string;
      accessKeyId?: string;
    };

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * Recomputes the SigV4 signature of `req` (AWS4-HMAC-SHA256, header-based) with the key the keyring
 * holds for its access key id, and compares. `service` is the signing name the scope must carry.
 */
export function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  keyring: FakeAwsKeyring,
  service: string,
  now: number = Date.now(),
): SigV4Result {
  const auth = headerValue(req, 'authorization');
  if (!auth) return { ok: false, type: 'IncompleteSignature', message: 'Authorization header is missing.' };
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      auth.trim(),
    );
  if (!m) return { ok: false, type: 'IncompleteSignature', message: 'Authorization header is malformed.' };
  const [, credential, signedHeadersRaw, signature] = m;
  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    return { ok: false, type: 'IncompleteSignature', message: `Credential is malformed: ${credential}` };
  }
  const [accessKeyId, scopeDate, region, scopeService] = scopeParts;
  const key = keyring.get(accessKeyId);
  if (!key) {
    return {
      ok: false,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      accessKeyId,
    };
  }
  if (scopeService !== service) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: `Credential should be scoped to correct service: '${service}'.`,
      accessKeyId,
    };
  }
  const amzDate = headerValue(req, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return {
      ok: false,
      type: 'IncompleteSignature',
      message: 'X-Amz-Date header is missing or malformed.',
      accessKeyId,
    };
  }
  if (amzDate.slice(0, 8) !== scopeDate) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'Credential date does not match X-Amz-Date.',
      accessKeyId,
    };
  }
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(now - signedAt) > 15 * 60_000) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'Signature expired: the request time is too far from the server time.',
      accessKeyId,
    };
  }
  const signedHeaders = signedHeadersRaw.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'host and x-amz-date must be signed.',
      accessKeyId,
    };
  }
  if (key.sessionToken !== undefined) {
    // Temporary credentials are only valid together with their session token, and the token is signed.
    if (
      headerValue(req, 'x-amz-security-token') !== key.sessionToken ||
      !signedHeaders.includes('x-amz-security-token')
    ) {
      return {
        ok: false,
        type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
        accessKeyId,
      };
    }
  }

  const url = new URL(req.url ?? '/', 'http://fake');
  const canonicalUri =
    url.pathname
      .split('/')
      .map((seg) => rfc3986(rfc3986(decodeURIComponent(seg)))) // non-S3 services encode twice
      .join('/') || '/';
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(headerValue(req, h) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = headerValue(req, 'x-amz-content-sha256') ?? sha256Hex(body);
  const canonicalRequest = [
    req.method ?? 'POST',
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeadersRaw,
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${scopeService}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${key.secretAccessKey}`, scopeDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, scopeService);
  const kSigning = hmac(kService, 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      // Real AWS echoes what it signed; classify-cloud-error must keep such text out of chat.
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
        `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
      accessKeyId,
    };
  }
  return { ok: true, accessKeyId, region };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager state

export interface FakeAwsSecret {
  name: string;
  arn: string;
  description?: string;
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: { AutomaticallyAfterDays?: number; ScheduleExpression?: string; Duration?: string };
  lastRotatedDate?: Date;
  nextRotationDate?: Date;
  lastChangedDate?: Date;
  createdDate: Date;
  /** Set while scheduled for deletion: the date it will be purged. */
  deletedDate?: Date;
  versionIdsToStages: Record<string, string[]>;
  /** Managed secrets (e.g. `rds`) rotate without a Lambda. */
  owningService?: string;
  type?: string;
  tags: { Key: string; Value: string }[];
  /** Rotations that really happened (an idempotent replay does not count). */
  rotations: number;
  /** What a new rotation does: finish at once (default), or stay pending (AWSPENDING left behind). */
  rotationOutcome: 'complete' | 'pending';
}

export type FakeAwsSecretSeed = Partial<Omit<FakeAwsSecret, 'name' | 'rotations'>> & { name: string };

export interface FakeAwsCall {
  op: string;
  params: Record<string, unknown>;
  accessKeyId: string;
  status: number;
  errorType?: string;
}

export interface FakeAwsFailure {
  status: number;
  type: string;
  message?: string;
}

export interface FakeSecretsManager {
  url: string;
  keyring: FakeAwsKeyring;
  secrets: Map<string, FakeAwsSecret>;
  /** Every authenticated call, in order (failed ones too). */
  calls: FakeAwsCall[];
  /** Requests refused for their signature or key. */
  rejected: { type: string; accessKeyId?: string; message: string }[];
  seed(secret: FakeAwsSecretSeed): FakeAwsSecret;
  get(nameOrArn: string): FakeAwsSecret | undefined;
  /** The next `count` calls of `op` fail with this answer (after the signature check). */
  failNext(op: string, count: number, failure: FakeAwsFailure): void;
  /** The next `count` calls of `op` are answered only after `ms`. */
  delayNext(op: string, count: number, ms: number): void;
  callsOf(op: string): FakeAwsCall[];
  reset(): void;
  close(): Promise<void>;
}

export interface FakeSecretsManagerOptions {
  account?: string;
  region?: string;
  keyring?: FakeAwsKeyring;
  now?: () => number;
  /** Told about every authenticated call once it is answered (the demo turns calls into cloud events). */
  onCall?: (call: FakeAwsCall) => void;
}

const DAY = 86_400_000;

function suffixFor(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const h = createHash('sha256').update(name).digest();
  return Array.from(h.subarray(0, 6), (b) => alphabet[b % alphabet.length]).join('');
}

function epoch(d: Date | undefined): number | undefined {
  return d ? d.getTime() / 1000 : undefined;
}

class AwsFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND = () =>
  new AwsFault(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export async function startFakeSecretsManager(
  opts: FakeSecretsManagerOptions = {},
): Promise<FakeSecretsManager> {
  const account = opts.account ?? '111111111111';
  const region = opts.region ?? 'eu-west-1';
  const keyring = opts.keyring ?? new FakeAwsKeyring();
  const now = opts.now ?? (() => Date.now());
  const secrets = new Map<string, FakeAwsSecret>();
  const calls: FakeAwsCall[] = [];
  const rejected: FakeSecretsManager['rejected'] = [];
  const failures = new FaultQueue<FakeAwsFailure>();
  const delays = new FaultQueue<number>();

  const find = (id: unknown): FakeAwsSecret | undefined => {
    if (typeof id !== 'string') return undefined;
    const byName = secrets.get(id);
    if (byName) return byName;
    for (const s of secrets.values()) {
      if (s.arn === id || s.arn.replace(/-[A-Za-z0-9]{6}$/, '') === id) return s;
    }
    return undefined;
  };

  const describe = (s: FakeAwsSecret): Record<string, unknown> => ({
    ARN: s.arn,
    Name: s.name,
    Description: s.description,
    RotationEnabled: s.rotationEnabled,
    RotationLambdaARN: s.rotationLambdaArn,
    RotationRules: s.rotationRules,
    LastRotatedDate: epoch(s.lastRotatedDate),
    LastChangedDate: epoch(s.lastChangedDate),
    NextRotationDate: epoch(s.nextRotationDate),
    DeletedDate: epoch(s.deletedDate),
    CreatedDate: epoch(s.createdDate),
    Tags: s.tags.length ? s.tags : undefined,
    VersionIdsToStages: s.versionIdsToStages,
    OwningService: s.owningService,
    Type: s.type,
  });

  const ops: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
    RotateSecret(p) {
      const s = find(p.SecretId);
      if (!s) throw NOT_FOUND();
      if (s.deletedDate) {
        throw new AwsFault(
          400,
          'InvalidRequestException',
          "You can't perform this operation on the secret because it was marked for deletion.",
        );
      }
      const token = typeof p.ClientRequestToken === 'string' ? p.ClientRequestToken : randomUUID();
      if (token.length < 32 || token.length > 64) {
        throw new AwsFault(
          400,
          'InvalidParameterException',
          'ClientRequestToken must be 32 to 64 characters.',
        );
      }
      // Same token again: the version exists, nothing new happens [U: the real service's exact answer
      // for a repeated token after the rotation finished is not documented; we report success].
      if (s.versionIdsToStages[token]) return { ARN: s.arn, Name: s.name, VersionId: token };
      const pending = Object.entries(s.versionIdsToStages).find(
        ([, st]) => st.includes('AWSPENDING') && !st.includes('AWSCURRENT'),
      );
      if (pending) {
        throw new AwsFault(
          400,
          'InvalidRequestException',
          "A previous rotation isn't complete. That rotation will be reattempted.",
        );
      }
      if (!s.rotationLambdaArn && !p.RotationLambdaARN && !s.owningService) {
        throw new AwsFault(
          400,
          'InvalidRequestException',
          "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.",
        );
      }
      if (typeof p.RotationLambdaARN === 'string') s.rotationLambdaArn = p.RotationLambdaARN;
      s.rotationEnabled = true;
      s.rotations += 1;
      const t = new Date(now());
      if (s.rotationOutcome === 'pending') {
        s.versionIdsToStages[token] = ['AWSPENDING'];
      } else {
        for (const [v, st] of Object.entries(s.versionIdsToStages)) {
          const kept = st.filter((l) => l !== 'AWSPREVIOUS' && l !== 'AWSCURRENT');
          if (st.includes('AWSCURRENT')) kept.push('AWSPREVIOUS');
          if (kept.length) s.versionIdsToStages[v] = kept;
          else delete s.versionIdsToStages[v];
        }
        s.versionIdsToStages[token] = ['AWSCURRENT'];
        s.lastRotatedDate = t;
        s.lastChangedDate = t;
        const days = s.rotationRules?.AutomaticallyAfterDays ?? 30;
        s.nextRotationDate = new Date(t.getTime() + days * DAY);
      }
      return { ARN: s.arn, Name: s.name, VersionId: token };
    },
    RestoreSecret(p) {
      const s = find(p.SecretId);
      if (!s) throw NOT_FOUND();
      s.deletedDate = undefined; // [U] on a secret that is not pending deletion this is a no-op here
      s.lastChangedDate = new Date(now());
      return { ARN: s.arn, Name: s.name };
    },
    DescribeSecret(p) {
      const s = find(p.SecretId);
      if (!s) throw NOT_FOUND();
      return describe(s);
    },
    ListSecrets(p) {
      const include = p.IncludePlannedDeletion === true;
      const max = typeof p.MaxResults === 'number' ? p.MaxResults : 100;
      if (max < 1 || max > 100)
        throw new AwsFault(400, 'InvalidParameterException', 'MaxResults must be between 1 and 100.');
      const all = [...secrets.values()].filter((s) => include || !s.deletedDate);
      let start = 0;
      if (typeof p.NextToken === 'string') {
        start = Number(Buffer.from(p.NextToken, 'base64url').toString());
        if (!Number.isInteger(start) || start < 0)
          throw new AwsFault(400, 'InvalidNextTokenException', 'The NextToken value is invalid.');
      }
      const page = all.slice(start, start + max);
      const next =
        start + max < all.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
      return {
        SecretList: page.map((s) => {
          const d = describe(s);
          delete d.VersionIdsToStages;
          return { ...d, SecretVersionsToStages: s.versionIdsToStages };
        }),
        NextToken: next,
      };
    },
    DeleteSecret(p) {
      const s = find(p.SecretId);
      if (!s) {
        if (p.ForceDeleteWithoutRecovery === true) return {};
        throw NOT_FOUND();
      }
      if (p.ForceDeleteWithoutRecovery === true) {
        secrets.delete(s.name);
        return { ARN: s.arn, Name: s.name, DeletionDate: now() / 1000 };
      }
      const days = typeof p.RecoveryWindowInDays === 'number' ? p.RecoveryWindowInDays : 30;
      if (days < 7 || days > 30)
        throw new AwsFault(
          400,
          'InvalidParameterException',
          'RecoveryWindowInDays must be between 7 and 30.',
        );
      s.deletedDate = new Date(now() + days * DAY);
      return { ARN: s.arn, Name: s.name, DeletionDate: epoch(s.deletedDate) };
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown, requestId: string): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
    });
    res.end(text);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const requestId = randomUUID();
      const target = headerValue(req, 'x-amz-target') ?? '';
      if (req.method !== 'POST' || !target.startsWith('secretsmanager.')) {
        send(
          res,
          400,
          { __type: 'UnknownOperationException', message: `Unknown operation ${target}` },
          requestId,
        );
        return;
      }
      const op = target.slice('secretsmanager.'.length);
      const sig = verifySigV4(req, body, keyring, 'secretsmanager', now());
      if (!sig.ok) {
        rejected.push({ type: sig.type, accessKeyId: sig.accessKeyId, message: sig.message });
        send(
          res,
          sig.type === 'IncompleteSignature' ? 400 : 403,
          { __type: sig.type, message: sig.message },
          requestId,
        );
        return;
      }
      let params: Record<string, unknown>;
      try {
        params = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        send(res, 400, { __type: 'SerializationException', message: 'Malformed JSON body.' }, requestId);
        return;
      }
      const call: FakeAwsCall = { op, params, accessKeyId: sig.accessKeyId, status: 200 };
      calls.push(call);
      const delay = delays.take(op);
      if (delay) await new Promise((r) => setTimeout(r, delay).unref());
      const failure = failures.take(op);
      if (failure) {
        call.status = failure.status;
        call.errorType = failure.type;
        send(
          res,
          failure.status,
          { __type: failure.type, message: failure.message ?? `Injected ${failure.type}` },
          requestId,
        );
        opts.onCall?.(call);
        return;
      }
      const handler = ops[op];
      if (!handler) {
        call.status = 400;
        call.errorType = 'UnknownOperationException';
        send(
          res,
          400,
          { __type: 'UnknownOperationException', message: `The fake does not implement ${op}.` },
          requestId,
        );
        opts.onCall?.(call);
        return;
      }
      try {
        const out = handler(params);
        send(res, 200, out, requestId);
      } catch (e) {
        if (!(e instanceof AwsFault)) throw e;
        call.status = e.status;
        call.errorType = e.type;
        send(res, e.status, { __type: e.type, message: e.message }, requestId);
      }
      opts.onCall?.(call);
    })().catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: String(e) }));
      }
    });
  });

  const url = await listen(server);

  return {
    url,
    keyring,
    secrets,
    calls,
    rejected,
    seed(seed) {
      const createdDate = seed.createdDate ?? new Date(now() - 90 * DAY);
      const secret: FakeAwsSecret = {
        arn: `arn:aws:secretsmanager:${region}:${account}:secret:${seed.name}-${suffixFor(seed.name)}`,
        versionIdsToStages: { [randomUUID()]: ['AWSCURRENT'] },
        tags: [],
        rotationOutcome: 'complete',
        ...seed,
        createdDate,
        rotations: 0,
      };
      secrets.set(secret.name, secret);
      return secret;
    },
    get: (id) => find(id),
    failNext: (op, count, failure) => failures.push(op, count, failure),
    delayNext: (op, count, ms) => delays.push(op, count, ms),
    callsOf: (op) => calls.filter((c) => c.op === op),
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
