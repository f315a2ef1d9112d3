import type { ChatSender } from '../chat/chat-sender';
import { consoleUrl } from '../chat/console-url';
import type { AlertMessage, MessageRef } from '../chat/message';
import type { NormalizeResult, SecretEvent } from '../events/secret-event';
import { dingTalkAlertJobId, type DingTalkDelivery } from '../queue/queues';
import { BotError } from '../ops/errors';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import { actionsFor } from '../remediation/actions';
import type { EventStore } from '../store/event-store';
import type { IncidentStore } from '../store/incident-store';
import type { MuteStore } from '../store/mute-store';
import type { SecretDirectory } from '../store/secret-directory';
import { incidentKeyOf, shouldNotify, type Decision, type Incident } from './lifecycle';
import { findMute } from './mute';
import { groupIdOf, groupLabelsOf, summaryIdleMs, summaryIdOf, type GroupArrival } from './group';
import type { ArriveInput, StoredSummary } from '../store/group-store';
import { defaultRouteTree, routeEvent, type Destination, type RouteTree } from './route';

/**
 * The alerting pipeline, in order:
 *
 *   ingest (HTTP request path)          notify (worker, one job per accepted event)
 *   1. normalize  (done by the caller)   4. load the stored event; remember its secret (chat commands)
 *   2. dedup + store: one atomic claim   5. route: which channel(s), grouped how
 *   3. ready list → notify job (worker's  6. mute: is a mute in force for this event?
 *      ReadyMover, batched)
 *                                        7. lifecycle: first | changed | resolved | duplicate
 *                                        7b. group (group.ts): a new alert of a group that is
 *                                           storming joins the group's summary message instead
 *                                           of posting (flushed by the summary queue, mutes
 *                                           checked again there); later events of a summarized
 *                                           alert refresh the summary
 *                                        8. chat: post, or update in place + reply in thread —
 *                                           skipped when muted, except the resolution of an
 *                                           incident that has a message (never left red);
 *                                           DingTalk: one robot message per event, queued
 *                                           (deliver-dingtalk) so its 20/min never holds Slack
 *                                        9. plan the incident's follow-ups (deletion reminders,
 *                                           repeats; follow-up.ts), save the incident (muted or
 *                                           not), end "until resolved" mutes, take the event out
 *                                           of the outbox
 *
 * An event is in the outbox from step 2 until step 9, so nothing accepted is lost if a process
 * dies in between: the outbox relay re-enqueues it (job ids are derived, so never twice).
 */

export interface IngestDeps {
  events: EventStore;
  logger: Logger;
  metrics: Metrics;
}

export type IngestOutcome =
  | { status: 'accepted'; eventKey: string; kind: SecretEvent['kind'] }
  | { status: 'duplicate'; eventKey: string }
  | { status: 'ignored'; reason: string }
  | { status: 'invalid'; error: string };

/** Steps 2–3 (one Redis round trip). Throws BotError STORE.UNAVAILABLE when the event cannot be stored (answer 503). */
export async function ingest(result: NormalizeResult, deps: IngestDeps, requestId?: string): Promise<IngestOutcome> {
  if (result.outcome === 'invalid') return { status: 'invalid', error: result.error };
  if (result.outcome === 'ignored') {
    const r = await deps.events.recordIgnored(result.sourceId, result.reason);
    return r.status === 'duplicate' ? { status: 'duplicate', eventKey: r.eventKey } : { status: 'ignored', reason: result.reason };
  }
  const stored = await deps.events.accept(result.event, requestId);
  if (stored.status === 'duplicate') return { status: 'duplicate', eventKey: stored.eventKey };
  deps.logger.info({ requestId, eventKey: stored.eventKey, provider: result.event.provider, kind: result.event.kind }, 'event accepted');
  // Stored, pending and on the ready list: a worker's ReadyMover turns it into a notify job.
  return { status: 'accepted', eventKey: stored.eventKey, kind: result.event.kind };
}

export interface NotifyDeps {
  events: EventStore;
  incidents: IncidentStore;
  /** Undefined when no chat platform is configured: incidents are still tracked. */
  slack?: ChatSender;
  defaultSlackChannel?: string;
  /** The routing tree (config `route`, step 5); absent: the default route, SLACK_CHANNEL and the robot. */
  routes?: RouteTree;
  /** Active mutes (step 6); none when absent. */
  mutes?: MuteStore;
  /** Secrets seen, for chat commands (step 4). */
  directory?: SecretDirectory;
  /** Deletion reminders and repeats, planned or cancelled for every saved incident (step 9). */
  followUps?: { schedule(incident: Incident): Promise<void> };
  /** Step 7b: places new alerts in their groups; no grouping when absent. */
  groups?: GroupStage;
  /** The DingTalk robot's outbox (step 8), when DingTalk is configured. */
  dingtalk?: DingTalkOutbox;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Queues one DingTalk robot message (the deliver-dingtalk queue): DingTalk's 20 messages a minute
 * then hold up only DingTalk. Job ids are derived from the event, so a retried notify adds it once.
 */
export interface DingTalkOutbox {
  /** The robot's id (a hash of its token). */
  robot: string;
  enqueue(jobId: string, delivery: DingTalkDelivery): Promise<void>;
}

/** What the group stage needs: the group store and the summary queue. */
export interface GroupStage {
  arrive(input: ArriveInput): Promise<GroupArrival>;
  create(summary: StoredSummary): Promise<void>;
  /** Schedules the summary's next flush (at once for a new summary, else at the interval's end). */
  schedule(summaryId: string, now: number, timing: { started: boolean; groupWait: number; groupInterval: number }): Promise<void>;
}

export type NotifyOutcome =
  | { outcome: 'shown'; reason: 'first' | 'changed' | 'resolved'; incidentId: string }
  | { outcome: 'summarized'; summaryIds: string[]; incidentId: string }
  | { outcome: 'muted'; muteId: string; incidentId: string }
  | { outcome: 'duplicate' | 'expired' | 'tracked' }
  | { outcome: 'busy' };

/** Steps 4–9 for one accepted event. `busy`: another worker holds this incident; try again shortly. */
export async function notify(eventKey: string, deps: NotifyDeps): Promise<NotifyOutcome> {
  const stored = await deps.events.get(eventKey); // 4
  if (!stored) {
    await deps.events.markDone(eventKey);
    return { outcome: 'expired' };
  }
  const { event } = stored;
  await deps.directory?.record(event, new Date(deps.clock.now()).toISOString());
  const destinations = routeEvent(event, deps.routes ?? defaultRouteTree({ defaultSlackChannel: deps.defaultSlackChannel, dingtalkRobot: deps.dingtalk?.robot })); // 5
  const mute = deps.mutes ? findMute(event, await deps.mutes.listActive(), deps.clock.now()) : undefined; // 6

  const key = incidentKeyOf(event);
  const release = await deps.incidents.lock(key);
  if (!release) return { outcome: 'busy' };
  try {
    const now = deps.clock.now();
    const decision = shouldNotify(await deps.incidents.get(key), event, now); // 7
    if (decision.reason === 'duplicate') {
      await deps.events.markDone(eventKey);
      return { outcome: 'duplicate' };
    }
    let incident = decision.incident;
    // Muted: nothing is shown, except the resolution of an incident the platform already shows.
    const silencedFor = (shown: unknown) => mute !== undefined && !(decision.reason === 'resolved' && shown);
    const silenced = silencedFor(incident.message);
    const robotRoute = destinations.find((d) => d.platform === 'dingtalk');
    const robot = robotRoute ? deps.dingtalk?.robot : undefined;
    const slackRoute = destinations.find((d) => d.platform === 'slack');
    // 7b: in a summary (joined now or before), the summary shows this event instead.
    const inSummary = { slack: false, dingtalk: false };
    if (deps.groups) {
      if (slackRoute && deps.slack && !silenced) {
        const placed = await placeInGroup(deps.groups, 'slack', slackRoute, decision, incident, now);
        incident = placed.incident;
        inSummary.slack = placed.summarized;
      }
      if (robotRoute && robot && deps.dingtalk && !silencedFor(incident.dingtalk)) {
        const placed = await placeInGroup(deps.groups, 'dingtalk', robotRoute, decision, incident, now);
        incident = placed.incident;
        inSummary.dingtalk = placed.summarized;
      }
    }
    let queuedForDingTalk = false;
    if (deps.dingtalk && robot && !silencedFor(incident.dingtalk) && !inSummary.dingtalk) {
      incident = await queueForDingTalk(deps.dingtalk, eventKey, decision, incident, event, now, stored.requestId); // 8 (first: never held up by Slack)
      queuedForDingTalk = true;
    }
    const slackChannel = slackRoute?.platform === 'slack' ? slackRoute.channel : undefined;
    if (deps.slack && slackChannel && !silenced && !inSummary.slack) {
      incident = await showInSlack(deps.slack, slackChannel, { ...decision, incident }, event, now, deps); // 8
    }
    await deps.followUps?.schedule(incident); // 9 (before saving: a failure retries the whole event)
    await deps.incidents.save(incident);
    if (decision.reason === 'resolved') await deps.mutes?.endUntilResolved(key);
    await deps.events.markDone(eventKey);
    if (inSummary.slack || (inSummary.dingtalk && !(deps.slack && slackChannel && !silenced))) {
      const summaryIds = [incident.summaries?.slack, incident.summaries?.dingtalk].filter((id): id is string => id !== undefined);
      deps.logger.info({ eventKey, requestId: stored.requestId, incidentId: incident.id, summaryIds, kind: event.kind }, 'event joined a summary');
      return { outcome: 'summarized', summaryIds, incidentId: incident.id };
    }
    if (silenced && mute && !queuedForDingTalk) {
      await deps.mutes?.countMuted(mute.id); // for the notice when the mute ends (mute-expiry.ts)
      deps.logger.info({ eventKey, requestId: stored.requestId, incidentId: incident.id, muteId: mute.id, kind: event.kind }, 'event muted');
      return { outcome: 'muted', muteId: mute.id, incidentId: incident.id };
    }
    if (!deps.slack || !slackChannel || silenced) {
      if (!queuedForDingTalk) return { outcome: 'tracked' };
      deps.logger.info({ eventKey, requestId: stored.requestId, incidentId: incident.id, reason: decision.reason, kind: event.kind }, 'event queued for DingTalk');
      return { outcome: 'shown', reason: decision.reason, incidentId: incident.id };
    }
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

/**
 * Step 7b for one destination. A new alert (`first`) arrives in its group: alone, it is shown as
 * usual; when the group storms, it joins the group's summary (started now, or already there) and
 * the summary's flush is scheduled. A later event of an alert in a summary, which has no message of
 * its own there, schedules a flush so the summary shows it (counts, resolution).
 */
async function placeInGroup(
  groups: GroupStage,
  platform: 'slack' | 'dingtalk',
  route: Destination,
  decision: Exclude<Decision, { reason: 'duplicate' }>,
  incident: Incident,
  now: number,
): Promise<{ incident: Incident; summarized: boolean }> {
  const g = route.grouping;
  const existing = incident.summaries?.[platform];
  const ownMessage = platform === 'slack' ? incident.message : incident.dingtalk;
  if (decision.reason !== 'first') {
    if (existing === undefined || ownMessage !== undefined) return { incident, summarized: false };
    await groups.schedule(existing, now, { started: false, groupWait: g.groupWait, groupInterval: g.groupInterval });
    return { incident, summarized: true };
  }
  if (g.threshold <= 0) return { incident, summarized: false };
  const labels = groupLabelsOf(incident.event, g.groupBy);
  const groupId = groupIdOf(route.platform === 'slack' ? `slack:${route.channel}` : `dingtalk:${route.robot}`, route.route, labels);
  const arrival = await groups.arrive({
    groupId,
    incidentKey: incident.key,
    now,
    groupInterval: g.groupInterval,
    threshold: g.threshold,
    idleMs: summaryIdleMs(g.groupInterval),
    newSummaryId: summaryIdOf(groupId, now),
  });
  if (arrival.status === 'alone') return { incident, summarized: false };
  const started = arrival.status === 'summary-started';
  if (started) {
    await groups.create({
      id: arrival.summaryId,
      groupId,
      route: route.route,
      labels,
      createdAt: new Date(now).toISOString(),
      threshold: g.threshold,
      groupInterval: g.groupInterval,
      destination: route.platform === 'slack' ? { platform: 'slack', channel: route.channel } : { platform: 'dingtalk', robot: route.robot },
      listed: 0,
    });
  }
  await groups.schedule(arrival.summaryId, now, { started, groupWait: g.groupWait, groupInterval: g.groupInterval });
  return { incident: { ...incident, summaries: { ...incident.summaries, [platform]: arrival.summaryId } }, summarized: true };
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

/**
 * One DingTalk message per event (robot messages cannot be edited): the card for a new incident,
 * else an "Updated/Resolved" follow-up when the headline changes, else a one-line note. Each is
 * sent after the incident's previous one.
 */
async function queueForDingTalk(
  outbox: DingTalkOutbox,
  eventKey: string,
  decision: Exclude<Decision, { reason: 'duplicate' }>,
  incident: Incident,
  event: SecretEvent,
  now: number,
  requestId: string | undefined,
): Promise<Incident> {
  const msg = alertMessageOf(incident, decision.reason, now);
  const previous = incident.dingtalk?.robot === outbox.robot ? incident.dingtalk.lastJobId : undefined;
  const jobId = dingTalkAlertJobId(outbox.robot, eventKey);
  const delivery: DingTalkDelivery =
    decision.reason === 'first' || previous === undefined
      ? { kind: 'alert', mode: 'card', message: msg, requestId }
      : decision.replacesHeadline
        ? { kind: 'alert', mode: 'update', message: msg, after: previous, requestId }
        : { kind: 'alert', mode: 'note', message: { ...msg, event }, after: previous, requestId };
  await outbox.enqueue(jobId, delivery);
  return { ...incident, dingtalk: { robot: outbox.robot, lastJobId: jobId } };
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
    actions: actionsFor(e, open, incident.remediation),
    ref: { alertId: incident.id, provider: e.provider, account: e.account, region: e.region, secretId: e.secretId, secretName: e.secretName },
    consoleUrl: consoleUrl(e),
    now,
    ...(incident.remediation ? { remediation: incident.remediation } : {}),
  };
}
