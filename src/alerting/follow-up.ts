import type { ChatSender } from '../chat/chat-sender';
import type { MessageRef } from '../chat/message';
import { BotError } from '../ops/errors';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import { remindJobId, type RemindJob } from '../queue/queues';
import type { FollowUpStore } from '../store/follow-up-store';
import type { IncidentStore } from '../store/incident-store';
import type { MuteStore } from '../store/mute-store';
import type { Incident } from './lifecycle';
import { alertMessageOf } from './pipeline';
import {
  planFollowUps,
  reminderDecision,
  repeatDecision,
  type FollowUpDecision,
  type FollowUpSettings,
  type SkipReason,
} from './reminders';
import { routeEvent } from './route';

/**
 * Follow-ups, the I/O around reminders.ts:
 *
 *   plan (pipeline step 9, every saved event)      run (remind worker, one delayed job each)
 *   1. decide the reminder points and the repeat     1. claim the job id in Redis (second guard
 *      due time (planFollowUps)                         behind BullMQ's derived job ids)
 *   2. add one delayed job per point, ids derived    2. lock the incident, load it and the mutes
 *      (adding one again is a no-op)                 3. decide (reminderDecision / repeatDecision)
 *   3. a resolved incident: remove its pending jobs  4. show in Slack: update in place + thread
 *                                                       note, or post anew (final reminder, repeat)
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
  | { outcome: 'busy' };

export class FollowUps {
  constructor(private readonly deps: FollowUpDeps) {}

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

        const channel = incident && this.slackChannelOf(incident);
        if (!incident || !this.deps.slack || !channel) {
          await store.finish(jobId);
          return { outcome: 'skipped', reason: 'no-chat' };
        }
        const shown = await this.show(this.deps.slack, channel, incident, decision, now, jobId); // 4
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

  /** The channel the incident is shown in: its Slack message's, else where its events are routed. */
  private slackChannelOf(incident: Incident): string | undefined {
    if (incident.message?.platform === 'slack') return incident.message.channel;
    return routeEvent(incident.event, { defaultSlackChannel: this.deps.defaultSlackChannel }).find(
      (d) => d.platform === 'slack',
    )?.channel;
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
    decision: Extract<FollowUpDecision, { action: 'show' }>,
    now: number,
    jobId: string,
  ): Promise<Incident> {
    const msg = alertMessageOf(incident, decision.reason, now);
    const followUp = {
      reason: decision.reason,
      at: iso(now),
      outcome: 'shown' as const,
      ...(decision.final ? { final: true } : {}),
    };
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

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
