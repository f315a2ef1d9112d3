import type { ChatSender } from '../chat/chat-sender';
import type { MessageRef } from '../chat/message';
import { BotError } from '../ops/errors';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import { dingTalkJobId, remindJobId, type RemindJob } from '../queue/queues';
import type { FollowUpStore } from '../store/follow-up-store';
import type { IncidentStore } from '../store/incident-store';
import type { MuteStore } from '../store/mute-store';
import type { Incident } from './lifecycle';
import { alertMessageOf, type DingTalkOutbox } from './pipeline';
import {
  planFollowUps,
  reminderDecision,
  repeatDecision,
  type FollowUpDecision,
  type FollowUpSettings,
  type SkipReason,
} from './reminders';
import { compileRoutes, routeEvent, type RouteTree } from './route';

/**
 * Follow-ups, the I/O around reminders.ts:
 *
 *   plan (pipeline step 9, every saved event)      run (remind worker, one delayed job each)
 *   1. decide the reminder points and the repeat     1. claim the job id in Redis (second guard
 *      due time (planFollowUps)                         behind BullMQ's derived job ids)
 *   2. add one delayed job per point, ids derived    2. lock the incident, load it and the mutes
 *      (adding one again is a no-op)                 3. decide (reminderDecision / repeatDecision)
 *   3. a resolved incident: remove its pending jobs  4. show: DingTalk first (a follow-up card
 *                                                       queued after the incident's previous robot
 *                                                       message), then Slack: update in place +
 *                                                       thread note, or post anew (final, repeat)
 *                                                    5. save the incident; plan the next repeat
 */

/** Where follow-up jobs go (the remind queue). */
export interface FollowUpQueue {
  add(jobs: Array<{ jobId: string; job: RemindJob; delayMs: number }>): Promise<void>;
  /** Removes jobs that have not started; unknown or running ones are left (they check when they run). */
  remove(jobIds: string[]): Promise<void>;
}

export interface FollowUpDeps {
  incidents: IncidentStore;
  mutes?: MuteStore;
  store: FollowUpStore;
  queue: FollowUpQueue;
  /** Undefined when Slack is not configured: follow-ups are decided but nothing is shown. */
  slack?: ChatSender;
  defaultSlackChannel?: string;
  /** The DingTalk robot's outbox (deliver-dingtalk queue), when DingTalk is configured. */
  dingtalk?: DingTalkOutbox;
  /** The routing tree (config `route`); absent: the default route, SLACK_CHANNEL and the robot. */
  routes?: RouteTree;
  /** Repeats of alerts shown in a summary repeat the summary (summaries.ts repeatSummary), once for all. */
  summaries?: { repeat(summaryId: string, intervalMs: number): Promise<void> };
  settings: FollowUpSettings;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

export type FollowUpOutcome =
  | {
      outcome: 'shown';
      reason: 'reminder' | 'repeat-due';
      mode: 'update' | 'post';
      final: boolean;
      incidentId: string;
      bypassedMute?: string;
    }
  | { outcome: 'skipped'; reason: SkipReason | 'already-done' | 'no-chat'; muteId?: string }
  /** A repeat of an alert shown only in a summary: the summary is posted anew instead (once for all its members). */
  | { outcome: 'summary-repeated'; summaryIds: string[] }
  | { outcome: 'busy' };

export class FollowUps {
  private readonly routes: RouteTree;

  constructor(private readonly deps: FollowUpDeps) {
    this.routes =
      deps.routes ??
      compileRoutes(undefined, {
        defaultSlackChannel: deps.defaultSlackChannel,
        dingtalkRobot: deps.dingtalk?.robot,
        repeatInterval: deps.settings.repeatIntervalMs,
      });
  }

  /** Pipeline step 9: plans (or, once resolved, cancels) the incident's reminders and repeat. Idempotent. */
  async schedule(incident: Incident): Promise<void> {
    const now = this.deps.clock.now();
    const plan = planFollowUps(incident, this.deps.settings, now);
    if (plan.cancel) {
      const ids = await this.deps.store.takeAll(incident.id);
      if (ids.length > 0) await this.deps.queue.remove(ids);
      return;
    }
    const jobs: RemindJob[] = plan.reminders.map((p) => ({
      kind: 'reminder',
      incidentKey: incident.key,
      incidentId: incident.id,
      deletionDate: incident.event.deletionDate!,
      at: p.at,
      final: p.final,
    }));
    if (plan.repeatAt !== undefined)
      jobs.push({ kind: 'repeat', incidentKey: incident.key, incidentId: incident.id, at: plan.repeatAt });
    await this.add(jobs, now);
  }

  /** Runs one due follow-up job. `busy`: the incident or the claim is held elsewhere; try again shortly. */
  async run(job: RemindJob, jobId: string): Promise<FollowUpOutcome> {
    const { store, incidents, logger } = this.deps;
    const claim = await store.claim(jobId); // 1
    if (claim.state === 'done') return { outcome: 'skipped', reason: 'already-done' };
    if (claim.state === 'busy') return { outcome: 'busy' };
    try {
      const release = await incidents.lock(job.incidentKey); // 2
      if (!release) {
        await store.release(jobId, claim.token);
        return { outcome: 'busy' };
      }
      try {
        const now = this.deps.clock.now();
        const incident = await incidents.get(job.incidentKey);
        const mutes = this.deps.mutes ? await this.deps.mutes.listActive() : [];
        const decision: FollowUpDecision =
          job.kind === 'reminder'
            ? reminderDecision(
                incident,
                { incidentId: job.incidentId, deletionDate: job.deletionDate, final: job.final },
                mutes,
                now,
              ) // 3
            : repeatDecision(
                incident,
                { incidentId: job.incidentId, dueAt: job.at },
                mutes,
                now,
                this.deps.settings.repeatIntervalMs,
              );
        const facts = { jobId, incidentId: job.incidentId, kind: job.kind };

        if (decision.action === 'skip') {
          if (incident && decision.reason === 'muted') {
            const followUp = {
              reason: job.kind === 'reminder' ? ('reminder' as const) : ('repeat-due' as const),
              at: iso(now),
              outcome: 'muted' as const,
            };
            await incidents.save({ ...incident, followUp });
          }
          if (incident && decision.next !== undefined)
            await this.add(
              [{ kind: 'repeat', incidentKey: incident.key, incidentId: incident.id, at: decision.next }],
              now,
            );
          await store.finish(jobId);
          logger.info({ ...facts, reason: decision.reason, muteId: decision.muteId }, 'follow-up not shown');
          return {
            outcome: 'skipped',
            reason: decision.reason,
            ...(decision.muteId ? { muteId: decision.muteId } : {}),
          };
        }

        const inSummaries = incident && !incident.message && job.kind === 'repeat' ? Object.values(incident.summaries ?? {}) : [];
        if (incident && inSummaries.length > 0 && this.deps.summaries) {
          // 4, for an alert a summary shows: repeating each of its 300 members would flood the channel.
          for (const id of inSummaries) await this.deps.summaries.repeat(id, this.deps.settings.repeatIntervalMs);
          await incidents.save({ ...incident, followUp: followUpRecord(decision, now) });
          if (decision.next !== undefined)
            await this.add([{ kind: 'repeat', incidentKey: incident.key, incidentId: incident.id, at: decision.next }], now);
          await store.finish(jobId);
          logger.info({ ...facts, summaryIds: inSummaries }, 'follow-up shown through its summary');
          return { outcome: 'summary-repeated', summaryIds: inSummaries };
        }

        const where = incident && this.destinationsOf(incident);
        const slack = where?.slackChannel !== undefined ? this.deps.slack : undefined;
        if (!incident || !where || (!slack && !where.dingtalk)) {
          await store.finish(jobId);
          return { outcome: 'skipped', reason: 'no-chat' };
        }
        let shown = incident;
        if (where.dingtalk)
          shown = await queueFollowUpForDingTalk(where.dingtalk, shown, decision, now, jobId); // 4
        if (slack) shown = await this.show(slack, where.slackChannel!, shown, decision, now, jobId);
        else {
          await store.finish(jobId);
          shown = { ...shown, followUp: followUpRecord(decision, now) };
        }
        await incidents.save(shown); // 5
        if (decision.next !== undefined)
          await this.add(
            [{ kind: 'repeat', incidentKey: shown.key, incidentId: shown.id, at: decision.next }],
            now,
          );
        logger.info(
          {
            ...facts,
            reason: decision.reason,
            mode: decision.mode,
            final: decision.final,
            bypassedMute: decision.bypassedMute,
          },
          'follow-up shown in chat',
        );
        return {
          outcome: 'shown',
          reason: decision.reason,
          mode: decision.mode,
          final: decision.final,
          incidentId: shown.id,
          ...(decision.bypassedMute ? { bypassedMute: decision.bypassedMute } : {}),
        };
      } finally {
        await release().catch(() => undefined);
      }
    } catch (e) {
      await store.release(jobId, claim.token).catch(() => undefined);
      throw e;
    }
  }

  private async add(jobs: RemindJob[], now: number): Promise<void> {
    if (jobs.length === 0) return;
    const entries = jobs.map((job) => ({ jobId: remindJobId(job), job, delayMs: Math.max(0, job.at - now) }));
    await this.deps.store.remember(
      jobs[0]!.incidentId,
      entries.map((e) => e.jobId),
    );
    await this.deps.queue.add(entries);
  }

  /**
   * Where the incident is shown: Slack in its message's channel, else where its events are routed;
   * DingTalk when its events are routed to the robot.
   */
  private destinationsOf(incident: Incident): { slackChannel?: string; dingtalk?: DingTalkOutbox } {
    const { dingtalk } = this.deps;
    const routes = routeEvent(incident.event, this.routes);
    const slackChannel =
      incident.message?.platform === 'slack'
        ? incident.message.channel
        : routes.find((d) => d.platform === 'slack')?.channel;
    const toRobot =
      dingtalk !== undefined && routes.some((d) => d.platform === 'dingtalk' && d.robot === dingtalk.robot);
    return { ...(slackChannel ? { slackChannel } : {}), ...(toRobot ? { dingtalk } : {}) };
  }

  /**
   * `update`: the alert is rewritten in place (fresh countdown, "Reminder") and a note goes into its
   * thread. `post`: the alert is posted anew — the final reminder and repeats must be seen, and an
   * edit far up the channel notifies nobody — and the incident moves to the new message; the old
   * one loses its buttons (they live on the new one) and gets the note in its thread. The job's
   * claim is marked done as soon as the decisive call succeeded, so a retry never posts twice.
   */
  private async show(
    slack: ChatSender,
    channel: string,
    incident: Incident,
    decision: ShowDecision,
    now: number,
    jobId: string,
  ): Promise<Incident> {
    const msg = alertMessageOf(incident, decision.reason, now);
    const followUp = followUpRecord(decision, now);
    const old = incident.message?.platform === 'slack' ? incident.message : undefined;
    if (decision.mode === 'update' && old) {
      try {
        await this.tracked('update', () => slack.update(old, msg));
        await this.tracked('reply', () => slack.reply(old, msg));
        await this.deps.store.finish(jobId);
        return { ...incident, followUp };
      } catch (e) {
        // The alert message is gone (deleted by someone): show it anew rather than not at all.
        if (!(e instanceof BotError) || e.code !== 'CHAT.REJECTED') throw e;
        this.deps.logger.warn(
          { err: e, incidentId: incident.id },
          'could not update the alert for a follow-up; posting it anew',
        );
      }
    }
    const fresh: MessageRef = await this.tracked('post', () => slack.post(channel, msg));
    await this.deps.store.finish(jobId);
    if (old) {
      try {
        await this.tracked('update', () => slack.update(old, { ...msg, actions: [] }));
        await this.tracked('reply', () => slack.reply(old, msg));
      } catch (e) {
        this.deps.logger.warn(
          { err: e, incidentId: incident.id },
          'could not point the previous alert message at the new one',
        );
      }
    }
    return { ...incident, message: fresh, followUp };
  }

  private async tracked<T>(action: string, fn: () => Promise<T>): Promise<T> {
    const count = (outcome: string) =>
      this.deps.metrics.notifications.inc({ platform: 'slack', action, outcome });
    try {
      const r = await fn();
      count('sent');
      return r;
    } catch (e) {
      count(e instanceof BotError && e.code === 'CHAT.RATE_LIMITED' ? 'throttled' : 'failed');
      throw e;
    }
  }
}

type ShowDecision = Extract<FollowUpDecision, { action: 'show' }>;

function followUpRecord(decision: ShowDecision, now: number): NonNullable<Incident['followUp']> {
  return {
    reason: decision.reason,
    at: iso(now),
    outcome: 'shown',
    ...(decision.final ? { final: true } : {}),
  };
}

/**
 * DingTalk: robot messages cannot be edited, so every reminder and repeat is a card of its own —
 * "Reminder" / "Still unresolved", with the action links signed when it is sent (Cancel deletion,
 * Retry rotation) — queued on the deliver-dingtalk queue within the robot's shared budget, after
 * the incident's previous robot message. The job id is derived from the follow-up job's, so a
 * retried follow-up (or another replica) queues it once.
 */
async function queueFollowUpForDingTalk(
  outbox: DingTalkOutbox,
  incident: Incident,
  decision: ShowDecision,
  now: number,
  followUpJobId: string,
): Promise<Incident> {
  const previous = incident.dingtalk?.robot === outbox.robot ? incident.dingtalk.lastJobId : undefined;
  const jobId = dingTalkJobId(outbox.robot, 'follow-up', followUpJobId);
  const message = alertMessageOf(incident, decision.reason, now);
  await outbox.enqueue(jobId, {
    kind: 'alert',
    mode: 'card',
    message,
    ...(previous ? { after: previous } : {}),
  });
  return { ...incident, dingtalk: { robot: outbox.robot, lastJobId: jobId } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
