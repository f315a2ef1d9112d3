import { FakeSlack, type FakeSlackMessage } from '../fakes/fake-slack';
import { cleanupPrefix, postJson, rotationFailedEvent, slackBotEnv, sleep, startBotProcess, uniquePrefix, INGEST_TOKEN, type BotProcess } from './harness';

jest.setTimeout(150_000);

const CHANNEL = 'CSTORM';
const STORM = 300;
/** The default route: more than 5 new alerts of one group within 10 s become one summary. */
const THRESHOLD = 5;

const visible = (m: FakeSlackMessage) => `${m.text}\n${JSON.stringify(m.blocks)}`;

/**
 * A storm of rotation failures (one account, region and kind: one group) against the real bot, with
 * the fake Slack enforcing about one message per second per channel like the real one.
 */
describe('alert storm: grouping and the per-channel budget (real process, fake Slack at 1 msg/s)', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  const prefix = uniquePrefix();
  const names = Array.from({ length: STORM }, (_, i) => `storm/app-${String(i).padStart(3, '0')}`);

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    // Slack: about 1 message per second per channel; the fake allows no burst at all, like the bot's own budget.
    slack.limitPerChannel({ perSecond: 1, burst: 1 });
    bot = await startBotProcess(slackBotEnv(slack, prefix, CHANNEL));
    for (let i = 0; i < names.length; i += 25) {
      const batch = names.slice(i, i + 25);
      const answers = await Promise.all(batch.map((n) => postJson(`${bot.url}/events/aws`, rotationFailedEvent(n), { authorization: `Bearer ${INGEST_TOKEN}` })));
      for (const a of answers) expect(a.status).toBe(202);
    }
    // Wait until every secret is named in the channel (own message, summary or its thread).
    for (let waited = 0; waited < 120_000; waited += 500) {
      const text = slack.messages.filter((m) => m.channel === CHANNEL).map(visible).join('\n');
      if (names.every((n) => text.includes(n)) && /300 secrets failed rotation/.test(text)) break;
      await sleep(500);
    }
  });

  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await cleanupPrefix(prefix);
  });

  const inChannel = () => slack.messages.filter((m) => m.channel === CHANNEL);
  const topLevel = () => inChannel().filter((m) => m.thread_ts === undefined);

  it('names every one of the 300 secrets in the channel', () => {
    const text = inChannel().map(visible).join('\n');
    expect(names.filter((n) => !text.includes(n))).toEqual([]);
  });

  it('posts a handful of top-level messages: the first alerts alone, then one summary', () => {
    const top = topLevel();
    const summaries = top.filter((m) => /secrets failed rotation/.test(m.text));
    expect(summaries).toHaveLength(1);
    expect(top.length).toBeLessThanOrEqual(THRESHOLD + 1);
  });

  it('updates the summary in place to the final count and lists the members in its thread', () => {
    const summary = topLevel().find((m) => /secrets failed rotation/.test(m.text))!;
    expect(summary.text).toMatch(/^300 secrets failed rotation/);
    expect(visible(summary)).toContain('Retry rotation (300)');
    const pages = inChannel().filter((m) => m.thread_ts === summary.ts);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(3);
    const listed = pages.map(visible).join('\n');
    expect(names.filter((n) => !listed.includes(`\`${n}\``))).toEqual([]);
  });

  it('never makes Slack say 429: the shared budget holds messages back instead', () => {
    const limited = slack.calls.filter((c) => c.status === 429);
    expect(limited).toEqual([]);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').length).toBeGreaterThan(0);
  });
});
