import fc from 'fast-check';
import { EVENT_KINDS, type SecretEvent } from '../../../../src/events/secret-event';
import type { AlertMessage, AlertStatus } from '../../../../src/chat/message';
import { LOCALES, type Locale } from '../../../../src/chat/i18n/locale';
import {
  bodyBytes,
  DINGTALK_LIMITS,
  escapeDingTalkMarkdown,
  renderDingTalkCard,
  renderDingTalkFollowUp,
  type DingTalkActionCard,
  type DingTalkCardLinks,
} from '../../../../src/chat/dingtalk/render-dingtalk-card';
import {
  describeEvent,
  formatCountdown,
  kindLabel,
  reasonExplanation,
  reasonLabel,
} from '../../../../src/chat/text';
import { actionsFor, type ActionName } from '../../../../src/remediation/actions';
import { verifyActionLinkToken } from '../../../../src/remediation/action-link';
import { updatingGoldens } from '../golden';
import { alibaba, aws, CASES, FOLLOW_UP_CASES, LINK_SECRET, linksFor, message, NOW } from './cases';
import { expectDingTalkGolden, listDingTalkGoldens } from './golden';

const LABELS: Record<Locale, Record<ActionName, string>> = {
  en: { retryRotation: 'Retry rotation', cancelDeletion: 'Cancel deletion', mute: 'Mute' },
  'zh-CN': { retryRotation: '重试轮转', cancelDeletion: '取消删除', mute: '静音' },
};

const card = (msg: AlertMessage, locale: Locale = 'en', links: DingTalkCardLinks = linksFor(msg)) =>
  renderDingTalkCard(msg, links, { locale });
const textOf = (c: DingTalkActionCard) => c.actionCard.text;
const titles = (c: DingTalkActionCard) => c.actionCard.btns.map((b) => b.title);

/**
 * Fails unless every markdown construct in `text` is one the renderer made: links only to the
 * console or to the given action links, no images, no HTML, no code, and line-level markup
 * (headings, quotes, list items) only in the renderer's own lines.
 */
function expectNoInjectedMarkup(text: string, msg: AlertMessage, links: DingTalkCardLinks): void {
  const allowed = new Set<string>();
  const enc = (u: string) =>
    u.replace(/[()[\]<>"'`\\* ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  allowed.add(enc(msg.consoleUrl));
  for (const l of Object.values(links)) if (l) allowed.add(enc(l));
  const linkRe = /\[([^[\]]*)\]\(([^()\s]*)\)/g;
  for (const m of text.matchAll(linkRe)) expect(allowed).toContain(m[2]);
  const withoutLinks = text.replace(linkRe, '$1').replace(/^> /gm, '');
  expect(withoutLinks).not.toMatch(/[[\]<>`]/);
  expect(withoutLinks).not.toContain('](');
  expect(withoutLinks).not.toContain('![');
  const lines = text.split('\n');
  expect(lines.slice(1).filter((l) => l.startsWith('#'))).toEqual([]);
  for (const l of lines) {
    if (l.startsWith('> ')) expect(msg.event.failure?.message?.trim()).toBeTruthy();
    if (/^\s*([-+*]|\d+\.)\s/.test(l)) expect(l).toMatch(/^- /);
  }
}

function expectWithinLimits(body: Parameters<typeof bodyBytes>[0]): void {
  expect(bodyBytes(body)).toBeLessThanOrEqual(DINGTALK_LIMITS.messageBytes);
  const title = body.msgtype === 'actionCard' ? body.actionCard.title : body.markdown.title;
  expect(title.length).toBeGreaterThan(0);
  expect(title.length).toBeLessThanOrEqual(DINGTALK_LIMITS.title);
  expect(title).not.toMatch(/[\n\r]/);
}

describe('renderDingTalkCard golden output', () => {
  it('covers every event kind and both clouds', () => {
    const msgs = Object.values(CASES);
    expect(new Set(msgs.map((m) => m.event.kind))).toEqual(new Set(EVENT_KINDS));
    expect(new Set(msgs.map((m) => m.event.provider))).toEqual(new Set(['aws', 'alibaba']));
  });

  for (const locale of LOCALES) {
    it.each(Object.keys(CASES))(`card ${locale} %s`, (name) => {
      const msg = CASES[name]!;
      expectDingTalkGolden(`card-${locale.toLowerCase()}-${name}`, card(msg, locale));
    });
    for (const mode of ['update', 'note'] as const) {
      it.each(Object.keys(FOLLOW_UP_CASES))(`follow-up ${mode} ${locale} %s`, (name) => {
        const msg = FOLLOW_UP_CASES[name]!;
        expectDingTalkGolden(
          `followup-${mode}-${locale.toLowerCase()}-${name}`,
          renderDingTalkFollowUp(msg, { locale, mode, links: linksFor(msg) }),
        );
      });
    }
  }

  it('has no golden file that no case writes (delete stale ones)', () => {
    if (updatingGoldens()) return;
    const known = new Set<string>();
    for (const locale of LOCALES) {
      for (const name of Object.keys(CASES)) known.add(`card-${locale.toLowerCase()}-${name}`);
      for (const mode of ['update', 'note'])
        for (const name of Object.keys(FOLLOW_UP_CASES))
          known.add(`followup-${mode}-${locale.toLowerCase()}-${name}`);
    }
    expect(listDingTalkGoldens().filter((g) => !known.has(g))).toEqual([]);
  });
});

describe('renderDingTalkCard: buttons', () => {
  const open = Object.entries(CASES).filter(([n, m]) => m.status === 'open' && n !== 'aws-huge-name');

  it.each(open)('%s: one button per action that applies, labelled and linked as given', (_n, msg) => {
    for (const locale of LOCALES) {
      const links = linksFor(msg);
      const c = card(msg, locale, links);
      const expected = actionsFor(msg.event, true);
      expect(titles(c)).toEqual(expected.map((a) => LABELS[locale][a]));
      expect(c.actionCard.btns.map((b) => b.actionURL)).toEqual(expected.map((a) => links[a]));
    }
  });

  it('offers Retry rotation, Cancel deletion and Mute where they apply, in both languages', () => {
    expect(titles(card(CASES['aws-rotation-failed']!))).toEqual(['Retry rotation', 'Mute']);
    expect(titles(card(CASES['aws-deletion-scheduled']!))).toEqual(['Cancel deletion', 'Mute']);
    expect(titles(card(CASES['aws-rotation-cancelled']!))).toEqual(['Mute']);
    expect(titles(card(CASES['aws-rotation-failed']!, 'zh-CN'))).toEqual(['重试轮转', '静音']);
    expect(titles(card(CASES['aws-deletion-scheduled']!, 'zh-CN'))).toEqual(['取消删除', '静音']);
  });

  it('each button opens a signed link for its own action, secret and alert', () => {
    const msg = CASES['aws-deletion-scheduled']!;
    for (const b of card(msg).actionCard.btns) {
      const token = b.actionURL.split('/actions/')[1]!;
      const v = verifyActionLinkToken(token, LINK_SECRET, NOW);
      expect(v.ok).toBe(true);
      if (v.ok) {
        expect(v.claims.ref).toEqual(msg.ref);
        expect(b.title).toBe(LABELS.en[v.claims.action]);
      }
    }
  });

  it('shows no button for an action whose link the caller did not give, or gave as a non-web link', () => {
    const msg = CASES['aws-rotation-failed']!;
    expect(titles(card(msg, 'en', { mute: 'https://bot.example.com/actions/m' }))).toEqual(['Mute']);
    expect(
      titles(
        card(msg, 'en', { retryRotation: 'javascript:alert(1)', mute: 'https://bot.example.com/actions/m' }),
      ),
    ).toEqual(['Mute']);
  });

  it('never shows a button for an action the message does not offer, even with a link for it', () => {
    const msg = CASES['aws-rotation-cancelled']!;
    expect(titles(card(msg, 'en', linksFor(msg)))).toEqual(['Mute']);
  });

  it.each(Object.entries(CASES).filter(([, m]) => m.status === 'resolved'))(
    '%s: a resolved card says so and offers only the console',
    (_n, msg) => {
      const en = card(msg);
      expect(en.actionCard.title).toMatch(/^✅ Resolved: /);
      expect(textOf(en)).toMatch(/^### ✅ Resolved: /);
      expect(en.actionCard.btns).toEqual([{ title: 'Open in console', actionURL: msg.consoleUrl }]);
      const zh = card(msg, 'zh-CN');
      expect(zh.actionCard.title).toMatch(/^✅ 已解决：/);
      expect(zh.actionCard.btns).toEqual([{ title: '在控制台查看', actionURL: msg.consoleUrl }]);
    },
  );

  it('drops buttons even if a resolved message still lists actions', () => {
    const msg = {
      ...CASES['aws-rotation-succeeded-resolved']!,
      actions: ['retryRotation', 'mute'] as ActionName[],
    };
    expect(titles(card(msg))).toEqual(['Open in console']);
  });

  it('offers only Mute when the event does not say which secret, even if asked for more', () => {
    const msg = {
      ...CASES['aws-alarm-access-pending-deletion']!,
      actions: ['cancelDeletion', 'mute'] as ActionName[],
    };
    expect(titles(card(msg))).toEqual(['Mute']);
  });

  it('offers no action button, and says why, when the links are too long (a cut link would be wrong)', () => {
    const msg = CASES['aws-huge-name']!;
    const c = card(msg);
    expect(titles(c)).toEqual(
      ['Open in console'].filter(() => msg.consoleUrl.length <= DINGTALK_LIMITS.consoleUrl),
    );
    expect(textOf(c)).toContain('Buttons are not available for this alert');
    expectWithinLimits(c);
  });
});

describe('renderDingTalkCard: the same facts as the Slack message', () => {
  it.each(Object.entries(CASES).filter(([n]) => !['aws-hostile-text', 'aws-huge-name'].includes(n)))(
    '%s',
    (_n, msg) => {
      const text = textOf(card(msg));
      const e = msg.event;
      expect(text).toContain(describeEvent({ kind: e.kind, secretName: e.secretName }));
      expect(text).toContain(`**Severity:** ${e.severity[0]!.toUpperCase()}${e.severity.slice(1)}`);
      expect(text).toContain(`**Cloud:** ${e.provider === 'aws' ? 'AWS' : 'Alibaba Cloud'}`);
      expect(text).toContain(`**Account:** ${e.account === '' ? '*unknown*' : e.account}`);
      expect(text).toContain(`**Region:** ${e.region}`);
      if (e.secretName !== '') expect(text).toContain(`[${escapeDingTalkMarkdown(e.secretName)}](`);
      expect(text).toContain(msg.consoleUrl.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29')));
      if (e.actor) expect(text).toContain(`**By:** ${escapeDingTalkMarkdown(e.actor)}`);
      if (e.failure?.code) expect(text).toContain(`**Failure:** ${escapeDingTalkMarkdown(e.failure.code)}`);
      expect(text).toContain(`**${reasonLabel(msg.reason)}:** ${reasonExplanation(msg.reason)}`);
      for (const t of msg.timeline.slice(-5)) expect(text).toContain(`- ${kindLabel(t.kind)} `);
    },
  );

  it('links the secret to its console page and shows times in UTC', () => {
    const text = textOf(card(CASES['aws-rotation-failed']!));
    expect(text).toContain(
      '**Secret:** [prod/pg](https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fpg&region=eu-west-1)',
    );
    expect(text).toContain('**When:** 2026-03-01 11:58 UTC');
  });

  it('shows the failure code and message', () => {
    const text = textOf(card(CASES['aws-rotation-failed']!));
    expect(text).toContain('**Failure:** InvalidRequestException');
    expect(text).toContain(
      '> Lambda function arn:aws:lambda:eu-west-1:111122223333:function:rotate-pg failed at step setSecret',
    );
  });

  it('shows the deletion date with a countdown from msg.now, in both languages', () => {
    const msg = CASES['aws-deletion-scheduled']!;
    expect(textOf(card(msg))).toContain(
      '⏳ **Permanent deletion:** 2026-03-08 11:59 UTC (in 6 days 23 hours) · recovery window 7 days  \nUntil then the secret can be restored with **Cancel deletion**.',
    );
    expect(textOf(card({ ...msg, now: Date.parse('2026-03-08T11:12:00Z') }))).toContain('(in 47 minutes)');
    expect(textOf(card(msg, 'zh-CN'))).toContain('⏳ **永久删除**：2026-03-08 11:59 UTC（6 天 23 小时后）');
    expect(textOf(card(msg, 'zh-CN'))).toContain('恢复窗口 7 天');
  });

  it('says why the message was sent and what happened before, with a long timeline cut to the last five', () => {
    const text = textOf(card(CASES['aws-rotation-abandoned']!));
    expect(text).toContain('**Updated:** the incident changed · via EventBridge (RotationAbandoned)');
    expect(text).toContain(
      '**Earlier:**\n\n- Rotation started 2026-03-01 11:50 UTC\n- Rotation failed 2026-03-01 11:52 UTC',
    );
    expect(textOf(card(CASES['aws-long-timeline']!))).toContain('- 7 more, then\n');
  });

  it('renders an alarm without account or secret, linking to the secret list', () => {
    const text = textOf(card(CASES['aws-alarm-access-pending-deletion']!));
    expect(text).toContain('### 🔴 A secret was read while pending deletion');
    expect(text).toContain('**Account:** *unknown*');
    expect(text).toContain(
      '**Secret:** *not named by the alarm* ([secret list](https://eu-west-1.console.aws.amazon.com/secretsmanager/listsecrets?region=eu-west-1))',
    );
  });

  it('writes Chinese for zh-CN: headline, labels, reason, countdown', () => {
    const text = textOf(card(CASES['alibaba-deletion-scheduled-reminder']!, 'zh-CN'));
    expect(text).toContain('### 🟠 凭据 app-token 已计划删除');
    expect(text).toContain('**严重程度**：警告');
    expect(text).toContain('**云**：阿里云');
    expect(text).toContain('**地域**：cn-hangzhou');
    expect(text).toContain('**提醒**：删除日期临近');
    expect(text).toContain('（23 小时后）');
    expect(text).not.toMatch(/\b(Severity|Cloud|Account|Region|Secret|Reminder|hours?)\b/);
  });
});

describe('renderDingTalkCard: untrusted text and size', () => {
  it('makes hostile names, actors and failure messages inert: no links, images, HTML, code or headings', () => {
    const msg = CASES['aws-hostile-text']!;
    for (const locale of LOCALES) {
      const links = linksFor(msg);
      const c = card(msg, locale, links);
      expectNoInjectedMarkup(textOf(c), msg, links);
      expect(textOf(c)).not.toContain('<font');
    }
    expect(textOf(card(msg))).toContain(
      'team/［click］(https://evil.example) !［x］(https://evil.example/p.png) ＜font color=red＞x＜/font＞ ＊＊bold＊＊ ＿it＿ ｀code｀ ＼＊esc＼＊ ＆ ＜@all＞',
    );
    expect(textOf(card(msg))).toContain('**By:** # heading ＞ quote - item ［x］(https://evil.example)');
  });

  it('keeps an underscore inside a name as it is', () => {
    expect(escapeDingTalkMarkdown('db_prod_main')).toBe('db_prod_main');
    expect(escapeDingTalkMarkdown('_tmp')).toBe('＿tmp');
    expect(escapeDingTalkMarkdown('订单库_主账号')).toBe('订单库_主账号');
  });

  it('removes line breaks, control and direction-changing characters from untrusted text', () => {
    expect(escapeDingTalkMarkdown('a\nb\r\nc\u2028d\u0000e')).toBe('a b  c d e');
    expect(escapeDingTalkMarkdown('admin\u202etxt.exe\u200b')).toBe('admintxt.exe');
  });

  it('keeps a 5000-character failure message within limits, cut with an ellipsis', () => {
    const c = card(CASES['aws-rotation-failed-huge-message']!);
    expectWithinLimits(c);
    expect(textOf(c)).toMatch(/^> (connection refused; )+connection refused;…$/m);
    expect(
      textOf(c)
        .split('\n')
        .find((l) => l.startsWith('> '))!.length,
    ).toBe(2 + 1500);
  });

  it.each(Object.entries(CASES))(
    '%s: within DingTalk limits in both languages, card and follow-ups',
    (_n, msg) => {
      for (const locale of LOCALES) {
        const links = linksFor(msg);
        const c = card(msg, locale, links);
        expectWithinLimits(c);
        expectNoInjectedMarkup(textOf(c), msg, links);
        expect(c.actionCard.btns.length).toBeGreaterThan(0);
        for (const b of c.actionCard.btns)
          expect(b.actionURL.length).toBeLessThanOrEqual(DINGTALK_LIMITS.actionUrl);
        for (const mode of ['update', 'note'] as const) {
          const f = renderDingTalkFollowUp(msg, { locale, mode, links });
          expectWithinLimits(f);
          expectNoInjectedMarkup(f.markdown.text, msg, links);
        }
      }
    },
  );

  it('stays within limits and inert for any text, in both languages (property)', () => {
    const hostile = fc.constantFrom(
      '[',
      ']',
      '(',
      ')',
      '![',
      '<font>',
      '&#91;',
      '`',
      '*',
      '_',
      '#',
      '>',
      '\n',
      '\\',
      '😀',
      '订单',
      '\u202e',
    );
    const text = (max: number) =>
      fc.oneof(
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), hostile), { maxLength: 30 }).map((a) => a.join('')),
        fc
          .tuple(fc.constantFrom('x', '订', '😀', '['), fc.nat(max))
          .map(([s, n]) => s.repeat(n).slice(0, max)),
      );
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_KINDS),
        fc.constantFrom<'aws' | 'alibaba'>('aws', 'alibaba'),
        fc.constantFrom<AlertStatus>('open', 'resolved'),
        fc.constantFrom<Locale>(...LOCALES),
        text(2000),
        text(6000),
        fc.option(text(3000), { nil: undefined }),
        (kind, provider, status, locale, name, failureMessage, actor) => {
          const base = provider === 'aws' ? aws(kind) : alibaba(kind);
          const event: SecretEvent = {
            ...base,
            secretName: name,
            secretId: name,
            actor,
            sourceEventName: name.slice(0, 300),
            failure: { code: failureMessage.slice(0, 200), message: failureMessage },
            deletionDate: '2026-03-08T11:59:00Z',
          };
          const msg = message(event, { status, timeline: [{ kind, occurredAt: base.occurredAt, actor }] });
          const links = linksFor(msg);
          const c = card(msg, locale, links);
          expectWithinLimits(c);
          expectNoInjectedMarkup(textOf(c), msg, links);
          for (const b of c.actionCard.btns)
            expect([...Object.values(links), msg.consoleUrl]).toContain(b.actionURL);
          for (const mode of ['update', 'note'] as const) {
            const f = renderDingTalkFollowUp(msg, { locale, mode, links });
            expectWithinLimits(f);
            expectNoInjectedMarkup(f.markdown.text, msg, links);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('renderDingTalkFollowUp', () => {
  it('update: says "Resolved: …" or "Updated: …" with the facts, since the card cannot be edited', () => {
    const resolved = renderDingTalkFollowUp(CASES['aws-rotation-succeeded-resolved']!, { locale: 'en' });
    expect(resolved.msgtype).toBe('markdown');
    expect(resolved.markdown.title).toBe('✅ Resolved: Rotation succeeded for prod/pg');
    expect(resolved.markdown.text).toMatch(
      /^#### ✅ Resolved: Rotation succeeded for prod\/pg\n\n\*\*Rotation succeeded\*\* · 2026-03-01 11:58 UTC/,
    );
    const updated = renderDingTalkFollowUp(CASES['aws-rotation-failed']!, {
      locale: 'en',
      links: linksFor(CASES['aws-rotation-failed']!),
    });
    expect(updated.markdown.title).toBe('🔴 Updated: Rotation failed for prod/pg');
    expect(updated.markdown.text).toContain('**Actions:** [Retry rotation](https://bot.example.com/actions/');
    const zh = renderDingTalkFollowUp(CASES['aws-rotation-succeeded-resolved']!, { locale: 'zh-CN' });
    expect(zh.markdown.title).toBe('✅ 已解决：凭据 prod/pg 轮转成功');
  });

  it('update: a resolved incident gets no action links', () => {
    const msg = CASES['aws-deletion-cancelled-resolved']!;
    const f = renderDingTalkFollowUp(msg, { locale: 'en', links: linksFor(msg) });
    expect(f.markdown.text).not.toContain('/actions/');
  });

  it('note: one line on what happened, when, by whom, with the code', () => {
    const f = renderDingTalkFollowUp(CASES['aws-deletion-cancelled-resolved']!, {
      locale: 'en',
      mode: 'note',
    });
    expect(f.markdown.text.split('\n')[0]).toBe(
      '✅ **Deletion cancelled (secret restored)** · 2026-03-01 11:58 UTC · By: arn:aws:iam::111122223333:user/dave — resolved  ',
    );
    const failed = renderDingTalkFollowUp(CASES['aws-rotation-failed']!, { locale: 'zh-CN', mode: 'note' });
    expect(failed.markdown.text.split('\n')[0]).toBe(
      '🔴 **轮转失败** · 2026-03-01 11:58 UTC · InvalidRequestException  ',
    );
    expect(failed.markdown.title).toBe('🔴 prod/pg：轮转失败');
  });
});

describe('countdowns', () => {
  it('the English card uses the shared formatCountdown', () => {
    const msg = CASES['aws-deletion-scheduled']!;
    expect(textOf(card(msg))).toContain(`(${formatCountdown(msg.event.deletionDate!, NOW)})`);
  });
});
