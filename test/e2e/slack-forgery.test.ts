import { createHmac } from 'node:crypto';
import { cleanupPrefix, SIGNING_SECRET, type BotProcess } from './harness';
import { ALERT_CHANNEL, OPERATOR, startBot, startPeers, type Peers } from './remediation-kit';

jest.setTimeout(30_000);

function sign(body: string, ts: number, secret = SIGNING_SECRET): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
}

describe('forged and replayed Slack requests', () => {
  let peers: Peers;
  let bot: BotProcess & { prefix: string };
  beforeAll(async () => {
    peers = await startPeers();
    bot = await startBot(peers);
  });
  afterAll(async () => {
    await bot?.stop();
    await peers?.close();
    await cleanupPrefix(bot.prefix);
  });

  const command = (rid: string) =>
    new URLSearchParams({
      command: '/secrets',
      text: 'help',
      user_id: OPERATOR,
      channel_id: ALERT_CHANNEL,
      team_id: 'T0FAKE',
      api_app_id: 'A0FAKE',
      response_url: peers.slack.responseUrl(rid),
      trigger_id: `t-${rid}`,
    }).toString();
  const post = (body: string, headers: Record<string, string>) => fetch(`${bot.url}/slack/events`, { method: 'POST', headers, body });
  const now = () => Math.floor(Date.now() / 1000);

  it('a correctly signed command is answered; the same request replayed is refused and not run again', async () => {
    const body = command('replay');
    const headers = sign(body, now());
    expect((await post(body, headers)).status).toBe(200);
    await peers.slack.waitFor(() => peers.slack.responses.find((r) => r.path.endsWith('/replay')), 5000, 'the help answer');
    const replay = await post(body, headers);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toMatch(/replayed/);
    await new Promise((r) => setTimeout(r, 500));
    expect(peers.slack.responses.filter((r) => r.path.endsWith('/replay'))).toHaveLength(1);
  });

  it.each([
    ['a wrong signing secret', (b: string) => sign(b, now(), 'not-the-secret')],
    ['a timestamp 10 minutes old', (b: string) => sign(b, now() - 600)],
    ['a timestamp 10 minutes ahead', (b: string) => sign(b, now() + 600)],
    ['no signature at all', () => ({ 'content-type': 'application/x-www-form-urlencoded' })],
    ['a tampered body', (b: string) => sign(b.replace('help', 'status'), now())],
  ])('%s is refused with 401 and runs nothing', async (_name, headersFor) => {
    const rid = `forged-${Math.random().toString(16).slice(2)}`;
    const body = command(rid);
    const headers = headersFor(body);
    const r = await post(body, headers);
    expect(r.status).toBe(401);
    await new Promise((res) => setTimeout(res, 300));
    expect(peers.slack.responses.some((x) => x.path.endsWith(`/${rid}`))).toBe(false);
  });
});
