import type { SummaryEntry, SummaryMessage } from '../summary-message';
import { summaryWords } from '../summary-words';
import { cloudLabel, formatUtc, truncate } from '../text';
import type { Locale } from './dingtalk-i18n';
import { DINGTALK_LIMITS, type DingTalkMarkdown } from './render-dingtalk-card';

/**
 * Pure DingTalk renderer for summary messages (alerting/group.ts). Robot messages cannot be edited,
 * so a summary is one markdown message listing as many members as fit, and later flushes send an
 * update naming the members added since (`added`), never more often than the flush allows.
 * Untrusted names are cut and stripped of markdown that could change the message.
 */
export function renderDingTalkSummary(
  msg: SummaryMessage,
  entries: readonly SummaryEntry[],
  opts: { locale: Locale; added?: number },
): DingTalkMarkdown {
  const w = summaryWords(opts.locale);
  const resolved = msg.status === 'resolved';
  const headline = resolved ? w.resolvedHeadline(msg.counts.total) : w.headline(msg.counts.total, msg.kind, msg.secretType);
  const where = w.where({
    ...(msg.provider ? { cloud: cloudLabel(msg.provider) } : {}),
    ...(msg.account ? { account: msg.account } : {}),
    ...(msg.region ? { region: msg.region } : {}),
  });
  const head = [
    `### ${plain(headline, 200)}`,
    ...(opts.added !== undefined ? [plain(w.dingtalkUpdate(msg.counts.total, opts.added), 200)] : []),
    `${plain(where, 300)}${where ? ' · ' : ''}${w.since(formatUtc(msg.since))}`,
    `**${w.counts(msg.counts)}**`,
    '',
  ];
  const tail = ['', `> ${w.why(msg.why.threshold, Math.round(msg.why.groupInterval / 1000))}`];
  const budget = DINGTALK_LIMITS.targetBytes - Buffer.byteLength(head.join('\n') + tail.join('\n'), 'utf8') - 200;
  const lines: string[] = [];
  let used = 0;
  for (const e of entries) {
    const line = `- \`${plain(e.name, 120)}\` ${plain(`${e.account} ${e.region}`, 80)}${e.status === 'resolved' ? ` (${w.statusWord('resolved')})` : ''}`;
    const n = Buffer.byteLength(line, 'utf8') + 1;
    if (used + n > budget) break;
    lines.push(line);
    used += n;
  }
  if (lines.length < entries.length) lines.push(w.andMore(entries.length - lines.length));
  return {
    msgtype: 'markdown',
    markdown: { title: truncate(headline, DINGTALK_LIMITS.title), text: [...head, ...lines, ...tail].join('\n') },
  };
}

/** Text with DingTalk markdown's active characters neutralised (names come from events). */
function plain(s: string, max: number): string {
  return truncate(s.replace(/[`*_#>[\]()<!|\\]/g, ' ').replace(/\s+/g, ' ').trim(), max);
}
