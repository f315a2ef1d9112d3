/**
 * End to end: deletion reminders reach the DingTalk robot too. Two real bot processes share one
 * Redis and KEY_PREFIX (replicas), with the real dingtalk-robot-sender against the fake robot
 * (which checks every signature), the real Bolt against the fake Slack and the real AWS SDK
 * against the fake Secrets Manager. The deletion is an hour away and REMINDERS is `59m57s`, so
 * the one (final) reminder comes due three seconds after the event.
 */
import { verifyActionLinkToken } from '../../src/remediation/action-link';
import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { postJson, sleep } from './harness';
import {
  ACTION_LINK_SECRET,
  awsDeletionEvent,
  buttonLink,
  actionPage,
  cardOf,
  formOf,
  messagesAbout,
  postActionForm,
  startDingTalkBot,
  waitUntil,
  type Card,
  type DingTalkBot,
} from './dingtalk-kit';
import {
  cleanupPrefix,
  seedAwsSecret,
  startPeers,
  uniqueName,
  uniquePrefix,
  type Peers,
} from './remediation-kit';

jest.setTimeout(60_000);

let peers: Peers;
let robot: FakeDingTalk;
let bots: DingTalkBot[] = [];

beforeAll(async () => {
  peers = await startPeers();
  robot = await new FakeDingTalk({ windowMs: 3000, throttleMs: 2000 }).start();
  const prefix = uniquePrefix();
  const env = { REMINDERS: '59m57s' };
  bots = await Promise.all([
    startDingTalkBot(peers, robot, { prefix, env }),
    startDingTalkBot(peers, robot, { prefix, env }),
  ]);
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  await robot?.stop();
  await peers?.close();
  if (bots[0]) await cleanupPrefix(bots[0].prefix);
});

const cardsAbout = (name: string): Card[] =>
  messagesAbout(robot, name)
    .map(cardOf)
    .filter((c): c is Card => c !== undefined);
const reminderCards = (name: string) => cardsAbout(name).filter((c) => /\*\*Reminder:\*\*/.test(c.text));
const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);

it('a deletion reminder is one more DingTalk card, once across two replicas, after the alert card, whose Cancel deletion link works', async () => {
  const name = uniqueName('rem/dt');
  seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 3_600_000) });
  const event = awsDeletionEvent(name, 1 / 24);
  expect((await postJson(`${bots[0]!.url}/events/aws`, event)).status).toBe(202);

  const reminder = await waitUntil(() => reminderCards(name)[0], 15_000, 'the reminder card in DingTalk');
  // The alert card came first; the reminder follows it, as its own card with the deletion date.
  const cards = cardsAbout(name);
  expect(cards.length).toBeGreaterThanOrEqual(2);
  expect(cards[0]!.text).not.toMatch(/\*\*Reminder:\*\*/);
  expect(cards[1]).toEqual(reminder);
  expect(reminder.title).toContain(`Deletion scheduled for ${name}`);
  expect(reminder.text).toMatch(/\*\*Permanent deletion:\*\*/);
  expect(reminder.btns.map((b) => b.title)).toEqual(['Cancel deletion', 'Mute']);

  // The link is signed by the bot, for this secret, and opens the confirmation page.
  const link = buttonLink(reminder, 'Cancel deletion');
  expect(
    link.startsWith(`${bots[1]!.publicUrl}/actions/`) || link.startsWith(`${bots[0]!.publicUrl}/actions/`),
  ).toBe(true);
  const v = verifyActionLinkToken(tokenOf(link), ACTION_LINK_SECRET, Date.now());
  if (!v.ok) throw new Error(`reminder link does not verify: ${v.reason}`);
  expect(v.claims.action).toBe('cancelDeletion');
  expect(v.claims.ref.secretName).toBe(name);

  // Once: neither replica sends it again (the Slack side got its own reminder meanwhile).
  await sleep(2500);
  expect(reminderCards(name)).toHaveLength(1);
  expect(robot.requests.every((r) => r.signatureValid)).toBe(true);

  const shown = await actionPage(link);
  expect(shown.status).toBe(200);
  expect(shown.html).toContain(name);
  const done = await postActionForm(link, { form: formOf(shown.html) });
  expect(done.status).toBe(200);
  expect(done.html).toMatch(/is queued/);
  await waitUntil(
    () => peers.sm.callsOf('RestoreSecret').some((c) => String(c.params.SecretId).includes(name)),
    10_000,
    'RestoreSecret from the reminder link',
  );
  await sleep(500);
  expect(
    peers.sm.callsOf('RestoreSecret').filter((c) => String(c.params.SecretId).includes(name)),
  ).toHaveLength(1);
});
