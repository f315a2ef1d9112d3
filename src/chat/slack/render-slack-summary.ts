import type { Button, KnownBlock } from '@slack/types';
import { BULK_ACTION_IDS } from '../../remediation/actions';
import type { Locale } from '../dingtalk/dingtalk-i18n';
import type { SummaryEntry, SummaryMessage, SummaryPage } from '../summary-message';
import { summaryWords, type SummaryWords } from '../summary-words';
import { cloudLabel, escapeAndTruncate, formatUtc, truncate, truncateMrkdwn, userRef } from '../text';
import { slackMrkdwn } from './render-slack-remediation';
import { pageEntries } from '../../alerting/group';
import { SLACK_LIMITS } from './render-slack-alert';

/**
 * Pure Slack renderer for summary messages (alerting/group.ts): the headline with the count, where,
 * open/resolved/muted counts, the first members, one bulk button per action that applies (with a
 * confirm dialog naming how many secrets and where), and "why am I seeing this". The members are
 * listed in the thread by `renderSlackSummaryPage`, as many per message as fit.
 */

export interface SlackSummaryOptions {
  locale?: Locale;
}

const NAME_BUDGET = 120;
/** Entries per thread page, characters per section, sections per page (~33k characters: well inside what chat.postMessage takes). */
const PAGE = { entries: 1000, sectionChars: 2800, sections: 12 } as const;

export function renderSlackSummary(msg: SummaryMessage, opts: SlackSummaryOptions = {}): { text: string; blocks: KnownBlock[] } {
  const w = summaryWords(opts.locale);
  const resolved = msg.status === 'resolved';
  const headline = resolved ? w.resolvedHeadline(msg.counts.total) : w.headline(msg.counts.total, msg.kind, msg.secretType);
  const where = whereOf(msg, w);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${resolved ? ':white_check_mark:' : ':rotating_light:'} ${headline}`, SLACK_LIMITS.headerText), emoji: true },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncateMrkdwn(`${escapeAndTruncate(where, 400)}${where ? ' · ' : ''}${w.since(formatUtc(msg.since))}\n*${w.counts(msg.counts)}*`, SLACK_LIMITS.sectionText),
      },
    },
  ];
  if (msg.sample.length > 0) {
    const lines = msg.sample.map((e) => entryLine(e, w));
    const more = msg.counts.total - msg.sample.length;
    if (more > 0) lines.push(`_${w.andMore(more)}_`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(lines.join('\n'), SLACK_LIMITS.sectionText) } });
  }
  if (msg.remediation) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${w.remediation(msg.remediation)} (${slackMrkdwn(userRef(msg.remediation.requestedBy), 200)})` } });
  }
  const buttons = resolved ? [] : bulkButtons(msg, where, w);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: w.listedInThread(msg.counts.total) },
      { type: 'mrkdwn', text: w.why(msg.why.threshold, Math.round(msg.why.groupInterval / 1000)) },
    ],
  });
  // Account and region come from events: escaped here too, the fallback text is mrkdwn for notifications.
  return { text: escapeAndTruncate(`${headline}${where ? ` (${where})` : ''} — ${w.counts(msg.counts)}`, 1000), blocks };
}

/** Splits entries into thread pages that fit one Slack message each. */
export function paginateSlackSummary(entries: readonly SummaryEntry[]): SummaryEntry[][] {
  return pageEntries(entries, (e) => entryLine(e, summaryWords('en')).length, PAGE.entries, PAGE.sectionChars * PAGE.sections * 0.9);
}

/** One page of the member list, as sections of at most ~2,800 characters. */
export function renderSlackSummaryPage(page: SummaryPage, total: number, opts: SlackSummaryOptions = {}): { text: string; blocks: KnownBlock[] } {
  const w = summaryWords(opts.locale);
  const title = w.page(page.from, page.from + page.entries.length - 1, total);
  const blocks: KnownBlock[] = [{ type: 'context', elements: [{ type: 'mrkdwn', text: `*${title}*` }] }];
  let section: string[] = [];
  let chars = 0;
  const flush = () => {
    if (section.length === 0) return;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(section.join('\n'), SLACK_LIMITS.sectionText) } });
    section = [];
    chars = 0;
  };
  for (const e of page.entries) {
    const line = entryLine(e, w);
    if (chars + line.length + 1 > PAGE.sectionChars) flush();
    if (blocks.length >= SLACK_LIMITS.blocks - 1) break;
    section.push(line);
    chars += line.length + 1;
  }
  flush();
  return { text: title, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

function entryLine(e: SummaryEntry, w: SummaryWords): string {
  const mark = e.status === 'resolved' ? ':white_check_mark:' : '•';
  return `${mark} \`${escapeAndTruncate(e.name, NAME_BUDGET).replace(/`/g, "'")}\` ${escapeAndTruncate(`${e.account} ${e.region}`, 80)}${
    e.status === 'resolved' ? ` _${w.statusWord('resolved')}_` : ''
  }`;
}

function whereOf(msg: SummaryMessage, w: SummaryWords): string {
  return w.where({ ...(msg.provider ? { cloud: cloudLabel(msg.provider) } : {}), ...(msg.account ? { account: msg.account } : {}), ...(msg.region ? { region: msg.region } : {}) });
}

function bulkButtons(msg: SummaryMessage, where: string, w: SummaryWords): Button[] {
  return msg.actions
    .filter((a) => (msg.actionable[a] ?? 0) > 0)
    .map((a) => {
      const n = msg.actionable[a] ?? 0;
      return {
        type: 'button',
        action_id: BULK_ACTION_IDS[a],
        text: { type: 'plain_text', text: truncate(w.bulkButton(a, n), SLACK_LIMITS.buttonText) },
        value: msg.summaryId,
        ...(a === 'cancelDeletion' ? { style: 'primary' as const } : {}),
        confirm: {
          title: { type: 'plain_text', text: truncate(w.bulkConfirmTitle(a), SLACK_LIMITS.confirmTitle) },
          text: { type: 'plain_text', text: truncate(w.bulkConfirmText(a, n, where), SLACK_LIMITS.confirmText) },
          confirm: { type: 'plain_text', text: truncate(w.confirm, SLACK_LIMITS.confirmButton) },
          deny: { type: 'plain_text', text: truncate(w.cancel, SLACK_LIMITS.confirmButton) },
        },
      } satisfies Button;
    });
}
