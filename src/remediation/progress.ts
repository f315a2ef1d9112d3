import { alertMessageOf, type DingTalkOutbox } from '../alerting/pipeline';
import type { Locale } from '../chat/i18n/locale';
import { renderDingTalkNote } from '../chat/dingtalk/render-dingtalk-command';
import type { AlertMessage, ChatNote, MessageRef, RemediationNote } from '../chat/message';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import { dingTalkJobId, type RemediateJob } from '../queue/queues';
import type { IncidentStore } from '../store/incident-store';
import { advancesRemediation, type RemediationStatus } from './actions';

/** What remediation needs from a chat platform (Slack's SlackSender implements it). */
export interface RemediationChat {
  update(ref: MessageRef, msg: AlertMessage): Promise<void>;
  /** A note of its own in `channel`. */
  postNote(channel: string, note: ChatNote): Promise<MessageRef>;
  /** A note in the message's thread. */
  replyNote(ref: MessageRef, note: ChatNote): Promise<void>;
  updateNote(ref: MessageRef, note: ChatNote): Promise<void>;
  postEphemeral(channel: string, user: string, text: string): Promise<void>;
}

export interface ProgressDeps {
  incidents: IncidentStore;
  chat?: RemediationChat;
  /** Where a remediation without an alert message is reported (SLACK_CHANNEL). */
  defaultChannel?: string;
  /** DingTalk: remediations asked from there (links, robot commands) hear how they ended there. */
  dingtalk?: { outbox: DingTalkOutbox; locale: Locale };
  /** LOCALE: the language of everything said to people (replies, refusals, notes); `en` when absent. */
  locale?: Locale;
  /** Asks for a summary message to be shown again soon (alerting/summaries.ts). */
  summaryRefresh?: (summaryId: string) => Promise<void>;
  clock: Clock;
  logger: Logger;
}

export function statusOf(
  job: RemediateJob,
  state: RemediationStatus['state'],
  now: number,
  extra: Partial<RemediationStatus> = {},
): RemediationStatus {
  return {
    action: job.action,
    state,
    jobId: job.jobId,
    requestedBy: job.requestedBy,
    requestedAt: job.requestedAt,
    updatedAt: new Date(now).toISOString(),
    forEvent: job.forEvent,
    ...extra,
  };
}

/**
 * Shows one step of a remediation. On its alert: the step is recorded on the incident (under the
 * incident's lock, and only if it moves forward, so a late "requested" never hides "running"), the
 * message is rewritten — its buttons follow `actionsFor` — and a note goes into the thread. Without
 * an alert message: a message of its own in the default channel, rewritten in place, with a thread
 * note per step. Best effort: a chat failure is logged and never fails the remediation.
 * Returns the message of its own, when there is one.
 */
export async function showProgress(
  job: RemediateJob,
  status: RemediationStatus,
  deps: ProgressDeps,
  retrying?: RemediationNote['retrying'],
): Promise<MessageRef | undefined> {
  const note: RemediationNote = {
    kind: 'remediation',
    status,
    secret: {
      provider: job.target.provider,
      account: job.target.account,
      region: job.target.region,
      name: job.target.name,
    },
    ...(retrying ? { retrying } : {}),
  };
  if (
    deps.dingtalk &&
    job.origin === 'dingtalk' &&
    !retrying &&
    (status.state === 'succeeded' || status.state === 'failed')
  ) {
    const { outbox, locale } = deps.dingtalk;
    await outbox
      .enqueue(dingTalkJobId(outbox.robot, 'remediation', job.jobId, status.state), {
        kind: 'body',
        body: renderDingTalkNote(note, { locale }),
        what: 'remediation outcome',
      })
      .catch((err) =>
        deps.logger.warn({ err, jobId: job.jobId }, 'could not queue the remediation outcome for DingTalk'),
      );
  }
  try {
    const found = job.alertId ? await deps.incidents.getByAlertId(job.alertId) : undefined;
    // Summaries showing it on either platform (a member can be in a Slack and a DingTalk one).
    const summaryIds = [found?.summaries?.slack, found?.summaries?.dingtalk].filter((id): id is string =>
      Boolean(id),
    );
    if (found && found.id === job.alertId && !found.message) {
      // No Slack message of its own: the step is recorded on the incident, where summaries (a bulk
      // action's counts) and /secrets status read it. A DingTalk card cannot be edited (its outcome
      // note went out above); a summary member gets no message per secret, which is what the
      // summary is for.
      if (!retrying) {
        await withIncidentLock(deps, found.key, async () => {
          const incident = await deps.incidents.get(found.key);
          if (!incident || incident.id !== job.alertId || !advancesRemediation(incident.remediation, status))
            return;
          await deps.incidents.save({ ...incident, remediation: status });
        });
        if (deps.summaryRefresh) for (const id of summaryIds) await deps.summaryRefresh(id);
      }
      if (summaryIds.length > 0) return job.statusMessage;
    }
    if (found && found.id === job.alertId && found.message) {
      await withIncidentLock(deps, found.key, async () => {
        const incident = await deps.incidents.get(found.key);
        if (!incident || incident.id !== job.alertId || !incident.message) return;
        if (!retrying) {
          if (!advancesRemediation(incident.remediation, status)) return;
          const next = { ...incident, remediation: status };
          await deps.incidents.save(next);
          await deps.chat?.update(incident.message, alertMessageOf(next, 'changed', deps.clock.now()));
        }
        await deps.chat?.replyNote(incident.message, note);
      });
      return job.statusMessage;
    }
    if (!deps.chat) return job.statusMessage;
    if (job.statusMessage) {
      if (!retrying) await deps.chat.updateNote(job.statusMessage, note);
      await deps.chat.replyNote(job.statusMessage, note);
      return job.statusMessage;
    }
    if (status.state === 'requested') return undefined; // the job posts its own message when it runs
    const channel = deps.defaultChannel ?? job.channel;
    return await deps.chat.postNote(channel, note);
  } catch (err) {
    deps.logger.warn(
      { err, jobId: job.jobId, state: status.state },
      'could not show remediation progress in chat',
    );
    return job.statusMessage;
  }
}

async function withIncidentLock(
  deps: ProgressDeps,
  key: string,
  fn: () => Promise<void>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = await deps.incidents.lock(key, 15_000);
    if (release) {
      try {
        return await fn();
      } finally {
        await release().catch(() => undefined);
      }
    }
    if (Date.now() > deadline) throw new Error('incident is busy');
    await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 40)));
  }
}
