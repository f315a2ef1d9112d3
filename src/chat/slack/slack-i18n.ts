import { wordsFor, type Catalog, type Locale } from '../i18n/locale';

/**
 * Words only Slack uses (alerts, slash-command replies, the App Home tab, the Mute dialog), in
 * English and Simplified Chinese. Everything both platforms say comes from the shared catalogs in
 * ../i18n (alert words, command vocabulary, sentences), whose English entries are what the bot
 * always said — so with LOCALE=en the Slack messages are exactly what they were.
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
  /** "permanent deletion 2026-03-02 11:00 UTC", in a reminder's thread note. */
  permanentDeletionAt(date: string): string;
  /** A label before text: "Reminder: ", and in mrkdwn "*Reminder*: ". */
  lead(label: string): string;
  boldLead(label: string): string;
  /** A labelled value in mrkdwn: "*Open alerts:* 3 critical", "*未解决的告警*：严重 3". */
  boldField(label: string, value: string): string;
  /** Thread note times: "at 10:15 UTC" today, else "on 2026-02-28 at 10:15 UTC". */
  at(time: string): string;
  onDay(dayAndTime: string): string;
  dayAtTime(day: string, time: string): string;
  /** Slack date format for "2026-02-28 at 10:15". */
  dateAtTimeFormat: string;
  /** Slash-command replies and the App Home tab (the shared vocabulary is ../i18n/command-words). */
  command: {
    helpTitle: string;
    /** Help lines, each with its command in `code`. */
    help: { intro: string; lines: string[]; operatorLines: string[]; notOperator: string; naming: string };
    /** The fallback text of `/secrets status`. */
    overviewSummary(
      open: number,
      counts: { critical: number; warning: number; info: number },
      pending: number,
      failures: number,
      mutes: number,
    ): string;
    mutesSummary(n: number): string;
    noMutes: string;
    unnamed: string;
    muted(by: string): string;
    version(id: string): string;
    noneRecorded: string;
    theBot: string;
    /** The fallback text of `status <secret>`. */
    secretSummary(name: string, rotation: string, deletion: string): string;
  };
  /** The dialog behind the Mute button. */
  muteModal: {
    title: string;
    submit: string;
    close: string;
    intro(name: string): string;
    thisAlert: string;
    duration: string;
    reason: string;
    placeholder: string;
  };
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
  permanentDeletionAt: (d) => `permanent deletion ${d}`,
  lead: (l) => `${l}: `,
  boldLead: (l) => `*${l}*: `,
  boldField: (l, v) => `*${l}:* ${v}`,
  at: (t) => `at ${t}`,
  onDay: (x) => `on ${x}`,
  dayAtTime: (d, t) => `${d} at ${t}`,
  dateAtTimeFormat: '{date_short} at {time}',
  command: {
    helpTitle: 'How to use /secrets',
    help: {
      intro:
        '*/secrets* — ask the bot about secrets and alerts. Answers are only shown to you; add `--share` at the end to post one in the channel.',
      lines: [
        '• `/secrets status` — open alerts by severity, secrets pending deletion, rotation failures, mutes, queue health',
        '• `/secrets status <secret>` — live description from the cloud, recent events, and the buttons that apply',
        '• `/secrets history <secret>` — events and the actions taken from chat',
        '• `/secrets mute <secret or pattern> <duration> [reason]` — e.g. `/secrets mute prod/* 2h deploy` (30s, 15m, 2h, 1d, 1w)',
        '• `/secrets unmute <mute id or secret>` · `/secrets mutes`',
      ],
      operatorLines: [
        '• `/secrets rotate <secret>` — same as *Retry rotation* on an alert',
        '• `/secrets restore <secret>` — same as *Cancel deletion* on an alert',
      ],
      notOperator: 'Operators may also `rotate` and `restore` secrets.',
      naming:
        '*Naming a secret:* its name (`prod/pg`) when the bot has seen it in an event; otherwise, or when the name exists in several places, `aws:<account>:<region>:<name>`, `alibaba:<uid>:<region>:<name>`, or the full ARN (`arn:aws:secretsmanager:…`, `acs:kms:…:secret/<name>`).',
    },
    overviewSummary: (open, c, pending, failures, mutes) => {
      const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
      return (
        `Secrets status: ${n(open, 'open alert')} (${c.critical} critical, ${c.warning} warning, ${c.info} info), ` +
        `${n(pending, 'pending deletion')}, ${n(failures, 'rotation failure')}, ${n(mutes, 'active mute')}`
      );
    },
    mutesSummary: (n) => `${n} active mute(s)`,
    noMutes: 'No active mutes',
    unnamed: 'unnamed',
    muted: (by) => `muted (${by})`,
    version: (id) => `version ${id} (AWSPENDING)`,
    noneRecorded: 'None recorded.',
    theBot: 'the bot',
    secretSummary: (name, rotation, deletion) => `${name}: rotation ${rotation}, deletion ${deletion}`,
  },
  muteModal: {
    title: 'Mute alert',
    submit: 'Mute',
    close: 'Cancel',
    intro: (name) =>
      `New alerts for ${name} will be tracked but not posted while the mute lasts. Resolutions of posted alerts are still shown.`,
    thisAlert: 'this alert',
    duration: 'For how long',
    reason: 'Reason',
    placeholder: 'e.g. planned maintenance',
  },
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
  permanentDeletionAt: (d) => `永久删除时间 ${d}`,
  lead: (l) => `${l}：`,
  boldLead: (l) => `*${l}*：`,
  boldField: (l, v) => `*${l}*：${v}`,
  at: (t) => `${t}`,
  onDay: (x) => `${x}`,
  dayAtTime: (d, t) => `${d} ${t}`,
  dateAtTimeFormat: '{date_short} {time}',
  command: {
    helpTitle: '/secrets 用法',
    help: {
      intro:
        '*/secrets* — 向机器人查询凭据和告警。回答只有你能看到；在末尾加上 `--share` 可把回答发到频道里。',
      lines: [
        '• `/secrets status` — 按严重程度列出未解决的告警、待删除的凭据、轮转失败、静音和队列状态',
        '• `/secrets status <凭据>` — 从云上实时查询凭据，列出最近的事件和适用的按钮',
        '• `/secrets history <凭据>` — 事件记录和在聊天中执行过的操作',
        '• `/secrets mute <凭据或通配模式> <时长> [原因]` — 例如 `/secrets mute prod/* 2h deploy`（30s、15m、2h、1d、1w）',
        '• `/secrets unmute <静音 id 或凭据>` · `/secrets mutes`',
      ],
      operatorLines: [
        '• `/secrets rotate <凭据>` — 与告警上的 *重试轮转* 相同',
        '• `/secrets restore <凭据>` — 与告警上的 *取消删除* 相同',
      ],
      notOperator: '运维人员还可以执行 `rotate` 和 `restore`。',
      naming:
        '*凭据的写法：* 机器人在事件中见过时可直接写名称（`prod/pg`）；否则，或同名凭据在多处存在时，写 `aws:<账号>:<地域>:<名称>`、`alibaba:<uid>:<地域>:<名称>`，或完整的 ARN（`arn:aws:secretsmanager:…`、`acs:kms:…:secret/<名称>`）。',
    },
    overviewSummary: (open, c, pending, failures, mutes) =>
      `凭据状态：未解决的告警 ${open} 条（严重 ${c.critical}，警告 ${c.warning}，提示 ${c.info}），` +
      `待删除 ${pending} 个，轮转失败 ${failures} 个，生效中的静音 ${mutes} 个`,
    mutesSummary: (n) => `生效中的静音 ${n} 个`,
    noMutes: '没有生效中的静音',
    unnamed: '未命名',
    muted: (by) => `已静音（${by}）`,
    version: (id) => `版本 ${id}（AWSPENDING）`,
    noneRecorded: '没有记录。',
    theBot: '机器人',
    secretSummary: (name, rotation, deletion) => `${name}：轮转 ${rotation}，删除 ${deletion}`,
  },
  muteModal: {
    title: '静音告警',
    submit: '静音',
    close: '取消',
    intro: (name) => `静音期间，${name} 的新告警仍会被记录，但不会发到频道里。已发出告警的解决消息仍会显示。`,
    thisAlert: '此告警',
    duration: '静音时长',
    reason: '原因',
    placeholder: '例如：计划内维护',
  },
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

export const SLACK_WORDS: Catalog<SlackWords> = { en: EN, 'zh-CN': ZH };

export function slackWords(locale?: Locale): SlackWords {
  return wordsFor(SLACK_WORDS, locale);
}
