import type { FakeSlackMessage } from '../fakes/fake-slack';
import { sleep } from './harness';
import {
  ALERT_CHANNEL,
  OPERATORS,
  STRANGER,
  answerText,
  cleanupPrefix,
  click,
  current,
  seedAwsSecret,
  sendEvent,
  startBot,
  startPeers,
  uniqueName,
  visibleText,
  type Peers,
} from './remediation-kit';
import type { BotProcess } from './harness';

jest.setTimeout(120_000);

const N = 30;
const BULK_RETRY = 'secrets_bulk_retry_rotation';

/**
 * The bulk action of a summary: one click on "Retry rotation (30)" retries every open member once,
 * with the same authorization as single actions, and the progress shows in the summary instead of
 * 30 messages of their own.
 */
describe('summary bulk action (real process, fake Slack and Secrets Manager)', () => {
  let peers: Peers;
  let bot: BotProcess & { prefix: string };
  let summary: FakeSlackMessage;
  const names = Array.from({ length: N }, (_, i) => uniqueName(`bulk/app${i}`));

  beforeAll(async () => {
    peers = await startPeers();
    bot = await startBot(peers);
    for (const n of names) seedAwsSecret(peers, n);
    await Promise.all(names.map((n) => sendEvent(bot, 'aws-rotation-failed', n)));
    summary = await peers.slack.waitFor(() => peers.slack.alerts(ALERT_CHANNEL).find((m) => /secrets failed rotation/.test(m.text)), 60_000, 'the summary message');
    await peers.slack.waitFor(() => (current(peers, summary).text.startsWith(`${N} secrets failed rotation`) ? true : undefined), 60_000, 'the summary with every member');
  });

  afterAll(async () => {
    await bot?.stop();
    await peers?.close();
    if (bot) await cleanupPrefix(bot.prefix);
  });

  const rotateCalls = () => peers.sm.callsOf('RotateSecret').length;
  const topLevel = () => peers.slack.alerts(ALERT_CHANNEL);

  it('refuses a non-operator: nothing is queued and no cloud call is made', async () => {
    const a = await click(bot, peers, { user: STRANGER, actionId: BULK_RETRY, value: valueOf(current(peers, summary)), message: current(peers, summary) });
    expect(a.status).toBe(200);
    expect(await answerText(peers, a.rid)).toMatch(/operator/i);
    await sleep(1000);
    expect(rotateCalls()).toBe(0);
  });

  it('retries every member once, and a second click by someone else adds no cloud call', async () => {
    // Both clicks come from the message as it was before the first one (the second person's Slack had not refreshed yet).
    const before = current(peers, summary);
    const value = valueOf(before);
    expect(value).toMatch(/^s[a-f0-9]{32}$/);
    const first = await click(bot, peers, { user: OPERATORS[1]!, actionId: BULK_RETRY, value, message: before });
    expect(await answerText(peers, first.rid, 30_000)).toContain(`${N} secrets: ${N} queued`);
    await peers.slack.waitFor(() => (rotateCalls() >= N ? true : undefined), 60_000, 'every RotateSecret call');
    const second = await click(bot, peers, { user: OPERATORS[2]!, actionId: BULK_RETRY, value, message: before });
    expect(await answerText(peers, second.rid, 30_000)).toContain(`0 queued, ${N} already in progress or done`);
    await sleep(1500);
    const rotated = peers.sm.callsOf('RotateSecret').map((c) => String(c.params.SecretId));
    expect(rotated).toHaveLength(N);
    for (const n of names) expect(rotated.filter((id) => id.includes(n))).toHaveLength(1);
  });

  it('shows the progress in the summary, not as a message per secret', async () => {
    await peers.slack.waitFor(
      () => (visibleText(current(peers, summary).blocks).includes(`${N} succeeded`) ? true : undefined),
      30_000,
      'the summary showing every retry succeeded',
    );
    expect(topLevel().length).toBeLessThanOrEqual(6);
  });
});

function valueOf(m: FakeSlackMessage): string {
  const actions = (m.blocks as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>).find((b) => b.type === 'actions');
  return actions?.elements?.find((e) => e.action_id === BULK_RETRY)?.value ?? '';
}
