import { randomBytes } from 'node:crypto';
import { cleanupPrefix, postJson, startBotProcess, type BotProcess } from '../test/e2e/harness';
import { botEnv } from '../test/e2e/remediation-kit';
import { ActivityLog } from './activity-log';
import { CloudEventRelay, type SendEvent } from './cloud-events';
import { ConsoleServer } from './console/console-server';
import { DingTalkGroup } from './console/dingtalk-group';
import { SlackWorkspace, type DemoChannel, type DemoUser } from './console/slack-workspace';
import { seedSampleSecrets } from './sample-secrets';
import { SCENARIOS } from './scenarios';
import { startStandIns, type StandIns } from './stand-ins';

/**
 * `npm run demo`: the real built bot (`node dist/src/main.js`, ROLE=all) wired by environment
 * variables only to local stand-ins — a Slack workspace and a DingTalk group shown in the console
 * page, AWS Secrets Manager and Alibaba KMS seeded with sample secrets — plus a scenario runner.
 */

export interface DemoOptions {
  /** Port of the console (PUBLIC_URL); 0 picks a free one. */
  port: number;
  host: string;
  /** Defaults to http://localhost:<port>. */
  publicUrl?: string;
  redisUrl: string;
  /** The bot's KEY_PREFIX; its keys are deleted at start and at stop. */
  keyPrefix: string;
  logLevel: string;
  /** Bot log lines (warnings and errors at the default level) go here. */
  onBotOutput?: (text: string) => void;
}

export interface RunningDemo {
  publicUrl: string;
  botUrl: string;
  standIns: StandIns;
  /** `childSignalled`: the bot got the same Ctrl-C from the terminal; give it time to stop by itself. */
  stop(opts?: { childSignalled?: boolean }): Promise<void>;
}

export const DEMO_CHANNEL: DemoChannel = { id: 'C0SECOPS', name: 'secops' };
export const DEMO_USERS: DemoUser[] = [
  { id: 'U0DANA', name: 'dana', title: 'Dana (operator)' },
  { id: 'U0SAM', name: 'sam', title: 'Sam (not an operator)' },
];
/** Dana's DingTalk staff id (an operator there too). */
export const DEMO_DINGTALK_STAFF = { id: 'dana4711', name: 'Dana' };

const secret = (stem: string) => `${stem}-${randomBytes(16).toString('hex')}`;

export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const activity = new ActivityLog();
  const ingestToken = secret('demo-ingest');
  const signingSecret = secret('demo-signing');
  const appSecret = secret('demo-dingtalk-app');
  let botUrl = '';
  let botReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (botReady = resolve));

  const send: SendEvent = async (endpoint, event, what, sendOpts = {}) => {
    const r = await postJson(`${botUrl}/events/${endpoint}`, event, {
      authorization: `Bearer ${ingestToken}`,
    });
    const ok = r.status >= 200 && r.status < 300;
    if (!ok || !sendOpts.quiet)
      activity.add('events', `POST /events/${endpoint} ${what} → ${r.status}`, ok ? 'ok' : 'error');
  };
  const relay = new CloudEventRelay(send, activity);
  const standIns = await startStandIns({ onAwsCall: relay.onAwsCall, onKmsCall: relay.onKmsCall });
  relay.watch(standIns.sm, standIns.kms);
  seedSampleSecrets(standIns.sm, standIns.kms);

  const running = new Set<string>();
  const slack = new SlackWorkspace({
    slack: standIns.slack,
    botUrl: () => botUrl,
    signingSecret,
    channel: DEMO_CHANNEL,
    users: DEMO_USERS,
  });
  const dingtalk = new DingTalkGroup({
    robot: standIns.robot,
    botUrl: () => botUrl,
    appSecret,
    staff: DEMO_DINGTALK_STAFF,
  });
  const consoleServer = new ConsoleServer({
    slack,
    dingtalk,
    activity,
    page: {
      users: DEMO_USERS,
      channel: DEMO_CHANNEL,
      scenarios: SCENARIOS,
      dingtalkStaff: DEMO_DINGTALK_STAFF.name,
    },
    running: () => [...running],
    runScenario: async (id) => {
      const scenario = SCENARIOS.find((s) => s.id === id);
      if (!scenario) throw new Error(`no scenario ${id}`);
      running.add(id);
      try {
        await ready; // the console answers before the bot listens
        activity.add('scenario', `▶ ${scenario.title}`);
        await scenario.run({ send, sm: standIns.sm, kms: standIns.kms, log: activity });
      } finally {
        running.delete(id);
      }
    },
    cloudCalls: () => ({
      aws: standIns.sm.calls.map((c) => ({
        op: c.op,
        secret: standIns.sm.get(String(c.params.SecretId ?? ''))?.name ?? String(c.params.SecretId ?? ''),
        status: c.status,
      })),
      alibaba: standIns.kms.calls.map((c) => ({
        op: c.action,
        secret: c.params.SecretName ?? '',
        status: c.status,
      })),
    }),
  });

  let bot: BotProcess | undefined;
  try {
    const port = await consoleServer.listen(opts.port, opts.host);
    const publicUrl = (opts.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
    // A previous run's incidents point at messages this Slack stand-in never saw.
    await cleanupPrefix(opts.keyPrefix).catch((err: Error) => {
      throw new Error(
        `Redis at ${opts.redisUrl} does not answer (${err.message}); start redis-server or set REDIS_URL`,
      );
    });
    // The tests' own wiring (dummy credentials the stand-ins accept, their endpoints), with the demo's secrets.
    bot = await startBotProcess(
      botEnv(standIns, opts.keyPrefix, {
        ROLE: 'all',
        REDIS_URL: opts.redisUrl,
        LOG_LEVEL: opts.logLevel,
        PUBLIC_URL: publicUrl,
        INGEST_TOKEN: ingestToken,
        OPERATORS: [DEMO_USERS[0]!.id, DEMO_DINGTALK_STAFF.id].join(','),
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_CHANNEL: DEMO_CHANNEL.id,
        DINGTALK_WEBHOOK_URL: standIns.robot.webhookUrl,
        DINGTALK_SECRET: standIns.robot.secret,
        DINGTALK_APP_SECRET: appSecret,
        ACTION_LINK_SECRET: secret('demo-action-links'),
      }),
    );
    const started = bot;
    if (opts.onBotOutput) {
      started.child.stdout?.on('data', (d: Buffer) => opts.onBotOutput!(d.toString()));
      started.child.stderr?.on('data', (d: Buffer) => opts.onBotOutput!(d.toString()));
    }
    botUrl = started.url;
    consoleServer.proxyTo(started.url);
    botReady();
    activity.add('scenario', `bot ready at ${started.url} (console ${publicUrl}/)`, 'ok');

    let stopping: Promise<void> | undefined;
    return {
      publicUrl,
      botUrl,
      standIns,
      stop: (stopOpts = {}) =>
        (stopping ??= (async () => {
          relay.stop();
          if (stopOpts.childSignalled) {
            await Promise.race([started.exited(), new Promise((r) => setTimeout(r, 5000).unref())]);
          }
          await started.stop('SIGTERM');
          await consoleServer.close();
          await standIns.close();
          await cleanupPrefix(opts.keyPrefix);
        })()),
    };
  } catch (err) {
    relay.stop();
    await bot?.stop('SIGTERM');
    await consoleServer.close();
    await standIns.close();
    throw err;
  }
}
