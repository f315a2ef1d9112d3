import type { EventKind, Provider } from '../events/secret-event';
import type { RemediationAction } from '../remediation/actions';

/**
 * The platform-neutral summary message: one message standing for a group of alerts that arrived
 * too fast to show one by one (alerting/group.ts). Renderers turn it into a Slack message (updated
 * in place) or DingTalk cards; its members are listed in the thread, page by page.
 */

export interface SummaryEntry {
  name: string;
  provider: Provider;
  account: string;
  region: string;
  kind: EventKind;
  status: 'open' | 'resolved';
}

export interface SummaryMessage {
  summaryId: string;
  /** `resolved` once every member shown has resolved. */
  status: 'open' | 'resolved';
  /** What the members share (the group's labels), for the headline. */
  provider?: Provider;
  account?: string;
  region?: string;
  /** Set when every member has the same kind of alert. */
  kind?: EventKind;
  secretType?: string;
  counts: {
    /** Members shown (muted ones excluded). */
    total: number;
    open: number;
    resolved: number;
    /** Members held back by a mute, checked at every flush. */
    muted: number;
  };
  /** The first open members (or the first members when none is open), for the message itself. */
  sample: SummaryEntry[];
  /** Bulk actions that apply to the open members (each member's own claim still makes it run once). */
  actions: RemediationAction[];
  /** How many members act on a bulk action (open, shown, with the action applying). */
  actionable: Partial<Record<RemediationAction, number>>;
  /** Remediations of members asked for from chat (a bulk action), by state; absent when none. */
  remediation?: { requestedBy: string; requested: number; running: number; succeeded: number; failed: number };
  /** Why it is a summary: more than `threshold` alerts of the group within `groupInterval` ms. */
  why: { threshold: number; groupInterval: number };
  /** When the summary started (ISO-8601). */
  since: string;
  now: number;
}

/** One page of a summary's member list, for its thread. */
export interface SummaryPage {
  summaryId: string;
  /** 1-based position of the page's first entry in the whole list. */
  from: number;
  entries: SummaryEntry[];
}
