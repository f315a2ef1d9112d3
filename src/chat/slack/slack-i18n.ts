import type { Locale } from '../dingtalk/dingtalk-i18n';

/**
 * Words only the Slack alert renderer uses, in English and Simplified Chinese. Everything both
 * platforms say (event kinds, headlines, reasons, labels, countdowns) comes from the shared
 * catalog in ../dingtalk/dingtalk-i18n (`dingTalkCatalog`), whose English entries are the helpers
 * of ../text — so with LOCALE=en the Slack messages are exactly what they were.
 * Values passed in are already escaped mrkdwn; the words add Slack markup (`*bold*`) themselves.
 */
export interface SlackWords {
  /** "*Earlier:* …" */
  earlier(items: string): string;
  /** " by alice" after a timeline entry or a thread note. */
  by(actor: string): string;
  restoreUntil(buttonLabel: string): string;
  buttonsUnavailable: string;
  /** The plain-text fallback: "(AWS account 1111, eu-west-1)". */
  where(cloud: string, account: string, region: string): string;
  permanentDeletionIn(countdown: string): string;
  /** Thread note times: "at 10:15 UTC" today, else "on 2026-02-28 at 10:15 UTC". */
  at(time: string): string;
  onDay(dayAndTime: string): string;
  dayAtTime(day: string, time: string): string;
  /** Slack date format for "2026-02-28 at 10:15". */
  dateAtTimeFormat: string;
  confirm: {
    retryTitle: string;
    cancelTitle: string;
    goBack: string;
    /** " in account 1111 (eu-west-1)" */
    place(account: string, region: string): string;
    retryAws(name: string, place: string): string;
    retryOther(service: string, name: string, place: string): string;
    cancel(name: string, place: string, when: string): string;
    /** " on 2026-03-08 10:15 UTC" */
    on(date: string): string;
    theSecret: string;
  };
}

const EN: SlackWords = {
  earlier: (items) => `*Earlier:* ${items}`,
  by: (actor) => ` by ${actor}`,
  restoreUntil: (b) => `Until then the secret can be restored with *${b}*.`,
  buttonsUnavailable:
    ":warning: Buttons are not available for this alert: the secret's name is too long to fit in a Slack button. Use the cloud console instead.",
  where: (cloud, account, region) =>
    [cloud + (account === '' ? '' : ` account ${account}`), ...(region === '' ? [] : [region])].join(', '),
  permanentDeletionIn: (c) => ` — permanent deletion ${c}`,
  at: (t) => `at ${t}`,
  onDay: (x) => `on ${x}`,
  dayAtTime: (d, t) => `${d} at ${t}`,
  dateAtTimeFormat: '{date_short} at {time}',
  confirm: {
    retryTitle: 'Retry rotation?',
    cancelTitle: 'Cancel deletion?',
    goBack: 'Go back',
    place: (account, region) => {
      const parts: string[] = [];
      if (account !== '') parts.push(`in account ${account}`);
      if (region !== '') parts.push(`(${region})`);
      return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
    },
    retryAws: (n, p) => `Secrets Manager will start rotating ${n}${p} now, using its configured rotation.`,
    retryOther: (s, n, p) => `${s} will rotate ${n}${p} now.`,
    cancel: (n, p, w) => `${n}${p} will be restored and its scheduled deletion${w} cancelled.`,
    on: (d) => ` on ${d}`,
    theSecret: 'the secret',
  },
};

const ZH: SlackWords = {
  earlier: (items) => `*此前*：${items}`,
  by: (actor) => ` · 操作者 ${actor}`,
  restoreUntil: (b) => `在此之前，可以用 *${b}* 恢复此凭据。`,
  buttonsUnavailable: ':warning: 此告警无法提供按钮：凭据名称太长，放不进 Slack 按钮。请使用云控制台。',
  where: (cloud, account, region) =>
    [cloud + (account === '' ? '' : ` 账号 ${account}`), ...(region === '' ? [] : [region])].join('，'),
  permanentDeletionIn: (c) => ` — 永久删除：${c}`,
  at: (t) => `${t}`,
  onDay: (x) => `${x}`,
  dayAtTime: (d, t) => `${d} ${t}`,
  dateAtTimeFormat: '{date_short} {time}',
  confirm: {
    retryTitle: '重试轮转？',
    cancelTitle: '取消删除？',
    goBack: '返回',
    place: (account, region) => {
      const parts: string[] = [];
      if (account !== '') parts.push(`账号 ${account}`);
      if (region !== '') parts.push(region);
      return parts.length === 0 ? '' : `（${parts.join('，')}）`;
    },
    retryAws: (n, p) => `Secrets Manager 将立即按已配置的轮转方式开始轮转 ${n}${p}。`,
    retryOther: (s, n, p) => `${s} 将立即轮转 ${n}${p}。`,
    cancel: (n, p, w) => `${n}${p} 将被恢复，${w}计划删除将被取消。`,
    on: (d) => `原定于 ${d} 的`,
    theSecret: '该凭据',
  },
};

const WORDS: Record<Locale, SlackWords> = { en: EN, 'zh-CN': ZH };

export function slackWords(locale: Locale): SlackWords {
  return WORDS[locale];
}
