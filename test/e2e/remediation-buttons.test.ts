/**
 * End to end: the real built bot (Bolt, AWS SDK, Alibaba SDK) against fake Slack, Secrets Manager
 * and KMS. Alerts are posted from fixture events; buttons are clicked with signed Slack requests
 * carrying the value read from the posted message, as Slack would send them.
 */
import type { FakeSlackMessage } from '../fakes/fake-slack';
import { FAKE_ALIBABA_ACCESS_KEY_SECRET } from '../fakes/fake-kms';
import { FAKE_AWS_SECRET_ACCESS_KEY } from '../fakes/fake-secrets-manager';
import { SIGNING_SECRET, type BotProcess } from './harness';
import {
  ACTION,
  ALERT_CHANNEL,
  OPERATOR,
  OPERATORS,
  STRANGER,
  answerText,
  buttonLabels,
  buttonValue,
  click,
  current,
  postAlert,
  remediateJobCount,
  sendEvent,
  seedAwsSecret,
  slash,
  submitView,
  threadText,
  uniqueName,
  visibleText,
  type Peers,
  waitForShown,
} from './remediation-kit';
import { useBotAndPeers } from './bot-and-peers';

jest.setTimeout(60_000);

let peers: Peers;
let bot: BotProcess & { prefix: string };
useBotAndPeers((p, b) => {
  peers = p;
  bot = b;
});

const historyOf = async (name: string) => answerText(peers, (await slash(bot, peers, STRANGER, `history ${name}`)).rid);

describe('Retry rotation (AWS)', () => {
  it('an operator retries: one RotateSecret, the message goes requested → running → succeeded, the button goes', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    expect(buttonLabels(alert.blocks)).toEqual(['Retry rotation', 'Mute']);

    const answer = await click(bot, peers, { user: OPERATOR, actionId: ACTION.retry, value: buttonValue(alert.blocks, ACTION.retry), message: alert });
    expect(answer.status).toBe(200);
    expect(await answerText(peers, answer.rid)).toMatch(/Retry rotation of .* is queued/);

    await waitForShown(peers, alert, /succeeded/, 'succeeded on the alert');
    const versions = current(peers, alert).history.map((h) => visibleText(h.blocks));
    const requested = versions.findIndex((v) => v.includes('waiting to run'));
    const running = versions.findIndex((v) => /· running/.test(v));
    const succeeded = versions.findIndex((v) => v.includes('succeeded'));
    expect(requested).toBeGreaterThan(0);
    expect(running).toBeGreaterThan(requested);
    expect(succeeded).toBeGreaterThan(running);
    expect(versions[succeeded]).toContain(`<@${OPERATOR}>`);
    expect(buttonLabels(current(peers, alert).blocks)).toEqual(['Mute']);

    const rotate = peers.sm.callsOf('RotateSecret');
    expect(rotate.filter((c) => String(c.params.SecretId).includes(name))).toHaveLength(1);
    expect(peers.sm.get(name)!.rotations).toBe(1);
    const thread = await peers.slack.waitFor(() => /succeeded/.test(threadText(peers, alert)) && threadText(peers, alert), 5000, 'thread note');
    expect(thread).toMatch(/requested by <@U0OPS0>/);
    expect(thread).toMatch(/running/);
    expect(thread).toMatch(/succeeded — rotation started, new version/);

    const history = await historyOf(name);
    expect(history).toMatch(/rotate succeeded/);
    expect(history).toMatch(/cloud request id [0-9a-f-]{36}/);
  });

  it('a stranger is refused in private: nothing queued, no cloud call, the refusal is audited', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    const jobsBefore = await remediateJobCount(bot.prefix);
    const answer = await click(bot, peers, { user: STRANGER, actionId: ACTION.retry, value: buttonValue(alert.blocks, ACTION.retry), message: alert });
    const text = await answerText(peers, answer.rid);
    expect(text).toMatch(/Only operators may retry rotations/);
    expect(text).toContain(`<@${OPERATORS[0]}>`);
    const [response] = peers.slack.responses.filter((r) => r.path.endsWith(answer.rid));
    expect(response!.body.response_type).toBe('ephemeral');
    await new Promise((r) => setTimeout(r, 300));
    expect(await remediateJobCount(bot.prefix)).toBe(jobsBefore);
    expect(peers.sm.calls.filter((c) => String(c.params.SecretId ?? '').includes(name))).toEqual([]);
    expect(current(peers, alert).history).toHaveLength(1); // the alert did not change
    expect(await historyOf(name)).toMatch(/rotate refused — <@U0STRANGER> via button: not-operator/);
  });
});

describe('Cancel deletion (AWS)', () => {
  it('an operator cancels: RestoreSecret is called and the Cancel deletion button goes', async () => {
    const name = uniqueName('team/db');
    seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 7 * 86_400_000) });
    const alert = await postAlert(bot, peers, 'aws-deletion', name);
    expect(buttonLabels(alert.blocks)).toEqual(['Cancel deletion', 'Mute']);
    const answer = await click(bot, peers, { user: OPERATOR, actionId: ACTION.cancel, value: buttonValue(alert.blocks, ACTION.cancel), message: alert });
    expect(await answerText(peers, answer.rid)).toMatch(/Cancel deletion of .* is queued/);
    await waitForShown(peers, alert, /succeeded/, 'restore succeeded');
    expect(buttonLabels(current(peers, alert).blocks)).toEqual(['Mute']);
    expect(peers.sm.callsOf('RestoreSecret').filter((c) => String(c.params.SecretId).includes(name))).toHaveLength(1);
    expect(peers.sm.get(name)!.deletedDate).toBeUndefined();
    await peers.slack.waitFor(() => /Cancel deletion of .* succeeded — deletion cancelled/.test(threadText(peers, alert)), 5000, 'thread note');
  });

  it('a stranger is refused and nothing is restored', async () => {
    const name = uniqueName('team/db');
    seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 7 * 86_400_000) });
    const alert = await postAlert(bot, peers, 'aws-deletion', name);
    const answer = await click(bot, peers, { user: STRANGER, actionId: ACTION.cancel, value: buttonValue(alert.blocks, ACTION.cancel), message: alert });
    expect(await answerText(peers, answer.rid)).toMatch(/Only operators may cancel deletions/);
    await new Promise((r) => setTimeout(r, 300));
    expect(peers.sm.calls.filter((c) => String(c.params.SecretId ?? '').includes(name))).toEqual([]);
    expect(peers.sm.get(name)!.deletedDate).toBeDefined();
    expect(await historyOf(name)).toMatch(/cancel deletion refused/);
  });
});

describe('Alibaba Cloud KMS', () => {
  it('Retry rotation calls RotateSecret with a derived VersionId; a stranger is refused', async () => {
    const name = uniqueName('rds-app');
    peers.kms.seed({ name, type: 'Rds', automaticRotation: 'Enabled', rotationInterval: '604800s' });
    const alert = await postAlert(bot, peers, 'alibaba-rotation-failed', name);
    const value = buttonValue(alert.blocks, ACTION.retry);

    const refused = await click(bot, peers, { user: STRANGER, actionId: ACTION.retry, value, message: alert });
    expect(await answerText(peers, refused.rid)).toMatch(/Only operators may retry rotations/);
    expect(peers.kms.calls.filter((c) => c.params.SecretName === name)).toEqual([]);

    const answer = await click(bot, peers, { user: OPERATOR, actionId: ACTION.retry, value, message: alert });
    expect(await answerText(peers, answer.rid)).toMatch(/queued/);
    await waitForShown(peers, alert, /succeeded/, 'alibaba rotation succeeded');
    const rotations = peers.kms.callsOf('RotateSecret').filter((c) => c.params.SecretName === name);
    expect(rotations).toHaveLength(1);
    expect(rotations[0]!.params.VersionId).toMatch(/^bot-[0-9a-f]{32}$/);
    expect(peers.kms.secrets.get(name)!.rotations).toBe(1);
  });

  it('Retry rotation of a Generic secret fails at once and says why, in plain words', async () => {
    const name = uniqueName('generic-app');
    peers.kms.seed({ name, type: 'Generic' });
    const alert = await postAlert(bot, peers, 'alibaba-rotation-failed', name);
    await click(bot, peers, { user: OPERATOR, actionId: ACTION.retry, value: buttonValue(alert.blocks, ACTION.retry), message: alert });
    await peers.slack.waitFor(() => /failed —/.test(visibleText(current(peers, alert).blocks)), 10_000, 'generic rotation failed');
    await peers.slack.waitFor(() => /is a Generic secret/.test(threadText(peers, alert)), 5000, 'thread note');
    expect(peers.kms.callsOf('RotateSecret').filter((c) => c.params.SecretName === name)).toEqual([]);
    expect(buttonLabels(current(peers, alert).blocks)).toEqual(['Retry rotation', 'Mute']); // may be tried again once fixed
  });

  it('Cancel deletion calls RestoreSecret', async () => {
    const name = uniqueName('rds-app');
    peers.kms.seed({ name, type: 'Rds', plannedDeleteTime: new Date(Date.now() + 7 * 86_400_000) });
    const alert = await postAlert(bot, peers, 'alibaba-deletion', name);
    const refused = await click(bot, peers, { user: STRANGER, actionId: ACTION.cancel, value: buttonValue(alert.blocks, ACTION.cancel), message: alert });
    expect(await answerText(peers, refused.rid)).toMatch(/Only operators may cancel deletions/);
    await click(bot, peers, { user: OPERATOR, actionId: ACTION.cancel, value: buttonValue(alert.blocks, ACTION.cancel), message: alert });
    await waitForShown(peers, alert, /succeeded/, 'alibaba restore succeeded');
    expect(peers.kms.callsOf('RestoreSecret').filter((c) => c.params.SecretName === name)).toHaveLength(1);
    expect(peers.kms.secrets.get(name)!.plannedDeleteTime).toBeUndefined();
    expect(buttonLabels(current(peers, alert).blocks)).toEqual(['Mute']);
  });
});

describe('exactly once', () => {
  it('10 concurrent clicks by 10 operators make one cloud call; the others hear it is in progress or done', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    const value = buttonValue(alert.blocks, ACTION.retry);
    const answers = await Promise.all(OPERATORS.map((user) => click(bot, peers, { user, actionId: ACTION.retry, value, message: alert })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const texts = await Promise.all(answers.map((a) => answerText(peers, a.rid)));
    expect(texts.filter((t) => /is queued/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /already in progress|already done/.test(t))).toHaveLength(9);
    await waitForShown(peers, alert, /succeeded/, 'succeeded');
    await new Promise((r) => setTimeout(r, 500));
    expect(peers.sm.callsOf('RotateSecret').filter((c) => String(c.params.SecretId).includes(name))).toHaveLength(1);
    expect(peers.sm.get(name)!.rotations).toBe(1);

    const later = await click(bot, peers, { user: OPERATORS[3]!, actionId: ACTION.retry, value, message: alert });
    expect(await answerText(peers, later.rid)).toMatch(/already done at .* \(requested by <@U0OPS\d>\)/);
  });
});

describe('cloud failures', () => {
  it('throttling, then success: retried with backoff, one effective rotation, success shown', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    // The SDK itself tries twice per job attempt; three throttles make the job retry too.
    peers.sm.failNext('RotateSecret', 3, { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    await click(bot, peers, { user: OPERATOR, actionId: ACTION.retry, value: buttonValue(alert.blocks, ACTION.retry), message: alert });
    await waitForShown(peers, alert, /succeeded/, 'succeeded after throttling', 20_000);
    const calls = peers.sm.callsOf('RotateSecret').filter((c) => String(c.params.SecretId).includes(name));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(new Set(calls.map((c) => c.params.ClientRequestToken)).size).toBe(1); // one idempotency token throughout
    expect(peers.sm.get(name)!.rotations).toBe(1);
    const thread = await peers.slack.waitFor(() => /succeeded/.test(threadText(peers, alert)) && threadText(peers, alert), 5000, 'thread note');
    expect(thread).toMatch(/throttling .* Retrying \(attempt 2 of 5\)/);
    expect(thread).toMatch(/succeeded/);
    expect(thread).not.toMatch(/failed/);
  });

  it('a permanent error fails at once and is shown with the cloud’s own code', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    peers.sm.failNext('RotateSecret', 1, {
      status: 400,
      type: 'AccessDeniedException',
      message: `User: arn:aws:sts::${'111122223333'}:assumed-role/bot is not authorized to perform: secretsmanager:RotateSecret`,
    });
    await click(bot, peers, { user: OPERATOR, actionId: ACTION.retry, value: buttonValue(alert.blocks, ACTION.retry), message: alert });
    await peers.slack.waitFor(() => /failed —/.test(visibleText(current(peers, alert).blocks)), 10_000, 'failure shown');
    const shown = visibleText(current(peers, alert).blocks);
    expect(shown).toMatch(/failed — AccessDeniedException: The bot's credentials are not allowed to rotate/);
    await peers.slack.waitFor(() => /AccessDeniedException/.test(threadText(peers, alert)), 5000, 'thread note');
    expect(peers.sm.callsOf('RotateSecret').filter((c) => String(c.params.SecretId).includes(name))).toHaveLength(1);
    expect(buttonLabels(current(peers, alert).blocks)).toEqual(['Retry rotation', 'Mute']);
    expect(await historyOf(name)).toMatch(/rotate failed .*CLOUD\.ACCESS_DENIED AccessDeniedException/);
  });

  it('answers the click within 3 s even while the cloud hangs', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    peers.sm.delayNext('RotateSecret', 1, 4000);
    const answer = await click(bot, peers, { user: OPERATOR, actionId: ACTION.retry, value: buttonValue(alert.blocks, ACTION.retry), message: alert });
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    expect(await answerText(peers, answer.rid)).toMatch(/queued/);
    await waitForShown(peers, alert, /succeeded/, 'succeeded after the slow call', 15_000);
  });
});

describe('Mute', () => {
  const openMuteDialog = async (alert: FakeSlackMessage, user: string) => {
    const opened = peers.slack.calls.filter((c) => c.method === 'views.open').length;
    const answer = await click(bot, peers, { user, actionId: ACTION.mute, value: buttonValue(alert.blocks, ACTION.mute), message: alert });
    expect(answer.status).toBe(200);
    return { answer, opened };
  };

  it('opens a dialog; its submission mutes the alert: the next matching event is not posted', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    const { answer, opened } = await openMuteDialog(alert, OPERATOR);
    const call = await peers.slack.waitFor(() => peers.slack.calls.filter((c) => c.method === 'views.open')[opened], 5000, 'views.open');
    expect(call.params.trigger_id).toBe(answer.triggerId);
    const view = call.params.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(visibleText(view.blocks)).toMatch(/1 hour[\s\S]*1 day[\s\S]*1 week[\s\S]*Until resolved/);

    const submitted = await submitView(bot, OPERATOR, {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: { mute_duration: { choice: { type: 'radio_buttons', selected_option: { value: '1h' } } }, mute_reason: { text: { type: 'plain_text_input', value: 'maintenance window' } } } },
    });
    expect(submitted.status).toBe(200);
    const ephemeral = await peers.slack.waitFor(() => peers.slack.calls.find((c) => c.method === 'chat.postEphemeral' && c.params.user === OPERATOR && String(c.params.text).includes(name)), 5000, 'mute confirmation');
    expect(String(ephemeral.params.text)).toMatch(/Muted .* until .* \(mute m[0-9a-f]{8}\)/);
    expect(threadText(peers, alert)).toMatch(/muted .* maintenance window/);

    // The same alert fails again: tracked, not posted.
    const repliesBefore = peers.slack.replies(alert).length;
    await sendEvent(bot, { path: 'aws/rotation-abandoned.json', name: 'prod/pg', endpoint: 'aws' }, name);
    await new Promise((r) => setTimeout(r, 1500));
    expect(current(peers, alert).history.length).toBe(1);
    expect(peers.slack.replies(alert).length).toBe(repliesBefore);
    const status = await answerText(peers, (await slash(bot, peers, STRANGER, 'status')).rid);
    expect(status).toMatch(/Rotation abandoned for .*muted/);
  });

  it('a stranger gets no dialog, only a refusal', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    const { answer, opened } = await openMuteDialog(alert, STRANGER);
    expect(await answerText(peers, answer.rid)).toMatch(/Only operators may mute or unmute alerts/);
    expect(peers.slack.calls.filter((c) => c.method === 'views.open')).toHaveLength(opened);
  });

  it('"until resolved" ends with the resolution, which is still shown (never left red)', async () => {
    const name = uniqueName('team/pg');
    seedAwsSecret(peers, name);
    const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
    const { opened } = await openMuteDialog(alert, OPERATOR);
    const call = await peers.slack.waitFor(() => peers.slack.calls.filter((c) => c.method === 'views.open')[opened], 5000, 'views.open');
    const view = call.params.view as { callback_id: string; private_metadata: string };
    await submitView(bot, OPERATOR, {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: { mute_duration: { choice: { type: 'radio_buttons', selected_option: { value: 'resolved' } } }, mute_reason: { text: { type: 'plain_text_input', value: null } } } },
    });
    await peers.slack.waitFor(() => /until it is resolved/.test(threadText(peers, alert)), 5000, 'mute note');

    await sendEvent(bot, 'aws-rotation-failed', name); // fails again (a new delivery): muted
    await new Promise((r) => setTimeout(r, 1000));
    expect(current(peers, alert).history.length).toBe(1); // muted

    await sendEvent(bot, { path: 'aws/rotation-succeeded.json', name: 'prod/pg', endpoint: 'aws' }, name);
    await peers.slack.waitFor(() => /Resolved/.test(current(peers, alert).text), 10_000, 'resolution shown despite the mute');

    // The mute ends right after the resolution is shown (its thread note may wait for the channel budget).
    let mutes = '';
    for (let tries = 0; tries < 20; tries++) {
      mutes = await answerText(peers, (await slash(bot, peers, STRANGER, 'mutes')).rid);
      if (!mutes.includes(name)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(mutes).not.toContain(name);
    // A new failure after the resolution is a new alert, and it is posted.
    const next = await postAlert(bot, peers, 'aws-rotation-failed', name, { now: true });
    expect(next.ts).not.toBe(alert.ts);
  });

  it('alerts are posted to the alert channel only', () => {
    expect(peers.slack.alerts().every((m) => m.channel === ALERT_CHANNEL)).toBe(true);
  });
});

describe('logs', () => {
  it('carry the audit trail and never a credential', () => {
    const out = bot.output();
    const audits = out
      .split('\n')
      .filter((l) => l.includes('"audit"'))
      .map((l) => (JSON.parse(l) as { audit: { action: string; phase: string; actor: string; cloudRequestId?: string; target?: { name: string } } }).audit);
    expect(audits).toContainEqual(expect.objectContaining({ action: 'rotate', phase: 'succeeded', actor: OPERATOR, cloudRequestId: expect.any(String), target: expect.objectContaining({ name: expect.stringMatching(/^team\/pg-/) }) }));
    expect(audits).toContainEqual(expect.objectContaining({ action: 'rotate', phase: 'refused', actor: STRANGER }));
    for (const secret of [SIGNING_SECRET, peers.slack.token, FAKE_AWS_SECRET_ACCESS_KEY, FAKE_ALIBABA_ACCESS_KEY_SECRET]) {
      expect(out).not.toContain(secret);
    }
    for (const m of peers.slack.messages) expect(JSON.stringify(m)).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
  });
});
