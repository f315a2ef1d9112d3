/**
 * FakeSns: an Amazon SNS peer for tests.
 *
 * - Generates, at start-up and for this test process only, a TEST-ONLY CA, a TLS certificate for
 *   127.0.0.1 and an RSA signing certificate (node:crypto for the keys, the `openssl` CLI for the
 *   certificates; set OPENSSL_BIN if it is not on PATH). Nothing is written to the repository.
 * - Serves the signing certificate over HTTPS at /SimpleNotificationService-<hex>.pem, records every
 *   request in `requests`, and GETs of the subscribe URL (/confirm?Action=ConfirmSubscription&…) in
 *   `confirmations`.
 * - Builds signed SNS messages. The string to sign is written here independently of
 *   src/events/sns/sns-verifier.ts, so a mistake there cannot cancel out in the tests.
 *
 * Trusting the fake's HTTPS server:
 * - in process: pass `fake.fetch` (node:https with the CA, fetch-shaped) to SnsVerifier;
 * - in a child process: `NODE_EXTRA_CA_CERTS=<fake.caPath>` in its environment, so the production
 *   default (global fetch) trusts it; and SNS_TRUSTED_URL_PATTERN=<fake.trustedUrlPattern>.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID, sign as cryptoSign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SnsMessage, SnsMessageType } from '../../src/events/sns/sns-message';

const run = promisify(execFile);

export type SnsSignatureVersion = '1' | '2';

export interface SignOptions {
  /** Default '2'. */
  version?: SnsSignatureVersion;
  /** 'other' signs with a key that is not the served certificate's (the signature must be rejected). */
  key?: 'certificate' | 'other';
}

export interface BuildOptions extends SignOptions {
  topicArn?: string;
  messageId?: string;
  timestamp?: string;
  /** Notification only. */
  subject?: string;
  /** Confirmations only; default a random hex token. */
  token?: string;
  /** Default: the fake's subscribe URL for this topic and token. */
  subscribeUrl?: string;
  /** Default: the fake's certificate URL. */
  signingCertUrl?: string;
}

/** The fields that are signed or travel alongside; SignatureVersion/Signature are added by sign(). */
export type UnsignedSnsMessage = Omit<SnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL'> & {
  SigningCertURL?: string;
};

export interface RecordedRequest {
  method: string;
  path: string;
}

export interface RecordedConfirmation {
  path: string;
  query: Record<string, string>;
}

/** What the certificate endpoint does: serve it, fail with 503, never answer, or serve junk. */
export type CertBehaviour = 'ok' | 'unavailable' | 'hang' | 'not-a-certificate';

interface Material {
  caPem: string;
  tlsKeyPem: string;
  tlsCertPem: string;
  signingKeyPem: string;
  signingCertPem: string;
  otherKeyPem: string;
}

/** The fake serves its signing certificate at any path of this shape (certUrl is one of them). */
const CERT_PATH = /^\/SimpleNotificationService-[0-9a-f]+\.pem$/;

let material: Promise<Material> | undefined;

/** Generated once per test file (jest module registry), reused by every FakeSns in it. */
function testOnlyMaterial(): Promise<Material> {
  material ??= generateMaterial();
  return material;
}

async function generateMaterial(): Promise<Material> {
  const openssl = process.env.OPENSSL_BIN ?? 'openssl';
  const dir = await mkdtemp(join(tmpdir(), 'fake-sns-gen-'));
  const pem = { type: 'pkcs8', format: 'pem' } as const;
  const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export(pem) as string;
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export(pem) as string;
  const serial = () => `0x${randomBytes(8).toString('hex')}`;
  try {
    const caKeyPem = ec();
    const tlsKeyPem = ec();
    const signingKeyPem = rsa();
    const otherKeyPem = rsa();
    await writeFile(join(dir, 'ca.key'), caKeyPem);
    await writeFile(join(dir, 'tls.key'), tlsKeyPem);
    await writeFile(join(dir, 'signing.key'), signingKeyPem);
    await writeFile(
      join(dir, 'tls.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    await writeFile(
      join(dir, 'signing.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n',
    );
    const opts = { cwd: dir };
    // prettier-ignore
    await run(openssl, ['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-set_serial', serial(),
      '-subj', '/O=secrets-bot TEST ONLY/CN=fake SNS CA (test only)',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.pem'], opts);
    for (const [name, cn] of [
      ['tls', '127.0.0.1'],
      ['signing', 'sns.test-only.invalid'],
    ] as const) {
      await run(
        openssl,
        [
          'req',
          '-new',
          '-key',
          `${name}.key`,
          '-subj',
          `/O=secrets-bot TEST ONLY/CN=${cn}`,
          '-out',
          `${name}.csr`,
        ],
        opts,
      );
      // prettier-ignore
      await run(openssl, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial(),
        '-sha256', '-days', '3650', '-extfile', `${name}.ext`, '-out', `${name}.pem`], opts);
    }
    const read = (f: string) => readFile(join(dir, f), 'utf8');
    return {
      caPem: await read('ca.pem'),
      tlsKeyPem,
      tlsCertPem: await read('tls.pem'),
      signingKeyPem,
      signingCertPem: await read('signing.pem'),
      otherKeyPem,
    };
  } catch (e) {
    material = undefined;
    throw new Error(`FakeSns could not generate test certificates with ${openssl}: ${(e as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A fetch-shaped function over node:https that trusts `caPem` (undici is not a dependency, and
 * global fetch only trusts extra CAs through NODE_EXTRA_CA_CERTS at process start). Honours
 * init.method, headers, body and signal; never follows redirects; no connection reuse.
 */
export function createCaTrustingFetch(caPem: string): typeof fetch {
  const caFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = httpsRequest(
        href,
        { method: init.method ?? 'GET', headers, ca: caPem, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            signal?.removeEventListener('abort', onAbort);
            const status = res.statusCode ?? 500;
            const nullBody = [101, 204, 205, 304].includes(status);
            const resHeaders = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) resHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: resHeaders }));
          });
        },
      );
      function fail(e: unknown) {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      }
      function onAbort() {
        req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      if (typeof init.body === 'string' || init.body instanceof Uint8Array) req.end(init.body);
      else req.end();
    });
  return caFetch as typeof fetch;
}

export class FakeSns {
  /** Every request the HTTPS server saw, in order. */
  readonly requests: RecordedRequest[] = [];
  /** GETs of the subscribe URL. */
  readonly confirmations: RecordedConfirmation[] = [];
  /** Switch to make the certificate endpoint misbehave. */
  certBehaviour: CertBehaviour = 'ok';
  /** Status the subscribe URL answers with. */
  confirmStatus = 200;

  readonly defaultTopicArn: string;
  readonly fetch: typeof fetch;

  private constructor(
    private readonly server: Server,
    private readonly m: Material,
    readonly port: number,
    readonly caPath: string,
    private readonly tmpDir: string,
    private readonly certPath: string,
    topicArn: string,
  ) {
    this.defaultTopicArn = topicArn;
    this.fetch = createCaTrustingFetch(m.caPem);
  }

  static async start(opts: { topicArn?: string } = {}): Promise<FakeSns> {
    const m = await testOnlyMaterial();
    const tmpDir = await mkdtemp(join(tmpdir(), 'fake-sns-'));
    const caPath = join(tmpDir, 'test-only-fake-sns-ca.pem');
    await writeFile(caPath, m.caPem);
    const certPath = `/SimpleNotificationService-${randomBytes(16).toString('hex')}.pem`;
    const server = createServer({ key: m.tlsKeyPem, cert: m.tlsCertPem });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const topicArn = opts.topicArn ?? 'arn:aws:sns:eu-west-1:111122223333:secrets-alerts';
    const fake = new FakeSns(server, m, port, caPath, tmpDir, certPath, topicArn);
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      fake.handle(req.method ?? '', req.url ?? '/', res),
    );
    return fake;
  }

  get baseUrl(): string {
    return `https://127.0.0.1:${this.port}`;
  }
  get certUrl(): string {
    return `${this.baseUrl}${this.certPath}`;
  }
  /** Another URL serving the same certificate, e.g. to fill a certificate cache. */
  otherCertUrl(): string {
    return `${this.baseUrl}/SimpleNotificationService-${randomBytes(16).toString('hex')}.pem`;
  }
  /** The CA certificate (PEM) that issued the HTTPS server's certificate. */
  get caPem(): string {
    return this.m.caPem;
  }
  /** The certificate served at certUrl (PEM). */
  get signingCertPem(): string {
    return this.m.signingCertPem;
  }
  /** Regex source matching this fake's URLs: use as SNS_TRUSTED_URL_PATTERN / trustedUrlPattern. */
  get trustedUrlPattern(): string {
    return `^https://127\\.0\\.0\\.1:${this.port}/`;
  }
  /** GETs of the certificate URL so far. */
  get certFetches(): number {
    return this.requests.filter((r) => r.method === 'GET' && CERT_PATH.test(r.path)).length;
  }

  subscribeUrl(topicArn = this.defaultTopicArn, token = 'test-token'): string {
    const q = new URLSearchParams({ Action: 'ConfirmSubscription', TopicArn: topicArn, Token: token });
    return `${this.baseUrl}/confirm?${q.toString()}`;
  }

  /** Signs `fields` as SNS does (wire-formats.md §2.3). */
  sign(fields: UnsignedSnsMessage, opts: SignOptions = {}): SnsMessage {
    const version = opts.version ?? '2';
    const key = opts.key === 'other' ? this.m.otherKeyPem : this.m.signingKeyPem;
    const signed: (keyof SnsMessage)[] =
      fields.Type === 'Notification'
        ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
        : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
    const record = fields as Record<string, string | undefined>;
    let text = '';
    for (const name of signed) {
      const value = record[name];
      if (value !== undefined) text += `${name}\n${value}\n`;
    }
    const signature = cryptoSign(
      version === '1' ? 'sha1' : 'sha256',
      Buffer.from(text, 'utf8'),
      key,
    ).toString('base64');
    return {
      ...fields,
      SignatureVersion: version,
      Signature: signature,
      SigningCertURL: fields.SigningCertURL ?? this.certUrl,
    };
  }

  /** A signed Notification; an object message is JSON-encoded as EventBridge → SNS does. */
  notification(message: string | object, opts: BuildOptions = {}): SnsMessage {
    const topicArn = opts.topicArn ?? this.defaultTopicArn;
    return this.sign(
      {
        Type: 'Notification',
        MessageId: opts.messageId ?? randomUUID(),
        TopicArn: topicArn,
        ...(opts.subject !== undefined ? { Subject: opts.subject } : {}),
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: opts.timestamp ?? new Date().toISOString(),
        SigningCertURL: opts.signingCertUrl,
        UnsubscribeURL: `${this.baseUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(`${topicArn}:test-subscription`)}`,
      },
      opts,
    );
  }

  subscriptionConfirmation(opts: BuildOptions = {}): SnsMessage {
    return this.confirmationMessage('SubscriptionConfirmation', opts);
  }

  unsubscribeConfirmation(opts: BuildOptions = {}): SnsMessage {
    return this.confirmationMessage('UnsubscribeConfirmation', opts);
  }

  /** Headers SNS sends with a message (Content-Type is text/plain although the body is JSON). */
  headersFor(msg: SnsMessage): Record<string, string> {
    return {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': msg.Type,
      'x-amz-sns-message-id': msg.MessageId,
      'x-amz-sns-topic-arn': msg.TopicArn,
      ...(msg.Type === 'SubscriptionConfirmation'
        ? {}
        : { 'x-amz-sns-subscription-arn': `${msg.TopicArn}:test-subscription` }),
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await rm(this.tmpDir, { recursive: true, force: true });
  }

  private confirmationMessage(type: Exclude<SnsMessageType, 'Notification'>, opts: BuildOptions): SnsMessage {
    const topicArn = opts.topicArn ?? this.defaultTopicArn;
    const token = opts.token ?? randomBytes(32).toString('hex');
    const verb = type === 'SubscriptionConfirmation' ? 'subscribe' : 'unsubscribe';
    return this.sign(
      {
        Type: type,
        MessageId: opts.messageId ?? randomUUID(),
        TopicArn: topicArn,
        Token: token,
        Message: `You have chosen to ${verb} the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: opts.subscribeUrl ?? this.subscribeUrl(topicArn, token),
        Timestamp: opts.timestamp ?? new Date().toISOString(),
        SigningCertURL: opts.signingCertUrl,
      },
      opts,
    );
  }

  private handle(method: string, rawPath: string, res: ServerResponse): void {
    this.requests.push({ method, path: rawPath });
    const url = new URL(rawPath, this.baseUrl);
    if (method === 'GET' && CERT_PATH.test(rawPath)) {
      switch (this.certBehaviour) {
        case 'hang':
          return; // never answers; close() drops the connection
        case 'unavailable':
          res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
          return;
        case 'not-a-certificate':
          res
            .writeHead(200, { 'content-type': 'application/x-pem-file' })
            .end('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
          return;
        default:
          res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(this.m.signingCertPem);
          return;
      }
    }
    if (method === 'GET' && url.pathname === '/confirm') {
      this.confirmations.push({ path: rawPath, query: Object.fromEntries(url.searchParams) });
      const arn = `${url.searchParams.get('TopicArn') ?? 'arn:aws:sns:eu-west-1:111122223333:unknown'}:${randomUUID()}`;
      res
        .writeHead(this.confirmStatus, { 'content-type': 'text/xml' })
        .end(
          this.confirmStatus === 200
            ? `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${arn}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`
            : '<ErrorResponse><Error><Code>InvalidParameter</Code></Error></ErrorResponse>',
        );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

/** Starts a FakeSns; remember to `await fake.close()`. */
export function startFakeSns(opts: { topicArn?: string } = {}): Promise<FakeSns> {
  return FakeSns.start(opts);
}
