import type { Queue } from 'bullmq';
import type { ChatSender } from '../chat/chat-sender';
import { consoleUrl } from '../chat/console-url';
import type { AlertMessage, MessageRef } from '../chat/message';
import type { NormalizeResult, SecretEvent } from '../events/secret-event';
import { BotError } from '../ops/errors';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import { actionsFor } from '../remediation/actions';
import type { EventStore } from '../store/event-store';
import type { IncidentStore } from '../store/incident-store';
import { enqueueNotify, type NotifyJob } from '../queue/queues';
import { incidentKeyOf, shouldNotify, type Decision, type Incident } from './lifecycle';
import { routeEvent } from './route';

/**
 * The alerting pipeline, in order:
 *
 *   ingest (HTTP request path)          notify (worker, one job per accepted event)
 *   1. normalize  (done by the caller)   4. load the stored event
 *   2. dedup + store: one atomic claim   5. route: which channel(s)
 *   3. enqueue the notify job            6. lifecycle: first | changed | resolved | duplicate
 *                                        7. chat: post, or update in place + reply in thread
 *                                        8. save the incident, take the event out of the outbox
 *
 * An event is in the outbox from step 2 until step 8, so nothing accepted is lost if a process
 * dies in between: the outbox relay re-enqueues it (job ids are derived, so never twice).
 */

export interface IngestDeps {
  events: EventStore;
  notifyQueue: Queue<NotifyJob>;
  logger: Logger;
  metrics: Metrics;
}

export type IngestOutcome =
  | { status: 'accepted'; eventKey: string; kind: SecretEvent['kind'] }
  | { status: 'duplicate'; eventKey: string }
  | { status: 'ignored'; reason: string }
  | { status: 'invalid'; error: string };

/** Steps 2–3. Throws BotError STORE.UNAVAILABLE when the event cannot be stored (answer 503). */
export async function ingest(result: NormalizeResult, deps: IngestDeps, requestId?: string): Promise<IngestOutcome> {
  if (result.outcome === 'invalid') return { status: 'invalid', error: result.error };
  if (result.outcome === 'ignored') {
    const r = await deps.events.recordIgnored(result.sourceId, result.reason);
    return r.status === 'duplicate' ? { status: 'duplicate', eventKey: r.eventKey } : { status: 'ignored', reason: result.reason };
  }
  const stored = await deps.events.accept(result.event, requestId);
  if (stored.status === 'duplicate') return { status: 'duplicate', eventKey: stored.eventKey };
  // The event is durable now; the job is the fast path. If adding it fails, the outbox relay adds it later.
  enqueueNotify(deps.notifyQueue, [stored.eventKey]).catch((err) =>
    deps.logger.warn({ err, eventKey: stored.eventKey, requestId }, 'notify job not enqueued; the outbox relay will retry'),
  );
  return { status: 'accepted', eventKey: stored.eventKey, kind: result.event.kind };
}

export interface NotifyDeps {
  events: EventStore;
  incidents: IncidentStore;
  /** Undefined when no chat platform is configured: incidents are still tracked. */
  slack?: ChatSender;
  defaultSlackChannel?: string;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

export type NotifyOutcome =
  | { outcome: 'shown'; reason: 'first' | 'changed' | 'resolved'; incidentId: string }
  | { outcome: 'duplicate' | 'expired' | 'tracked' }
  | { outcome: 'busy' };

/** Steps 4–8 for one accepted event. `busy`: another worker holds this incident; try again shortly. */
export async function notify(eventKey: string, deps: NotifyDeps): Promise<NotifyOutcome> {
  const stored = await deps.events.get(eventKey); // 4
  if (!stored) {
    await deps.events.markDone(eventKey);
    return { outcome: 'expired' };
  }
  const { event } = stored;
  const destinations = routeEvent(event, { defaultSlackChannel: deps.defaultSlackChannel }); // 5

  const key = incidentKeyOf(event);
  const release = await deps.incidents.lock(key);
  if (!release) return { outcome: 'busy' };
  try {
    const now = deps.clock.now();
    const decision = shouldNotify(await deps.incidents.get(key), event, now); // 6
    if (decision.reason === 'duplicate') {
      await deps.events.markDone(eventKey);
      return { outcome: 'duplicate' };
    }
    let incident = decision.incident;
    const slackChannel = destinations.find((d) => d.platform === 'slack')?.channel;
    if (deps.slack && slackChannel) {
      incident = await showInSlack(deps.slack, slackChannel, decision, event, now, deps); // 7
    }
    await deps.incidents.save(incident); // 8
    await deps.events.markDone(eventKey);
    if (!deps.slack || !slackChannel) return { outcome: 'tracked' };
    deps.metrics.eventToChatSeconds.observe((deps.clock.now() - stored.acceptedAt) / 1000);
    deps.logger.info(
      { eventKey, requestId: stored.requestId, incidentId: incident.id, reason: decision.reason, kind: event.kind },
      'event shown in chat',
    );
    return { outcome: 'shown', reason: decision.reason, incidentId: incident.id };
  } finally {
    await release().catch(() => undefined);
  }
}

async function showInSlack(
  slack: ChatSender,
  channel: string,
  decision: Exclude<Decision, { reason: 'duplicate' }>,
  event: SecretEvent,
  now: number,
  deps: NotifyDeps,
): Promise<Incident> {
  const incident = decision.incident;
  const msg = alertMessageOf(incident, decision.reason, now);
  const count = (action: string, outcome: string) => deps.metrics.notifications.inc({ platform: 'slack', action, outcome });
  const tracked = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      const r = await fn();
      count(action, 'sent');
      return r;
    } catch (e) {
      count(action, e instanceof BotError && e.code === 'CHAT.RATE_LIMITED' ? 'throttled' : 'failed');
      throw e;
    }
  };

  if (decision.reason === 'first' || !incident.message) {
    const ref: MessageRef = await tracked('post', () => slack.post(channel, msg));
    return { ...incident, message: ref };
  }
  const ref = incident.message;
  if (decision.replacesHeadline) {
    try {
      await tracked('update', () => slack.update(ref, msg));
    } catch (e) {
      // The original message is gone (deleted by someone): show the incident anew rather than lose it.
      if (!(e instanceof BotError) || e.code !== 'CHAT.REJECTED') throw e;
      deps.logger.warn({ err: e, incidentId: incident.id }, 'could not update the alert message; posting a new one');
      const fresh = await tracked('post', () => slack.post(channel, msg));
      return { ...incident, message: fresh };
    }
  }
  // The thread note describes this event, which may be older than the headline (late delivery).
  await tracked('reply', () => slack.reply(ref, { ...msg, event }));
  return incident;
}

export function alertMessageOf(incident: Incident, reason: AlertMessage['reason'], now: number): AlertMessage {
  const e = incident.event;
  const open = incident.status === 'open';
  return {
    alertId: incident.id,
    status: incident.status,
    reason,
    event: e,
    timeline: incident.timeline.slice(0, -1),
    actions: actionsFor(e.kind, open),
    ref: { alertId: incident.id, provider: e.provider, account: e.account, region: e.region, secretId: e.secretId, secretName: e.secretName },
    consoleUrl: consoleUrl(e),
    now,
  };
}
