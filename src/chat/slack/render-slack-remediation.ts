import type { ContextBlock, KnownBlock } from '@slack/types';
import type { RemediationStatus } from '../../remediation/actions';
import type { ChatNote, MuteNote, RemediationNote } from '../message';
import { alertWords } from '../i18n/alert-words';
import type { Locale } from '../i18n/locale';
import { sentenceWords } from '../i18n/sentence-words';
import {
  escapeAndTruncate,
  formatUtc,
  replaceRefs,
  stripRefMarkers as plain,
  truncate,
  userRef,
} from '../text';

/**
 * Pure Slack rendering of what remediation and mutes say: the status line inside an alert, thread
 * notes for each step (in LOCALE, words from ../i18n/sentence-words), and neutral texts (with
 * user/channel markers) turned into mrkdwn.
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
export function remediationOutcomeText(s: RemediationStatus, locale?: Locale): string {
  const o = sentenceWords(locale).outcome;
  switch (s.state) {
    case 'requested':
      return o.requested;
    case 'running':
      return o.running;
    case 'succeeded':
      return o.succeeded(s.detail ? plain(s.detail) : undefined);
    case 'failed':
      return o.failed(
        plain(s.error?.cloudCode ?? s.error?.code ?? 'error'),
        plain(s.error?.message ?? o.unknownError),
      );
  }
}

/** The line an alert message carries about its remediation. */
export function remediationLine(s: RemediationStatus, locale?: Locale): string {
  const neutral = sentenceWords(locale).statusLine(
    alertWords(locale).button[s.action],
    userRef(s.requestedBy),
    formatUtc(s.requestedAt),
    remediationOutcomeText(s, locale),
  );
  return `${STATE_EMOJI[s.state]} ${slackMrkdwn(neutral, 2800)}`;
}

/** Plain sentence for one remediation step ("Retry rotation of prod/pg succeeded: …"), in `locale`. */
export function remediationNoteText(note: RemediationNote, locale?: Locale): string {
  const w = sentenceWords(locale).note;
  const s = note.status;
  const what = w.what(
    alertWords(locale).button[s.action],
    truncate(plain(note.secret.name), 200),
    alertWords(locale).cloud(note.secret.provider),
    plain(note.secret.account), // from the event: never a mention marker
    plain(note.secret.region),
  );
  const by = userRef(s.requestedBy);
  if (note.retrying) {
    return w.retrying(
      what,
      plain(note.retrying.message),
      note.retrying.attempt + 1,
      note.retrying.maxAttempts,
    );
  }
  switch (s.state) {
    case 'requested':
      return w.requested(what, by);
    case 'running':
      return w.running(what, by);
    case 'succeeded':
      return w.succeeded(
        what,
        by,
        s.detail ? plain(s.detail) : undefined,
        s.cloudRequestId && plain(s.cloudRequestId),
      );
    case 'failed':
      return w.failed(
        what,
        by,
        remediationOutcomeText(s, locale),
        s.cloudRequestId && plain(s.cloudRequestId),
      );
  }
}

export function muteNoteText(note: MuteNote, locale?: Locale): string {
  const w = sentenceWords(locale).mute;
  const m = note.mute;
  if (note.expired) return w.expired(m.id, plain(m.label), userRef(m.createdBy), note.expired.mutedEvents);
  if (note.ended) return w.ended(m.id, plain(m.label));
  const until = m.untilResolved ? w.untilItIsResolved : m.endsAt ? w.until(formatUtc(m.endsAt)) : '';
  return w.created(userRef(m.createdBy), plain(m.label), until, m.id, m.reason ? plain(m.reason) : undefined);
}

export interface SlackNotePayload {
  text: string;
  blocks: KnownBlock[];
}

/** A note for a thread, or a message of its own, in `locale`. */
export function renderSlackNote(note: ChatNote, locale?: Locale): SlackNotePayload {
  const neutral =
    note.kind === 'remediation' ? remediationNoteText(note, locale) : muteNoteText(note, locale);
  const emoji =
    note.kind === 'mute' ? ':no_bell:' : note.retrying ? ':repeat:' : STATE_EMOJI[note.status.state];
  const block: ContextBlock = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${emoji} ${slackMrkdwn(neutral, 1900)}` }],
  };
  return { text: slackPlain(neutral), blocks: [block] };
}
