import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ACTION_IDS } from '../../src/remediation/actions';

/**
 * The click-to-ack baseline, run as its own process (`node dist/bench/lib/bare-bolt.js`): a minimal
 * @slack/bolt App with an HTTPReceiver on /slack/events that verifies each request's signature
 * (SLACK_SIGNING_SECRET) and acknowledges the Retry rotation click, and does nothing else. Its Web
 * API client points at SLACK_API_URL (the same fake Slack as the bot's; Bolt calls auth.test once).
 *
 * Prints `listening <port>` once it accepts connections.
 */
const signingSecret = process.env.SLACK_SIGNING_SECRET ?? '';
const token = process.env.SLACK_BOT_TOKEN ?? '';
if (!signingSecret || !token) {
  process.stderr.write('bare-bolt: SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are required\n');
  process.exit(2);
}
const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', logLevel: LogLevel.WARN });
const app = new App({
  token,
  receiver,
  logLevel: LogLevel.WARN,
  clientOptions: process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {},
});
app.action(ACTION_IDS.retryRotation, async ({ ack }) => {
  await ack();
});

void (async () => {
  const server = (await app.start({
    port: Number(process.env.PORT ?? 0),
    host: process.env.HOST ?? '127.0.0.1',
  })) as Server;
  server.keepAliveTimeout = 65_000;
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  process.on('SIGTERM', () => {
    void app.stop().finally(() => process.exit(0));
  });
})().catch((e: Error) => {
  process.stderr.write(`bare-bolt: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
