/**
 * End to end: the real built bot (with the real dingtalk-robot-sender, AWS and Alibaba SDKs)
 * against a fake DingTalk robot that checks every request's signature and throttles after 20
 * messages a window like DingTalk, plus fake Slack, Secrets Manager and KMS. The send budget runs
 * with a short window (YAML `dingtalk.window`) so the budget tests take seconds, not minutes.
 */
import {
  createActionLinkToken,
  createBulkLinkToken,
  verifyActionLinkToken,
} from '../../src/remediation/action-link';
import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { postJson, sleep } from './harness';
import {
  ACTION_LINK_SECRET,
  APP_SECRET,
  actionPage,
  formOf,
  postActionForm,
  DT_OPERATOR,
  DT_STRANGER,
  awsDeletionEvent,
  buttonLink,
  callbackBody,
  callbackSign,
  messagesAbout,
  messageText,
  postCallback,
  robotCommand,
  startDingTalkBot,
  waitForCard,
  waitUntil,
  type DingTalkBot,
} from './dingtalk-kit';
import {
  ALERT_CHANNEL,
  AWS_ACCOUNT,
  AWS_REGION,
  awsArn,
  cleanupPrefix,
  seedAwsSecret,
  sendEvent,
  startPeers,
  uniqueName,
  type Peers,
} from './remediation-kit';

jest.setTimeout(60_000);

const WINDOW_MS = 3000; // the fake robot's "minute"; the bot's budget window is 3.2 s (YAML)
const DAY = 86_400_000;

let peers: Peers;
let robot: FakeDingTalk;
let bot: DingTalkBot;

beforeAll(async () => {
  peers = await startPeers();
  robot = await new FakeDingTalk({ windowMs: WINDOW_MS, throttleMs: 2000 }).start();
  bot = await startDingTalkBot(peers, robot);
});

afterAll(async () => {
  await bot?.stop();
  await robot?.stop();
  await peers?.close();
  if (bot) await cleanupPrefix(bot.prefix);
});

const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);
const smCallsFor = (name: string) =>
  peers.sm.calls.filter((c) => String(c.params.SecretId ?? '').includes(name));

const page = actionPage;
const postForm = postActionForm;

describe('alerts in DingTalk', () => {
  it('an AWS rotation failure becomes a signed card whose buttons are signed links that expire in 7 days', async () => {
    const name = uniqueName('team/pg');
    await sendEvent(bot, 'aws-rotation-failed', name);
    const card = await waitForCard(robot, name);
    expect(card.title).toContain(`Rotation failed for ${name}`);
    expect(card.text).toContain(AWS_ACCOUNT);
    expect(card.btns.map((b) => b.title)).toEqual(['Retry rotation', 'Mute']);
    for (const b of card.btns) {
      expect(b.actionURL.startsWith(`${bot.publicUrl}/actions/`)).toBe(true);
      const v = verifyActionLinkToken(tokenOf(b.actionURL), ACTION_LINK_SECRET, Date.now());
      if (!v.ok) throw new Error(`link does not verify: ${v.reason}`);
      expect(v.claims.ref).toMatchObject({
        provider: 'aws',
        account: AWS_ACCOUNT,
        region: AWS_REGION,
        secretName: name,
      });
      expect(Math.abs(v.claims.expiresAt - (Date.now() + 7 * DAY))).toBeLessThan(60_000);
    }
    expect(robot.requests.length).toBeGreaterThan(0);
    expect(robot.requests.every((r) => r.signatureValid)).toBe(true);
    // Slack got it too, from the same event.
    await peers.slack.waitFor(
      () => peers.slack.alerts(ALERT_CHANNEL).find((m) => m.text.includes(name)),
      5000,
      'slack alert',
    );
  });

  it('an Alibaba deletion becomes a card with Cancel deletion; a deletion two days away ends the links then', async () => {
    const ali = uniqueName('rds-app');
    await sendEvent(bot, 'alibaba-deletion', ali);
    const aliCard = await waitForCard(robot, ali);
    expect(aliCard.btns.map((b) => b.title)).toEqual(['Cancel deletion', 'Mute']);

    const name = uniqueName('team/db');
    const event = awsDeletionEvent(name, 2);
    expect((await postJson(`${bot.url}/events/aws`, event)).status).toBe(202);
    const card = await waitForCard(robot, name);
    const v = verifyActionLinkToken(
      tokenOf(buttonLink(card, 'Cancel deletion')),
      ACTION_LINK_SECRET,
      Date.now(),
    );
    if (!v.ok) throw new Error(v.reason);
    const deletion = Date.parse(
      ((event.detail as Record<string, unknown>).responseElements as { deletionDate: string }).deletionDate,
    );
    expect(Math.abs(v.claims.expiresAt - deletion)).toBeLessThan(1000);
  });

  it('a resolution becomes exactly one follow-up message', async () => {
    const name = uniqueName('team/pg');
    await sendEvent(bot, 'aws-rotation-failed', name);
    await waitForCard(robot, name);
    await sendEvent(bot, { path: 'aws/rotation-succeeded.json', name: 'prod/pg', endpoint: 'aws' }, name);
    await waitUntil(() => messagesAbout(robot, name).length >= 2, 10_000, 'follow-up');
    await sleep(800);
    const about = messagesAbout(robot, name);
    expect(about).toHaveLength(2);
    expect(about[0]!.body.msgtype).toBe('actionCard');
    expect(about[1]!.body.msgtype).toBe('markdown');
    const md = about[1]!.body.markdown as { title: string; text: string };
    expect(md.title).toContain(`Resolved: Rotation succeeded for ${name}`);
    expect(md.text).not.toContain('/actions/'); // resolved: no action links
  });
});

describe('action links', () => {
  it('forged, tampered, malformed and expired links get a 4xx page and reach no cloud', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    await sendEvent(bot, 'aws-rotation-failed', name);
    const link = buttonLink(await waitForCard(robot, name), 'Retry rotation');
    const token = tokenOf(link);
    const ref = {
      alertId: 'i0',
      provider: 'aws' as const,
      account: AWS_ACCOUNT,
      region: AWS_REGION,
      secretId: awsArn(name),
      secretName: name,
    };
    const forged = createActionLinkToken(
      { action: 'retryRotation', ref, expiresAt: Date.now() + DAY },
      'not-the-bot-secret-0123456789',
    );
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    claims[7] = 'prod/other';
    const tampered = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const expired = createActionLinkToken(
      { action: 'retryRotation', ref, expiresAt: Date.now() - 1000 },
      ACTION_LINK_SECRET,
    );
    const cases: Array<[string, number]> = [
      [forged, 403],
      [tampered, 403],
      [`${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`, 403],
      ['not-a-token', 400],
      [expired, 410],
    ];
    const form = formOf((await page(link)).html);
    for (const [t, status] of cases) {
      const got = await page(`${bot.url}/actions/${t}`);
      expect([t, got.status]).toEqual([t, status]);
      expect(got.html).toMatch(/Nothing was done/);
      const posted = await postForm(`${bot.url}/actions/${t}`, { form });
      expect([t, posted.status]).toEqual([t, status]);
    }
    await sleep(300);
    expect(smCallsFor(name)).toEqual([]);
  });

  it('the page says what will happen and changes nothing; confirming rotates once; a replay gets 409', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    await sendEvent(bot, 'aws-rotation-failed', name);
    const link = buttonLink(await waitForCard(robot, name), 'Retry rotation');

    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain(`Secrets Manager will start rotating ${name} now`);
    expect(shown.html).toContain(AWS_ACCOUNT);
    expect(shown.html).toContain(AWS_REGION);
    await page(link);
    await sleep(300);
    expect(smCallsFor(name)).toEqual([]); // GET never acts

    expect((await postForm(link, {})).status).toBe(403); // no form token
    const form = formOf(shown.html);
    const done = await postForm(link, { form });
    expect(done.status).toBe(200);
    expect(done.html).toMatch(/is queued/);
    await waitUntil(
      () => peers.sm.callsOf('RotateSecret').some((c) => String(c.params.SecretId).includes(name)),
      10_000,
      'RotateSecret',
    );

    const replay = await postForm(link, { form });
    expect(replay.status).toBe(409);
    expect(replay.html).toMatch(/already used/);
    await waitUntil(
      () => messagesAbout(robot, name).some((m) => /asked by [^:]*: succeeded/.test(messageText(m))),
      10_000,
      'outcome note in DingTalk',
    );
    const after = await page(link);
    expect(after.status).toBe(200);
    expect(after.html).toMatch(/was done at .* \(asked by a DingTalk link holder\)/);
    expect(
      peers.sm.callsOf('RotateSecret').filter((c) => String(c.params.SecretId).includes(name)),
    ).toHaveLength(1);
    expect(await robotCommand(bot, robot, DT_STRANGER, `history ${name}`)).toMatch(
      /rotate queued — a DingTalk link holder/,
    );
  });

  it('a link of an alert that was resolved since says so and does nothing', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    await sendEvent(bot, 'aws-rotation-failed', name);
    const link = buttonLink(await waitForCard(robot, name), 'Retry rotation');
    const form = formOf((await page(link)).html);
    await sendEvent(bot, { path: 'aws/rotation-succeeded.json', name: 'prod/pg', endpoint: 'aws' }, name);
    await waitUntil(() => messagesAbout(robot, name).length >= 2, 10_000, 'resolution');
    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(shown.html).toMatch(
      /This alert was resolved at .* \(Rotation succeeded\)\. Nothing was changed\./,
    );
    expect(shown.html).not.toContain('<form');
    expect((await postForm(link, { form })).status).toBe(409);
    await sleep(300);
    expect(smCallsFor(name)).toEqual([]);
  });

  it('Mute offers 1 hour, 1 day, 1 week and until resolved, and mutes', async () => {
    const name = uniqueName('team/pg');
    await sendEvent(bot, 'aws-rotation-failed', name);
    const link = buttonLink(await waitForCard(robot, name), 'Mute');
    const shown = await page(link);
    expect([...shown.html.matchAll(/name="duration" value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '1h',
      '1d',
      '1w',
      'resolved',
    ]);
    expect((await postForm(link, { form: formOf(shown.html) })).status).toBe(400); // no duration picked
    const muted = await postForm(link, { form: formOf(shown.html), duration: '1d' });
    expect(muted.status).toBe(200);
    expect(muted.html).toMatch(/are muted until .* \(mute /);
    expect(await robotCommand(bot, robot, DT_STRANGER, 'mutes')).toContain(name);
  });
});

describe('robot commands', () => {
  it('forged callbacks are refused: bad signature, stale timestamp, no headers', async () => {
    const body = callbackBody({ user: DT_OPERATOR, text: 'help' });
    const ts = String(Date.now());
    expect(
      (await postCallback(bot, body, { timestamp: ts, sign: callbackSign(ts, 'wrong-app-secret') })).status,
    ).toBe(401);
    const stale = String(Date.now() - 2 * 3_600_000);
    expect((await postCallback(bot, body, { timestamp: stale, sign: callbackSign(stale) })).status).toBe(401);
    expect((await postJson(`${bot.url}/dingtalk/events`, body, {})).status).toBe(401);
    expect(
      (await postCallback(bot, body, { timestamp: ts, sign: callbackSign(ts, APP_SECRET) })).status,
    ).toBe(200);
  });

  it('an operator rotates by staff id (one cloud call, the outcome in the group); a stranger is refused', async () => {
    const name = uniqueName('svc/api');
    seedAwsSecret(peers, name);
    await sendEvent(bot, { path: 'aws/rotation-succeeded.json', name: 'prod/pg', endpoint: 'aws' }, name);
    await waitForCard(robot, name); // the bot now knows where the secret lives
    expect(await robotCommand(bot, robot, DT_STRANGER, `rotate ${name}`)).toMatch(
      /Only operators may retry rotations/,
    );
    await sleep(200);
    expect(smCallsFor(name)).toEqual([]);
    expect(await robotCommand(bot, robot, DT_OPERATOR, `rotate ${name}`)).toMatch(
      /is queued\. The result will be posted in the DingTalk group/,
    );
    await waitUntil(
      () => messagesAbout(robot, name).some((m) => /asked by [^:]*: succeeded/.test(messageText(m))),
      10_000,
      'outcome note',
    );
    expect(
      peers.sm.callsOf('RotateSecret').filter((c) => String(c.params.SecretId).includes(name)),
    ).toHaveLength(1);
    expect(await robotCommand(bot, robot, DT_STRANGER, 'help')).toMatch(/@secrets-bot status/);
  });

  it('a reply goes through the robot when the session webhook expired; a retried callback runs once', async () => {
    const msgId = `msgRetry${Date.now()}==`;
    const body = callbackBody({
      user: DT_STRANGER,
      text: '@secrets-bot help',
      sessionWebhook: robot.createSession(),
      sessionTtlMs: -1000,
      msgId,
    });
    const before = robot.messages.length;
    expect((await postCallback(bot, body)).status).toBe(200);
    expect((await postCallback(bot, body)).status).toBe(200); // DingTalk retried it
    await waitUntil(
      () => robot.messages.slice(before).some((m) => /@secrets-bot status/.test(messageText(m))),
      10_000,
      'reply via robot',
    );
    await sleep(500);
    expect(
      robot.messages.slice(before).filter((m) => /@secrets-bot status/.test(messageText(m))),
    ).toHaveLength(1);
  });
});

describe('the send budget', () => {
  it('while DingTalk throttles the robot, Slack keeps posting; the DingTalk messages wait and all arrive', async () => {
    const names = [1, 2, 3].map(() => uniqueName('throttled'));
    const from = robot.requests.length;
    robot.throttledUntil = Date.now() + 4000; // longer than the bot's own throttle pause (2 s): it is refused again, and waits again
    await Promise.all(names.map((n) => sendEvent(bot, 'aws-rotation-failed', n)));
    await peers.slack.waitFor(
      () => names.every((n) => peers.slack.alerts(ALERT_CHANNEL).some((m) => m.text.includes(n))),
      5000,
      'all in Slack',
    );
    expect(robot.requests.slice(from).some((r) => r.errcode === 130101)).toBe(true);
    expect(names.flatMap((n) => messagesAbout(robot, n))).toEqual([]);
    await waitUntil(
      () => names.every((n) => messagesAbout(robot, n).length === 1),
      15_000,
      'all in DingTalk',
    );
  });

  it('25 alerts in a burst: never more than 20 in any window at the robot, and all arrive', async () => {
    const names = Array.from({ length: 25 }, () => uniqueName('burst'));
    const from = robot.requests.length;
    await Promise.all(names.map((n) => sendEvent(bot, 'aws-rotation-failed', n)));
    await waitUntil(() => names.every((n) => messagesAbout(robot, n).length === 1), 20_000, 'all 25 cards');
    expect(robot.requests.slice(from).filter((r) => r.errcode !== 0)).toEqual([]);
    const times = robot.messages.map((m) => m.at).sort((a, b) => a - b);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + WINDOW_MS).length).toBeLessThanOrEqual(20);
    expect(names.every((n) => peers.slack.alerts(ALERT_CHANNEL).some((m) => m.text.includes(n)))).toBe(true);
  });
});

describe('DINGTALK_LINK_ACTIONS=off, DINGTALK_APP_SECRET unset', () => {
  it('the page points to the robot command, its POST does nothing, and every robot callback is refused', async () => {
    const off = await startDingTalkBot(peers, robot, {
      env: { DINGTALK_LINK_ACTIONS: 'off', DINGTALK_APP_SECRET: '' },
      slack: false,
    });
    try {
      const name = uniqueName('team/db');
      const ref = {
        alertId: '',
        provider: 'aws' as const,
        account: AWS_ACCOUNT,
        region: AWS_REGION,
        secretId: awsArn(name),
        secretName: name,
      };
      const link = `${off.publicUrl}/actions/${createActionLinkToken({ action: 'cancelDeletion', ref, expiresAt: Date.now() + DAY }, ACTION_LINK_SECRET)}`;
      const shown = await page(link);
      expect(shown.status).toBe(200);
      expect(shown.html).toContain(`@secrets-bot restore aws:${AWS_ACCOUNT}:${AWS_REGION}:${name}`);
      expect(shown.html).not.toContain('<form');
      expect((await postForm(link, { form: 'x' })).status).toBe(403);
      const callback = await postCallback(off, callbackBody({ user: DT_OPERATOR, text: `restore ${name}` }));
      expect(callback.status).toBe(403);
      expect(String(callback.body.error)).toMatch(/DINGTALK_APP_SECRET is not set/);
      // A summary card's bulk link is off too: the page says to use robot commands and acts on nothing.
      const bulk = `${off.publicUrl}/actions/${createBulkLinkToken({ action: 'cancelDeletion', summaryId: `s${'0'.repeat(32)}`, expiresAt: Date.now() + DAY }, ACTION_LINK_SECRET)}`;
      const bulkShown = await page(bulk);
      expect(bulkShown.status).toBe(200);
      expect(bulkShown.html).toContain('Use the robot commands');
      expect(bulkShown.html).not.toContain('<form');
      expect((await postForm(bulk, { form: 'x' })).status).toBe(403);
      await sleep(200);
      expect(smCallsFor(name)).toEqual([]);
    } finally {
      await off.stop();
      await cleanupPrefix(off.prefix);
    }
  });
});

it('cards never carry a token or secret in their text', () => {
  const all = JSON.stringify(robot.messages);
  expect(all).not.toContain(robot.accessToken);
  expect(all).not.toContain(robot.secret);
  expect(all).not.toContain(ACTION_LINK_SECRET);
  expect(bot.output()).not.toContain(robot.accessToken);
  expect(bot.output()).not.toContain(robot.secret);
});
