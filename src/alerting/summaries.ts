import type { MessageRef } from '../chat/message';
import type { SummaryEntry, SummaryMessage, SummaryPage } from '../chat/summary-message';
import { dingTalkJobId, type DingTalkDelivery } from '../queue/queues';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import type { StoredSummary } from '../store/group-store';
import { entryOf, membersAtFlush, summaryFingerprint, summaryIncident, summaryMessageOf, type SummaryIncident, type SummaryMember } from './group';
import type { Incident } from './lifecycle';
import type { Mute } from './mute';

/**
 * Flushing a summary (the group stage's output, one job per summary and interval): load its members
 * as they are now, check mutes again, then show it — Slack: post it once, update it in place when
 * its counts change, and list members not yet listed in its thread, page by page; DingTalk: one
 * card when it starts, then an update at most once per robot budget window (`minIntervalMs`, the
 * `dingtalk.window` setting: a minute by default) naming the members
 * added since. Progress is saved after every message, so a retried flush never repeats a page.
 */

/** What a summary needs from Slack. */
export interface SummarySender {
  postSummary(channel: string, msg: SummaryMessage): Promise<MessageRef>;
  updateSummary(ref: MessageRef, msg: SummaryMessage): Promise<void>;
  replySummaryPage(ref: MessageRef, page: SummaryPage, total: number): Promise<void>;
  /** Splits entries into pages that fit one message. */
  paginate(entries: readonly SummaryEntry[]): SummaryEntry[][];
}

export interface SummaryDeps {
  groups: {
    get(id: string): Promise<StoredSummary | undefined>;
    save(s: StoredSummary): Promise<void>;
    members(id: string): Promise<string[]>;
    lock(id: string): Promise<(() => Promise<void>) | undefined>;
  };
  incidents: { getMany<T>(keys: readonly string[], project: (incident: Incident) => T): Promise<Array<T | undefined>> };
  mutes?: { listActive(): Promise<Mute[]> };
  slack?: SummarySender;
  /** Queues a DingTalk robot message (the deliver-dingtalk queue); renders the summary card. */
  dingtalk?: {
    robot: string;
    enqueue(jobId: string, delivery: DingTalkDelivery): Promise<void>;
    render(msg: SummaryMessage, entries: readonly SummaryEntry[], added: number | undefined): DingTalkDelivery;
    /** Least time between two messages of one summary (default DINGTALK_MIN_INTERVAL_MS). */
    minIntervalMs?: number;
  };
  /** Schedules another flush shortly (while members' remediations are still under way). */
  refreshSoon?: (summaryId: string) => Promise<void>;
  /** Schedules the summary's next interval flush. */
  flushLater?: (summaryId: string, groupInterval: number) => Promise<void>;
  clock: Clock;
  logger: Logger;
}

/** DingTalk robots take 20 messages a minute: by default a summary sends at most one a minute. */
export const DINGTALK_MIN_INTERVAL_MS = 60_000;

export type FlushOutcome =
  | { outcome: 'busy' }
  | { outcome: 'gone' }
  | { outcome: 'flushed'; posted: boolean; updated: boolean; pages: number; counts: SummaryMessage['counts'] }
  /** DingTalk: too soon after the last card; flush again at `retryAt`. */
  | { outcome: 'later'; retryAt: number };

export async function flushSummary(summaryId: string, deps: SummaryDeps): Promise<FlushOutcome> {
  const release = await deps.groups.lock(summaryId);
  if (!release) return { outcome: 'busy' };
  try {
    const summary = await deps.groups.get(summaryId);
    if (!summary) return { outcome: 'gone' };
    const keys = await deps.groups.members(summaryId);
    const loaded = await deps.incidents.getMany(keys, summaryIncident);
    // A member whose notify has not saved its incident yet is left for the next flush; the list in
    // the thread stops before it, so members are listed in the order they joined, none skipped.
    const saved = loaded.findIndex((i) => i === undefined);
    const ready = (saved === -1 ? loaded : loaded.slice(0, saved)) as SummaryIncident[];
    const later = loaded.slice(ready.length).filter((i): i is SummaryIncident => i !== undefined);
    const now = deps.clock.now();
    const mutes = deps.mutes ? await deps.mutes.listActive() : [];
    const members = membersAtFlush(ready, mutes, now);
    const msg = summaryMessageOf(summary, [...members, ...membersAtFlush(later, mutes, now)], now);
    const outcome = summary.destination.platform === 'slack' ? await flushToSlack(summary, members, msg, deps) : await flushToDingTalk(summary, members, msg, deps);
    // Not saved yet: the member's own arrival scheduled this summary's next interval flush, which
    // will find it (flushing sooner would reload every member of a storm again and again).
    if (saved !== -1) await deps.flushLater?.(summaryId, summary.groupInterval);
    // Members' remediations still queued or running: some of them report to messages of their own
    // (the alerts shown before the group stormed), so the summary looks again until they settle.
    if (msg.remediation && msg.remediation.requested + msg.remediation.running > 0) await deps.refreshSoon?.(summaryId);
    return outcome;
  } finally {
    await release().catch(() => undefined);
  }
}

async function flushToSlack(summary: StoredSummary, members: SummaryMember[], msg: SummaryMessage, deps: SummaryDeps): Promise<FlushOutcome> {
  const slack = deps.slack;
  if (!slack || summary.destination.platform !== 'slack') return { outcome: 'gone' };
  let posted = false;
  let updated = false;
  const shown = summaryFingerprint(msg);
  if (!summary.ref) {
    summary.ref = await slack.postSummary(summary.destination.channel, msg);
    summary.shown = shown;
    posted = true;
    await deps.groups.save(summary);
  } else if (summary.shown !== shown) {
    await slack.updateSummary(summary.ref, msg);
    summary.shown = shown;
    updated = true;
    await deps.groups.save(summary);
  }
  // Members not listed yet, in the order they joined; muted ones are passed over (and stay unlisted).
  const unlisted = members.slice(summary.listed);
  let pages = 0;
  let position = members.slice(0, summary.listed).filter((m) => !m.muted).length;
  for (const chunk of chunksOf(unlisted, slack)) {
    const entries = chunk.filter((m) => !m.muted).map((m) => entryOf(m.incident));
    if (entries.length > 0) {
      await slack.replySummaryPage(summary.ref, { summaryId: summary.id, from: position + 1, entries }, msg.counts.total);
      pages++;
      position += entries.length;
    }
    summary.listed += chunk.length;
    await deps.groups.save(summary);
  }
  return { outcome: 'flushed', posted, updated, pages, counts: msg.counts };
}

/** Groups members into pages by the entries they show (muted members ride along without space). */
function chunksOf(members: SummaryMember[], slack: SummarySender): SummaryMember[][] {
  const shown = members.filter((m) => !m.muted);
  const pages = slack.paginate(shown.map((m) => entryOf(m.incident)));
  const out: SummaryMember[][] = [];
  let i = 0;
  for (const page of pages) {
    const chunk: SummaryMember[] = [];
    let taken = 0;
    while (i < members.length && taken < page.length) {
      const m = members[i++]!;
      chunk.push(m);
      if (!m.muted) taken++;
    }
    out.push(chunk);
  }
  if (i < members.length) out.push(members.slice(i)); // only muted members left
  return out;
}

async function flushToDingTalk(summary: StoredSummary, members: SummaryMember[], msg: SummaryMessage, deps: SummaryDeps): Promise<FlushOutcome> {
  const dt = deps.dingtalk;
  if (!dt || summary.destination.platform !== 'dingtalk') return { outcome: 'gone' };
  const now = deps.clock.now();
  const first = summary.lastSentAt === undefined;
  // Counts and a bulk action's progress: a change in either is worth a card (paced below).
  const shown = JSON.stringify([msg.counts, msg.remediation ?? null]);
  if (!first && summary.shown === shown && summary.listed >= members.length) {
    return { outcome: 'flushed', posted: false, updated: false, pages: 0, counts: msg.counts };
  }
  const minInterval = dt.minIntervalMs ?? DINGTALK_MIN_INTERVAL_MS;
  if (!first && now - summary.lastSentAt! < minInterval) {
    return { outcome: 'later', retryAt: summary.lastSentAt! + minInterval };
  }
  const fresh = members.slice(summary.listed).filter((m) => !m.muted);
  const entries = (first ? members.filter((m) => !m.muted) : fresh).map((m) => entryOf(m.incident));
  const sequence = summary.lastSentAt === undefined ? 0 : Math.round(summary.lastSentAt);
  await dt.enqueue(dingTalkJobId(dt.robot, 'summary', summary.id, String(sequence)), dt.render(msg, entries, first ? undefined : fresh.length));
  summary.lastSentAt = now;
  summary.listed = members.length;
  summary.shown = shown;
  await deps.groups.save(summary);
  return { outcome: 'flushed', posted: first, updated: !first, pages: 0, counts: msg.counts };
}

/**
 * Posts an open summary anew, with its whole list (the repeat of its members, like Alertmanager's
 * re-notification). Every member's repeat comes due at about the same time: the first one reposts,
 * the others find it repeated within half an interval and leave it.
 */
export async function repeatSummary(
  summaryId: string,
  intervalMs: number,
  deps: Pick<SummaryDeps, 'groups' | 'clock'> & { flushNow(summaryId: string): Promise<void> },
): Promise<'repeated' | 'recent' | 'busy' | 'gone'> {
  const release = await deps.groups.lock(summaryId);
  if (!release) return 'busy';
  try {
    const summary = await deps.groups.get(summaryId);
    if (!summary) return 'gone';
    const now = deps.clock.now();
    const last = summary.repeatedAt ?? Date.parse(summary.createdAt);
    if (now - last < intervalMs / 2) return 'recent';
    const { ref: _ref, shown: _shown, lastSentAt: _sent, ...rest } = summary;
    await deps.groups.save({ ...rest, listed: 0, repeatedAt: now });
  } finally {
    await release().catch(() => undefined);
  }
  await deps.flushNow(summaryId);
  return 'repeated';
}
