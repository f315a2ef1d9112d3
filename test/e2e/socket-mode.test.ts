import { FakeSlack } from '../fakes/fake-slack';
import { cleanupPrefix, INGEST_TOKEN, postJson, startBotProcess, uniquePrefix, withFreshId } from './harness';
import { loadFixture } from '../fixtures';

jest.setTimeout(30_000);

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  it('connects over the WebSocket, answers /secrets through it, and still posts alerts; /slack/events is not served', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack().start();
    const bot = await startBotProcess({
      KEY_PREFIX: prefix,
      INGEST_TOKEN,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_CHANNEL: 'CSOCKET',
      SLACK_API_URL: slack.apiUrl,
    });
    try {
      await slack.waitFor(() => slack.socketConnected, 10_000, 'the Socket Mode connection');
      expect(slack.calls.some((c) => c.method === 'apps.connections.open' && c.status === 200)).toBe(true);

      slack.sendEnvelope('env-1', 'slash_commands', {
        command: '/secrets',
        text: 'help',
        user_id: 'U0STRANGER',
        user_name: 'someone',
        channel_id: 'CSOCKET',
        team_id: 'T0FAKE',
        api_app_id: 'A0FAKE',
        response_url: slack.responseUrl('socket-help'),
        trigger_id: 'trigger-1',
      });
      // Acknowledged over the socket within Slack's 3 seconds, then answered through response_url.
      await slack.waitFor(() => slack.socketFrames.find((f) => f.envelope_id === 'env-1'), 3000, 'the ack of env-1');
      const answer = await slack.waitFor(() => slack.responses.find((r) => r.path.endsWith('/socket-help')), 5000, 'the /secrets help answer');
      expect(JSON.stringify(answer.body)).toMatch(/status/);
      expect(JSON.stringify(answer.body)).toMatch(/mute/);

      const event = withFreshId(loadFixture('aws/rotation-failed.json') as Record<string, unknown>);
      expect((await postJson(`${bot.url}/events/aws`, event)).status).toBe(202);
      await slack.waitFor(() => slack.alerts('CSOCKET').length === 1, 10_000, 'the alert');

      const r = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(r.status).toBe(404);
    } finally {
      await bot.stop();
      await slack.close();
      await cleanupPrefix(prefix);
    }
  });
});
