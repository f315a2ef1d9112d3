import { randomBytes } from 'node:crypto';
import { loadFixture, loadFixtureText } from '../fixtures';
import { FakeSlack, type FakeSlackMessage } from '../fakes/fake-slack';
import { FakeSns } from '../fakes/fake-sns';
import {
  cleanupPrefix,
  INGEST_TOKEN,
  postJson,
  SIGNING_SECRET,
  sleep,
  startBotProcess,
  uniquePrefix,
  withFreshId,
  type BotProcess,
} from './harness';

jest.setTimeout(60_000);

const CHANNEL = 'CALERTS';

/** Everything a reader sees in a Slack message: the fallback text and every text in its blocks. */
function visibleText(m: FakeSlackMessage): string {
  return `${m.text}\n${JSON.stringify(m.blocks)}`;
}

function buttonLabels(m: FakeSlackMessage): string[] {
  const actions = (m.blocks as Array<{ type: string; elements?: Array<{ text?: { text?: string } }> }>).find((b) => b.type === 'actions');
  return (actions?.elements ?? []).map((e) => e.text?.text ?? '');
}

describe('ingest to Slack (real process, fake Slack, fake SNS)', () => {
  let slack: FakeSlack;
  let sns: FakeSns;
  let bot: BotProcess;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    sns = await FakeSns.start({});
    bot = await startBotProcess({
      KEY_PREFIX: prefix,
      INGEST_TOKEN,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CHANNEL: CHANNEL,
      SLACK_API_URL: slack.apiUrl,
      SNS_TRUSTED_URL_PATTERN: sns.trustedUrlPattern,
      NODE_EXTRA_CA_CERTS: sns.caPath,
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await sns?.close();
    await cleanupPrefix(prefix);
  });

  const awsUrl = () => `${bot.url}/events/aws`;
  const alibabaUrl = () => `${bot.url}/events/alibaba`;

  /** Posts an event and waits for the alert whose text mentions `needle`. */
  async function postAndWaitForAlert(url: string, body: unknown, needle: string): Promise<FakeSlackMessage> {
    const r = await postJson(url, body);
    expect(r.status).toBe(202);
    return slack.waitFor(() => slack.alerts(CHANNEL).find((m) => visibleText(m).includes(needle)), 10_000, `an alert mentioning ${needle}`);
  }

  /** Gives an AWS fixture a fresh id and a unique secret, so each case is a new incident. */
  function awsEvent(fixture: string, secret = `app/${randomBytes(4).toString('hex')}`): { body: Record<string, unknown>; secret: string } {
    const text = loadFixtureText(`aws/${fixture}.json`).replace(/prod\/pg|MyDatabaseSecret/g, secret);
    return { body: withFreshId(JSON.parse(text) as Record<string, unknown>), secret };
  }

  it.each([
    ['rotation-failed', /Rotation failed/, ['Retry rotation', 'Mute']],
    ['rotation-abandoned', /Rotation abandoned/i, ['Retry rotation', 'Mute']],
    ['rotation-started', /Rotation started/, ['Mute']],
    ['delete-secret', /Deletion scheduled/, ['Cancel deletion', 'Mute']],
    ['delete-secret-arn', /Deletion scheduled/, ['Cancel deletion', 'Mute']],
    ['get-secret-value-pending-deletion', /read while pending deletion/, ['Cancel deletion', 'Mute']],
    ['start-secret-version-delete', /delet/i, ['Mute']],
    ['end-secret-version-delete', /permanently deleted/, []],
    ['rotate-secret', /[Rr]otation requested/, ['Mute']],
    ['cancel-rotate-secret', /turned off/, ['Mute']],
  ])('an AWS %s event produces the right Slack message with the right buttons', async (fixture, headline, buttons) => {
    const { body, secret } = awsEvent(fixture);
    const name = JSON.stringify(body).includes(secret) ? secret : '';
    const alert = await postAndWaitForAlert(awsUrl(), body, name || String((body as { id: string }).id));
    expect(visibleText(alert)).toMatch(headline);
    expect(alert.channel).toBe(CHANNEL);
    if (buttons.length) expect(buttonLabels(alert)).toEqual(buttons);
    else expect(buttonLabels(alert)).toEqual([]);
  });

  it('an event the bot does not act on (CreateSecret) is acknowledged as ignored and posts nothing', async () => {
    const before = slack.messages.length;
    const { body } = awsEvent('create-secret');
    const r = await postJson(awsUrl(), body);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ignored');
    await sleep(500);
    expect(slack.messages.length).toBe(before);
  });

  it('a redelivered event (same id, 10 times concurrently) is stored once and posted once', async () => {
    const { body, secret } = awsEvent('rotation-failed');
    const results = await Promise.all(Array.from({ length: 10 }, () => postJson(awsUrl(), body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(results.filter((r) => r.body.status === 'duplicate')).toHaveLength(9);
    await slack.waitFor(() => slack.alerts(CHANNEL).find((m) => visibleText(m).includes(secret)), 10_000, 'the alert');
    await sleep(700);
    expect(slack.alerts(CHANNEL).filter((m) => visibleText(m).includes(secret))).toHaveLength(1);
  });

  it('a success after a failure of the same secret turns the original message resolved and replies in its thread', async () => {
    const secret = `db/${randomBytes(4).toString('hex')}`;
    const failed = awsEvent('rotation-failed', secret);
    const alert = await postAndWaitForAlert(awsUrl(), failed.body, secret);
    expect(buttonLabels(alert)).toContain('Retry rotation');
    const succeeded = awsEvent('rotation-succeeded', secret);
    const r = await postJson(awsUrl(), succeeded.body);
    expect(r.status).toBe(202);
    await slack.waitFor(() => alert.history.length >= 2 && slack.replies(alert).length >= 1, 10_000, 'update and thread reply');
    expect(visibleText(alert)).toMatch(/[Rr]esolved|succeeded/);
    expect(buttonLabels(alert)).toEqual([]);
    expect(slack.alerts(CHANNEL).filter((m) => visibleText(m).includes(secret))).toHaveLength(1);
    expect(slack.replies(alert)[0]!.text).toMatch(/succeeded/i);
  });

  it('Alibaba CloudMonitor JSON, the form-encoded URL callback and an EventBridge CloudEvent are each shown', async () => {
    const id = randomBytes(4).toString('hex');
    const json = withFreshId(loadFixture('alibaba/cloudmonitor-rotate-failure.json') as Record<string, unknown>);
    (json.content as Record<string, unknown>).secretName = `cm-json-${id}`;
    await postAndWaitForAlert(alibabaUrl(), json, `cm-json-${id}`);

    const form = new URLSearchParams(loadFixtureText('alibaba/cloudmonitor-rotate-failure.form').trim());
    const content = JSON.parse(form.get('content')!) as Record<string, unknown>;
    content.secretName = `cm-form-${id}`;
    content.eventId = `form-${id}`;
    form.set('content', JSON.stringify(content));
    const r = await fetch(`${alibabaUrl()}?token=${INGEST_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(r.status).toBe(202);
    await slack.waitFor(() => slack.alerts(CHANNEL).find((m) => visibleText(m).includes(`cm-form-${id}`)), 10_000, 'form alert');

    const ce = withFreshId(loadFixture('alibaba/cloudevent-actiontrail-delete-secret.json') as Record<string, unknown>);
    const text = JSON.stringify(ce).replace(/prod-rds-app/g, `ce-${id}`);
    const alert = await postAndWaitForAlert(alibabaUrl(), JSON.parse(text), `ce-${id}`);
    expect(visibleText(alert)).toMatch(/Deletion scheduled/);
    expect(visibleText(alert)).toMatch(/Alibaba/);
  });

  it('SNS: a SubscriptionConfirmation is confirmed by visiting SubscribeURL; a signed Notification is shown', async () => {
    const confirm = sns.subscriptionConfirmation({ version: '2' });
    const r1 = await postJson(awsUrl(), confirm, { ...sns.headersFor(confirm) });
    expect(r1.status).toBe(200);
    expect(sns.confirmations).toHaveLength(1);

    const { body, secret } = awsEvent('rotation-failed');
    const note = sns.notification(body, { version: '1' });
    const r2 = await postJson(awsUrl(), note, { ...sns.headersFor(note) });
    expect(r2.status).toBe(202);
    await slack.waitFor(() => slack.alerts(CHANNEL).find((m) => visibleText(m).includes(secret)), 10_000, 'SNS alert');

    const alarm = sns.notification(loadFixture('aws/cloudwatch-alarm-deleted-secret-access.json') as object, { version: '2' });
    const r3 = await postJson(awsUrl(), alarm, { ...sns.headersFor(alarm) });
    expect(r3.status).toBe(202);
    const alarmAlert = await slack.waitFor(
      () => slack.alerts(CHANNEL).find((m) => /pending deletion/.test(visibleText(m)) && visibleText(m).includes('eu-west-1') && !m.text.includes('app/')),
      10_000,
      'alarm alert',
    );
    expect(visibleText(alarmAlert)).toMatch(/read while pending deletion/);
  });

  it('SNS: a tampered message and a certificate outside the trusted pattern are refused, fetch nothing and post nothing', async () => {
    const before = slack.messages.length;
    const fetchesBefore = sns.certFetches;
    const { body } = awsEvent('rotation-failed');
    const tampered = { ...sns.notification(body, { version: '2' }), Message: JSON.stringify({ ...body, id: 'forged' }) };
    const r1 = await postJson(awsUrl(), tampered, { 'content-type': 'text/plain' });
    expect(r1.status).toBe(403);
    const foreign = sns.notification(body, { version: '2', signingCertUrl: 'https://evil.example.com/cert.pem' });
    const r2 = await postJson(awsUrl(), foreign, { 'content-type': 'text/plain' });
    expect(r2.status).toBe(403);
    const badSubscribe = sns.subscriptionConfirmation({ version: '2', subscribeUrl: 'https://evil.example.com/confirm' });
    const r3 = await postJson(awsUrl(), badSubscribe, { 'content-type': 'text/plain' });
    expect(r3.status).toBe(403);
    await sleep(300);
    expect(sns.certFetches).toBeLessThanOrEqual(fetchesBefore + 1); // at most the one legitimate certificate (cached)
    expect(slack.messages.length).toBe(before);
  });
});
