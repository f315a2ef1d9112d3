import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config/schema';
import { SnsVerifier } from './events/sns/sns-verifier';
import { SlackSender } from './chat/slack/slack-sender';
import { systemClock, type Clock } from './ops/clock';
import { createLogger, type Logger } from './ops/logger';
import { createMetrics, type Metrics } from './ops/metrics';
import { createNotifyQueue, type NotifyJob } from './queue/queues';
import { OutboxRelay } from './queue/outbox-relay';
import { ReadyMover } from './queue/ready-mover';
import { EventStore } from './store/event-store';
import { IncidentStore } from './store/incident-store';
import { createKeys } from './store/keys';
import { createRedis, waitReady } from './store/redis';
// handlers/ depend on src/, never the reverse — except here: the composition root wires handlers to their deps.
// eslint-disable-next-line no-restricted-imports
import { createEventHandler } from '../handlers/http/event-routes';
// eslint-disable-next-line no-restricted-imports
import { healthRoutes } from '../handlers/http/health-routes';
// eslint-disable-next-line no-restricted-imports
import { createHttpServer } from '../handlers/http/server';
// eslint-disable-next-line no-restricted-imports
import { createNotifyWorker } from '../handlers/jobs/notify-worker';
// --- chat actions (remediation, mutes, audit): issue 3
import { createCloudProviders } from './clouds/select-provider';
import type { CommandDeps } from './remediation/command-runner';
import type { QueueCounts } from './remediation/overview';
import { createRemediateQueue, type RemediateJob } from './queue/queues';
import { AuditStore } from './store/audit-store';
import { MuteStore } from './store/mute-store';
import { RemediationClaims } from './store/remediation-claims';
import { SecretDirectory } from './store/secret-directory';
// eslint-disable-next-line no-restricted-imports
import { createRemediateWorker } from '../handlers/jobs/remediate-worker';
// eslint-disable-next-line no-restricted-imports
import { registerSlack } from '../handlers/slack';

/**
 * The composition root: the only place that constructs clients and wires them together.
 * `startBot` runs the configured role(s); `stop` shuts down gracefully (stop taking requests,
 * finish in-flight jobs, close Redis).
 */
export interface RunningBot {
  config: Config;
  logger: Logger;
  /** Bound HTTP port (web role), useful when PORT=0. */
  port?: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Notify worker concurrency. */
  concurrency?: number;
  /** Outbox relay timing (tests shorten it). */
  outbox?: { intervalMs: number; graceMs: number };
}

function secretsOf(config: Config): string[] {
  return [
    config.ingest_token,
    config.slack.bot_token,
    config.slack.signing_secret,
    config.slack.app_token,
    config.dingtalk.webhook_url,
    config.dingtalk.secret,
    config.dingtalk.app_secret,
    config.action_link_secret,
    config.admin_password,
    config.alibaba.access_key_secret,
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startBot(config: Config, opts: StartOptions = {}): Promise<RunningBot> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.log_level, secretsOf(config));
  const metrics: Metrics = createMetrics();
  const keys = createKeys(config.key_prefix);
  const redis: Redis = createRedis(config.redis_url, 'command');
  const bullConnection: Redis = createRedis(config.redis_url, 'blocking');
  redis.on('error', (err) => logger.debug({ err: { message: err.message } }, 'redis connection error'));
  bullConnection.on('error', (err) => logger.debug({ err: { message: err.message } }, 'redis (queues) connection error'));
  await waitReady(redis, 10_000).catch(() => logger.warn('Redis is not reachable yet; ingest answers 503 until it is'));

  const events = new EventStore(redis, keys, config.retention, clock);
  const incidents = new IncidentStore(redis, keys, config.retention);
  const notifyQueue: Queue<NotifyJob> = createNotifyQueue(bullConnection, config.key_prefix);
  notifyQueue.on('error', (err) => logger.debug({ err: { message: err.message } }, 'notify queue error'));

  // Chat actions: remediation jobs against the clouds, mutes, the audit trail (src/remediation/flow.ts).
  const mutes = new MuteStore(redis, keys, clock);
  const directory = new SecretDirectory(redis, keys, config.retention);
  const { access_key_id: alibabaKeyId, access_key_secret: alibabaKeySecret, kms_endpoint: kmsEndpoint } = config.alibaba;
  const clouds = createCloudProviders({
    aws: { roles: config.aws.roles }, // credentials and AWS_ENDPOINT_URL_SECRETS_MANAGER: the SDK's own chain
    ...(alibabaKeyId && alibabaKeySecret
      ? { alibaba: { credentials: { accessKeyId: alibabaKeyId, accessKeySecret: alibabaKeySecret }, ...(kmsEndpoint ? { endpoint: kmsEndpoint } : {}) } }
      : {}),
  });
  const remediateQueue: Queue<RemediateJob> = createRemediateQueue(bullConnection, config.key_prefix, config.remediation.attempts);
  remediateQueue.on('error', (err) => logger.debug({ err: { message: err.message } }, 'remediate queue error'));
  const countsOf = async (q: Queue): Promise<QueueCounts> => {
    const c = await q.getJobCounts('waiting', 'delayed', 'active', 'failed');
    return { waiting: c.waiting ?? 0, delayed: c.delayed ?? 0, active: c.active ?? 0, failed: c.failed ?? 0 };
  };
  const slackApiBase = config.slack.api_url ? config.slack.api_url.replace(/\/?$/, '/') : undefined;
  const chatActions: CommandDeps = {
    policy: { operators: config.operators, actions: config.policies },
    claims: new RemediationClaims(redis, keys, { pendingTtlMs: 3_600_000, generationTtlMs: config.audit_retention }),
    audit: new AuditStore(redis, keys, config.audit_retention, clock, logger),
    clouds,
    incidents,
    mutes,
    directory,
    queue: { add: async (job) => void (await remediateQueue.add('remediate', job, { jobId: job.jobId })) },
    ...(config.slack.bot_token
      ? {
          chat: new SlackSender(
            new WebClient(config.slack.bot_token, { slackApiUrl: slackApiBase, timeout: 10_000, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }),
          ),
        }
      : {}),
    defaultChannel: config.slack.channel,
    recentlyDoneMs: config.remediation.recently_done,
    queueHealth: async () => ({ notify: await countsOf(notifyQueue), remediate: await countsOf(remediateQueue), outboxPending: await events.pendingCount() }),
    clock,
    logger,
  };
  let remediateWorker: Worker<RemediateJob> | undefined;

  const runWeb = config.role !== 'worker';
  const runWorker = config.role !== 'web';
  let server: Server | undefined;
  let bolt: App | undefined;
  let worker: Worker<NotifyJob> | undefined;
  let relay: OutboxRelay | undefined;
  let mover: ReadyMover | undefined;
  let port: number | undefined;

  const slackEnabled = !!config.slack.bot_token;
  const slackApiUrl = config.slack.api_url ? config.slack.api_url.replace(/\/?$/, '/') : undefined;

  // Every role serves liveness, readiness and metrics; only the web role takes events and Slack requests.
  const health = healthRoutes({
    redis,
    registry: metrics.registry,
    beforeMetrics: async () => {
      const counts = await notifyQueue.getJobCounts('waiting', 'delayed', 'active', 'failed');
      for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: 'notify', state }, n);
      for (const [state, n] of Object.entries(await countsOf(remediateQueue))) metrics.queueDepth.set({ queue: 'remediate', state }, n);
      metrics.outboxPending.set(await events.pendingCount());
    },
  });
  if (!runWeb) {
    server = createHttpServer({ logger, routes: health });
    port = await listen(server, config.port, config.host);
  }

  if (runWeb) {
    let slackListener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    if (slackEnabled) {
      const clientOptions = { slackApiUrl, timeout: 10_000 };
      if (config.slack.app_token) {
        // The Socket Mode client takes its Web API options from installerOptions, not clientOptions.
        bolt = new App({
          token: config.slack.bot_token,
          appToken: config.slack.app_token,
          socketMode: true,
          clientOptions,
          installerOptions: { clientOptions },
          logger: boltLogger(logger),
        });
      } else {
        const receiver = new HTTPReceiver({ signingSecret: config.slack.signing_secret!, endpoints: '/slack/events', logger: boltLogger(logger) });
        bolt = new App({ token: config.slack.bot_token, receiver, clientOptions, logger: boltLogger(logger) });
        slackListener = (req, res) => {
          try {
            receiver.requestListener(req, res);
          } catch (err) {
            logger.error({ err }, 'slack request failed');
            if (!res.headersSent) res.writeHead(500).end();
          }
        };
      }
    }
    if (bolt) registerSlack(bolt, chatActions);
    const sns = new SnsVerifier({ trustedUrlPattern: config.sns_trusted_url_pattern });
    const eventDeps = { events, logger, metrics, sns, ingestToken: config.ingest_token, bodyLimit: config.body_limit };
    server = createHttpServer({
      logger,
      routes: [
        { method: 'POST', path: '/events/aws', handler: createEventHandler('aws', eventDeps) },
        { method: 'POST', path: '/events/alibaba', handler: createEventHandler('alibaba', eventDeps) },
        ...health,
      ],
      slack: slackListener ? { path: '/slack/events', listener: slackListener } : undefined,
    });
    port = await listen(server, config.port, config.host);
    if (bolt && config.slack.app_token) await bolt.start();
    logger.info({ port, host: config.host, slack: slackEnabled ? (config.slack.app_token ? 'socket' : 'http') : 'off' }, 'web role listening');
  }

  if (runWorker) {
    const slack = slackEnabled
      ? new SlackSender(new WebClient(config.slack.bot_token, { slackApiUrl, timeout: 10_000, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }))
      : undefined;
    const notifyDeps = { events, incidents, slack, defaultSlackChannel: config.slack.channel, mutes, directory, clock, logger, metrics };
    worker = createNotifyWorker(notifyDeps, { connection: bullConnection, prefix: config.key_prefix, concurrency: opts.concurrency ?? 32 });
    worker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'notify worker error'));
    remediateWorker = createRemediateWorker(chatActions, { connection: bullConnection, prefix: config.key_prefix, concurrency: 8 });
    remediateWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'remediate worker error'));
    relay = new OutboxRelay(events, notifyQueue, logger, metrics, opts.outbox);
    mover = new ReadyMover(events, notifyQueue, createRedis(config.redis_url, 'blocking'), logger);
    mover.start();
    relay.start();
    logger.info({ slack: slackEnabled }, 'worker role running');
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down');
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      if (bolt && config.slack.app_token) await bolt.stop().catch(() => undefined);
      await mover?.stop();
      await relay?.stop();
      await worker?.close(); // waits for in-flight jobs
      await remediateWorker?.close();
      await notifyQueue.close();
      await remediateQueue.close();
      clouds.destroy();
      await Promise.allSettled([redis.quit(), bullConnection.quit()]);
      logger.info('stopped');
    })());

  return { config, logger, port, stop };
}
