/**
 * A fake AWS STS with AssumeRole only, on 127.0.0.1:<random port>, speaking the awsQuery protocol
 * the SDK's STS client uses (form-encoded `Action=AssumeRole&Version=2011-06-15&…`, XML answers).
 * It checks the caller's SigV4 signature (service `sts`) against a keyring and registers each
 * issued temporary key in that keyring, so a fake Secrets Manager sharing it accepts them.
 *
 * Point the SDK at it with `clientConfig: { endpoint }` or `AWS_ENDPOINT_URL_STS`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { FakeAwsKeyring, closeServer, listen, readBody, verifySigV4 } from './fake-secrets-manager';

export interface FakeAssumeRoleCall {
  roleArn: string;
  roleSessionName: string;
  /** The key that signed the AssumeRole request (the source credentials). */
  callerAccessKeyId: string;
  /** The temporary key issued. */
  issuedAccessKeyId: string;
}

export interface FakeSts {
  url: string;
  keyring: FakeAwsKeyring;
  calls: FakeAssumeRoleCall[];
  rejected: { type: string; message: string }[];
  /** AssumeRole of this role is refused with AccessDenied. */
  denyRole(roleArn: string): void;
  close(): Promise<void>;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const xml =
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
    `<Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

export async function startFakeSts(opts: { keyring: FakeAwsKeyring; now?: () => number }): Promise<FakeSts> {
  const { keyring } = opts;
  const now = opts.now ?? (() => Date.now());
  const calls: FakeAssumeRoleCall[] = [];
  const rejected: FakeSts['rejected'] = [];
  const denied = new Set<string>();

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const sig = verifySigV4(req, body, keyring, 'sts', now());
      if (!sig.ok) {
        rejected.push({ type: sig.type, message: sig.message });
        sendError(
          res,
          403,
          sig.type === 'UnrecognizedClientException' ? 'InvalidClientTokenId' : 'SignatureDoesNotMatch',
          sig.message.split('\n')[0],
        );
        return;
      }
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') !== 'AssumeRole' || form.get('Version') !== '2011-06-15') {
        sendError(
          res,
          400,
          'InvalidAction',
          `The fake STS does not implement ${form.get('Action') ?? '(none)'}.`,
        );
        return;
      }
      const roleArn = form.get('RoleArn') ?? '';
      const sessionName = form.get('RoleSessionName') ?? '';
      const roleMatch = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
      if (!roleMatch || !sessionName) {
        sendError(res, 400, 'ValidationError', 'RoleArn and RoleSessionName are required.');
        return;
      }
      if (denied.has(roleArn)) {
        sendError(
          res,
          403,
          'AccessDenied',
          `User: arn:aws:iam::000000000000:user/bot is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        );
        return;
      }
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      const secretAccessKey = randomBytes(30).toString('base64');
      const sessionToken = randomBytes(48).toString('base64');
      keyring.add(accessKeyId, secretAccessKey, sessionToken);
      calls.push({
        roleArn,
        roleSessionName: sessionName,
        callerAccessKeyId: sig.accessKeyId,
        issuedAccessKeyId: accessKeyId,
      });
      const expiration = new Date(now() + 3600_000).toISOString();
      const roleName = roleMatch[2].split('/').pop() ?? roleMatch[2];
      const xml =
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
        `<AssumedRoleUser><AssumedRoleId>AROAFAKEROLE:${xmlEscape(sessionName)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${roleMatch[1]}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${xmlEscape(sessionToken)}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    })().catch(() => {
      if (!res.headersSent) sendError(res, 500, 'InternalFailure', 'fake STS failed');
    });
  });

  const url = await listen(server);
  return {
    url,
    keyring,
    calls,
    rejected,
    denyRole: (arn) => denied.add(arn),
    close: () => closeServer(server),
  };
}
