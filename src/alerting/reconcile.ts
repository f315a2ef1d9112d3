import { formatUtc } from '../chat/text';
import type { SecretSummary, SecretsProvider } from '../clouds/secrets-provider';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import { buildAlibabaSecretArn } from '../events/alibaba-secret-arn';
import { severityOf } from '../events/event-severity';
import type { EventSource, Provider, SecretEvent } from '../events/secret-event';
import { BotError } from '../ops/errors';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import type { IncidentStore } from '../store/incident-store';
import { incidentKeyFor, type Incident, type Topic } from './lifecycle';
import { ingest, type IngestDeps } from './pipeline';

/**
 * Reconciliation: cloud events are delivered on a best-effort basis (CloudTrail can drop them, a
 * forwarder can be down), so on a schedule the bot lists the secrets of every configured account
 * and region, opens an incident for what the events missed, and resolves the open incidents the
 * cloud shows are over (so nothing stays red forever):
 *
 *   1. list every secret, including those pending deletion (SecretsProvider.listSecrets); load the
 *      open incidents once per pass
 *   2. decide per secret (pure, below):
 *      open    pending deletion with no open deletion incident; or automatic rotation past its
 *              next rotation date, with no success seen and no open rotation incident
 *      resolve an open deletion incident whose secret is no longer pending deletion (restored out
 *              of band: `deletion.cancelled`); an open rotation incident whose secret rotated
 *              after it (LastRotatedDate later than its latest event: `rotation.succeeded`); an
 *              open deletion incident whose secret is no longer listed and whose deletion date
 *              has passed (`deletion.completed`)
 *   3. synthesize a SecretEvent (`aws.reconcile` / `alibaba.reconcile`) with a stable source id
 *      and hand it to the normal ingest(): dedup, outbox, notify, reminders — nothing special.
 *      A second pass (or replica) finds the same source id and stops at dedup.
 *
 * The message says why it exists: "found by reconciliation: no event arrived".
 */

/** One account and region to list (config `aws.regions` / `alibaba.regions`: `<account>:<region>`). */
export interface ReconcileScope {
  provider: Provider;
  account: string;
  region: string;
}

/** A rotation is overdue only this long after its "on or before" date: rotation windows take time. */
export const ROTATION_OVERDUE_GRACE_MS = 3_600_000;

export type ReconcileDecision =
  | { action: 'open'; event: SecretEvent }
  | {
      action: 'none';
      reason:
        | 'not-pending-deletion'
        | 'deletion-tracked' // an open deletion incident exists
        | 'deleted' // the deletion date has passed: the secret is gone or about to be
        | 'rotation-off'
        | 'rotation-not-due'
        | 'rotation-succeeded' // the cloud or an event says it rotated after the due date
        | 'rotation-tracked'; // an open rotation incident exists (a failure already alerting)
    };

/** Whether an open incident is over, as the listing shows it (the reverse of ReconcileDecision). */
export type ResolveDecision =
  | { action: 'resolve'; event: SecretEvent }
  | {
      action: 'none';
      reason:
        | 'no-open-incident'
        | 'still-pending-deletion'
        | 'not-rotated-since' // no LastRotatedDate after the incident's latest event
        | 'not-due-yet'; // gone from the listing, but its deletion date has not passed
    };

/** The ids the secret's events may have given it: the ARN (how events name it) and the name. */
export function secretIdsOf(scope: ReconcileScope, s: SecretSummary): string[] {
  const ids = [
    s.arn,
    scope.provider === 'alibaba' ? buildAlibabaSecretArn(scope.region, scope.account, s.name) : undefined,
    s.name,
  ];
  return [...new Set(ids.filter((x): x is string => typeof x === 'string' && x !== ''))];
}

/** The incident keys to look up for a listed secret and topic (one per id it may have). */
export function incidentKeysOf(scope: ReconcileScope, s: SecretSummary, topic: Topic): string[] {
  return secretIdsOf(scope, s).map((secretId) => incidentKeyFor({ ...scope, secretId }, topic));
}

function baseEvent(
  scope: ReconcileScope,
  s: SecretSummary,
  now: number,
): Omit<SecretEvent, 'kind' | 'severity' | 'sourceId'> {
  return {
    provider: scope.provider,
    source: `${scope.provider}.reconcile` satisfies EventSource,
    account: scope.account,
    region: scope.region,
    secretId: secretIdsOf(scope, s)[0] ?? s.name,
    secretName: s.name,
    ...(s.type ? { secretType: s.type } : {}),
    ...(Object.keys(s.tags).length > 0 ? { tags: s.tags } : {}),
    occurredAt: new Date(now).toISOString(),
    sourceEventName: 'ListSecrets',
  };
}

/**
 * An event that closes `incident`: the same secret id as the incident's events (so it lands in
 * that incident), the listing's name, type and tags.
 */
function closingEvent(
  scope: ReconcileScope,
  s: SecretSummary,
  incident: Incident,
  kind: 'deletion.cancelled' | 'rotation.succeeded' | 'deletion.completed',
  occurredAt: number,
  ...why: string[]
): SecretEvent {
  return {
    ...baseEvent(scope, s, occurredAt),
    secretId: incident.event.secretId,
    secretName: incident.event.secretName || s.name,
    kind,
    severity: severityOf(kind),
    sourceId: stableId(scope, s.name, ...why, incident.id),
  };
}

/** An open deletion incident, and the secret listed as not pending deletion: restored out of band. */
export function checkRestored(
  scope: ReconcileScope,
  s: SecretSummary,
  open: Incident | undefined,
  now: number,
): ResolveDecision {
  if (open?.status !== 'open' || open.topic !== 'deletion')
    return { action: 'none', reason: 'no-open-incident' };
  if (s.deletionDate) return { action: 'none', reason: 'still-pending-deletion' };
  return { action: 'resolve', event: closingEvent(scope, s, open, 'deletion.cancelled', now, 'restored') };
}

/** An open rotation incident, and the cloud's last rotation later than its latest event: it rotated since. */
export function checkRotated(
  scope: ReconcileScope,
  s: SecretSummary,
  open: Incident | undefined,
): ResolveDecision {
  if (open?.status !== 'open' || open.topic !== 'rotation')
    return { action: 'none', reason: 'no-open-incident' };
  const last = s.lastRotatedAt ? Date.parse(s.lastRotatedAt) : NaN;
  if (Number.isNaN(last) || last <= Date.parse(open.event.occurredAt))
    return { action: 'none', reason: 'not-rotated-since' };
  return {
    action: 'resolve',
    event: closingEvent(scope, s, open, 'rotation.succeeded', last, 'rotated', String(last)),
  };
}

/** An open deletion incident whose secret the listing no longer has, past its deletion date: it is gone. */
export function checkGone(scope: ReconcileScope, open: Incident, now: number): ResolveDecision {
  if (open.status !== 'open' || open.topic !== 'deletion')
    return { action: 'none', reason: 'no-open-incident' };
  const deadline = open.event.deletionDate ? Date.parse(open.event.deletionDate) : NaN;
  if (Number.isNaN(deadline) || deadline > now) return { action: 'none', reason: 'not-due-yet' };
  const s: SecretSummary = {
    name: open.event.secretName || secretDisplayName(open.event.secretId),
    tags: {},
  };
  return { action: 'resolve', event: closingEvent(scope, s, open, 'deletion.completed', deadline, 'gone') };
}

function stableId(scope: ReconcileScope, name: string, ...what: string[]): string {
  return ['reconcile', scope.provider, scope.account, scope.region, name, ...what].join(':');
}

/** Pending deletion, and no open deletion incident: a `deletion.scheduled` the events missed. */
export function checkDeletion(
  scope: ReconcileScope,
  s: SecretSummary,
  open: Incident | undefined,
  now: number,
): ReconcileDecision {
  const deadline = s.deletionDate ? Date.parse(s.deletionDate) : NaN;
  if (Number.isNaN(deadline)) return { action: 'none', reason: 'not-pending-deletion' };
  if (deadline <= now) return { action: 'none', reason: 'deleted' };
  if (open?.status === 'open') return { action: 'none', reason: 'deletion-tracked' };
  const deletionDate = new Date(deadline).toISOString();
  return {
    action: 'open',
    event: {
      ...baseEvent(scope, s, now),
      kind: 'deletion.scheduled',
      severity: severityOf('deletion.scheduled'),
      deletionDate,
      sourceId: stableId(scope, s.name, deletionDate),
    },
  };
}

const SUCCESS_KINDS = new Set<SecretEvent['kind']>(['rotation.succeeded', 'rotation.label-updated']);

/**
 * Automatic rotation on, its next rotation date more than the grace period ago, and no success
 * since (neither the cloud's last rotation date nor a success event is after it), and nothing
 * alerting about it already: a `rotation.overdue` (a failure whose event never came, or a rotation
 * that never ran).
 */
export function checkRotation(
  scope: ReconcileScope,
  s: SecretSummary,
  incident: Incident | undefined,
  now: number,
): ReconcileDecision {
  if (s.deletionDate) return { action: 'none', reason: 'rotation-off' };
  if (s.rotationEnabled !== true) return { action: 'none', reason: 'rotation-off' };
  const due = s.nextRotationAt ? Date.parse(s.nextRotationAt) : NaN;
  if (Number.isNaN(due) || due + ROTATION_OVERDUE_GRACE_MS > now)
    return { action: 'none', reason: 'rotation-not-due' };
  const last = s.lastRotatedAt ? Date.parse(s.lastRotatedAt) : NaN;
  if (!Number.isNaN(last) && last >= due) return { action: 'none', reason: 'rotation-succeeded' };
  if (incident?.status === 'open') return { action: 'none', reason: 'rotation-tracked' };
  if (incident && SUCCESS_KINDS.has(incident.event.kind) && Date.parse(incident.event.occurredAt) >= due) {
    return { action: 'none', reason: 'rotation-succeeded' };
  }
  const nextRotationAt = new Date(due).toISOString();
  const lastText = Number.isNaN(last)
    ? 'never rotated'
    : `last rotated ${formatUtc(new Date(last).toISOString())}`;
  return {
    action: 'open',
    event: {
      ...baseEvent(scope, s, now),
      kind: 'rotation.overdue',
      severity: severityOf('rotation.overdue'),
      failure: {
        message: `Rotation was due by ${formatUtc(nextRotationAt)} and has not happened (${lastText}).`,
      },
      sourceId: stableId(scope, s.name, 'overdue', nextRotationAt),
    },
  };
}

/** The incident that decides: an open one if any of the secret's keys has one, else the latest. */
export function pickIncident(found: Array<Incident | undefined>): Incident | undefined {
  const all = found.filter((i): i is Incident => i !== undefined);
  return (
    all.find((i) => i.status === 'open') ?? all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]
  );
}

// ---------------------------------------------------------------------------------------------
// The pass (I/O)

export interface ReconcileDeps extends IngestDeps {
  clouds: { get(provider: Provider): SecretsProvider; has(provider: Provider): boolean };
  incidents: IncidentStore;
  scopes: readonly ReconcileScope[];
  clock: Clock;
  logger: Logger;
}

export interface ReconcileReport {
  scopes: number;
  listed: number;
  /** Events handed to ingest that were new (the rest were found before). */
  opened: Array<{
    provider: Provider;
    account: string;
    region: string;
    secret: string;
    kind: SecretEvent['kind'];
  }>;
  /** Open incidents resolved because the listing shows them over (restored, rotated, gone). */
  resolved: Array<{
    provider: Provider;
    account: string;
    region: string;
    secret: string;
    kind: SecretEvent['kind'];
  }>;
  alreadyFound: number;
  /** Scopes that could not be listed, with the error code (retried next pass). */
  failed: Array<{ provider: Provider; account: string; region: string; code: string }>;
}

export async function reconcile(deps: ReconcileDeps, passId: string): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    scopes: deps.scopes.length,
    listed: 0,
    opened: [],
    resolved: [],
    alreadyFound: 0,
    failed: [],
  };
  let openIncidents: Map<string, Incident> | undefined;
  for (const scope of deps.scopes) {
    const where = { provider: scope.provider, account: scope.account, region: scope.region };
    let secrets: SecretSummary[];
    try {
      if (!deps.clouds.has(scope.provider))
        throw new BotError('CLOUD.UNSUPPORTED', `${scope.provider} is not configured`, { retryable: false });
      secrets = await deps.clouds.get(scope.provider).listSecrets(scope, { includePlannedDeletion: true }); // 1
    } catch (e) {
      const code = e instanceof BotError ? e.code : 'INTERNAL';
      deps.logger.warn(
        { err: e, ...where, code },
        'reconciliation could not list secrets; trying again next pass',
      );
      report.failed.push({ ...where, code });
      continue;
    }
    report.listed += secrets.length;
    openIncidents ??= new Map((await deps.incidents.listOpen(MAX_OPEN_INCIDENTS)).map((i) => [i.key, i]));
    const listedKeys = new Set<string>();
    const ingested = async (event: SecretEvent, to: ReconcileReport['opened']) => {
      const outcome = await ingest({ outcome: 'event', event }, deps, `reconcile-${passId}`); // 3
      if (outcome.status !== 'accepted') {
        report.alreadyFound += 1;
        return;
      }
      to.push({ ...where, secret: event.secretName, kind: event.kind });
      deps.logger.info(
        { ...where, secret: event.secretName, kind: event.kind, eventKey: outcome.eventKey },
        to === report.opened
          ? 'found by reconciliation: no event arrived'
          : 'resolved by reconciliation: no event arrived',
      );
    };
    for (const s of secrets) {
      const now = deps.clock.now();
      const openOf = (topic: Topic) => {
        const keys = incidentKeysOf(scope, s, topic);
        keys.forEach((k) => listedKeys.add(k));
        return keys.map((k) => openIncidents!.get(k)).find((i) => i !== undefined);
      };
      for (const r of [
        checkRestored(scope, s, openOf('deletion'), now),
        checkRotated(scope, s, openOf('rotation')),
      ]) {
        if (r.action === 'resolve') await ingested(r.event, report.resolved); // 2 (resolve)
      }
      const decisions: ReconcileDecision[] = [];
      if (s.deletionDate) {
        decisions.push(checkDeletion(scope, s, await incidentFor(deps, scope, s, 'deletion'), now)); // 2
      } else if (
        s.rotationEnabled === true &&
        s.nextRotationAt &&
        Date.parse(s.nextRotationAt) + ROTATION_OVERDUE_GRACE_MS <= now
      ) {
        decisions.push(checkRotation(scope, s, await incidentFor(deps, scope, s, 'rotation'), now));
      }
      for (const d of decisions) if (d.action === 'open') await ingested(d.event, report.opened);
    }
    // Deletion incidents of this scope whose secret the listing no longer has.
    for (const incident of openIncidents.values()) {
      const e = incident.event;
      if (
        listedKeys.has(incident.key) ||
        e.provider !== scope.provider ||
        e.account !== scope.account ||
        e.region !== scope.region
      )
        continue;
      const r = checkGone(scope, incident, deps.clock.now());
      if (r.action === 'resolve') await ingested(r.event, report.resolved);
    }
  }
  return report;
}

/** Open incidents loaded per pass (the oldest first); more than this are looked at in later passes. */
const MAX_OPEN_INCIDENTS = 20_000;

async function incidentFor(
  deps: ReconcileDeps,
  scope: ReconcileScope,
  s: SecretSummary,
  topic: Topic,
): Promise<Incident | undefined> {
  const found = await Promise.all(incidentKeysOf(scope, s, topic).map((k) => deps.incidents.get(k)));
  return pickIncident(found);
}
