import { createHash } from 'node:crypto';
import {
  ACTION_PAGE_CSP,
  escapeHtml,
  renderActionPage,
} from '../../../../src/chat/dingtalk/render-action-page';
import { LINKS_LOCALES } from './locales';
import type { LinkPage, LinkState, LinkTarget } from '../../../../src/remediation/link-actions';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>'&"`;
const target = (over: Partial<LinkTarget> = {}): LinkTarget => ({
  action: 'cancelDeletion',
  provider: 'aws',
  account: '111122223333',
  region: 'eu-west-1',
  name: 'prod/pg',
  secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbCdEf',
  alertId: 'i0123',
  expiresAt: Date.parse('2026-03-08T10:15:30Z'),
  deletionDate: '2026-03-08T10:15:30.000Z',
  command: '@secrets-bot restore aws:111122223333:eu-west-1:prod/pg',
  ...over,
});

const STATES: LinkState[] = [
  'queued',
  'in-progress',
  'done',
  'failed',
  'muted',
  'resolved',
  'moved-on',
  'refused',
  'unavailable',
  'bad-form',
  'bad-choice',
];

function pages(t: LinkTarget): LinkPage[] {
  return [
    { kind: 'invalid', reason: 'malformed' },
    { kind: 'invalid', reason: 'bad-signature' },
    { kind: 'invalid', reason: 'expired' },
    { kind: 'disabled', target: t },
    { kind: 'confirm', target: t, form: 'nonce.issued.mac' },
    {
      kind: 'confirm',
      target: { ...t, action: 'mute' },
      form: 'nonce.issued.mac',
      muteChoices: ['1h', '1d', '1w', 'resolved'],
    },
    ...STATES.map((state): LinkPage => ({
      kind: 'result',
      target: t,
      state,
      at: '2026-03-01T12:00:00Z',
      by: 'U0OPS0',
      detail: HOSTILE,
      eventKind: 'deletion.cancelled',
      text: `Only \u0001@${HOSTILE}\u0001 may cancel deletions.`,
      refresh: state === 'queued',
    })),
  ];
}

describe('action pages', () => {
  it.each(LINKS_LOCALES)(
    'every page in %s escapes untrusted text and loads nothing from elsewhere',
    (locale) => {
      for (const p of pages(target({ name: HOSTILE, account: HOSTILE, region: HOSTILE, command: HOSTILE }))) {
        const { html } = renderActionPage(p, { locale, href: 'tok"en' });
        expect(html).not.toContain('<script');
        expect(html).not.toContain('<img');
        expect(html).not.toMatch(/<[^>]*\b(src|srcset|on[a-z]+)=/); // no tag loads or runs anything
        expect(html).not.toMatch(/href="https?:/);
        expect(html).not.toContain('tok"en');
        expect(html).toContain(`<html lang="${locale}">`);
        expect(html).toMatch(/<meta name="viewport"/);
      }
    },
  );

  it('the confirmation says what happens to which secret where, with one button and the form token', () => {
    const { html, title } = renderActionPage(
      { kind: 'confirm', target: target(), form: 'n.i.m' },
      { locale: 'en' },
    );
    expect(title).toBe('Cancel deletion?');
    expect(html).toContain(
      'prod/pg will be restored and its scheduled deletion on 2026-03-08 10:15 UTC cancelled.',
    );
    expect(html).toContain('<dt>Account</dt><dd>111122223333</dd>');
    expect(html).toContain('<dt>Region</dt><dd>eu-west-1</dd>');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain('<input type="hidden" name="form" value="n.i.m">');
    expect(html).toMatch(/<form method="post">/);
  });

  it('in Chinese', () => {
    const { html, title } = renderActionPage(
      { kind: 'confirm', target: target({ action: 'retryRotation' }), form: 'n.i.m' },
      { locale: 'zh-CN' },
    );
    expect(title).toBe('重试轮转？');
    expect(html).toContain('Secrets Manager 将立即按已配置的轮转方式开始轮转凭据 prod/pg。');
    expect(html).toContain('>重试轮转</button>');
  });

  it('a used link says what happened, and a waiting one reloads itself with GET', () => {
    const { html } = renderActionPage(
      {
        kind: 'result',
        target: target(),
        state: 'in-progress',
        at: '2026-03-01T12:00:00Z',
        by: 'DingTalk link holder',
        refresh: true,
      },
      { locale: 'en', href: 'the-token' },
    );
    expect(html).toContain(
      'Cancel deletion of prod/pg is in progress (asked by a DingTalk link holder at 2026-03-01 12:00 UTC).',
    );
    expect(html).toContain('<meta http-equiv="refresh" content="3;url=the-token">');
    expect(html).not.toContain('<form');
  });

  it('links turned off: the robot command', () => {
    const { html } = renderActionPage({ kind: 'disabled', target: target() }, { locale: 'en' });
    expect(html).toContain('<code>@secrets-bot restore aws:111122223333:eu-west-1:prod/pg</code>');
    expect(html).not.toContain('<form');
  });

  it("the CSP allows exactly the page's own style", () => {
    const { html } = renderActionPage({ kind: 'invalid', reason: 'expired' }, { locale: 'en' });
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(ACTION_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(ACTION_PAGE_CSP).toContain("default-src 'none'");
    expect(ACTION_PAGE_CSP).toContain("form-action 'self'");
  });

  it('escapeHtml', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
