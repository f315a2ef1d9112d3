import { createHmac } from 'node:crypto';

/** Signed Slack requests for the click benchmarks: what Slack sends when someone clicks a button. */

export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Slack's v0 request signature: HMAC-SHA256 over `v0:<timestamp>:<body>` with the signing secret. */
export function signSlackRequest(body: string, contentType: string, secret = SIGNING_SECRET): SignedRequest {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig },
  };
}

/** The message a button sits on, as the fake Slack recorded it. */
export interface ClickedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

interface AnyBlock {
  type?: string;
  elements?: Array<{ action_id?: string; value?: string }>;
}

/** The `value` of the button `actionId` on a message (what Slack echoes back on a click), if any. */
export function buttonValue(blocks: unknown[], actionId: string): string | undefined {
  return (blocks as AnyBlock[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === actionId)?.value;
}

/**
 * A signed `block_actions` request for a click on `actionId` of `message` by `user` (the form body
 * Slack POSTs: `payload=<url-encoded JSON>`, with the whole message, as Slack sends it), answered
 * by the app on `responseUrl`.
 */
export function blockActionsClick(opts: {
  user: string;
  actionId: string;
  value: string;
  message: ClickedMessage;
  responseUrl: string;
  triggerId: string;
}): SignedRequest {
  const { message } = opts;
  const now = Date.now() / 1000;
  const payload = {
    type: 'block_actions',
    user: {
      id: opts.user,
      username: opts.user.toLowerCase(),
      name: opts.user.toLowerCase(),
      team_id: 'T0FAKE',
    },
    api_app_id: 'A0FAKE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: opts.triggerId,
    team: { id: 'T0FAKE', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'alerts' },
    message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
    state: { values: {} },
    response_url: opts.responseUrl,
    actions: [
      {
        action_id: opts.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'x', emoji: true },
        value: opts.value,
        type: 'button',
        action_ts: `${now}`,
      },
    ],
  };
  return signSlackRequest(
    `payload=${encodeURIComponent(JSON.stringify(payload))}`,
    'application/x-www-form-urlencoded',
  );
}
