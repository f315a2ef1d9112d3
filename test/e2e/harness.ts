import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { loadFixtureText } from '../fixtures';

/** The repository root, also from code compiled into dist/ (the demo runs dist/test/e2e/harness.js). */
export const ROOT = ((up) => (basename(up) === 'dist' ? dirname(up) : up))(join(__dirname, '..', '..'));
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const INGEST_TOKEN = 'test-ingest-token-0123456789';
export const SIGNING_SECRET = 'test-signing-secret-abcdef';

/** A unique key prefix per test, so tests share one Redis without touching each other's keys. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export interface BotProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote (stdout + stderr), for leak checks and debugging. */
  output(): string;
  /** Sends a signal and waits for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Waits for the process to exit by itself; returns the exit code. */
  exited(): Promise<number | null>;
}

/** Starts the real built bot (`dist/src/main.js`) and waits until /healthz answers. */
export async function startBotProcess(
  env: Record<string, string>,
  opts: { waitHealthy?: boolean } = {},
): Promise<BotProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL,
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const proc: BotProcess = {
    url,
    port: Number(port),
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited: () => exited,
  };
  if (opts.waitHealthy !== false) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}:\n${out}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`bot did not become healthy:\n${out}`);
      }
      await sleep(50);
    }
  }
  return proc;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${INGEST_TOKEN}` },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: r.status, body: parsed };
}

/** Deletes every key under a test's prefix (never FLUSHALL a shared Redis). */
/** Every key matching `pattern` (SCAN, so a big keyspace is walked in steps). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

export async function cleanupPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await scanKeys(redis, `${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  } finally {
    redis.disconnect();
  }
}

/** Clones a JSON fixture and gives it a fresh event id, so each test's events are new to the dedup store. */
export function withFreshId<T>(fixture: T, id = randomBytes(8).toString('hex')): T {
  const copy = JSON.parse(JSON.stringify(fixture)) as Record<string, unknown>;
  if ('id' in copy) copy.id = `${String(copy.id)}-${id}`;
  const content = copy.content as Record<string, unknown> | undefined;
  if (content && 'eventId' in content) content.eventId = `${String(content.eventId)}-${id}`;
  return copy as T;
}

/** A RotationFailed EventBridge event for `secret`, with a fresh event id. */
export function rotationFailedEvent(secret: string): Record<string, unknown> {
  return withFreshId(
    JSON.parse(loadFixtureText('aws/rotation-failed.json').replace(/prod\/pg/g, secret)) as Record<
      string,
      unknown
    >,
  );
}

/** The environment of a bot that posts to `channel` on the given fake Slack. */
export function slackBotEnv(
  slack: { token: string; apiUrl: string },
  prefix: string,
  channel: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    KEY_PREFIX: prefix,
    INGEST_TOKEN,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL: channel,
    SLACK_API_URL: slack.apiUrl,
    ...extra,
  };
}

/** Writes a YAML config file for CONFIG_FILE. */
export function writeConfigFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-bot-'));
  const file = join(dir, 'config.yml');
  writeFileSync(file, yaml);
  return file;
}

/**
 * YAML for tests that count one message per event to prove delivery (none lost, none doubled):
 * grouping off, so every alert gets a message of its own, and the bot's own per-channel Slack
 * budget off, so a burst of alerts is not spread over a minute. Both have their own tests
 * (storm*.test.ts); Slack's and DingTalk's own limits (429, 130101) are still honoured.
 */
export const ONE_MESSAGE_PER_ALERT_YAML = 'route:\n  group_threshold: 0\nslack:\n  channel_rate: 0\n';

/** The environment for such a test: CONFIG_FILE with ONE_MESSAGE_PER_ALERT_YAML. */
export function oneMessagePerAlert(): Record<string, string> {
  return { CONFIG_FILE: writeConfigFile(ONE_MESSAGE_PER_ALERT_YAML) };
}
