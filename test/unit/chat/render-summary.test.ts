import type { Button, KnownBlock } from '@slack/types';
import type { SummaryEntry, SummaryMessage } from '../../../src/chat/summary-message';
import { paginateSlackSummary, renderSlackSummary, renderSlackSummaryPage } from '../../../src/chat/slack/render-slack-summary';
import { SLACK_LIMITS } from '../../../src/chat/slack/render-slack-alert';
import { renderDingTalkSummary } from '../../../src/chat/dingtalk/render-dingtalk-summary';
import { DINGTALK_LIMITS } from '../../../src/chat/dingtalk/render-dingtalk-card';
import { BULK_ACTION_IDS } from '../../../src/remediation/actions';

const NOW = Date.parse('2026-03-01T03:00:00Z');

function entry(i: number, over: Partial<SummaryEntry> = {}): SummaryEntry {
  return { name: `ecs/app-${i}`, provider: 'alibaba', account: '1234567890123456', region: 'cn-shanghai', kind: 'rotation.failed', status: 'open', ...over };
}

function message(over: Partial<SummaryMessage> = {}): SummaryMessage {
  return {
    summaryId: 's0123456789abcdef0123456789abcdef',
    status: 'open',
    provider: 'alibaba',
    account: '1234567890123456',
    region: 'cn-shanghai',
    kind: 'rotation.failed',
    secretType: 'ECS',
    counts: { total: 137, open: 130, resolved: 7, muted: 2 },
    sample: Array.from({ length: 10 }, (_, i) => entry(i)),
    actions: ['retryRotation'],
    actionable: { retryRotation: 130 },
    why: { threshold: 5, groupInterval: 10_000 },
    since: '2026-03-01T02:59:00Z',
    now: NOW,
    ...over,
  };
}

const textOf = (blocks: KnownBlock[]) => JSON.stringify(blocks);
const buttons = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : []));

describe('renderSlackSummary', () => {
  it('says how many secrets of which type failed rotation where, with the counts', () => {
    const { text, blocks } = renderSlackSummary(message());
    expect(text).toContain('137 ECS secrets failed rotation');
    expect(text).toContain('cn-shanghai');
    const all = textOf(blocks);
    expect(all).toContain('130 open · 7 resolved · 2 muted');
    expect(all).toContain('ecs/app-0');
    expect(all).toContain('…and 127 more');
    expect(all).toContain('All 137 are listed in the thread.');
    expect(all).toContain('more than 5 alerts of one group arrived within 10s');
  });

  it('offers one bulk Retry rotation button carrying the summary id, with a confirm dialog naming the count and place', () => {
    const [b, ...rest] = buttons(renderSlackSummary(message()).blocks);
    expect(rest).toEqual([]);
    expect(b!.action_id).toBe(BULK_ACTION_IDS.retryRotation);
    expect(b!.value).toBe('s0123456789abcdef0123456789abcdef');
    expect(b!.text.text).toBe('Retry rotation (130)');
    expect(b!.confirm?.text.text).toContain('Rotate 130 secrets now');
    expect(b!.confirm?.text.text).toContain('account 1234567890123456');
  });

  it('turns green and drops the buttons once every member resolved', () => {
    const { blocks } = renderSlackSummary(message({ status: 'resolved', counts: { total: 137, open: 0, resolved: 137, muted: 0 } }));
    expect(buttons(blocks)).toEqual([]);
    expect(textOf(blocks)).toContain(':white_check_mark: Resolved: all 137 secrets');
  });

  it('speaks Chinese with LOCALE=zh-CN', () => {
    const { blocks } = renderSlackSummary(message(), { locale: 'zh-CN' });
    expect(textOf(blocks)).toContain('137 个 ECS 凭据轮转失败');
    expect(buttons(blocks)[0]!.text.text).toBe('重试轮转（130）');
  });

  it('escapes hostile names: no mention, no link, within Slack limits', () => {
    const hostile = entry(1, { name: '<!channel> *x* <http://evil|click>' + 'n'.repeat(10_000) });
    const { blocks } = renderSlackSummary(message({ sample: [hostile] }));
    const all = textOf(blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<http://evil');
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });
});

describe('summary thread pages', () => {
  it('lists 10,000 members in a handful of pages, each entry once and in order, every message within Slack limits', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => entry(i));
    const pages = paginateSlackSummary(entries);
    expect(pages.flat()).toEqual(entries);
    expect(pages.length).toBeLessThanOrEqual(20);
    let from = 1;
    for (const p of pages) {
      const { text, blocks } = renderSlackSummaryPage({ summaryId: 's1', from, entries: p }, 10_000);
      expect(text).toBe(`Secrets ${from}–${from + p.length - 1} of 10000`);
      expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      const sections = blocks.filter((b) => b.type === 'section');
      for (const s of sections) if (s.type === 'section' && s.text) expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      const listed = sections.map((s) => (s.type === 'section' ? s.text!.text : '')).join('\n');
      for (const e of p) expect(listed).toContain(`\`${e.name}\``);
      from += p.length;
    }
  });

  it('pages long names too, without cutting a page over the limits', () => {
    const entries = Array.from({ length: 500 }, (_, i) => entry(i, { name: `n${i}-`.padEnd(400, 'z') }));
    const pages = paginateSlackSummary(entries);
    expect(pages.flat()).toHaveLength(500);
    for (const p of pages) expect(renderSlackSummaryPage({ summaryId: 's1', from: 1, entries: p }, 500).blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });
});

describe('renderSlackSummary: who asked for a bulk action', () => {
  const progress = { requested: 1, running: 0, succeeded: 2, failed: 0 };
  it('mentions a Slack user, and names a DingTalk link holder without a broken mention', () => {
    const slack = textOf(renderSlackSummary(message({ remediation: { requestedBy: 'U0OPS', ...progress } })).blocks);
    expect(slack).toContain('(<@U0OPS>)');
    const link = textOf(renderSlackSummary(message({ remediation: { requestedBy: 'DingTalk link holder', ...progress } })).blocks);
    expect(link).toContain('(@DingTalk link holder)');
    expect(link).not.toContain('<@');
  });
});

describe('renderDingTalkSummary', () => {
  const textOfCard = (m: ReturnType<typeof renderDingTalkSummary>) =>
    m.msgtype === 'markdown' ? m.markdown.text : m.actionCard.text;

  it('lists as many members as fit in one robot message and says how many more', () => {
    const entries = Array.from({ length: 5_000 }, (_, i) => entry(i));
    const body = renderDingTalkSummary(message({ counts: { total: 5000, open: 5000, resolved: 0, muted: 0 } }), entries, { locale: 'en' });
    expect(Buffer.byteLength(JSON.stringify(body), 'utf8')).toBeLessThan(DINGTALK_LIMITS.messageBytes);
    expect(textOfCard(body)).toContain('5000 ECS secrets failed rotation');
    expect(textOfCard(body)).toMatch(/…and \d+ more/);
    expect(textOfCard(body)).toContain('`ecs/app-0`');
  });

  it('neutralises markdown in names and says what is new in an update', () => {
    const body = renderDingTalkSummary(message(), [entry(1, { name: '[x](http://evil) **b**' })], { locale: 'zh-CN', added: 1 });
    expect(textOfCard(body)).not.toContain('](http://evil)');
    expect(textOfCard(body)).toContain('新增 1 个');
  });

  it('is an action card with one signed bulk link per action that applies, while members are open', () => {
    const links = { retryRotation: 'https://bot.example/actions/r.sig', cancelDeletion: 'https://bot.example/actions/c.sig' };
    const body = renderDingTalkSummary(message(), [entry(1)], { locale: 'en', links });
    expect(body.msgtype).toBe('actionCard');
    if (body.msgtype !== 'actionCard') return;
    // Only the actions the members offer (cancelDeletion does not apply to rotation failures).
    expect(body.actionCard.btns).toEqual([{ title: 'Retry rotation (130)', actionURL: links.retryRotation }]);
    expect(body.actionCard.title).toContain('137 ECS secrets failed rotation');

    const many = renderDingTalkSummary(
      message({ actions: ['cancelDeletion'], actionable: { cancelDeletion: 12345 } }),
      [entry(1)],
      { locale: 'en', links },
    );
    // "Cancel deletion (12345)" is longer than a button title may be: the name alone.
    expect(many.msgtype === 'actionCard' && many.actionCard.btns[0]!.title).toBe('Cancel deletion');

    expect(renderDingTalkSummary(message({ status: 'resolved' }), [entry(1)], { locale: 'en', links }).msgtype).toBe('markdown');
    expect(renderDingTalkSummary(message(), [entry(1)], { locale: 'en' }).msgtype).toBe('markdown');
    expect(renderDingTalkSummary(message({ actionable: { retryRotation: 0 } }), [entry(1)], { locale: 'en', links }).msgtype).toBe('markdown');
  });

  it('shows how a bulk action is going', () => {
    const body = renderDingTalkSummary(
      message({ remediation: { requestedBy: 'DingTalk link holder', requested: 3, running: 2, succeeded: 120, failed: 5 } }),
      [entry(1)],
      { locale: 'en' },
    );
    expect(textOfCard(body)).toMatch(/120 succeeded/);
    expect(textOfCard(body)).toMatch(/5 failed/);
  });
});
