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
/**
 * The node flags the bot ships with (`npm start`, the Dockerfile's CMD; a test keeps them equal).
 * A 4 MB young generation: in the storm benchmark peak RSS fell from 250-274 MiB to 240-244 MiB
 * (2 MB: 218-227; 32 MB: 291-296), with the same throughput, latency and CPU in ingest and
 * event-to-chat. Live heap stays ~40 MB through a 10,000-event storm; the peaks are garbage.
 */
export const BOT_NODE_FLAGS = ['--max-semi-space-size=4'];

export async function startBot(
  ctx: BenchContext,
  opts: { name: string; role: 'all' | 'web' | 'worker'; keyPrefix: string; env?: Record<string, string> },
): Promise<BotUnderTest> {
  const main = process.env.BENCH_BOT_MAIN || join(ctx.root, 'dist', 'src', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: run \`npm run build\` first (npm run bench does)`);
  const port = await freePort();
  // The bot runs as it ships (BOT_NODE_FLAGS); BENCH_BOT_NODE_ARGS adds flags for experiments
  // (GC settings, profilers), later flags winning.
  const nodeArgs: string[] = [...BOT_NODE_FLAGS, ...(process.env.BENCH_BOT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
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
