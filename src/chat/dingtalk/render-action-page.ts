import { createHash } from 'node:crypto';
import type { ActionName, RemediationAction } from '../../remediation/actions';
import type { BulkPage, BulkTarget, LinkPage, LinkResult, LinkTarget } from '../../remediation/link-actions';
import { LINK_HOLDER } from '../../remediation/link-identity';
import { sentenceWords } from '../i18n/sentence-words';
import { formatUtc, replaceRefs, serviceLabel } from '../text';
import { alertWords } from '../i18n/alert-words';
import type { Catalog, Locale } from '../i18n/locale';
import { summaryWords } from '../summary-words';

/**
 * Pure renderer of the pages behind DingTalk action links (remediation/link-actions.ts): a small
 * HTML page for a phone, in LOCALE, with no external assets and no script. Every dynamic value is
 * HTML-escaped. The confirmation is a form with one button that posts to the page's own URL (no
 * `action` attribute, so a PUBLIC_URL with a path works) and carries the one-time form token.
 */

export interface ActionPageHtml {
  title: string;
  html: string;
}

const CSS = [
  'body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",system-ui,sans-serif;background:#f4f5f7;color:#1f2329}',
  'main{max-width:34rem;margin:0 auto;padding:1.25rem}',
  'h1{font-size:1.35rem;margin:.25rem 0 1rem}',
  '.card{background:#fff;border-radius:12px;padding:1rem 1.1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}',
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .9rem;margin:1rem 0}',
  'dt{color:#646a73}dd{margin:0;word-break:break-all}',
  'code{background:#eef0f3;border-radius:6px;padding:.15rem .35rem;word-break:break-all;font-size:.95em}',
  'fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:600;margin-bottom:.4rem}',
  'label{display:block;padding:.5rem 0}',
  'button{display:block;width:100%;margin-top:1rem;padding:.85rem;font-size:1.05rem;font-weight:600;border:0;border-radius:10px;background:#1456f0;color:#fff}',
  '.note{color:#646a73;font-size:.9rem;margin-top:1rem}',
  '.warn{border-left:4px solid #f54a45}.ok{border-left:4px solid #34c724}.info{border-left:4px solid #1456f0}',
].join('\n');

/** Content-Security-Policy for these pages: nothing but our own inline style; forms post only here. */
export const ACTION_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

interface PageWords {
  confirmTitle: Record<ActionName, string>;
  button: Record<ActionName, string>;
  action: Record<ActionName, string>;
  effect: {
    rotateAws(name: string): string;
    rotateOther(service: string, name: string): string;
    restore(name: string, date?: string): string;
    mute(name: string): string;
  };
  label: {
    secret: string;
    cloud: string;
    account: string;
    region: string;
    deletion: string;
    duration: string;
    command: string;
  };
  noName: string;
  linkHolder: string;
  actingAs(until: string): string;
  state: Record<LinkResult['state'], string>;
  replay: string;
  sentence: {
    queued(action: string, name: string): string;
    inProgress(action: string, name: string, by: string, at: string): string;
    done(action: string, name: string, by: string, at: string, detail?: string): string;
    failed(action: string, name: string, at: string, detail?: string): string;
    muted(name: string, detail?: string): string;
    resolved(at: string | undefined, kind: string): string;
    movedOn(action: string, kind: string): string;
    badForm: string;
    badChoice: string;
    tryCommand: string;
  };
  invalid: Record<'malformed' | 'bad-signature' | 'expired', { title: string; text: string }>;
  disabled: { title: string; text(action: string): string };
  back: string;
  refreshing: string;
  /** The bulk buttons of a summary card. */
  bulk: {
    title(action: string, n: number): string;
    effect: Record<RemediationAction, (n: number) => string>;
    label: { secrets: string; where: string };
    state: Record<Extract<BulkPage, { kind: 'bulk-result' }>['state'], string>;
    disabled: string;
  };
}

const EN: PageWords = {
  confirmTitle: {
    retryRotation: 'Retry rotation?',
    cancelDeletion: 'Cancel deletion?',
    mute: 'Mute alerts?',
  },
  button: { retryRotation: 'Retry rotation', cancelDeletion: 'Cancel deletion', mute: 'Mute' },
  action: { retryRotation: 'Retry rotation', cancelDeletion: 'Cancel deletion', mute: 'Mute' },
  effect: {
    rotateAws: (n) => `Secrets Manager will start rotating ${n} now, using its configured rotation.`,
    rotateOther: (s, n) => `${s} will rotate ${n} now.`,
    restore: (n, d) => `${n} will be restored and its scheduled deletion${d ? ` on ${d}` : ''} cancelled.`,
    mute: (n) =>
      `New alerts for ${n} will be tracked but not posted in chat while the mute lasts. Resolutions of alerts already posted are still shown.`,
  },
  label: {
    secret: 'Secret',
    cloud: 'Cloud',
    account: 'Account',
    region: 'Region',
    deletion: 'Permanent deletion',
    duration: 'For how long',
    command: 'Robot command',
  },
  noName: 'the secret',
  linkHolder: 'a DingTalk link holder',
  actingAs: (u) =>
    `You act as a member of the DingTalk group the link was posted in. This link works until ${u}.`,
  state: {
    queued: 'Requested',
    'in-progress': 'In progress',
    done: 'Done',
    failed: 'Failed',
    muted: 'Muted',
    resolved: 'Nothing to do',
    'moved-on': 'Nothing to do',
    refused: 'Not allowed',
    unavailable: 'Not available',
    'bad-form': 'Please confirm again',
    'bad-choice': 'Pick a duration',
  },
  replay: 'This link was already used; nothing more was done.',
  sentence: {
    queued: (a, n) => `${a} of ${n} is queued. This page shows the result when it is done.`,
    inProgress: (a, n, by, at) => `${a} of ${n} is in progress (asked by ${by} at ${at}).`,
    done: (a, n, by, at, d) => `${a} of ${n} was done at ${at} (asked by ${by})${d ? `: ${d}` : ''}.`,
    failed: (a, n, at, d) => `${a} of ${n} failed at ${at}${d ? `: ${d}` : ''}.`,
    muted: (n, d) => `Alerts for ${n} are muted${d ? ` ${d}` : ''}.`,
    resolved: (at, k) => `This alert was resolved${at ? ` at ${at}` : ''} (${k}). Nothing was changed.`,
    movedOn: (a, k) => `This alert has moved on (now: ${k}), so ${a} no longer applies. Nothing was changed.`,
    badForm:
      'This confirmation page is too old, or the form did not come from it. Nothing was done. Open the link again and confirm.',
    badChoice: 'Pick how long to mute. Nothing was done.',
    tryCommand: 'To try again, send this in the DingTalk group:',
  },
  invalid: {
    malformed: {
      title: 'Invalid link',
      text: 'This is not a valid action link. Nothing was done. Open the link from the alert card again.',
    },
    'bad-signature': {
      title: 'Invalid link',
      text: 'This link is not valid: it was changed, or it was not made by this bot. Nothing was done.',
    },
    expired: {
      title: 'Link expired',
      text: 'This link has expired. Nothing was done. Use a newer alert card, or the robot command in the DingTalk group.',
    },
  },
  disabled: {
    title: 'Use the robot command',
    text: (a) =>
      `Actions from links are turned off for this bot. To ${a.toLowerCase()}, send this in the DingTalk group; DingTalk tells the bot who you are:`,
  },
  back: 'Back to the confirmation',
  refreshing: 'This page refreshes by itself.',
  bulk: {
    title: (a, n) => `${a} for ${n} secret${n === 1 ? '' : 's'}?`,
    effect: {
      retryRotation: (n) =>
        `The bot will ask the cloud to rotate each of the ${n} open secrets of this summary, one request per secret. A secret someone already asked for is not asked again.`,
      cancelDeletion: (n) =>
        `The bot will ask the cloud to restore each of the ${n} secrets of this summary that are scheduled for deletion, one request per secret. A secret someone already asked for is not asked again.`,
    },
    label: { secrets: 'Secrets', where: 'Where' },
    state: {
      queued: 'Requested',
      refused: 'Not allowed',
      unavailable: 'Not available',
      'bad-form': 'Please confirm again',
      disabled: 'Use the robot commands',
    },
    disabled:
      'Actions from links are turned off for this bot. Send a robot command for each secret in the DingTalk group (for example `@secrets-bot rotate <secret>`); DingTalk tells the bot who you are.',
  },
};

const ZH: PageWords = {
  confirmTitle: { retryRotation: '重试轮转？', cancelDeletion: '取消删除？', mute: '静音告警？' },
  button: { retryRotation: '重试轮转', cancelDeletion: '取消删除', mute: '静音' },
  action: { retryRotation: '重试轮转', cancelDeletion: '取消删除', mute: '静音' },
  effect: {
    rotateAws: (n) => `Secrets Manager 将立即按已配置的轮转方式开始轮转凭据 ${n}。`,
    rotateOther: (s, n) => `${s} 将立即轮转凭据 ${n}。`,
    restore: (n, d) => `凭据 ${n} 将被恢复，${d ? `原定于 ${d} 的` : ''}计划删除将被取消。`,
    mute: (n) => `静音期间，${n} 的新告警仍会被记录，但不会发到群里。已发出告警的解决消息仍会显示。`,
  },
  label: {
    secret: '凭据',
    cloud: '云',
    account: '账号',
    region: '地域',
    deletion: '永久删除',
    duration: '静音时长',
    command: '机器人命令',
  },
  noName: '该凭据',
  linkHolder: '钉钉链接持有人',
  actingAs: (u) => `你将以发布此链接的钉钉群成员的身份操作。此链接在 ${u} 前有效。`,
  state: {
    queued: '已提交',
    'in-progress': '进行中',
    done: '已完成',
    failed: '失败',
    muted: '已静音',
    resolved: '无需操作',
    'moved-on': '无需操作',
    refused: '不允许',
    unavailable: '暂不可用',
    'bad-form': '请重新确认',
    'bad-choice': '请选择时长',
  },
  replay: '此链接已经用过，本次未做任何操作。',
  sentence: {
    queued: (a, n) => `${n} 的${a}已排队。完成后此页面会显示结果。`,
    inProgress: (a, n, by, at) => `${n} 的${a}正在进行（由 ${by} 于 ${at} 发起）。`,
    done: (a, n, by, at, d) => `${n} 的${a}已于 ${at} 完成（由 ${by} 发起）${d ? `：${d}` : ''}。`,
    failed: (a, n, at, d) => `${n} 的${a}于 ${at} 失败${d ? `：${d}` : ''}。`,
    muted: (n, d) => `${n} 的告警已静音${d ? `：${d}` : ''}。`,
    resolved: (at, k) => `此告警已${at ? `于 ${at} ` : ''}解决（${k}），未做任何更改。`,
    movedOn: (a, k) => `此告警已有新变化（现在：${k}），${a}已不适用，未做任何更改。`,
    badForm: '此确认页面已过期，或表单并非来自此页面。未做任何操作。请重新打开链接并确认。',
    badChoice: '请选择静音时长。未做任何操作。',
    tryCommand: '如需重试，请在钉钉群中发送：',
  },
  invalid: {
    malformed: { title: '链接无效', text: '这不是有效的操作链接，未做任何操作。请从告警卡片重新打开链接。' },
    'bad-signature': {
      title: '链接无效',
      text: '此链接无效：它被改动过，或不是本机器人生成的。未做任何操作。',
    },
    expired: {
      title: '链接已过期',
      text: '此链接已过期，未做任何操作。请使用更新的告警卡片，或在钉钉群中使用机器人命令。',
    },
  },
  disabled: {
    title: '请使用机器人命令',
    text: (a) => `本机器人已关闭通过链接操作。如需${a}，请在钉钉群中发送以下命令，钉钉会告诉机器人你是谁：`,
  },
  back: '返回确认页面',
  refreshing: '此页面会自动刷新。',
  bulk: {
    title: (a, n) => `对 ${n} 个凭据${a}？`,
    effect: {
      retryRotation: (n) =>
        `机器人将请求云服务逐个轮转此汇总中 ${n} 个未解决的凭据，每个凭据一个请求。已经有人请求过的凭据不会重复请求。`,
      cancelDeletion: (n) =>
        `机器人将请求云服务逐个恢复此汇总中 ${n} 个计划删除的凭据，每个凭据一个请求。已经有人请求过的凭据不会重复请求。`,
    },
    label: { secrets: '凭据数', where: '位置' },
    state: {
      queued: '已提交',
      refused: '不允许',
      unavailable: '暂不可用',
      'bad-form': '请重新确认',
      disabled: '请使用机器人命令',
    },
    disabled:
      '本机器人已关闭通过链接操作。请在钉钉群中对每个凭据发送机器人命令（例如 `@secrets-bot rotate <凭据>`），钉钉会告诉机器人你是谁。',
  },
};

export const PAGE_WORDS: Catalog<PageWords> = { en: EN, 'zh-CN': ZH };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page for a link's state, in `locale`. */
export function renderActionPage(page: LinkPage, opts: { locale: Locale; href?: string }): ActionPageHtml {
  const w = PAGE_WORDS[opts.locale];
  switch (page.kind) {
    case 'invalid': {
      const t = w.invalid[page.reason];
      return doc(opts.locale, t.title, `<div class="card warn"><p>${escapeHtml(t.text)}</p></div>`);
    }
    case 'disabled': {
      const body =
        `<div class="card info"><p>${escapeHtml(w.disabled.text(w.action[page.target.action]))}</p>` +
        `<p><code>${escapeHtml(page.target.command)}</code></p>` +
        facts(page.target, opts.locale) +
        `</div>`;
      return doc(opts.locale, w.disabled.title, body);
    }
    case 'confirm':
      return confirmPage(page, opts.locale);
    case 'result':
      return resultPage(page, opts.locale, opts.href ?? '');
    case 'bulk-confirm':
    case 'bulk-result':
      return bulkPage(page, opts.locale, opts.href ?? '');
  }
}

function bulkPage(page: BulkPage, locale: Locale, href: string): ActionPageHtml {
  const w = PAGE_WORDS[locale];
  const t = page.target;
  const n = t.count ?? 0;
  if (page.kind === 'bulk-confirm') {
    const body =
      `<div class="card info"><p>${escapeHtml(w.bulk.effect[t.action](n))}</p>` +
      bulkFacts(t, locale) +
      `<form method="post">` +
      `<input type="hidden" name="form" value="${escapeHtml(page.form)}">` +
      `<button type="submit">${escapeHtml(summaryWords(locale).bulkButton(t.action, n))}</button>` +
      `</form>` +
      `<p class="note">${escapeHtml(w.actingAs(formatUtc(new Date(t.expiresAt).toISOString())))}</p>` +
      `</div>`;
    return doc(locale, w.bulk.title(w.action[t.action], n), body);
  }
  const tone = page.state === 'queued' ? 'ok' : page.state === 'disabled' ? 'info' : 'warn';
  let body = `<div class="card ${tone}">`;
  if (page.replay) body += `<p><strong>${escapeHtml(w.replay)}</strong></p>`;
  if (page.state === 'bad-form') body += `<p>${escapeHtml(w.sentence.badForm)}</p>`;
  if (page.state === 'disabled') body += `<p>${escapeHtml(w.bulk.disabled)}</p>`;
  if (page.text)
    body += `<p>${escapeHtml(replaceRefs(page.text, (_k, id) => (id === LINK_HOLDER ? w.linkHolder : `@${id}`)))}</p>`;
  if (page.at) body += `<p class="note">${escapeHtml(formatUtc(page.at))}</p>`;
  body += bulkFacts(t, locale);
  if (page.state === 'bad-form' && !page.replay)
    body += `<p><a href="${escapeHtml(href)}">${escapeHtml(w.back)}</a></p>`;
  body += `</div>`;
  return doc(locale, w.bulk.state[page.state], body);
}

function bulkFacts(t: BulkTarget, locale: Locale): string {
  const w = PAGE_WORDS[locale];
  const where = summaryWords(locale).where({
    ...(t.provider ? { cloud: alertWords(locale).cloud(t.provider) } : {}),
    ...(t.account ? { account: t.account } : {}),
    ...(t.region ? { region: t.region } : {}),
  });
  const rows: Array<[string, string]> = [
    ...(t.count !== undefined ? [[w.bulk.label.secrets, String(t.count)] as [string, string]] : []),
    ...(where ? [[w.bulk.label.where, where] as [string, string]] : []),
  ];
  return rows.length === 0
    ? ''
    : `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function confirmPage(page: Extract<LinkPage, { kind: 'confirm' }>, locale: Locale): ActionPageHtml {
  const w = PAGE_WORDS[locale];
  const t = page.target;
  const choices = page.muteChoices ?? [];
  const radios =
    t.action === 'mute'
      ? `<fieldset><legend>${escapeHtml(w.label.duration)}</legend>` +
        choices
          .map(
            (c, i) =>
              `<label><input type="radio" name="duration" value="${escapeHtml(c)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(sentenceWords(locale).mute.choice[c])}</label>`,
          )
          .join('') +
        `</fieldset>`
      : '';
  const body =
    `<div class="card info"><p>${escapeHtml(effectOf(t, locale))}</p>` +
    facts(t, locale) +
    `<form method="post">` +
    `<input type="hidden" name="form" value="${escapeHtml(page.form)}">` +
    radios +
    `<button type="submit">${escapeHtml(w.button[t.action])}</button>` +
    `</form>` +
    `<p class="note">${escapeHtml(w.actingAs(formatUtc(new Date(t.expiresAt).toISOString())))}</p>` +
    `</div>`;
  return doc(locale, w.confirmTitle[t.action], body);
}

/** `href`: this page's own URL, relative (the link token), for the reload and the way back. */
function resultPage(page: LinkResult, locale: Locale, href: string): ActionPageHtml {
  const w = PAGE_WORDS[locale];
  const t = page.target;
  const c = alertWords(locale);
  const name = nameOf(t, locale);
  const action = w.action[t.action];
  const at = page.at ? formatUtc(page.at) : '';
  const by = page.by === undefined ? '' : page.by === LINK_HOLDER ? w.linkHolder : page.by;
  const kind = page.eventKind ? c.kind(page.eventKind) : '';
  const s = w.sentence;
  const lines: string[] = [];
  switch (page.state) {
    case 'queued':
      lines.push(s.queued(action, name));
      break;
    case 'in-progress':
      lines.push(s.inProgress(action, name, by, at));
      break;
    case 'done':
      lines.push(s.done(action, name, by, at, page.detail));
      break;
    case 'failed':
      lines.push(s.failed(action, name, at, page.detail), s.tryCommand);
      break;
    case 'muted':
      lines.push(s.muted(name, page.detail));
      break;
    case 'resolved':
      lines.push(s.resolved(at || undefined, kind || w.state.resolved));
      break;
    case 'moved-on':
      lines.push(s.movedOn(action, kind));
      break;
    case 'bad-form':
      lines.push(s.badForm);
      break;
    case 'bad-choice':
      lines.push(s.badChoice);
      break;
    case 'refused':
    case 'unavailable':
      break;
  }
  const tone = ['queued', 'done', 'muted'].includes(page.state)
    ? 'ok'
    : ['in-progress', 'resolved', 'moved-on'].includes(page.state)
      ? 'info'
      : 'warn';
  let body = `<div class="card ${tone}">`;
  if (page.replay) body += `<p><strong>${escapeHtml(w.replay)}</strong></p>`;
  body += lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
  if (page.state === 'failed') body += `<p><code>${escapeHtml(t.command)}</code></p>`;
  // A sentence from the shared flow (refusals, …): user markers shown as @id, everything escaped.
  if (
    page.text &&
    (page.state === 'refused' ||
      page.state === 'unavailable' ||
      (page.state === 'muted' && !page.detail) ||
      lines.length === 0)
  ) {
    body += `<p>${escapeHtml(replaceRefs(page.text, (_k, id) => (id === LINK_HOLDER ? w.linkHolder : `@${id}`)))}</p>`;
  }
  body += facts(t, locale);
  if (page.state === 'bad-choice' || (page.state === 'bad-form' && !page.replay))
    body += `<p><a href="${escapeHtml(href)}">${escapeHtml(w.back)}</a></p>`;
  if (page.refresh) body += `<p class="note">${escapeHtml(w.refreshing)}</p>`;
  body += `</div>`;
  return doc(locale, w.state[page.state], body, page.refresh ? { seconds: 3, href } : undefined);
}

function nameOf(t: LinkTarget, locale: Locale): string {
  return t.name === '' ? PAGE_WORDS[locale].noName : t.name;
}

function effectOf(t: LinkTarget, locale: Locale): string {
  const w = PAGE_WORDS[locale];
  const name = nameOf(t, locale);
  switch (t.action) {
    case 'retryRotation':
      return t.provider === 'aws'
        ? w.effect.rotateAws(name)
        : w.effect.rotateOther(serviceLabel(t.provider), name);
    case 'cancelDeletion':
      return w.effect.restore(
        name,
        t.deletionDate && !Number.isNaN(Date.parse(t.deletionDate)) ? formatUtc(t.deletionDate) : undefined,
      );
    case 'mute':
      return w.effect.mute(name);
  }
}

function facts(t: LinkTarget, locale: Locale): string {
  const w = PAGE_WORDS[locale];
  const c = alertWords(locale);
  const rows: Array<[string, string]> = [
    [w.label.secret, nameOf(t, locale)],
    [w.label.cloud, `${c.cloud(t.provider)} ${serviceLabel(t.provider)}`],
    [w.label.account, t.account || c.text.unknown],
    [w.label.region, t.region || c.text.unknown],
  ];
  if (t.action === 'cancelDeletion' && t.deletionDate && !Number.isNaN(Date.parse(t.deletionDate)))
    rows.push([w.label.deletion, formatUtc(t.deletionDate)]);
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** A refresh loads `href` with GET (never repeating a POST). */
function doc(
  locale: Locale,
  title: string,
  body: string,
  refresh?: { seconds: number; href: string },
): ActionPageHtml {
  const html =
    `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    (refresh
      ? `<meta http-equiv="refresh" content="${refresh.seconds};url=${escapeHtml(refresh.href)}">`
      : '') +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>\n`;
  return { title, html };
}
