import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The baselines, run as their own process (`node dist/bench/lib/bare-server.js`) so they are measured
 * like the bot: a bare node:http server that does the least any ingest must do.
 *
 * BARE_MODE=ingest  read the body, JSON.parse it, answer 202 with a small JSON.
 * BARE_MODE=relay   the same, then POST chat.postMessage for the event straight to SLACK_API_URL
 *                   (no Redis, no queue, no rendering): the floor for event-to-chat latency.
 * BARE_MODE=click-rotate  a Slack block_actions click: check its v0 signature (SLACK_SIGNING_SECRET,
 *                   timestamp within 5 minutes), answer 200, then call RotateSecret on the secret its
 *                   button value names with @aws-sdk/client-secrets-manager (region from the value,
 *                   endpoint and keys from the AWS_* environment, as the bot): the floor for
 *                   click-to-cloud-call latency (no authorization, claim, queue, chat or audit).
 *
 * Prints `listening <port>` once it accepts connections (PORT=0 picks a free port).
 */
const mode = process.env.BARE_MODE ?? 'ingest';
const slackApi = process.env.SLACK_API_URL ?? '';
const slackToken = process.env.SLACK_BOT_TOKEN ?? '';
const slackChannel = process.env.SLACK_CHANNEL ?? '';
if (mode === 'relay' && !slackApi) {
  process.stderr.write('bare-server: BARE_MODE=relay needs SLACK_API_URL\n');
  process.exit(2);
}
const signingSecret = process.env.SLACK_SIGNING_SECRET ?? '';
if (mode === 'click-rotate' && !signingSecret) {
  process.stderr.write('bare-server: BARE_MODE=click-rotate needs SLACK_SIGNING_SECRET\n');
  process.exit(2);
}
const agent = new Agent({ keepAlive: true, maxSockets: 32 }); // like the bot's notify worker concurrency

function postToSlack(text: string): void {
  const body = JSON.stringify({ channel: slackChannel, text });
  const req = request(new URL('chat.postMessage', slackApi), {
    method: 'POST',
    agent,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${slackToken}`,
    },
  });
  req.on('response', (res) => res.resume());
  req.on('error', (err) => process.stderr.write(`bare-server: chat.postMessage failed: ${err.message}\n`));
  req.end(body);
}

function secretOf(event: unknown): string {
  const e = event as { detail?: { additionalEventData?: { SecretId?: unknown } } };
  const id = e.detail?.additionalEventData?.SecretId;
  return typeof id === 'string' ? id.slice(id.lastIndexOf(':') + 1) : 'unknown';
}

type Rotate = (secretId: string, region: string) => Promise<unknown>;
let rotate: Rotate | undefined;

/** RotateSecret with the AWS SDK, one client per region (loaded only in click-rotate mode). */
async function loadRotate(): Promise<Rotate> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const clients = new Map<string, InstanceType<typeof sdk.SecretsManagerClient>>();
  return (secretId, region) => {
    let client = clients.get(region);
    if (!client) clients.set(region, (client = new sdk.SecretsManagerClient({ region })));
    return client.send(new sdk.RotateSecretCommand({ SecretId: secretId, RotateImmediately: true }));
  };
}

function validSlackSignature(req: IncomingMessage, body: Buffer): boolean {
  const ts = String(req.headers['x-slack-request-timestamp'] ?? '');
  const sig = String(req.headers['x-slack-signature'] ?? '');
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const want = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:`).update(body).digest('hex')}`,
  );
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The click's button value (`{"s": secret id, "r": region, …}`, the bot's encodeActionRef), or undefined. */
function clickTarget(body: Buffer): { secretId: string; region: string } | undefined {
  try {
    const payload = JSON.parse(new URLSearchParams(body.toString('utf8')).get('payload') ?? '') as {
      actions?: Array<{ value?: string }>;
    };
    const ref = JSON.parse(payload.actions?.[0]?.value ?? '') as { s?: unknown; r?: unknown };
    return typeof ref.s === 'string' && typeof ref.r === 'string'
      ? { secretId: ref.s, region: ref.r }
      : undefined;
  } catch {
    return undefined;
  }
}

function handleClick(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  if (!validSlackSignature(req, body)) {
    res.writeHead(401).end();
    return;
  }
  const target = clickTarget(body);
  res.writeHead(200, { 'content-length': 0 }).end(); // the ack
  if (!target || !rotate) return;
  rotate(target.secretId, target.region).catch((err: Error) =>
    process.stderr.write(`bare-server: RotateSecret failed: ${err.name}: ${err.message}\n`),
  );
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (mode === 'click-rotate') {
      handleClick(req, Buffer.concat(chunks), res);
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      const text = '{"error":"body is not valid JSON"}';
      res
        .writeHead(400, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        })
        .end(text);
      return;
    }
    const id = (event as { id?: unknown }).id;
    const text = JSON.stringify({ status: 'accepted', id: typeof id === 'string' ? id : null });
    res
      .writeHead(202, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      })
      .end(text);
    if (mode === 'relay') postToSlack(`Rotation failed for ${secretOf(event)}`);
  });
});
server.keepAliveTimeout = 65_000;
void (async () => {
  if (mode === 'click-rotate') rotate = await loadRotate();
  server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
    process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  });
})();
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
