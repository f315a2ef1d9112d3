import { randomBytes } from 'node:crypto';
import { incidentKeyFor, type Incident, type Topic } from '../alerting/lifecycle';
import type { MessageRef } from '../chat/message';
import { secretDisplayName, userMessageIn } from '../clouds/classify-cloud-error';
import { cloudWords } from '../chat/i18n/cloud-words';
import type { CloudResult, SecretsProvider } from '../clouds/secrets-provider';
import type { Provider } from '../events/secret-event';
import { BotError } from '../ops/errors';
import { remediationClaimId, remediationJobIdStem, type RemediateJob } from '../queue/queues';
import type { AuditEntry, AuditStore } from '../store/audit-store';
import type { RemediationClaims } from '../store/remediation-claims';
import { actionsFor, POLICY_OF, type ActionRef, type RemediationAction } from './actions';
import { authorize, type AuthorizationPolicy } from './authorize';
import { claimDecision } from './claim-decision';
import type { ClickIntake } from './click-intake';
import { showProgress, statusOf, type ProgressDeps } from './progress';
import { alreadyDoneText, inProgressText, internalErrorText, queuedText, refusalText, resolvedAlertText } from './replies';

/**
 * Remediation, in order:
 *
 *   request (web role, after Slack got its ack)        job (worker role, BullMQ)
 *   1. authorize: OPERATORS + policies                  5. mark running (unless superseded)
 *   2. confirm: Slack's confirm dialog, before the      6. call the cloud — idempotency key = job id
 *      click ever reaches us                            7. record the outcome on the claim: done | released
 *   3. claim: one atomic claim per (action, secret,     8. audit the outcome
 *      alert); later requests hear "in progress/done"   9. update the message + a thread reply
 *   4. show "requested", enqueue (job id from the claim)
 *
 * A button click is stored before its ack and this request runs behind the ack (click-intake.ts);
 * a click whose process died is run again by another, and resumes its own claim (`requestId`).
 *
 * Every decision is audited (allowed, refused, duplicate, queued, started, retrying, succeeded, failed).
 */

export interface CloudsByProvider {
  get(provider: Provider): SecretsProvider;
}

export interface RemediationQueue {
  add(job: RemediateJob): Promise<void>;
}

export interface RemediationDeps extends ProgressDeps {
  policy: AuthorizationPolicy;
  claims: RemediationClaims;
  audit: AuditStore;
  clouds: CloudsByProvider;
  /** Web role only. */
  queue?: RemediationQueue;
  recentlyDoneMs: number;
  /** Slack button clicks: stored before the ack, the flow run behind it (click-intake.ts). Inline without it. */
  clickIntake?: ClickIntake;
}

export interface RemediationRequest {
  action: RemediationAction;
  /** From the button value, or built by a command from the resolved secret (alertId ''). */
  ref: ActionRef;
  user: string;
  channel: string;
  via: 'button' | 'command';
  /** The message the button sits on (not for ephemeral messages). */
  message?: MessageRef;
  /** Asked from DingTalk (an action link or a robot command): the outcome is also posted there. */
  origin?: 'dingtalk';
  /** The click this request is (click-intake.ts): handled again after a crash, it resumes its own claim. */
  requestId?: string;
}

export type RequestOutcome = {
  status: 'refused' | 'queued' | 'in-progress' | 'done' | 'not-applicable' | 'unavailable';
  /** For the person who asked (neutral text). */
  text: string;
  jobId?: string;
};

export const TOPIC_OF: Record<RemediationAction, Topic> = { retryRotation: 'rotation', cancelDeletion: 'deletion' };

export async function requestRemediation(req: RemediationRequest, deps: RemediationDeps): Promise<RequestOutcome> {
  const name = req.ref.secretName || secretDisplayName(req.ref.secretId);
  const target = { provider: req.ref.provider, account: req.ref.account, region: req.ref.region, secretId: req.ref.secretId, name };
  const audit = (entry: Pick<AuditEntry, 'phase'> & Partial<AuditEntry>) =>
    deps.audit.record({ actor: req.user, action: POLICY_OF[req.action], secret: target, via: req.via, channel: req.channel, ...entry });

  const decision = authorize({ user: req.user, action: POLICY_OF[req.action], channel: req.channel }, deps.policy); // 1
  if (!decision.allowed) {
    await audit({ phase: 'refused', result: decision.reason, alertId: req.ref.alertId || undefined });
    return { status: 'refused', text: refusalText(req.action, decision, deps.locale) };
  }
  try {
    deps.clouds.get(req.ref.provider);
  } catch (e) {
    await audit({ phase: 'refused', result: (e as BotError).code });
    return { status: 'unavailable', text: (e instanceof BotError ? userMessageIn(e, deps.locale) : undefined) ?? (e as Error).message };
  }
  await audit({ phase: 'allowed', alertId: req.ref.alertId || undefined });

  const incident = await incidentOf(req, deps);
  if (req.via === 'button' && incident?.id === req.ref.alertId && incident.status === 'resolved') {
    await audit({ phase: 'duplicate', result: 'alert already resolved', alertId: incident.id });
    return { status: 'not-applicable', text: resolvedAlertText(req.action, name, deps.locale) };
  }
  const alertId = req.ref.alertId || incident?.id || '';
  const forEvent = incident && incident.id === alertId ? incident.event.sourceId : '';
  const actionApplies = incident ? actionsFor(incident.event, incident.status === 'open').includes(req.action) : false;

  const claimId = remediationClaimId(req.action, target, alertId); // 3
  const stem = remediationJobIdStem(req.action, claimId);
  const record = {
    claimId,
    action: req.action,
    target,
    alertId,
    forEvent,
    requestedBy: req.user,
    requestedAt: new Date(deps.clock.now()).toISOString(),
    ...(req.requestId ? { requestId: req.requestId } : {}),
  };
  let outcome = await deps.claims.claim(record, stem);
  if (!outcome.won && claimDecision(outcome.existing, { forEvent, actionApplies }) === 'stale') {
    outcome = await deps.claims.claim(record, stem, outcome.raw);
  }
  if (!outcome.won && req.requestId && outcome.existing.requestId === req.requestId && outcome.existing.state === 'pending') {
    outcome = { won: true, claim: outcome.existing }; // this very click, handled again after a crash: finish it
  }
  if (!outcome.won) {
    const pending = outcome.existing.state === 'pending';
    await audit({ phase: 'duplicate', result: pending ? 'in progress' : 'already done', jobId: outcome.existing.jobId, alertId });
    return pending
      ? { status: 'in-progress', text: inProgressText(outcome.existing, deps.locale) }
      : { status: 'done', text: alreadyDoneText(outcome.existing, deps.locale) };
  }
  const { claim } = outcome;
  const onAlert = incident?.id === alertId && !!incident.message;
  const message = onAlert ? incident.message : req.message;
  const job: RemediateJob = {
    ...record,
    jobId: claim.jobId,
    via: req.via,
    channel: req.channel,
    ...(message ? { message } : {}),
    ...(req.origin ? { origin: req.origin } : {}),
  };

  await showProgress(job, statusOf(job, 'requested', deps.clock.now()), deps); // 4
  try {
    if (!deps.queue) throw new Error('no remediation queue in this role');
    await deps.queue.add(job);
  } catch (err) {
    const ref = randomBytes(4).toString('hex');
    deps.logger.error({ err, ref, jobId: job.jobId }, 'remediation job could not be queued');
    await deps.claims.release(claim);
    await showProgress(job, statusOf(job, 'failed', deps.clock.now(), { error: { code: 'INTERNAL', message: internalErrorText(ref, deps.locale) } }), deps);
    await audit({ phase: 'failed', result: 'INTERNAL: not queued', jobId: job.jobId, alertId });
    return { status: 'unavailable', text: internalErrorText(ref, deps.locale) };
  }
  await audit({ phase: 'queued', jobId: job.jobId, alertId });
  return {
    status: 'queued',
    jobId: job.jobId,
    text: queuedText(req.action, target, req.origin === 'dingtalk' ? { onAlert: false, dingtalk: true } : { onAlert, channel: deps.defaultChannel ?? req.channel }, deps.locale),
  };
}

/** The alert a request is about: the button's, else the secret's open incident about the action's topic. */
async function incidentOf(req: RemediationRequest, deps: RemediationDeps): Promise<Incident | undefined> {
  if (req.ref.alertId) return deps.incidents.getByAlertId(req.ref.alertId);
  const incident = await deps.incidents.get(incidentKeyFor(req.ref, TOPIC_OF[req.action]));
  return incident?.status === 'open' ? incident : undefined;
}

export interface JobContext {
  attemptsMade: number;
  maxAttempts: number;
  /** Keeps the job's own status message across attempts. */
  saveJob(job: RemediateJob): Promise<void>;
}

export type JobOutcome =
  | { outcome: 'succeeded'; result: CloudResult }
  | { outcome: 'retry'; error: BotError }
  | { outcome: 'failed'; error: BotError }
  | { outcome: 'superseded' };

export async function runRemediation(job: RemediateJob, ctx: JobContext, deps: RemediationDeps): Promise<JobOutcome> {
  const claim = await deps.claims.get(job.claimId);
  if (claim && claim.jobId !== job.jobId) return { outcome: 'superseded' };
  const audit = (entry: Pick<AuditEntry, 'phase'> & Partial<AuditEntry>) =>
    deps.audit.record({ actor: job.requestedBy, action: POLICY_OF[job.action], secret: job.target, via: 'job', jobId: job.jobId, alertId: job.alertId || undefined, ...entry });
  const show = async (status: ReturnType<typeof statusOf>, retrying?: Parameters<typeof showProgress>[3]) => {
    const own = await showProgress(job, status, deps, retrying);
    if (own && !job.statusMessage) {
      job.statusMessage = own;
      await ctx.saveJob(job).catch((err) => deps.logger.warn({ err, jobId: job.jobId }, 'could not keep the status message on the job'));
    }
  };

  if (ctx.attemptsMade === 0) {
    await audit({ phase: 'started' });
    await show(statusOf(job, 'running', deps.clock.now())); // 5
  }
  try {
    const provider = deps.clouds.get(job.target.provider);
    const result =
      job.action === 'retryRotation'
        ? await provider.rotateSecret(job.target, { idempotencyKey: job.jobId }) // 6
        : await provider.restoreSecret(job.target);
    const now = deps.clock.now();
    // What the cloud did, in the chat's words (the claim, the audit trail and the message show it).
    const detail = cloudWords(deps.locale).did(result.outcome);
    if (claim) await deps.claims.markDone(claim, detail, new Date(now).toISOString(), deps.recentlyDoneMs); // 7
    await audit({ phase: 'succeeded', result: detail, cloudRequestId: result.requestId }); // 8
    await show(statusOf(job, 'succeeded', now, { detail, cloudRequestId: result.requestId })); // 9
    return { outcome: 'succeeded', result };
  } catch (e) {
    const error = asBotError(e, deps);
    const cloud = error as BotError & { cloudCode?: string; requestId?: string };
    if (error.retryable && ctx.attemptsMade + 1 < ctx.maxAttempts) {
      await audit({ phase: 'retrying', result: `${error.code}${cloud.cloudCode ? ` ${cloud.cloudCode}` : ''}`, cloudRequestId: cloud.requestId });
      if (ctx.attemptsMade === 0) {
        await show(statusOf(job, 'running', deps.clock.now()), {
          message: userMessageIn(error, deps.locale) ?? error.message,
          attempt: ctx.attemptsMade + 1,
          maxAttempts: ctx.maxAttempts,
        });
      }
      return { outcome: 'retry', error };
    }
    await deps.claims.release(job); // 7
    const failure = { code: error.code, message: userMessageIn(error, deps.locale) ?? error.message, ...(cloud.cloudCode ? { cloudCode: cloud.cloudCode } : {}) };
    await audit({ phase: 'failed', result: `${error.code}${cloud.cloudCode ? ` ${cloud.cloudCode}` : ''}: ${failure.message}`, cloudRequestId: cloud.requestId }); // 8
    await show(statusOf(job, 'failed', deps.clock.now(), { error: failure, cloudRequestId: cloud.requestId })); // 9
    return { outcome: 'failed', error };
  }
}

/** Cloud errors are BotErrors already; anything else is a bug: "internal error, ref …" in chat, the detail in the log. */
function asBotError(e: unknown, deps: RemediationDeps): BotError {
  if (e instanceof BotError) return e;
  const ref = randomBytes(4).toString('hex');
  deps.logger.error({ err: e, ref }, 'remediation failed with an unexpected error');
  return new BotError('INTERNAL', `unexpected error, ref ${ref}`, { retryable: false, userMessage: internalErrorText(ref, deps.locale) });
}
