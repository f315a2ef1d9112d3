/**
 * End to end: `/secrets` and the App Home tab, through the real built bot with signed slash
 * commands; answers arrive on the response_url (FakeSlack records them).
 */
import type { BotProcess } from './harness';
import {
  ACTION,
  ALERT_CHANNEL,
  AWS_ACCOUNT,
  AWS_REGION,
  OPERATOR,
  STRANGER,
  answerText,
  awsArn,
  buttonLabels,
  buttonValue,
  click,
  postAlert,
  responsesOf,
  sendEvent,
  sendSlackEvent,
  seedAwsSecret,
  slash,
  uniqueName,
  visibleText,
  type Peers,
} from './remediation-kit';
import { useBotAndPeers } from './bot-and-peers';

jest.setTimeout(60_000);

let peers: Peers;
let bot: BotProcess & { prefix: string };
useBotAndPeers((p, b) => {
  peers = p;
  bot = b;
});

const run = async (user: string, text: string) => {
  const answer = await slash(bot, peers, user, text);
  expect(answer.status).toBe(200);
  return answerText(peers, answer.rid);
};

describe('/secrets help and bad input', () => {
  it('help explains the subcommands and how to name a secret; rotate/restore only for operators', async () => {
    const forOperator = await run(OPERATOR, 'help');
    expect(forOperator).toMatch(/\/secrets status <secret>/);
    expect(forOperator).toMatch(/aws:<account>:<region>:<name>/);
    expect(forOperator).toMatch(/\/secrets rotate <secret>/);
    const forStranger = await run(STRANGER, 'help');
    expect(forStranger).not.toMatch(/\/secrets rotate <secret>/);
    expect(forStranger).toMatch(/Operators may also/);
  });

  it('an unknown subcommand or bad arguments get a one-line usage hint', async () => {
    expect((await run(STRANGER, 'frobnicate')).split('\n')[0]).toMatch(/^Unknown subcommand "frobnicate"\. Try one of: status, mute/);
    expect(await run(OPERATOR, 'mute prod/pg')).toMatch(/^Usage: \/secrets mute <secret or pattern> <duration> \[reason\]/);
    expect(await run(OPERATOR, 'mute prod/pg forever')).toMatch(/^Usage: \/secrets mute/);
    expect(await run(OPERATOR, 'history')).toMatch(/^Usage: \/secrets history <secret>/);
  });
});

describe('/secrets status', () => {
  it('shows open alerts by severity, pending deletions with time left, rotation failures, mutes and queues', async () => {
    const failing = uniqueName('svc/pg');
    const deleting = uniqueName('svc/old');
    seedAwsSecret(peers, failing);
    seedAwsSecret(peers, deleting, { deletedDate: new Date(Date.now() + 7 * 86_400_000) });
    await postAlert(bot, peers, 'aws-rotation-failed', failing);
    await postAlert(bot, peers, 'aws-deletion', deleting);
    const answer = await slash(bot, peers, STRANGER, 'status');
    const [body] = await responsesOf(peers, answer.rid);
    expect(body!.response_type).toBe('ephemeral');
    const text = await answerText(peers, answer.rid);
    expect(text).toMatch(/Open alerts:\* \d+ critical · \d+ warning · \d+ info/);
    expect(text).toContain(`Rotation failed for ${failing}`);
    expect(text).toMatch(new RegExp(`\\*${deleting.replace('/', '\\/')}\\* \\(AWS ${AWS_ACCOUNT}, ${AWS_REGION}\\) — permanent deletion (in |.* ago)`));
    expect(text).toMatch(/\*Rotation failures\*\n• \*/);
    expect(text).toMatch(/\*Queues\* · notify: \d+ waiting, \d+ delayed, \d+ active, \d+ failed · remediate: .* · outbox: \d+ pending/);

    const shared = await slash(bot, peers, STRANGER, 'status --share');
    const [sharedBody] = await responsesOf(peers, shared.rid);
    expect(sharedBody!.response_type).toBe('in_channel');
  });

  it('status <secret> describes the secret live from the cloud, with its events and the buttons that apply', async () => {
    const name = uniqueName('svc/old');
    seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 5 * 86_400_000), lastRotatedDate: new Date('2026-01-02T03:04:05Z') });
    await postAlert(bot, peers, 'aws-deletion', name);
    const answer = await slash(bot, peers, STRANGER, `status ${name}`);
    const text = await answerText(peers, answer.rid);
    expect(text).toMatch(/\*Rotation\*\nenabled \(every 30 days\)/);
    expect(text).toMatch(/\*Last rotated\*\n2026-01-02 03:04 UTC/);
    expect(text).toMatch(/\*Deletion\*\n:hourglass_flowing_sand: .* \(in 4 days 23 hours\)/);
    expect(text).toMatch(/Deletion scheduled by arn:aws:sts::111122223333:assumed-role\/ops\/alice/);
    const [body] = await responsesOf(peers, answer.rid);
    const blocks = body!.blocks as unknown[];
    expect(buttonLabels(blocks)).toEqual(['Cancel deletion', 'Mute']);
    expect(peers.sm.callsOf('DescribeSecret').some((c) => c.params.SecretId === awsArn(name))).toBe(true);

    // Its button works like the alert's (same checks, same job).
    const clicked = await click(bot, peers, { user: OPERATOR, actionId: ACTION.cancel, value: buttonValue(blocks, ACTION.cancel), ephemeral: true });
    expect(await answerText(peers, clicked.rid)).toMatch(/Cancel deletion of .* is queued/);
    await peers.slack.waitFor(() => peers.sm.get(name)!.deletedDate === undefined, 10_000, 'restored');
  });

  it('status of a secret the bot never saw works with aws:<account>:<region>:<name>; a bare unknown name says how', async () => {
    const name = uniqueName('never/seen');
    seedAwsSecret(peers, name, { rotationEnabled: false, rotationLambdaArn: undefined, rotationRules: undefined });
    expect(await run(STRANGER, `status ${name}`)).toMatch(/has not seen a secret named .*aws:<account>:<region>:/);
    const text = await run(STRANGER, `status aws:${AWS_ACCOUNT}:${AWS_REGION}:${name}`);
    expect(text).toMatch(/\*Rotation\*\noff/);
    expect(text).toMatch(/\*Deletion\*\nnot scheduled/);
    expect(await run(STRANGER, `status aws:${AWS_ACCOUNT}:${AWS_REGION}:missing-${name}`)).toMatch(/no longer exists/);
  });

  it('acknowledges within 3 s even when the cloud is slow, and answers later on the response URL', async () => {
    const name = uniqueName('svc/slow');
    seedAwsSecret(peers, name);
    await postAlert(bot, peers, 'aws-rotation-failed', name);
    peers.sm.delayNext('DescribeSecret', 1, 3500);
    const answer = await slash(bot, peers, STRANGER, `status ${name}`);
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    expect(await answerText(peers, answer.rid, 15_000)).toMatch(/\*Rotation\*\nenabled/);
  });
});

describe('/secrets mute, mutes, unmute', () => {
  it('mute silences the next matching alert and expires on time', async () => {
    const name = uniqueName('svc/pg');
    seedAwsSecret(peers, name);
    const muted = await run(OPERATOR, `mute ${name} 2s planned failover`);
    expect(muted).toMatch(new RegExp(`Muted ${name.replace('/', '\\/')} until .* \\(mute m[0-9a-f]{8}\\)`));
    const startedAt = Date.now();
    expect(await run(STRANGER, 'mutes')).toMatch(new RegExp(`m[0-9a-f]{8}: ${name.replace('/', '\\/')} until .* by <@${OPERATOR}> — planned failover`));

    await sendEvent(bot, 'aws-rotation-failed', name);
    await new Promise((r) => setTimeout(r, 1000));
    expect(peers.slack.alerts(ALERT_CHANNEL).filter((m) => m.text.includes(name))).toEqual([]);

    await new Promise((r) => setTimeout(r, Math.max(0, 2100 - (Date.now() - startedAt))));
    await postAlert(bot, peers, 'aws-rotation-failed', name); // a new delivery after the mute ended is posted
    expect(await run(STRANGER, 'mutes')).not.toContain(name);
  });

  it('a pattern mute covers every matching secret until unmuted by id; strangers may not mute', async () => {
    const stem = uniqueName('batch');
    const a = `${stem}/one`;
    seedAwsSecret(peers, a);
    expect(await run(STRANGER, `mute ${stem}/* 1h`)).toMatch(/Only operators may mute or unmute alerts/);
    const muted = await run(OPERATOR, `mute ${stem}/* 1h`);
    const id = /mute (m[0-9a-f]{8})/.exec(muted)![1]!;
    await sendEvent(bot, 'aws-rotation-failed', a);
    await new Promise((r) => setTimeout(r, 800));
    expect(peers.slack.alerts(ALERT_CHANNEL).filter((m) => m.text.includes(a))).toEqual([]);

    expect(await run(STRANGER, `unmute ${id}`)).toMatch(/Only operators may/);
    expect(await run(OPERATOR, `unmute ${id}`)).toMatch(new RegExp(`Ended mute ${id}`));
    await postAlert(bot, peers, 'aws-rotation-failed', a);
    expect(await run(OPERATOR, `unmute ${id}`)).toMatch(/No active mute has the id or secret/);
  });

  it('unmute <secret> ends the mutes of that secret', async () => {
    const name = uniqueName('svc/pg');
    await run(OPERATOR, `mute ${name} 1h`);
    expect(await run(OPERATOR, `unmute ${name}`)).toMatch(/Ended mute m[0-9a-f]{8} of /);
    expect(await run(STRANGER, 'mutes')).not.toContain(name);
  });
});

describe('/secrets rotate, restore, history', () => {
  it('an operator rotates by name: the job runs, progress is posted in the alert channel, history shows it all', async () => {
    const name = uniqueName('svc/api');
    seedAwsSecret(peers, name);
    // The bot learns where the secret lives from an event (here: an old, resolved rotation).
    await sendEvent(bot, { path: 'aws/rotation-succeeded.json', name: 'prod/pg', endpoint: 'aws' }, name);
    await peers.slack.waitFor(() => peers.slack.alerts(ALERT_CHANNEL).find((m) => m.text.includes(name)), 10_000, 'event seen');

    expect(await run(STRANGER, `rotate ${name}`)).toMatch(/Only operators may retry rotations/);
    const queued = await run(OPERATOR, `rotate ${name}`);
    expect(queued).toMatch(new RegExp(`Retry rotation of ${name.replace('/', '\\/')} \\(AWS account ${AWS_ACCOUNT}, ${AWS_REGION}\\) is queued\\. Progress will be posted in <#${ALERT_CHANNEL}>`));
    const status = await peers.slack.waitFor(
      () => peers.slack.alerts(ALERT_CHANNEL).find((m) => m.text.includes(`Retry rotation of ${name}`) && /succeeded/.test(m.text)),
      10_000,
      'status message',
    );
    expect(status.text).toContain(`<@${OPERATOR}>`);
    expect(peers.sm.get(name)!.rotations).toBe(1);
    expect(await run(OPERATOR, `rotate ${name}`)).toMatch(/already done at/);

    const history = await run(STRANGER, `history ${name}`);
    expect(history).toMatch(/Rotation succeeded/); // the event
    expect(history).toMatch(/rotate refused — <@U0STRANGER> via command: not-operator/);
    expect(history).toMatch(/rotate queued — <@U0OPS0> via command/);
    expect(history).toMatch(/rotate succeeded — <@U0OPS0> via job: rotation started/);
  });

  it('restore by ARN cancels a deletion; a stranger is refused', async () => {
    const name = uniqueName('svc/old');
    seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 7 * 86_400_000) });
    const alert = await postAlert(bot, peers, 'aws-deletion', name);
    expect(await run(STRANGER, `restore ${awsArn(name)}`)).toMatch(/Only operators may cancel deletions/);
    expect(await run(OPERATOR, `restore ${awsArn(name)}`)).toMatch(/is queued\. Progress is shown on the alert/);
    await peers.slack.waitFor(() => /succeeded/.test(visibleText(peers.slack.messages.find((m) => m.ts === alert.ts)!.blocks)), 10_000, 'alert shows success');
    expect(peers.sm.get(name)!.deletedDate).toBeUndefined();

    // A mute of its plain name is filed in its history too.
    await run(OPERATOR, `mute ${name} 1h`);
    expect(await run(STRANGER, `history ${name}`)).toMatch(/mute succeeded — <@U0OPS0> via command: until/);
  });

  it('rotate of a name the bot never saw asks for the qualified form', async () => {
    expect(await run(OPERATOR, `rotate ${uniqueName('nobody')}`)).toMatch(/has not seen a secret named/);
  });
});

describe('App Home', () => {
  it('publishes the same overview as /secrets status when the Home tab is opened', async () => {
    const before = peers.slack.calls.filter((c) => c.method === 'views.publish').length;
    const answer = await sendSlackEvent(bot, { type: 'app_home_opened', user: STRANGER, channel: 'D0HOME', tab: 'home', event_ts: `${Date.now() / 1000}` });
    expect(answer.status).toBe(200);
    const call = await peers.slack.waitFor(() => peers.slack.calls.filter((c) => c.method === 'views.publish')[before], 10_000, 'views.publish');
    expect(call.params.user_id).toBe(STRANGER);
    const view = call.params.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    const text = visibleText(view.blocks);
    expect(text).toMatch(/Secrets status/);
    expect(text).toMatch(/Open alerts:/);
    expect(text).toMatch(/Pending deletion/);
    expect(text).toMatch(/Active mutes/);
  });
});
