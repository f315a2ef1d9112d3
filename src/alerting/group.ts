import { secretDisplayName } from '../clouds/classify-cloud-error';
import type { SummaryEntry, SummaryMessage } from '../chat/summary-message';
import type { EventKind, SecretEvent } from '../events/secret-event';
import { actionsFor, type RemediationAction } from '../remediation/actions';
import { hashId } from '../store/keys';
import type { Incident } from './lifecycle';
import { findMute, type Mute } from './mute';
import type { GroupField } from './route';

/**
 * Grouping and storm control (the pipeline's group stage). Pure: the caller loads and saves.
 *
 * Alerts are grouped per destination and route by the route's `group_by` labels (rotation
 * failures by provider, account, region and kind by default). While a group is quiet, each new
 * alert keeps its own message. When more than `threshold` new alerts of one group arrive within
 * `groupInterval`, the group becomes one summary message: the alerts seen in that interval and
 * every later one join it instead of posting; the summary is updated in place at most once per
 * `groupInterval`, and its members are listed in its thread page by page. The summary stays the
 * group's message until the group has been quiet for `summaryIdleMs(groupInterval)`; after that, new
 * alerts are shown one by one again.
 *
 * Mutes are checked again at every flush: a member muted after it joined is no longer shown.
 */

export interface GroupingOptions {
  groupBy: readonly GroupField[];
  groupInterval: number;
  /** More new alerts than this within groupInterval turn the group into a summary; 0: never. */
  threshold: number;
}

/** How an arriving alert was placed. */
export type GroupArrival = { status: 'alone' } | { status: 'summary-started' | 'summary-joined'; summaryId: string };

/** The group's labels for `event`: one value per `group_by` field. */
export function groupLabelsOf(event: SecretEvent, groupBy: readonly GroupField[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const f of groupBy) {
    labels[f] = f === 'secret' ? secretDisplayName(event.secretName || event.secretId) : String(event[f] ?? '');
  }
  return labels;
}

/** A group's id: the destination, the route, and the labels. */
export function groupIdOf(destination: string, route: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return 'g' + hashId('group', destination, route, ...parts);
}

/** A new summary's id: the group and when it started (a group goes quiet and may start another later). */
export function summaryIdOf(groupId: string, startedAt: number): string {
  return 's' + hashId('summary', groupId, String(startedAt));
}

/** How long a summary stays its group's message after the last alert joined it. */
export function summaryIdleMs(groupInterval: number): number {
  return Math.max(5 * 60_000, 3 * groupInterval);
}

/**
 * When the next flush of a summary is due: `groupWait` after it started (bucket 0), else at the
 * next multiple of `groupInterval`, so any number of arrivals in one interval make one flush
 * (`bucket` names it).
 */
export function nextFlush(now: number, t: { started: boolean; groupWait: number; groupInterval: number }): { bucket: number; at: number } {
  if (t.started) return { bucket: 0, at: now + Math.max(0, t.groupWait) };
  if (t.groupInterval <= 0) return { bucket: now, at: now };
  const bucket = Math.floor(now / t.groupInterval) + 1;
  return { bucket, at: bucket * t.groupInterval };
}

const SAMPLE_SIZE = 10;

export interface SummaryState {
  id: string;
  groupId: string;
  route: string;
  labels: Record<string, string>;
  createdAt: string;
  threshold: number;
  groupInterval: number;
}

/**
 * What a summary reads of each member's incident. A flush loads every member (10,000 in a big
 * storm), so the store hands over only this (`summaryIncident`), not the timeline and the rest.
 */
export type SummaryIncident = Pick<Incident, 'status' | 'event' | 'remediation'>;

/** The part of an incident a summary needs: the event without its failure text, the status, the remediation. */
export function summaryIncident(incident: Incident): SummaryIncident {
  const { failure: _failure, actor: _actor, ...event } = incident.event;
  return { status: incident.status, event, ...(incident.remediation ? { remediation: incident.remediation } : {}) };
}

/** A member of a summary at flush time: its incident and whether a mute now holds it. */
export interface SummaryMember {
  incident: SummaryIncident;
  muted: boolean;
}

/** Mutes are checked again at flush time (a mute made while the group waited holds). */
export function membersAtFlush(incidents: readonly SummaryIncident[], mutes: readonly Mute[], now: number): SummaryMember[] {
  return incidents.map((incident) => ({
    incident,
    muted: incident.status === 'open' && findMute(incident.event, mutes, now) !== undefined,
  }));
}

export function entryOf(incident: SummaryIncident): SummaryEntry {
  const e = incident.event;
  return {
    name: e.secretName || secretDisplayName(e.secretId),
    provider: e.provider,
    account: e.account,
    region: e.region,
    kind: e.kind,
    status: incident.status,
  };
}

/** The summary message for its members as they are now. */
export function summaryMessageOf(state: SummaryState, members: readonly SummaryMember[], now: number): SummaryMessage {
  const shown = members.filter((m) => !m.muted).map((m) => m.incident);
  const open = shown.filter((i) => i.status === 'open');
  const kinds = new Set<EventKind>(shown.map((i) => i.event.kind));
  const same = <K extends 'provider' | 'account' | 'region' | 'secretType'>(k: K) => {
    const values = new Set(shown.map((i) => i.event[k]));
    return values.size === 1 ? (shown[0]!.event[k] as SecretEvent[K]) : undefined;
  };
  const actionable: Partial<Record<RemediationAction, number>> = {};
  for (const i of open) {
    for (const a of actionsFor(i.event, true, i.remediation)) {
      if (a === 'mute') continue;
      actionable[a] = (actionable[a] ?? 0) + 1;
    }
  }
  const sample = (open.length > 0 ? open : shown).slice(0, SAMPLE_SIZE).map(entryOf);
  const asked = shown.map((i) => i.remediation).filter((r): r is NonNullable<Incident['remediation']> => r !== undefined);
  const latest = asked.reduce<(typeof asked)[number] | undefined>((a, r) => (a === undefined || r.requestedAt > a.requestedAt ? r : a), undefined);
  const remediation = latest
    ? {
        requestedBy: latest.requestedBy,
        requested: asked.filter((r) => r.state === 'requested').length,
        running: asked.filter((r) => r.state === 'running').length,
        succeeded: asked.filter((r) => r.state === 'succeeded').length,
        failed: asked.filter((r) => r.state === 'failed').length,
      }
    : undefined;
  const provider = same('provider');
  const account = same('account');
  const region = same('region');
  const secretType = same('secretType');
  return {
    summaryId: state.id,
    status: open.length === 0 && shown.length > 0 ? 'resolved' : 'open',
    ...(provider ? { provider } : {}),
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    ...(kinds.size === 1 ? { kind: [...kinds][0]! } : {}),
    ...(secretType ? { secretType } : {}),
    counts: { total: shown.length, open: open.length, resolved: shown.length - open.length, muted: members.length - shown.length },
    sample,
    actions: (Object.keys(actionable) as RemediationAction[]).sort(),
    actionable,
    ...(remediation ? { remediation } : {}),
    why: { threshold: state.threshold, groupInterval: state.groupInterval },
    since: state.createdAt,
    now,
  };
}

/** What the summary message shows, as one string: a flush rewrites the message only when it changed. */
export function summaryFingerprint(msg: SummaryMessage): string {
  return JSON.stringify([msg.status, msg.counts, msg.remediation ?? null, msg.actionable, msg.sample.map((e) => [e.name, e.status])]);
}

/**
 * Packs entries into pages that fit one chat message: at most `maxEntries` entries, and at most
 * `maxChars` of rendered lines (`lineLength` of each).
 */
export function pageEntries<T>(entries: readonly T[], lineLength: (e: T) => number, maxEntries: number, maxChars: number): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let chars = 0;
  for (const e of entries) {
    const n = lineLength(e) + 1;
    if (page.length > 0 && (page.length >= maxEntries || chars + n > maxChars)) {
      pages.push(page);
      page = [];
      chars = 0;
    }
    page.push(e);
    chars += n;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
