/**
 * `npm run demo` in a real browser: Debian's chromium, headless, driven by playwright-core. The
 * demo (dist/demo/main.js, compiled here from demo/ with tsconfig.demo.json) starts the real bot
 * against its stand-ins; the test uses the console page as a person would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { MAIN, REDIS_URL, ROOT, cleanupPrefix, uniquePrefix } from './harness';

jest.setTimeout(180_000);

const DEMO_MAIN = join(ROOT, 'dist', 'demo', 'main.js');

let demo: ChildProcess;
let output = '';
let consoleUrl: string;
let browser: Browser;
const prefix = uniquePrefix();

async function startDemo(): Promise<string> {
  demo = spawn(process.execPath, [DEMO_MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', KEY_PREFIX: prefix, REDIS_URL, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  demo.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /Console: (http\S+)/.exec(output);
    if (m) return m[1]!;
    if (demo.exitCode !== null) throw new Error(`demo exited with ${demo.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`demo did not print its console URL:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function cloudCalls(op: string, secret: string): Promise<number> {
  const r = await fetch(`${consoleUrl}console/api/cloud`);
  const calls = (await r.json()) as { aws: Array<{ op: string; secret: string; status: number }> };
  return calls.aws.filter((c) => c.op === op && c.secret === secret).length;
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  await promisify(execFile)(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.demo.json'],
    { cwd: ROOT },
  );
  [consoleUrl, browser] = await Promise.all([
    startDemo(),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((r) => demo.once('close', r));
    demo.kill('SIGTERM');
    await exited;
  }
  await cleanupPrefix(prefix);
});

async function openConsole(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const response = await page.goto(consoleUrl);
  expect(response?.status()).toBe(200);
  return page;
}

it('runs the scheduled-deletion scenario; Cancel deletion, confirmed, restores the secret once and resolves the alert', async () => {
  const secret = 'staging/reporting-api-key';
  const page = await openConsole();
  try {
    await page.getByRole('button', { name: 'Run scenario: Scheduled deletion, cancelled' }).click();
    const alert = page.locator('.msg[data-msg-key]', { hasText: `Deletion scheduled for ${secret}` }).first();
    await alert.waitFor({ timeout: 20_000 });
    const key = await alert.getAttribute('data-msg-key');
    const message = page.locator(`.msg[data-msg-key="${key}"]`);
    await expect(message.locator('.blk-header').textContent()).resolves.toContain(
      `Deletion scheduled for ${secret}`,
    );

    await message.getByRole('button', { name: 'Cancel deletion' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel deletion?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      `${secret} in account 111122223333 (eu-west-1) will be restored`,
    );
    expect(await cloudCalls('RestoreSecret', secret)).toBe(0); // nothing happens before the confirmation

    await dialog.getByRole('button', { name: 'Cancel deletion' }).click();
    await message
      .locator('.blk-header', { hasText: `Resolved: Deletion cancelled for ${secret}` })
      .waitFor({ timeout: 30_000 });
    expect(await message.getAttribute('class')).toContain('resolved'); // drawn green
    expect(await message.getByRole('button', { name: 'Cancel deletion' }).count()).toBe(0);
    expect(await message.locator('.thread').textContent()).toMatch(
      /Cancel deletion of staging\/reporting-api-key .* succeeded/,
    );
    expect(await cloudCalls('RestoreSecret', secret)).toBe(1);
    // Only the clicker hears that it was queued.
    await page.getByText(/Cancel deletion of staging\/reporting-api-key .* is queued/).waitFor();
  } finally {
    await page.close();
  }
});

it('answers /secrets status typed in the console, only to the person who asked', async () => {
  const page = await openConsole();
  try {
    await page.getByLabel('Message #secops').fill('/secrets status');
    await page.keyboard.press('Enter');
    const answer = page.locator('.msg.ephemeral', { hasText: 'Secrets status' }).last();
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('Open alerts:');
    expect(await answer.textContent()).toContain('Only visible to you');

    // Text from chat is shown as text: markup in an answer never becomes markup in the console.
    const hostile = '<img/src/onerror=window.pwned=1>';
    await page.getByLabel('Message #secops').fill(`/secrets status ${hostile}`);
    await page.keyboard.press('Enter');
    await page
      .locator('.msg-blocks', { hasText: `has not seen a secret named ${hostile}` })
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('.feed img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();

    await page.getByLabel('You are').selectOption({ label: 'Sam (not an operator)' });
    await answer.waitFor({ state: 'hidden' });
  } finally {
    await page.close();
  }
});
