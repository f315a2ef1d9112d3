import type { ContextBlock, KnownBlock } from '@slack/types';
import type { RemediationStatus } from '../../remediation/actions';
import type { ChatNote, MuteNote, RemediationNote } from '../message';
import { ACTION_LABELS, cloudLabel, escapeAndTruncate, formatUtc, replaceRefs, stripRefMarkers as plain, truncate, userRef } from '../text';

/**
 * Pure Slack rendering of what remediation and mutes say: the status line inside an alert, thread
 * notes for each step, and neutral texts (with user/channel markers) turned into mrkdwn.
 */

const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,20}$/;

/** Neutral text → Slack mrkdwn: everything escaped, then our own user/channel markers become mentions. */
export function slackMrkdwn(neutral: string, max = 2900): string {
  const escaped = escapeAndTruncate(neutral, max);
  return replaceRefs(escaped, (kind, id) => {
    if (kind === '@') return SLACK_USER.test(id) ? `<@${id}>` : `@${id}`;
    return SLACK_CHANNEL.test(id) ? `<#${id}>` : `#${id}`;
  });
}

/** Neutral text → Slack's plain `text` fallback (notifications): mentions kept, nothing else. */
export function slackPlain(neutral: string, max = 1000): string {
  return slackMrkdwn(neutral, max);
}

const STATE_EMOJI: Record<RemediationStatus['state'], string> = {
  requested: ':hourglass_flowing_sand:',
  running: ':gear:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
};

/** How it went, in words, without the emoji: "failed — AccessDeniedException: …". */
export function remediationOutcomeText(s: RemediationStatus): string {
  switch (s.state) {
    case 'requested':
      return 'waiting to run';
    case 'running':
      return 'running';
    case 'succeeded':
      return s.detail ? `succeeded: ${plain(s.detail)}` : 'succeeded';
    case 'failed':
      return `failed — ${plain(s.error?.cloudCode ?? s.error?.code ?? 'error')}: ${plain(s.error?.message ?? 'unknown error')}`;
  }
}

/** The line an alert message carries about its remediation. */
export function remediationLine(s: RemediationStatus): string {
  const neutral = `${ACTION_LABELS[s.action]} requested by ${userRef(s.requestedBy)} at ${formatUtc(s.requestedAt)} · ${remediationOutcomeText(s)}`;
  return `${STATE_EMOJI[s.state]} ${slackMrkdwn(neutral, 2800)}`;
}

/** Plain sentence for one remediation step ("Retry rotation of prod/pg succeeded: …"). */
export function remediationNoteText(note: RemediationNote): string {
  const s = note.status;
  const what = `${ACTION_LABELS[s.action]} of ${truncate(plain(note.secret.name), 200)} (${cloudLabel(note.secret.provider)}${
    note.secret.account ? ` account ${note.secret.account}` : ''
  }, ${note.secret.region})`;
  const by = `requested by ${userRef(s.requestedBy)}`;
  if (note.retrying) {
    return `${what}: ${plain(note.retrying.message)} Retrying (attempt ${note.retrying.attempt + 1} of ${note.retrying.maxAttempts}).`;
  }
  switch (s.state) {
    case 'requested':
      return `${what} ${by}.`;
    case 'running':
      return `${what}, ${by}: running.`;
    case 'succeeded':
      return `${what}, ${by}: succeeded${s.detail ? ` — ${plain(s.detail)}` : ''}.${s.cloudRequestId ? ` Cloud request id ${s.cloudRequestId}.` : ''}`;
    case 'failed':
      return `${what}, ${by}: ${remediationOutcomeText(s)}${s.cloudRequestId ? ` (cloud request id ${s.cloudRequestId})` : ''}`;
  }
}

export function muteNoteText(note: MuteNote): string {
  const m = note.mute;
  if (note.ended) return `Mute ${m.id} of ${plain(m.label)} ended.`;
  const until = m.untilResolved ? 'until it is resolved' : m.endsAt ? `until ${formatUtc(m.endsAt)}` : '';
  return `${userRef(m.createdBy)} muted ${plain(m.label)} ${until} (mute ${m.id})${m.reason ? `: ${plain(m.reason)}` : '.'}`;
}

export interface SlackNotePayload {
  text: string;
  blocks: KnownBlock[];
}

/** A note for a thread, or a message of its own. */
export function renderSlackNote(note: ChatNote): SlackNotePayload {
  const neutral = note.kind === 'remediation' ? remediationNoteText(note) : muteNoteText(note);
  const emoji =
    note.kind === 'mute' ? ':no_bell:' : note.retrying ? ':repeat:' : STATE_EMOJI[note.status.state];
  const block: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `${emoji} ${slackMrkdwn(neutral, 1900)}` }] };
  return { text: slackPlain(neutral), blocks: [block] };
}
