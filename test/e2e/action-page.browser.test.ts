/**
 * The confirmation page in a real browser: Debian's chromium, headless, driven by playwright-core.
 * An AWS deletion becomes a DingTalk card at the fake robot; the test opens the card's Cancel
 * deletion link as a person would, reads the page, clicks the one button, sees the result, and the
 * fake Secrets Manager received exactly one RestoreSecret.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { FakeDingTalk } from '../fakes/fake-dingtalk';
import { postJson } from './harness';
import {
  awsDeletionEvent,
  buttonLink,
  startDingTalkBot,
  waitForCard,
  waitUntil,
  type DingTalkBot,
} from './dingtalk-kit';
import {
  AWS_ACCOUNT,
  AWS_REGION,
  cleanupPrefix,
  seedAwsSecret,
  startPeers,
  uniqueName,
  type Peers,
} from './remediation-kit';

jest.setTimeout(60_000);


let peers: Peers;
let robot: FakeDingTalk;
let bot: DingTalkBot;
let browser: Browser;

beforeAll(async () => {
  peers = await startPeers();
  robot = await new FakeDingTalk().start();
  [bot, browser] = await Promise.all([
    startDingTalkBot(peers, robot),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  await robot?.stop();
  await peers?.close();
  if (bot) await cleanupPrefix(bot.prefix);
});

it('opens the Cancel deletion link from the card, confirms once, and the secret is restored', async () => {
  const name = uniqueName('team/db');
  seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 5 * 86_400_000) });
  expect((await postJson(`${bot.url}/events/aws`, awsDeletionEvent(name, 5))).status).toBe(202);
  const link = buttonLink(await waitForCard(robot, name), 'Cancel deletion');

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const tab = await context.newPage();
  const cspViolations: string[] = [];
  tab.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  try {
    const response = await tab.goto(link);
    expect(response?.status()).toBe(200);
    expect(await tab.locator('h1').textContent()).toBe('Cancel deletion?');
    const body = (await tab.locator('main').textContent()) ?? '';
    expect(body).toContain(`${name} will be restored and its scheduled deletion on`);
    expect(body).toContain(AWS_ACCOUNT);
    expect(body).toContain(AWS_REGION);
    expect(await tab.locator('button').count()).toBe(1);
    expect(peers.sm.callsOf('RestoreSecret').filter((c) => String(c.params.SecretId).includes(name))).toEqual(
      [],
    );

    await Promise.all([
      tab.waitForURL(link, { waitUntil: 'load' }),
      tab.getByRole('button', { name: 'Cancel deletion' }).click(),
    ]);
    expect(await tab.locator('main').textContent()).toMatch(/Cancel deletion of .* is queued/);
    // The page reloads itself (GET) until the job is done.
    await tab.getByText(/was done at .* \(asked by a DingTalk link holder\)/).waitFor({ timeout: 15_000 });

    await waitUntil(() => peers.sm.get(name)?.deletedDate === undefined, 5000, 'secret restored');
    expect(
      peers.sm.callsOf('RestoreSecret').filter((c) => String(c.params.SecretId).includes(name)),
    ).toHaveLength(1);
    expect(cspViolations).toEqual([]); // the page's own style is allowed by its CSP
  } finally {
    await context.close();
  }
});
