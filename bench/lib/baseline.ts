import { join } from 'node:path';
import type { BenchContext } from './types';
import { spawnNode, type NodeProcess } from './process';

export interface BareServer {
  proc: NodeProcess;
  url: string;
}

/** Starts bench/lib/bare-server in its own process (see there for the modes). */
export async function startBareServer(
  ctx: BenchContext,
  opts: { name: string; mode: 'ingest' | 'relay' | 'click-rotate'; env?: Record<string, string> },
): Promise<BareServer> {
  const script = join(__dirname, 'bare-server.js');
  const proc = spawnNode(opts.name, script, {
    BARE_MODE: opts.mode,
    PORT: '0',
    HOST: '127.0.0.1',
    ...opts.env,
  });
  try {
    const m = await proc.waitForOutput(/listening (\d+)/);
    return { proc, url: `http://127.0.0.1:${m[1]}` };
  } catch (e) {
    await proc.stop(2000);
    throw e;
  }
}

/** Starts bench/lib/bare-bolt (a minimal Bolt app that verifies and acks clicks) in its own process. */
export async function startBareBolt(opts: {
  name: string;
  env: { SLACK_SIGNING_SECRET: string; SLACK_BOT_TOKEN: string; SLACK_API_URL: string };
}): Promise<BareServer> {
  const proc = spawnNode(opts.name, join(__dirname, 'bare-bolt.js'), {
    PORT: '0',
    HOST: '127.0.0.1',
    ...opts.env,
  });
  try {
    const m = await proc.waitForOutput(/listening (\d+)/);
    return { proc, url: `http://127.0.0.1:${m[1]}` };
  } catch (e) {
    await proc.stop(2000);
    throw e;
  }
}
