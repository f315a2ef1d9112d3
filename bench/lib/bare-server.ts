import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The baselines, run as their own process (`node dist/bench/lib/bare-server.js`) so they are measured
 * like the bot: a bare node:http server that does the least any ingest must do.
 *
 * BARE_MODE=ingest  read the body, JSON.parse it, answer 202 with a small JSON.
 * BARE_MODE=relay   the same, then POST chat.postMessage for the event straight to SLACK_API_URL
 *                   (no Redis, no queue, no rendering): the floor for event-to-chat latency.
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

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
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
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
