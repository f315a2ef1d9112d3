import { loadConfig } from './config/load-config';
import { startBot, type RunningBot } from './app';
import { BotError } from './ops/errors';

/** Entry point: load and validate configuration, start the role(s), shut down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    // One line that names the setting; never start half-configured.
    process.stderr.write(`secrets-bot: configuration error: ${e instanceof BotError ? e.message : String(e)}\n`);
    process.exit(2);
  }
  let bot: RunningBot;
  try {
    bot = await startBot(config);
  } catch (e) {
    process.stderr.write(`secrets-bot: cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  let signals = 0;
  const onSignal = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1); // a second signal: stop waiting
    bot.logger.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      bot.logger.error('graceful shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    bot.stop().then(
      () => process.exit(0),
      (err) => {
        bot.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

void main();
