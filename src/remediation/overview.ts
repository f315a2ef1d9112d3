import { findMute, type Mute } from '../alerting/mute';
import type { Incident } from '../alerting/lifecycle';
import { SEVERITY_ORDER, type EventKind, type Provider, type Severity } from '../events/secret-event';
import type { IncidentStore } from '../store/incident-store';
import type { MuteStore } from '../store/mute-store';

/**
 * The overview behind `/secrets status` and the App Home tab: open alerts by severity, secrets
 * pending deletion with the time left, rotation failures, active mutes, and queue health.
 */
export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
}

export interface QueueHealth {
  notify: QueueCounts;
  remediate: QueueCounts;
  outboxPending: number;
}

export interface OverviewAlert {
  alertId: string;
  severity: Severity;
  kind: EventKind;
  provider: Provider;
  account: string;
  region: string;
  name: string;
  occurredAt: string;
  deletionDate?: string;
  failureCode?: string;
  mutedBy?: string;
}

export interface Overview {
  now: number;
  counts: Record<Severity, number>;
  /** Most severe first, then newest. */
  open: OverviewAlert[];
  pendingDeletions: OverviewAlert[];
  rotationFailures: OverviewAlert[];
  mutes: Mute[];
  queues?: QueueHealth;
}

export interface OverviewDeps {
  incidents: IncidentStore;
  mutes: MuteStore;
  queueHealth?: () => Promise<QueueHealth>;
  clock: { now(): number };
}

const ROTATION_FAILURES = new Set<EventKind>(['rotation.failed', 'rotation.abandoned', 'rotation.overdue', 'test-rotation.failed']);
const PENDING_DELETION = new Set<EventKind>(['deletion.scheduled', 'access.pending-deletion']);

export async function collectOverview(deps: OverviewDeps): Promise<Overview> {
  const now = deps.clock.now();
  const [incidents, mutes, queues] = await Promise.all([
    deps.incidents.listOpen(),
    deps.mutes.listActive(),
    deps.queueHealth ? deps.queueHealth().catch(() => undefined) : Promise.resolve(undefined),
  ]);
  return summarize(incidents, mutes, now, queues);
}

/** Pure: the overview of these incidents and mutes at `now`. */
export function summarize(incidents: Incident[], mutes: Mute[], now: number, queues?: QueueHealth): Overview {
  const open = incidents
    .filter((i) => i.status === 'open')
    .map((i): OverviewAlert => {
      const e = i.event;
      const mute = findMute(e, mutes, now);
      return {
        alertId: i.id,
        severity: e.severity,
        kind: e.kind,
        provider: e.provider,
        account: e.account,
        region: e.region,
        name: e.secretName,
        occurredAt: e.occurredAt,
        ...(e.deletionDate ? { deletionDate: e.deletionDate } : {}),
        ...(e.failure?.code ? { failureCode: e.failure.code } : {}),
        ...(mute ? { mutedBy: mute.id } : {}),
      };
    })
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.occurredAt.localeCompare(a.occurredAt));
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const a of open) counts[a.severity] += 1;
  return {
    now,
    counts,
    open,
    pendingDeletions: open
      .filter((a) => PENDING_DELETION.has(a.kind) && a.deletionDate)
      .sort((a, b) => a.deletionDate!.localeCompare(b.deletionDate!)),
    rotationFailures: open.filter((a) => ROTATION_FAILURES.has(a.kind)),
    mutes,
    ...(queues ? { queues } : {}),
  };
}
