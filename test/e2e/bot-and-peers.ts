import type { BotProcess } from './harness';
import { cleanupPrefix, startBot, startPeers, type Peers } from './remediation-kit';

/* Jest hooks live here, not in remediation-kit.ts, which the demo also compiles (without jest). */

/**
 * Starts the fake peers and one bot (with `extra` env) before the file's tests and stops both after
 * them, cleaning the bot's keys; `set` receives them once started.
 */
export function useBotAndPeers(set: (peers: Peers, bot: BotProcess & { prefix: string }) => void, extra: Record<string, string> = {}): void {
  let peers: Peers | undefined;
  let bot: (BotProcess & { prefix: string }) | undefined;
  beforeAll(async () => {
    peers = await startPeers();
    bot = await startBot(peers, undefined, extra);
    set(peers, bot);
  });
  afterAll(async () => {
    await bot?.stop();
    await peers?.close();
    if (bot) await cleanupPrefix(bot.prefix);
  });
}
