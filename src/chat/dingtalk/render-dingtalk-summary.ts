import type { SummaryEntry, SummaryMessage } from '../summary-message';
import { summaryWords } from '../summary-words';
import { cloudLabel, formatUtc, truncate } from '../text';
import type { Locale } from './dingtalk-i18n';
import type { RemediationAction } from '../../remediation/actions';
import { DINGTALK_LIMITS, type DingTalkActionCard, type DingTalkMarkdown } from './render-dingtalk-card';

/**
 * Pure DingTalk renderer for summary messages (alerting/group.ts). Robot messages cannot be edited,
 * so a summary is one message listing as many members as fit, and later flushes send an update
 * naming the members added since (`added`), never more often than the flush allows. While members
 * are open and a bulk action applies, it is an action card whose buttons are the signed bulk links
 * (`links`, remediation/action-link `bulkLinksFor`): "Retry rotation (137)". Untrusted names are cut
 * and stripped of markdown that could change the message.
 */
export function renderDingTalkSummary(
  msg: SummaryMessage,
  entries: readonly SummaryEntry[],
  opts: { locale: Locale; added?: number; links?: Partial<Record<RemediationAction, string>> },
): DingTalkMarkdown | DingTalkActionCard {
  const w = summaryWords(opts.locale);
  const resolved = msg.status === 'resolved';
  const headline = resolved
    ? w.resolvedHeadline(msg.counts.total)
    : w.headline(msg.counts.total, msg.kind, msg.secretType);
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
    ...(msg.remediation ? [plain(w.remediation(msg.remediation), 300)] : []),
    '',
  ];
  const tail = ['', `> ${w.why(msg.why.threshold, Math.round(msg.why.groupInterval / 1000))}`];
  const budget =
    DINGTALK_LIMITS.targetBytes - Buffer.byteLength(head.join('\n') + tail.join('\n'), 'utf8') - 200;
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
  const title = truncate(headline, DINGTALK_LIMITS.title);
  const text = [...head, ...lines, ...tail].join('\n');
  const btns = resolved ? [] : bulkButtons(msg, opts.links ?? {}, w);
  if (btns.length === 0) return { msgtype: 'markdown', markdown: { title, text } };
  return { msgtype: 'actionCard', actionCard: { title, text, btnOrientation: '0', btns } };
}

function bulkButtons(
  msg: SummaryMessage,
  links: Partial<Record<RemediationAction, string>>,
  w: ReturnType<typeof summaryWords>,
): Array<{ title: string; actionURL: string }> {
  const out: Array<{ title: string; actionURL: string }> = [];
  for (const a of msg.actions) {
    const n = msg.actionable[a] ?? 0;
    const url = links[a];
    if (n === 0 || !url || url.length > DINGTALK_LIMITS.actionUrl) continue;
    const full = w.bulkButton(a, n);
    // Too long for a button: the action's name alone (the count is in the text).
    const title = full.length <= DINGTALK_LIMITS.buttonTitle ? full : full.replace(/\s*[(（]\d+[)）]$/, '');
    out.push({ title: truncate(title, DINGTALK_LIMITS.buttonTitle), actionURL: url });
  }
  return out;
}

/** Text with DingTalk markdown's active characters neutralised (names come from events). */
function plain(s: string, max: number): string {
  return truncate(
    s
      .replace(/[`*_#>[\]()<!|\\]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}
