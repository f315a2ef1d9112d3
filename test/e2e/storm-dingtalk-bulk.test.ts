import { FakeDingTalk } from '../fakes/fake-dingtalk';
import {
  actionPage,
  cardOf,
  formOf,
  messageText,
  postActionForm,
  startDingTalkBot,
  waitUntil,
  type Card,
  type DingTalkBot,
} from './dingtalk-kit';
import { sleep } from './harness';
import {
  cleanupPrefix,
  seedAwsSecret,
  sendEvent,
  startPeers,
  uniqueName,
  type Peers,
} from './remediation-kit';

jest.setTimeout(120_000);

const N = 30;

/**
 * The bulk button of a DingTalk summary card: a signed link to a confirmation page. Confirming it
 * retries every open member once, as the link holder (the same authorization and claims as single
 * links); the link then says what it did, and using it again adds no cloud call.
 */
describe('summary bulk link in DingTalk (real process, fake robot and Secrets Manager)', () => {
  let peers: Peers;
  let robot: FakeDingTalk;
  let bot: DingTalkBot;
  let link = '';
  const names = Array.from({ length: N }, (_, i) => uniqueName(`dtbulk/app${i}`));
  const rotateCalls = () => peers.sm.callsOf('RotateSecret').length;
  const summaryCards = () =>
    robot.messages
      .map(cardOf)
      .filter((c): c is Card => c !== undefined && /secrets failed rotation/.test(c.title));

  beforeAll(async () => {
    peers = await startPeers();
    robot = await new FakeDingTalk({ windowMs: 3000 }).start();
    // Default grouping (threshold 5): 30 failures become a summary card.
    bot = await startDingTalkBot(peers, robot, {
      slack: false,
      yaml: 'dingtalk:\n  window: 3200\n  throttle: 2s\n',
    });
    for (const n of names) seedAwsSecret(peers, n);
    await Promise.all(names.map((n) => sendEvent(bot, 'aws-rotation-failed', n)));
    const card = await waitUntil(
      () => summaryCards().find((c) => c.btns.some((b) => /^Retry rotation \(\d+\)$/.test(b.title))),
      60_000,
      'a summary card with a bulk button',
    );
    link = card.btns.find((b) => b.title.startsWith('Retry rotation'))!.actionURL;
    // Let every member join the summary before anyone clicks.
    await waitUntil(
      () => (names.every((n) => robot.messages.some((m) => messageText(m).includes(n))) ? true : undefined),
      60_000,
      'every member named in the group',
    );
  });

  afterAll(async () => {
    await bot?.stop();
    await robot?.stop();
    await peers?.close();
    if (bot) await cleanupPrefix(bot.prefix);
  });

  const fetchPage = actionPage;
  const post = (form: string) => postActionForm(link, { form });

  it('the link is a page on the bot that says how many secrets it would retry, and opening it changes nothing', async () => {
    expect(link.startsWith(`${bot.publicUrl}/actions/`)).toBe(true);
    const page = await fetchPage(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`Retry rotation for ${N} secrets?`);
    expect(page.html).toContain(`Retry rotation (${N})`);
    expect(formOf(page.html)).not.toBe('');
    await sleep(500);
    expect(rotateCalls()).toBe(0);
  });

  it('a forged form or a changed link does nothing', async () => {
    expect((await post('not-a-form-token')).status).toBe(403);
    const sig = link.slice(link.lastIndexOf('.') + 1);
    const forged = `${link.slice(0, link.lastIndexOf('.') + 1)}${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect((await fetchPage(forged)).status).toBe(403);
    await sleep(500);
    expect(rotateCalls()).toBe(0);
  });

  it('confirming retries every member once; the used link says so and adds no cloud call', async () => {
    const form = formOf((await fetchPage(link)).html);
    const done = await post(form);
    expect(done.status).toBe(200);
    expect(done.html).toContain(`${N} secrets: ${N} queued`);
    await waitUntil(() => (rotateCalls() >= N ? true : undefined), 60_000, 'every RotateSecret call');

    const again = await post(form);
    expect(again.status).toBe(409);
    expect(again.html).toContain('already used');
    const reopened = await fetchPage(link);
    expect(reopened.status).toBe(200);
    expect(reopened.html).toContain(`${N} queued`);
    expect(formOf(reopened.html)).toBe(''); // no second confirmation
    await sleep(1500);
    const rotated = peers.sm.callsOf('RotateSecret').map((c) => String(c.params.SecretId));
    expect(rotated).toHaveLength(N);
    for (const n of names) expect(rotated.filter((id) => id.includes(n))).toHaveLength(1);
  });

  it('the group hears how it went in a later summary card, not a message per secret', async () => {
    await waitUntil(
      () => (robot.messages.some((m) => messageText(m).includes(`${N} succeeded`)) ? true : undefined),
      30_000,
      'a summary card saying every retry succeeded',
    );
    expect(robot.messages.length).toBeLessThanOrEqual(12);
  });
});
