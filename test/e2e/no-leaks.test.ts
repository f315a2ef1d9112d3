import { loadFixtureText } from '../fixtures';
import { FakeSlack } from '../fakes/fake-slack';
import { cleanupPrefix, postJson, sleep, startBotProcess, uniquePrefix, withFreshId } from './harness';

jest.setTimeout(60_000);

/** Recognisable values planted wherever a secret could travel. None may ever leave the bot. */
const PLANTED = {
  ingestToken: 'ingest-PLANTED-7f3a9c1e2b4d8a6f',
  botToken: 'xoxb-PLANTED-0bot0token0abcdef',
  signingSecret: 'signing-PLANTED-5e6f7a8b9c',
  alibabaSecret: 'alisecret-PLANTED-1234567890',
  secretValue: 'SECRETVALUE-PLANTED-9a8b7c6d',
  wrongToken: 'wrong-PLANTED-caller-token-0000',
};

describe('secret values, tokens and signing secrets never leak', () => {
  it('appear in no log line, chat message, metric or HTTP answer, on success and error paths', async () => {
    const prefix = uniquePrefix();
    const slack = await new FakeSlack(PLANTED.botToken).start();
    const bot = await startBotProcess({
      KEY_PREFIX: prefix,
      LOG_LEVEL: 'debug',
      INGEST_TOKEN: PLANTED.ingestToken,
      SLACK_BOT_TOKEN: PLANTED.botToken,
      SLACK_SIGNING_SECRET: PLANTED.signingSecret,
      SLACK_CHANNEL: 'CLEAK',
      SLACK_API_URL: slack.apiUrl,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIplantedKeyId0001',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: PLANTED.alibabaSecret,
      OPERATORS: 'U0OPS',
    });
    const answers: string[] = [];
    const send = async (path: string, body: unknown, headers: Record<string, string>) => {
      const r = await fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      answers.push(`${r.status} ${await r.text()}`);
      return r.status;
    };
    const auth = { authorization: `Bearer ${PLANTED.ingestToken}` };
    try {
      // An accepted event whose CloudTrail record carries a secret value in its request parameters.
      const withValue = withFreshId(JSON.parse(loadFixtureText('aws/rotate-secret.json')) as Record<string, unknown>);
      const detail = withValue.detail as Record<string, unknown>;
      detail.requestParameters = { ...(detail.requestParameters as object), secretString: PLANTED.secretValue };
      detail.errorMessage = undefined;
      expect(await send('/events/aws', withValue, auth)).toBe(202);
      // An ignored event (PutSecretValue) carrying the value.
      const put = withFreshId(JSON.parse(loadFixtureText('aws/create-secret.json')) as Record<string, unknown>);
      (put.detail as Record<string, unknown>).requestParameters = { secretId: 'x', secretString: PLANTED.secretValue };
      expect(await send('/events/aws', put, auth)).toBe(200);
      // Invalid bodies that contain the value, with the right token and without.
      expect(await send('/events/aws', `{"id": "${PLANTED.secretValue}", `, auth)).toBe(400);
      expect(await send('/events/aws', { id: PLANTED.secretValue }, auth)).toBe(400);
      expect(await send('/events/alibaba', { content: PLANTED.secretValue }, auth)).toBe(400);
      // Wrong and missing tokens.
      expect(await send('/events/aws', withValue, { authorization: `Bearer ${PLANTED.wrongToken}` })).toBe(403);
      expect(await send(`/events/alibaba?token=${PLANTED.wrongToken}`, {}, {})).toBe(403);
      expect(await send('/events/aws', withValue, {})).toBe(401);
      // A forged Slack request.
      expect(await send('/slack/events', { type: 'event_callback', token: PLANTED.secretValue }, { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': '1' })).toBe(401);
      // Slack refuses the bot's token once (permanent error path) and rate limits once.
      slack.failNext('chat.postMessage', 'invalid_auth');
      const second = withFreshId(JSON.parse(loadFixtureText('aws/rotation-failed.json')) as Record<string, unknown>);
      expect((await postJson(`${bot.url}/events/aws`, second, auth)).status).toBe(202);
      slack.rateLimit(1, 1, ['chat.postMessage']);
      const third = withFreshId(JSON.parse(loadFixtureText('aws/delete-secret-arn.json')) as Record<string, unknown>);
      expect((await postJson(`${bot.url}/events/aws`, third, auth)).status).toBe(202);
      // invalid_auth hits whichever post comes next (permanent: logged once); the 429 is retried after 1 s.
      await slack.waitFor(() => bot.output().includes('permanent chat error'), 15_000, 'the permanent error');
      await slack.waitFor(() => {
        const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
        const limited = posts.findIndex((c) => c.status === 429);
        return limited >= 0 && posts.slice(limited + 1).some((c) => c.status === 200);
      }, 15_000, 'a post after the rate limit');
      await sleep(500);
      answers.push(await (await fetch(`${bot.url}/metrics`)).text());
      answers.push(await (await fetch(`${bot.url}/readyz`)).text());
    } finally {
      await bot.stop();
      await slack.close();
      await cleanupPrefix(prefix);
    }
    const chat = JSON.stringify(slack.messages) + JSON.stringify(slack.responses);
    const surfaces = { logs: bot.output(), chat, answers: answers.join('\n') };
    expect(bot.output()).toContain('event shown in chat'); // the logs are really captured, at debug level
    for (const [where, text] of Object.entries(surfaces)) {
      for (const [what, value] of Object.entries(PLANTED)) {
        if (text.includes(value)) throw new Error(`${what} leaked into ${where}`);
      }
    }
  });
});
