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
import { SourceRateLimiter } from './ops/rate-limit';
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
import { createEventHandler, limitBySource } from '../handlers/http/event-routes';
// eslint-disable-next-line no-restricted-imports
import { healthRoutes } from '../handlers/http/health-routes';
// eslint-disable-next-line no-restricted-imports
import { createHttpServer, type Route } from '../handlers/http/server';
// eslint-disable-next-line no-restricted-imports
import { createSlackReplayGuard } from '../handlers/slack/replay-guard';
// eslint-disable-next-line no-restricted-imports
import { createSlackBodyGuard } from '../handlers/slack/body-guard';
// eslint-disable-next-line no-restricted-imports
import { answerClick } from '../handlers/slack/actions/remediation-click';
import { ClickIntake } from './remediation/click-intake';
import { RemediationInbox } from './store/remediation-inbox';
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
// --- reminders, repeats, reconciliation: issue 4
import { FollowUps } from './alerting/follow-up';
import { compileRoutes } from './alerting/route';
import { MuteExpiry } from './alerting/mute-expiry';
import { createMuteExpiryQueue, muteExpiryQueueAdapter } from './alerting/mute-expiry-queue';
// eslint-disable-next-line no-restricted-imports
import { createMuteExpiryWorker } from '../handlers/jobs/mute-expiry-worker';
import type { ReconcileScope } from './alerting/reconcile';
import { createReconcileQueue, createRemindQueue, remindQueueAdapter, scheduleReconciliation } from './queue/queues';
// --- operations (metrics, queue dashboard): issue 7
import { collectQueueDepth, observeJobLatency } from './queue/queue-metrics';
import { QUEUES } from './queue/queues';
import { FollowUpStore } from './store/follow-up-store';
// eslint-disable-next-line no-restricted-imports
import { createReconcileWorker } from '../handlers/jobs/reconcile-worker';
// eslint-disable-next-line no-restricted-imports
import { createRemindWorker } from '../handlers/jobs/remind-worker';
// --- DingTalk: robot delivery, action pages, robot commands: issue 5
import type { DingTalkOutbox, GroupStage } from './alerting/pipeline';
import { DingTalkBudget } from './chat/dingtalk/dingtalk-budget';
import { DingTalkSender, robotIdOf } from './chat/dingtalk/dingtalk-sender';
import { createSessionReplier } from './chat/dingtalk/session-reply';
import { QueuedDingTalkOutbox } from './queue/dingtalk-outbox';
import { createDeliverDingTalkQueue, type DeliverDingTalkJob, type DingTalkDelivery } from './queue/queues';
import { createSummaryQueue, summaryScheduler } from './queue/summary-queue';
import { repeatSummary } from './alerting/summaries';
import { GroupStore } from './store/group-store';
import { SlackChannelBudget } from './chat/slack/slack-channel-budget';
import { renderDingTalkSummary } from './chat/dingtalk/render-dingtalk-summary';
// eslint-disable-next-line no-restricted-imports -- composition root wires the summary worker
import { createSummaryWorker } from '../handlers/jobs/summary-worker';
import { deriveFormKey } from './remediation/action-form';
import { actionLinkExpiry, actionLinksFor, bulkLinksFor, deriveActionLinkKey } from './remediation/action-link';
import { ActionLinkStore } from './store/action-link-store';
import { DingTalkCallbackLog } from './store/dingtalk-callback-log';
// eslint-disable-next-line no-restricted-imports
import { dingTalkEventRoutes } from '../handlers/dingtalk/events';
// eslint-disable-next-line no-restricted-imports
import { actionPageRoutes } from '../handlers/http/action-pages';
// eslint-disable-next-line no-restricted-imports
import { createDeliverDingTalkWorker } from '../handlers/jobs/deliver-dingtalk-worker';

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
  // Grouping (issue 4): groups and their summary messages; the summary ids also back the bulk buttons.
  const groupStore = new GroupStore(redis, keys, config.retention);
  // Slack's ~1 message/s per channel, kept by every process together (slack.channel_rate; 0: off).
  const slackBudget =
    config.slack.channel_rate > 0 ? new SlackChannelBudget(redis, keys.slackChannelBudget, { perSecond: config.slack.channel_rate, burst: config.slack.channel_burst }) : undefined;
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
            { locale: config.locale, ...(slackBudget ? { budget: slackBudget } : {}) },
          ),
        }
      : {}),
    summaries: groupStore,
    // Progress of a summary's members (bulk actions) refreshes the summary within ~2 s.
    summaryRefresh: (summaryId: string) => refreshSummary(summaryId),
    defaultChannel: config.slack.channel,
    locale: config.locale, // LOCALE: replies, refusals and notes from chat actions
    recentlyDoneMs: config.remediation.recently_done,
    queueHealth: async () => ({ notify: await countsOf(notifyQueue), remediate: await countsOf(remediateQueue), outboxPending: await events.pendingCount() }),
    clock,
    logger,
  };
  let remediateWorker: Worker<RemediateJob> | undefined;
  let stopFollowUps: (() => Promise<void>) | undefined;

  // DingTalk (issue 5): one robot and its own queue (deliver-dingtalk), so DingTalk's 20 messages a
  // minute never hold Slack up; requests from DingTalk (links, robot commands) hear their outcome there.
  const dingtalkRobot = config.dingtalk.webhook_url ? robotIdOf(config.dingtalk.webhook_url) : undefined;
  // Routing (issue 4): the `route` tree, validated at start-up by the config schema.
  const routes = compileRoutes(config.route, { defaultSlackChannel: config.slack.bot_token ? config.slack.channel : undefined, dingtalkRobot, repeatInterval: config.repeat_interval });
  // Mute expiry notices (issue 4): a timed mute's end is announced once, by a delayed job planned when it is made.
  const muteExpiryQueue = createMuteExpiryQueue(bullConnection, config.key_prefix);
  muteExpiryQueue.on('error', (err) => logger.debug({ err: { message: err.message } }, 'mute-expiry queue error'));
  const linkKey = config.action_link_secret ? deriveActionLinkKey(config.action_link_secret) : undefined;
  const deliverQueue: Queue<DeliverDingTalkJob> | undefined = dingtalkRobot ? createDeliverDingTalkQueue(bullConnection, config.key_prefix) : undefined;
  deliverQueue?.on('error', (err) => logger.debug({ err: { message: err.message } }, 'deliver-dingtalk queue error'));
  // Every role has every queue: workers add to remind and reconcile; /metrics and the dashboard show them all.
  const remindQueue = createRemindQueue(bullConnection, config.key_prefix);
  remindQueue.on('error', (err) => logger.debug({ err: { message: err.message } }, 'remind queue error'));
  const reconcileQueue = createReconcileQueue(bullConnection, config.key_prefix);
  reconcileQueue.on('error', (err) => logger.debug({ err: { message: err.message } }, 'reconcile queue error'));
  const summaryQueue = createSummaryQueue(bullConnection, config.key_prefix);
  const summaryFlushes = summaryScheduler(summaryQueue);
  /** Flushes a running summary again at the end of its interval: after a member's later event or a repeat. */
  const flushSummaryAfter = (summaryId: string, groupInterval: number) =>
    summaryFlushes.schedule(summaryId, clock.now(), { started: false, groupWait: 0, groupInterval });
  const refreshSummary = (summaryId: string) => flushSummaryAfter(summaryId, 2000);
  summaryQueue.on('error', (err) => logger.debug({ err: { message: err.message } }, 'summary queue error'));
  const allQueues: Queue[] = [notifyQueue, remediateQueue, remindQueue, reconcileQueue, summaryQueue, muteExpiryQueue, ...(deliverQueue ? [deliverQueue] : [])];
  const dingtalkOutbox: DingTalkOutbox | undefined =
    dingtalkRobot && deliverQueue ? new QueuedDingTalkOutbox(dingtalkRobot, deliverQueue, redis, keys, config.retention) : undefined;
  if (dingtalkOutbox) chatActions.dingtalk = { outbox: dingtalkOutbox, locale: config.locale };
  const muteExpiry = new MuteExpiry({
    mutes,
    incidents,
    queue: muteExpiryQueueAdapter(muteExpiryQueue),
    chat: chatActions.chat,
    defaultChannels: routes.root.destinations.flatMap((d) => (d.platform === 'slack' ? [d.channel] : [])),
    ...(dingtalkOutbox ? { dingtalk: { outbox: dingtalkOutbox, locale: config.locale } } : {}),
    clock,
    logger,
  });
  chatActions.muteExpiry = muteExpiry;
  let deliverWorker: Worker<DeliverDingTalkJob> | undefined;
  let summaryWorker: Worker | undefined;
  let drainDingTalkCommands: (() => Promise<void>) | undefined;

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
      await collectQueueDepth(allQueues, metrics);
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
        const replayGuard = createSlackReplayGuard(redis, keys.slackSignature);
        const bodyGuard = createSlackBodyGuard({ bodyLimit: config.body_limit, signingSecret: config.slack.signing_secret! });
        slackListener = (req, res) => {
          void (async () => (await replayGuard(req, res)) && (await bodyGuard(req, res)))().then((fresh) => {
            if (!fresh) return;
            try {
              receiver.requestListener(req, res);
            } catch (err) {
              logger.error({ err }, 'slack request failed');
              if (!res.headersSent) res.writeHead(500).end();
            }
          });
        };
      }
    }
    if (bolt) {
      // Clicks are stored before their ack and handled behind it, at most 4 at a time (click-intake.ts).
      chatActions.clickIntake = new ClickIntake(new RemediationInbox(redis, keys, 60_000), chatActions, { concurrency: 4, answer: answerClick, recoverEveryMs: 15_000 });
      chatActions.clickIntake.start();
    }
    if (bolt) registerSlack(bolt, chatActions);
    const sns = new SnsVerifier({ trustedUrlPattern: config.sns_trusted_url_pattern });
    // One bucket per source address, shared by every endpoint anyone can reach (issue 6); per process.
    const sourceLimit = config.rate_limit ? { limiter: new SourceRateLimiter(config.rate_limit, clock), trustProxy: config.trust_proxy } : undefined;
    const eventDeps = { events, logger, metrics, sns, ingestToken: config.ingest_token, bodyLimit: config.body_limit, sourceLimit };
    // DingTalk (issue 5): the pages behind card buttons (GET shows, POST acts) and robot commands.
    const dingtalkRoutes: Route[] = [];
    if (config.action_link_secret && linkKey) {
      const links = {
        ...chatActions,
        linkKey,
        formKey: deriveFormKey(config.action_link_secret),
        linkStore: new ActionLinkStore(redis, keys),
        linkActions: config.dingtalk.link_actions,
        linkChannel: dingtalkRobot ?? 'dingtalk',
      };
      dingtalkRoutes.push(...actionPageRoutes({ links, locale: config.locale }));
    }
    const dingtalkEvents = dingTalkEventRoutes({
      appSecret: config.dingtalk.app_secret, // unset: every callback is refused
      bodyLimit: config.body_limit,
      commands: {
        ...chatActions,
        locale: config.locale,
        callbacks: new DingTalkCallbackLog(redis, keys),
        session: createSessionReplier({ allowedHosts: config.dingtalk.webhook_url ? [new URL(config.dingtalk.webhook_url).hostname] : [] }),
        ...(dingtalkOutbox ? { robot: dingtalkOutbox } : {}),
      },
    });
    dingtalkRoutes.push(...dingtalkEvents.routes);
    drainDingTalkCommands = dingtalkEvents.drain;
    server = createHttpServer({
      logger,
      routes: [
        { method: 'POST', path: '/events/aws', handler: createEventHandler('aws', eventDeps) },
        { method: 'POST', path: '/events/alibaba', handler: createEventHandler('alibaba', eventDeps) },
        ...limitBySource(dingtalkRoutes, sourceLimit),
        ...health,
      ],
      slack: slackListener ? { path: '/slack/events', listener: slackListener } : undefined,
      // The queue dashboard (issue 7): web role only, and only with ADMIN_PASSWORD; otherwise /admin/* is 404.
      // Loaded only then: Express and Bull Board add about a second to start-up on a busy machine.
      mounts: config.admin_password
        ? [
            (await import('../handlers/http/admin-routes')).adminMount({
              password: config.admin_password,
              queues: allQueues,
              readOnly: new Set([QUEUES.remediate, QUEUES.deliverDingTalk]),
              publicUrl: config.public_url,
              logger,
            }),
          ]
        : [],
    });
    port = await listen(server, config.port, config.host);
    if (bolt && config.slack.app_token) await bolt.start();
    logger.info({ port, host: config.host, slack: slackEnabled ? (config.slack.app_token ? 'socket' : 'http') : 'off' }, 'web role listening');
  }

  if (runWorker) {
    const slack = slackEnabled
      ? new SlackSender(new WebClient(config.slack.bot_token, { slackApiUrl, timeout: 10_000, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }), {
          locale: config.locale,
          ...(slackBudget ? { budget: slackBudget } : {}),
        })
      : undefined;
    // Reminders and repeats (delayed jobs, planned by notify step 9); reconciliation (one job scheduler for all replicas).
    const followUps = new FollowUps({
      incidents,
      mutes,
      store: new FollowUpStore(redis, keys, config.retention),
      queue: remindQueueAdapter(remindQueue),
      slack,
      defaultSlackChannel: config.slack.channel,
      routes,
      ...(dingtalkOutbox ? { dingtalk: dingtalkOutbox } : {}), // reminders and repeats as robot cards too
      // A repeat of an alert shown only in a summary posts the summary anew, once for all its members.
      summaries: { repeat: async (id: string, interval: number) => void (await repeatSummary(id, interval, { groups: groupStore, clock, flushNow: refreshSummary })) },
      settings: { reminders: config.reminders, repeatIntervalMs: config.repeat_interval },
      clock,
      logger,
      metrics,
    });
    const remindWorker = createRemindWorker(followUps, logger, { connection: bullConnection, prefix: config.key_prefix, concurrency: 8, metrics });
    remindWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'remind worker error'));
    const scopes: ReconcileScope[] = [
      ...config.aws.regions.map((r) => ({ provider: 'aws' as const, ...r })),
      ...config.alibaba.regions.map((r) => ({ provider: 'alibaba' as const, ...r })),
    ];
    const reconcileWorker = createReconcileWorker({ events, logger, metrics, clouds, incidents, scopes, clock }, { connection: bullConnection, prefix: config.key_prefix });
    reconcileWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'reconcile worker error'));
    await scheduleReconciliation(reconcileQueue, scopes.length > 0 ? config.reconcile_interval : 0).catch((err: Error) =>
      logger.warn({ err: { message: err.message } }, 'could not schedule reconciliation; it starts with the next replica that can'),
    );
    const muteExpiryWorker = createMuteExpiryWorker(muteExpiry, logger, { connection: bullConnection, prefix: config.key_prefix });
    muteExpiryWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'mute-expiry worker error'));
    stopFollowUps = async () => {
      await Promise.all([remindWorker.close(), reconcileWorker.close(), muteExpiryWorker.close()]);
    };
    // Storming groups become one summary message each, flushed by the summary queue.
    const groups: GroupStage = { arrive: (a) => groupStore.arrive(a), create: (s) => groupStore.create(s), schedule: summaryFlushes.schedule };
    summaryWorker = createSummaryWorker(
      {
        groups: groupStore,
        incidents,
        mutes,
        ...(slack ? { slack } : {}),
        ...(dingtalkOutbox
          ? {
              dingtalk: {
                robot: dingtalkOutbox.robot,
                enqueue: (jobId: string, delivery: DingTalkDelivery) => dingtalkOutbox.enqueue(jobId, delivery),
                // One summary message per robot budget window (a minute unless dingtalk.window says otherwise).
                minIntervalMs: config.dingtalk.window,
                render: (msg, entries, added) => ({
                  kind: 'body',
                  what: 'summary',
                  body: renderDingTalkSummary(msg, entries, {
                    locale: config.locale,
                    ...(added !== undefined ? { added } : {}),
                    // Bulk buttons: signed links to the action pages (when links are configured).
                    ...(linkKey ? { links: bulkLinksFor(msg.actions, msg.summaryId, { publicUrl: config.public_url, key: linkKey, expiresAt: msg.now + config.dingtalk.link_ttl }) } : {}),
                  }),
                }),
              },
            }
          : {}),
        refreshSoon: refreshSummary,
        flushLater: flushSummaryAfter,
        clock,
        logger,
      },
      { connection: bullConnection, prefix: config.key_prefix, concurrency: 4 },
    );
    summaryWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'summary worker error'));
    const notifyDeps = { events, incidents, slack, defaultSlackChannel: config.slack.channel, routes, mutes, directory, followUps, groups, dingtalk: dingtalkOutbox, clock, logger, metrics };
    worker = createNotifyWorker(notifyDeps, { connection: bullConnection, prefix: config.key_prefix, concurrency: opts.concurrency ?? 32 });
    worker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'notify worker error'));
    remediateWorker = createRemediateWorker(chatActions, { connection: bullConnection, prefix: config.key_prefix, concurrency: 8, metrics });
    remediateWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'remediate worker error'));
    // DingTalk (issue 5): sends the queued robot messages within the robot's shared budget; card buttons are signed links.
    if (dingtalkRobot && deliverQueue && config.dingtalk.webhook_url && config.dingtalk.secret && linkKey) {
      const linkTtl = config.dingtalk.link_ttl;
      const sender = new DingTalkSender({
        webhookUrl: config.dingtalk.webhook_url,
        secret: config.dingtalk.secret,
        locale: config.locale,
        robotId: dingtalkRobot,
        budget: new DingTalkBudget(redis, keys, { perMinute: config.dingtalk.per_minute, windowMs: config.dingtalk.window }),
        throttleMs: config.dingtalk.throttle,
        links: (msg) => actionLinksFor(msg.actions, msg.ref, { publicUrl: config.public_url, key: linkKey, expiresAt: actionLinkExpiry(msg.now, linkTtl, msg.event.deletionDate) }),
        logger,
      });
      const pending = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);
      deliverWorker = createDeliverDingTalkWorker(
        { sender, isPending: async (jobId) => pending.has(await deliverQueue.getJobState(jobId)), clock, metrics, logger },
        { connection: bullConnection, prefix: config.key_prefix, concurrency: 4 },
      );
      deliverWorker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'deliver-dingtalk worker error'));
    }
    relay = new OutboxRelay(events, notifyQueue, logger, metrics, opts.outbox);
    mover = new ReadyMover(events, notifyQueue, createRedis(config.redis_url, 'blocking'), logger);
    mover.start();
    relay.start();
    for (const w of [worker, remediateWorker, remindWorker, reconcileWorker, muteExpiryWorker, deliverWorker, summaryWorker]) if (w) observeJobLatency(w, metrics);
    logger.info({ slack: slackEnabled, dingtalk: !!deliverWorker }, 'worker role running');
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
      await chatActions.clickIntake?.stop(); // answers the clicks already acknowledged
      await mover?.stop();
      await relay?.stop();
      await worker?.close(); // waits for in-flight jobs
      await remediateWorker?.close();
      await stopFollowUps?.();
      await drainDingTalkCommands?.();
      await deliverWorker?.close();
      await summaryWorker?.close();
      await summaryQueue.close();
      await deliverQueue?.close();
      await notifyQueue.close();
      await remediateQueue.close();
      await Promise.all([remindQueue.close(), reconcileQueue.close(), muteExpiryQueue.close()]);
      clouds.destroy();
      await Promise.allSettled([redis.quit(), bullConnection.quit()]);
      logger.info('stopped');
    })());

  return { config, logger, port, stop };
}
