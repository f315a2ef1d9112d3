import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './types';
import { freePort, spawnNode, waitForHttp, type NodeProcess } from './process';

export const INGEST_TOKEN = 'bench-ingest-token-0123456789abcdef';

export interface BotUnderTest {
  proc: NodeProcess;
  url: string;
  keyPrefix: string;
}

/**
 * Starts the real built bot (`node dist/src/main.js`) with the given role and a KEY_PREFIX of its
 * own, and waits for /healthz. `env` adds or overrides variables (Slack settings, …).
 * BENCH_BOT_MAIN=<path to another build's main.js> measures that build instead (A/B experiments).
 */
export async function startBot(
  ctx: BenchContext,
  opts: { name: string; role: 'all' | 'web' | 'worker'; keyPrefix: string; env?: Record<string, string> },
): Promise<BotUnderTest> {
  const main = process.env.BENCH_BOT_MAIN || join(ctx.root, 'dist', 'src', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: run \`npm run build\` first (npm run bench does)`);
  const port = await freePort();
  // BENCH_BOT_NODE_ARGS: extra node flags for the bot under test (experiments: GC settings, profilers).
  const nodeArgs: string[] = (process.env.BENCH_BOT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  if (ctx.settings.cpuProfile) {
    const dir = join(ctx.outDir, 'prof');
    mkdirSync(dir, { recursive: true });
    nodeArgs.push(
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${opts.name}-${ctx.runId}.cpuprofile`,
    );
  }
  const proc = spawnNode(
    opts.name,
    main,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: ctx.redisUrl,
      KEY_PREFIX: opts.keyPrefix,
      INGEST_TOKEN,
      LOG_LEVEL: 'warn',
      ROLE: opts.role,
      RECONCILE_INTERVAL: '0',
      // Every load comes from 127.0.0.1: the per-source limit stays on (its cost is measured) but far above the load.
      INGEST_RATE_LIMIT: '1000000/s',
      ...opts.env,
    },
    nodeArgs,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(proc, `${url}/healthz`);
  } catch (e) {
    await proc.stop(2000);
    throw e;
  }
  return { proc, url, keyPrefix: opts.keyPrefix };
}
