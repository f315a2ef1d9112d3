import { startDemo, type RunningDemo } from './demo';
import { SCENARIOS } from './scenarios';

/**
 * `npm run demo`. Settings (all optional): PORT (console, default 3000; 0 = any free port), HOST
 * (default 127.0.0.1), PUBLIC_URL, REDIS_URL, KEY_PREFIX (default secrets-bot-demo; its keys are
 * deleted at start and stop), LOG_LEVEL of the bot (default warn).
 */
async function main(): Promise<void> {
  const env = process.env;
  let demo: RunningDemo;
  try {
    demo = await startDemo({
      port: Number(env.PORT ?? 3000),
      host: env.HOST ?? '127.0.0.1',
      ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
      redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      keyPrefix: env.KEY_PREFIX ?? 'secrets-bot-demo',
      logLevel: env.LOG_LEVEL ?? 'warn',
      onBotOutput: (text) => process.stderr.write(text.replace(/^(?=.)/gm, '[bot] ')),
    });
  } catch (err) {
    process.stderr.write(`demo: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    [
      '',
      `secrets-bot demo is running. Console: ${demo.publicUrl}/`,
      '',
      `  Slack channel #secops and a DingTalk group, served by local stand-ins (the bot's SLACK_API_URL and DINGTALK_WEBHOOK_URL)`,
      `  AWS Secrets Manager and Alibaba KMS stand-ins with sample secrets (AWS_ENDPOINT_URL_SECRETS_MANAGER, ALIBABA_KMS_ENDPOINT)`,
      `  the real bot (dist/src/main.js, ROLE=all) behind ${demo.publicUrl}: /events/aws, /slack/events, /actions/…, /metrics`,
      '',
      `  Scenarios: ${SCENARIOS.map((s) => s.title).join(' · ')}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    process.stdout.write(`\n${signal}: stopping the bot and the stand-ins…\n`);
    // Ctrl-C reaches the bot too (same process group): let it shut down by itself first.
    demo.stop({ childSignalled: signal === 'SIGINT' }).then(
      () => {
        process.stdout.write('demo stopped.\n');
        process.exit(0);
      },
      (err: Error) => {
        process.stderr.write(`demo: error while stopping: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
