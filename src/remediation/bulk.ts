import type { Incident } from '../alerting/lifecycle';
import { BotError } from '../ops/errors';
import type { StoredSummary } from '../store/group-store';
import { actionsFor, POLICY_OF, type ActionRef, type RemediationAction } from './actions';
import { authorize } from './authorize';
import { requestRemediation, type RemediationDeps, type RequestOutcome } from './flow';
import { refusalText } from './replies';
import { sentenceWords } from '../chat/i18n/sentence-words';

/**
 * A bulk action on a summary message ("Retry rotation (137)"): the same authorization as a single
 * action, checked once for the person and channel, then one ordinary request per open member the
 * action applies to — each with its own claim, job id and audit record, so a member already being
 * handled (or clicked twice, by anyone, on any replica) still runs once. Members' progress shows in
 * the summary, not as messages of their own.
 */

/** What a bulk action needs to find a summary's members. */
export interface SummaryAccess {
  get(summaryId: string): Promise<StoredSummary | undefined>;
  members(summaryId: string): Promise<string[]>;
}

export interface BulkDeps extends RemediationDeps {
  summaries?: SummaryAccess;
  incidents: RemediationDeps['incidents'] & {
    getMany<T>(keys: readonly string[], project: (incident: Incident) => T): Promise<Array<T | undefined>>;
  };
}

export interface BulkRequest {
  action: RemediationAction;
  summaryId: string;
  user: string;
  channel: string;
}

export interface BulkOutcome {
  status: 'refused' | 'done' | 'unavailable';
  text: string;
  counts: Record<RequestOutcome['status'], number>;
}

const PARALLEL = 8;

export async function requestBulkRemediation(req: BulkRequest, deps: BulkDeps): Promise<BulkOutcome> {
  const counts: BulkOutcome['counts'] = {
    refused: 0,
    queued: 0,
    'in-progress': 0,
    done: 0,
    'not-applicable': 0,
    unavailable: 0,
  };
  const decision = authorize(
    { user: req.user, action: POLICY_OF[req.action], channel: req.channel },
    deps.policy,
  );
  if (!decision.allowed) {
    await deps.audit.record({
      actor: req.user,
      action: POLICY_OF[req.action],
      secret: {
        provider: 'aws',
        account: '',
        region: '',
        secretId: `summary:${req.summaryId}`,
        name: `summary ${req.summaryId}`,
      },
      via: 'button',
      channel: req.channel,
      phase: 'refused',
      result: decision.reason,
    });
    return { status: 'refused', text: refusalText(req.action, decision, deps.locale), counts };
  }
  const targets = await bulkTargets(req.summaryId, req.action, deps);
  if (!targets) return { status: 'unavailable', text: sentenceWords(deps.locale).bulk.gone, counts };
  for (let i = 0; i < targets.length; i += PARALLEL) {
    const outcomes = await Promise.all(
      targets.slice(i, i + PARALLEL).map((ref) =>
        requestRemediation(
          { action: req.action, ref, user: req.user, channel: req.channel, via: 'button' },
          deps,
        ).catch((e: unknown) => {
          deps.logger.warn(
            { err: e, incidentId: ref.alertId, summaryId: req.summaryId },
            'bulk action: one request failed',
          );
          if (e instanceof BotError && e.code === 'STORE.UNAVAILABLE') throw e;
          return { status: 'unavailable', text: '' } as RequestOutcome;
        }),
      ),
    );
    for (const o of outcomes) counts[o.status]++;
  }
  const text = sentenceWords(deps.locale).bulk.done(targets.length, {
    queued: counts.queued,
    busy: counts['in-progress'] + counts.done,
    notApplicable: counts['not-applicable'],
    refused: counts.refused,
    unavailable: counts.unavailable,
  });
  return { status: 'done', text, counts };
}

/**
 * What `action` would act on: the open members of a summary it applies to, as the references a
 * single request takes (loaded chunk by chunk, never thousands of whole incidents at once);
 * undefined when the summary is gone.
 */
export async function bulkTargets(
  summaryId: string,
  action: RemediationAction,
  deps: Pick<BulkDeps, 'summaries' | 'incidents'>,
): Promise<ActionRef[] | undefined> {
  const summary = deps.summaries ? await deps.summaries.get(summaryId) : undefined;
  if (!summary || !deps.summaries) return undefined;
  const keys = await deps.summaries.members(summaryId);
  const refs = await deps.incidents.getMany(keys, (i) =>
    // Whether the action applies to the secret, not whether someone asked already: the claims say that.
    i.status === 'open' && actionsFor(i.event, true).includes(action) ? refOf(i) : undefined,
  );
  return refs.filter((r): r is ActionRef => r !== undefined);
}

function refOf(incident: Incident): ActionRef {
  const e = incident.event;
  return {
    alertId: incident.id,
    provider: e.provider,
    account: e.account,
    region: e.region,
    secretId: e.secretId,
    secretName: e.secretName,
  };
}
