/**
 * End to end: deletion reminders and reconciliation with two real bot processes sharing one Redis
 * and KEY_PREFIX, the real Bolt/@slack/web-api against the fake Slack, and the real AWS SDK
 * against the fake Secrets Manager (AWS_ENDPOINT_URL_SECRETS_MANAGER). Short REMINDERS and
 * RECONCILE_INTERVAL keep it to seconds.
 */
import type { BotProcess } from './harness';
import type { FakeSlackMessage } from '../fakes/fake-slack';
import {
  ALERT_CHANNEL,
  AWS_ACCOUNT,
  AWS_REGION,
  OPERATOR,
  answerText,
  awsArn,
  buttonLabels,
  cleanupPrefix,
  current,
  fixtureFor,
  seedAwsSecret,
  slash,
  startBot,
  startPeers,
  uniqueName,
  uniquePrefix,
  visibleText,
  writeConfigFile,
  type Peers,
} from './remediation-kit';
import { postJson } from './harness';

jest.setTimeout(60_000);

let peers: Peers;
let bots: Array<BotProcess & { prefix: string }> = [];

beforeAll(async () => {
  peers = await startPeers();
  const prefix = uniquePrefix();
  const env = {
    REMINDERS: '3s,1s',
    RECONCILE_INTERVAL: '1s',
    CONFIG_FILE: writeConfigFile(`aws:\n  regions: ["${AWS_ACCOUNT}:${AWS_REGION}"]\n`),
  };
  bots = await Promise.all([startBot(peers, prefix, env), startBot(peers, prefix, env)]);
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  await peers?.close();
  if (bots[0]) await cleanupPrefix(bots[0].prefix);
});

const alertsAbout = (name: string) => peers.slack.alerts(ALERT_CHANNEL).filter((m) => m.text.includes(name));
const notes = (parent: FakeSlackMessage, re: RegExp) =>
  peers.slack.replies(parent).filter((m) => re.test(m.text));

/** A DeleteSecret event (CloudTrail via EventBridge) whose recovery window ends `inMs` from now. */
async function scheduleDeletion(
  bot: BotProcess,
  name: string,
  inMs: number,
): Promise<{ deletionDate: number; alert: FakeSlackMessage }> {
  const deletionDate = Math.ceil((Date.now() + inMs) / 1000) * 1000;
  const event = fixtureFor<Record<string, unknown>>('aws/delete-secret-arn.json', 'prod/pg', name);
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  event.time = at;
  const detail = event.detail as { eventTime: string; responseElements: Record<string, unknown> };
  detail.eventTime = at;
  detail.responseElements.deletionDate = new Date(deletionDate).toISOString();
  const r = await postJson(`${bot.url}/events/aws`, event);
  expect(r.status).toBeLessThan(300);
  const alert = await peers.slack.waitFor(() => alertsAbout(name)[0], 5000, `alert for ${name}`);
  return { deletionDate, alert };
}

it('each reminder fires once with two bot processes: updated in place first, the final one posted anew', async () => {
  const name = uniqueName('rem/pg');
  const { deletionDate, alert } = await scheduleDeletion(bots[0]!, name, 6000);

  // 3 s before: the alert is rewritten ("Reminder") and a note goes into its thread.
  const reminder = await peers.slack.waitFor(
    () => notes(alert, /^Reminder: permanent deletion/)[0],
    6000,
    'the first reminder',
  );
  expect(Date.now()).toBeGreaterThanOrEqual(deletionDate - 3000 - 50);
  expect(reminder.text).toMatch(/\(in less than a minute\)$/);
  expect(visibleText(current(peers, alert).blocks)).toMatch(
    /\*Reminder\*: the deletion date is getting close/,
  );

  // 1 s before: posted anew in the channel, with Cancel deletion; the old message keeps no buttons.
  const final = await peers.slack.waitFor(() => alertsAbout(name)[1], 6000, 'the final reminder');
  expect(buttonLabels(final.blocks)).toEqual(['Cancel deletion', 'Mute']);
  expect(visibleText(final.blocks)).toMatch(/\*Reminder\*: the deletion date is getting close/);
  await peers.slack.waitFor(
    () => buttonLabels(current(peers, alert).blocks).length === 0,
    3000,
    'the old alert without buttons',
  );

  // Past the deletion date: nothing else, from either process.
  await new Promise((r) => setTimeout(r, Math.max(0, deletionDate - Date.now()) + 1500));
  expect(alertsAbout(name)).toHaveLength(2);
  expect(notes(alert, /^Reminder:/)).toHaveLength(2); // the first reminder, and the final one's note in the old thread
  // Reconciliation (every second here) finds the secret gone after its deletion date and resolves
  // the incident: one "Permanently deleted" note, whichever of the two processes ran the pass.
  await peers.slack.waitFor(() => peers.slack.replies(final).length > 0 || undefined, 8000, 'the permanent deletion');
  await new Promise((r) => setTimeout(r, 1500));
  expect(peers.slack.replies(final).map((m) => m.text)).toEqual([expect.stringMatching(/^Permanently deleted/)]);
  const edits = peers.slack.calls.filter(
    (c) => c.method === 'chat.update' && c.params.ts === alert.ts && c.status === 200,
  );
  expect(edits).toHaveLength(2); // the first reminder, then the buttons moved to the final one
});

it('a mute holds the reminders before the final one, never the final one', async () => {
  const name = uniqueName('rem/muted');
  const { deletionDate, alert } = await scheduleDeletion(bots[1]!, name, 6000);
  const muted = await slash(bots[0]!, peers, OPERATOR, `mute ${name} 1h`);
  expect(await answerText(peers, muted.rid)).toMatch(/Muted/);
  expect(Date.now()).toBeLessThan(deletionDate - 3000); // muted before the first reminder was due

  const final = await peers.slack.waitFor(
    () => alertsAbout(name)[1],
    8000,
    'the final reminder, through the mute',
  );
  expect(Date.now()).toBeGreaterThanOrEqual(deletionDate - 1000 - 50);
  expect(buttonLabels(final.blocks)).toContain('Cancel deletion');
  await new Promise((r) => setTimeout(r, Math.max(0, deletionDate - Date.now()) + 1000));
  expect(alertsAbout(name)).toHaveLength(2);
  // The 3 s reminder was held: no update of the alert before the final one, one reminder note (the final one's).
  expect(notes(alert, /^Reminder:/)).toHaveLength(1);
  expect(
    current(peers, alert).history.filter((h) => /\*Reminder\*/.test(visibleText(h.blocks))),
  ).toHaveLength(1);
});

it('reconciliation finds a deletion and an overdue rotation that no event announced, once each', async () => {
  const forgotten = uniqueName('rec/forgotten');
  const overdue = uniqueName('rec/overdue');
  peers.sm.seed({
    name: forgotten,
    arn: awsArn(forgotten),
    deletedDate: new Date(Date.now() + 7 * 86_400_000),
  });
  seedAwsSecret(peers, overdue, {
    nextRotationDate: new Date(Date.now() - 2 * 86_400_000),
    lastRotatedDate: new Date(Date.now() - 32 * 86_400_000),
  });

  const deletion = await peers.slack.waitFor(
    () => alertsAbout(forgotten)[0],
    8000,
    'the deletion found by reconciliation',
  );
  const text = visibleText(deletion.blocks);
  expect(deletion.text).toMatch(
    new RegExp(
      `^Deletion scheduled for ${forgotten.replace('/', '\\/')} .*permanent deletion in 6 days 23 hours`,
    ),
  );
  expect(text).toMatch(
    /found by reconciliation: no event arrived · via Secrets Manager reconciliation `ListSecrets`/,
  );
  expect(buttonLabels(deletion.blocks)).toEqual(['Cancel deletion', 'Mute']);

  const rotation = await peers.slack.waitFor(() => alertsAbout(overdue)[0], 8000, 'the overdue rotation');
  expect(rotation.text).toMatch(/^Rotation overdue for /);
  expect(visibleText(rotation.blocks)).toMatch(
    /Rotation was due by .* and has not happened \(last rotated .*\)/,
  );
  expect(buttonLabels(rotation.blocks)).toEqual(['Retry rotation', 'Mute']);

  // More passes (1 s apart, two replicas) find the same things: no second alert, no thread noise.
  await new Promise((r) => setTimeout(r, 2500));
  expect(alertsAbout(forgotten)).toHaveLength(1);
  expect(alertsAbout(overdue)).toHaveLength(1);
  expect(peers.slack.replies(deletion)).toHaveLength(0);
  expect(peers.sm.callsOf('ListSecrets').every((c) => c.params.IncludePlannedDeletion === true)).toBe(true);
});
