import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { messageText, startDingTalkBot, type DingTalkBot } from './dingtalk-kit';
import { cleanupPrefix, sendEvent, startPeers, uniqueName, type Peers } from './remediation-kit';

jest.setTimeout(120_000);

const STORM = 300;
/** The fake robot's "minute" (it throttles the 21st message within it, like DingTalk's 20 a minute). */
const WINDOW_MS = 3000;

/**
 * A storm in DingTalk, with the default grouping: robot messages cannot be edited, so the summary is
 * one card listing the members and the robot's 20-a-minute budget is never the bottleneck.
 */
describe('alert storm in DingTalk (real process, fake robot throttling like DingTalk)', () => {
  let peers: Peers;
  let robot: FakeDingTalk;
  let bot: DingTalkBot;
  const names = Array.from({ length: STORM }, (_, i) => uniqueName(`dt/app${i}`));
  const allText = () => robot.messages.map(messageText).join('\n');

  beforeAll(async () => {
    peers = await startPeers();
    robot = await new FakeDingTalk({ windowMs: WINDOW_MS, throttleMs: 2000 }).start();
    // Default grouping and budgets; only the budget window and the throttle pause are short (YAML).
    bot = await startDingTalkBot(peers, robot, { slack: false, yaml: 'dingtalk:\n  window: 3200\n  throttle: 2s\n' });
    robot.throttledUntil = Date.now() + 2500; // the robot is throttled when the storm starts: 130101
    for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((n) => sendEvent(bot, 'aws-rotation-failed', n)));
    for (let waited = 0; waited < 90_000 && !names.every((n) => allText().includes(n)); waited += 500) await new Promise((r) => setTimeout(r, 500));
  });

  afterAll(async () => {
    await bot?.stop();
    await robot?.stop();
    await peers?.close();
    if (bot) await cleanupPrefix(bot.prefix);
  });

  it('names every one of the 300 secrets in the group', () => {
    const text = allText();
    expect(names.filter((n) => !text.includes(n))).toEqual([]);
  });

  it('sends a handful of robot messages: the first alerts alone, then one summary card', () => {
    expect(robot.messages.length).toBeLessThanOrEqual(8);
    expect(robot.messages.filter((m) => /secrets failed rotation/.test(messageText(m))).length).toBeGreaterThanOrEqual(1);
  });

  it('honours 130101: refused while throttled, then delivered, and never more than 20 in a window', () => {
    expect(robot.requests.some((r) => r.errcode === 130101)).toBe(true);
    const times = robot.messages.map((m) => m.at).sort((a, b) => a - b);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + WINDOW_MS).length).toBeLessThanOrEqual(20);
  });
});
