import type { EventKind, EventSource, Provider, Severity } from '../../events/secret-event';
import type { ActionName } from '../../remediation/actions';
import type { NotifyReason } from '../message';
import {
  cloudLabel,
  countdownSpan,
  type CountdownUnit,
  describeEvent,
  formatCountdown,
  kindLabel,
  reasonExplanation,
  reasonLabel,
  RECONCILED_NOTE,
  severityLabel,
  sourceLabel,
} from '../text';
import { wordsFor, type Catalog, type Locale } from './locale';

/**
 * The words of alert messages on both platforms (the DingTalk card and follow-ups, the Slack
 * alert and its thread notes), in English and Simplified Chinese.
 *
 * English reuses the shared helpers in ../text so both platforms say the same thing; Chinese has
 * its own tables. Functions here take already-safe text (the renderer escapes untrusted parts
 * before passing them in) and return plain words: no markdown except where a label is named.
 * Times are always passed in; nothing here reads the clock.
 */

export interface AlertWords {
  /** Short label of an event kind, for timelines and notes ("Rotation failed"). */
  kind(kind: EventKind): string;
  /** The headline naming the secret when given ("Rotation failed for prod/pg"). */
  headline(kind: EventKind, secretName: string): string;
  reason(reason: NotifyReason): string;
  reasonExplanation(reason: NotifyReason): string;
  severity(severity: Severity): string;
  cloud(provider: Provider): string;
  source(source: EventSource): string;
  /** "in 6 days 23 hours" / "6 天 23 小时后"; '' when the date cannot be parsed. */
  countdown(deadlineIso: string, nowMs: number): string;
  recoveryWindow(days: number): string;
  /** Prefix of a timeline cut short: "7 more, then". */
  moreEarlier(hidden: number): string;
  /**
   * A labelled value in markdown: `**Severity:** Critical`, `**严重程度**：严重`. In Chinese the
   * full-width colon stays outside the bold, so the closing `**` is not next to punctuation
   * followed by a letter (CommonMark would not close the bold there).
   */
  field(label: string, value: string): string;
  /** A labelled value without bold: `By: alice`, `操作者：alice`. */
  inlineField(label: string, value: string): string;
  /** An aside after some text: ` (in 2 days)`, `（2 天后）`. */
  paren(s: string): string;
  button: Record<ActionName, string>;
  label: {
    severity: string;
    cloud: string;
    account: string;
    region: string;
    secret: string;
    type: string;
    when: string;
    by: string;
    failure: string;
    permanentDeletion: string;
    earlier: string;
    alert: string;
    via: string;
    actions: string;
  };
  text: {
    unknown: string;
    notNamedByAlarm: string;
    secretList: string;
    resolvedPrefix: string;
    updatedPrefix: string;
    resolvedSuffix: string;
    /** Shown under the deletion date while something still reads a secret pending deletion. */
    stillReads: string;
    /** Shown under the deletion date while the secret can be restored; gets the bold button label. */
    restoreUntil(buttonLabel: string): string;
    buttonsUnavailable: string;
    openConsole: string;
    /** Why there is an alert without an event (reconciliation found it). */
    reconciled: string;
  };
}

const EN: AlertWords = {
  kind: kindLabel,
  headline: (kind, secretName) => describeEvent({ kind, secretName }),
  reason: reasonLabel,
  reasonExplanation,
  severity: severityLabel,
  cloud: cloudLabel,
  source: sourceLabel,
  countdown: formatCountdown,
  recoveryWindow: (days) => `recovery window ${days} day${days === 1 ? '' : 's'}`,
  moreEarlier: (hidden) => `${hidden} more, then`,
  field: (label, value) => `**${label}:** ${value}`,
  inlineField: (label, value) => `${label}: ${value}`,
  paren: (s) => ` (${s})`,
  button: { retryRotation: 'Retry rotation', cancelDeletion: 'Cancel deletion', mute: 'Mute' },
  label: {
    severity: 'Severity',
    cloud: 'Cloud',
    account: 'Account',
    region: 'Region',
    secret: 'Secret',
    type: 'Type',
    when: 'When',
    by: 'By',
    failure: 'Failure',
    permanentDeletion: 'Permanent deletion',
    earlier: 'Earlier',
    alert: 'alert',
    via: 'via',
    actions: 'Actions',
  },
  text: {
    unknown: 'unknown',
    notNamedByAlarm: 'not named by the alarm',
    secretList: 'secret list',
    resolvedPrefix: 'Resolved: ',
    updatedPrefix: 'Updated: ',
    resolvedSuffix: ' — resolved',
    stillReads:
      'Something still reads this secret. If it is still needed, cancel the deletion before that date.',
    restoreUntil: (b) => `Until then the secret can be restored with **${b}**.`,
    buttonsUnavailable:
      "Buttons are not available for this alert: the secret's name is too long to fit in a link. Use the cloud console instead.",
    openConsole: 'Open in console',
    reconciled: RECONCILED_NOTE,
  },
};

const ZH_KIND: Record<EventKind, string> = {
  'rotation.started': '轮转已开始',
  'rotation.succeeded': '轮转成功',
  'rotation.failed': '轮转失败',
  'rotation.abandoned': '轮转已放弃',
  'rotation.requested': '已请求轮转',
  'rotation.cancelled': '自动轮转已关闭',
  'rotation.label-updated': '新版本已生效',
  'rotation.overdue': '轮转已逾期',
  'test-rotation.started': '测试轮转已开始',
  'test-rotation.succeeded': '测试轮转成功',
  'test-rotation.failed': '测试轮转失败',
  'deletion.scheduled': '已计划删除',
  'deletion.forced': '已立即删除（无恢复窗口）',
  'deletion.cancelled': '删除已取消（凭据已恢复）',
  'deletion.started': '永久删除已开始',
  'deletion.completed': '已永久删除',
  'access.pending-deletion': '待删除期间被读取',
  'access.pending-deletion-cleared': '待删除期间的读取已停止',
};

function zhHeadline(kind: EventKind, secretName: string): string {
  const name = secretName.trim();
  if (name === '') {
    switch (kind) {
      case 'rotation.label-updated':
        return '凭据的新版本已生效';
      case 'deletion.forced':
        return '有凭据被立即删除，没有恢复窗口';
      case 'deletion.completed':
        return '有凭据已被永久删除';
      case 'access.pending-deletion':
        return '有凭据在待删除期间被读取';
      case 'access.pending-deletion-cleared':
        return '待删除凭据不再被读取';
      default:
        return `凭据${ZH_KIND[kind]}`;
    }
  }
  switch (kind) {
    case 'rotation.label-updated':
      return `凭据 ${name} 的新版本已生效`;
    case 'deletion.forced':
      return `凭据 ${name} 已被立即删除，没有恢复窗口`;
    case 'deletion.cancelled':
      return `凭据 ${name} 的删除已取消（凭据已恢复）`;
    case 'deletion.completed':
      return `凭据 ${name} 已被永久删除`;
    case 'access.pending-deletion':
      return `凭据 ${name} 在待删除期间被读取`;
    case 'access.pending-deletion-cleared':
      return `凭据 ${name} 在待删除期间不再被读取`;
    default:
      return `凭据 ${name} ${ZH_KIND[kind]}`;
  }
}

const ZH_REASON: Record<NotifyReason, string> = {
  first: '新告警',
  changed: '已更新',
  resolved: '已解决',
  reminder: '提醒',
  'repeat-due': '仍未解决',
};

const ZH_REASON_EXPLANATION: Record<NotifyReason, string> = {
  first: '该告警的第一个事件',
  changed: '告警有新变化',
  resolved: '告警已结束',
  reminder: '删除日期临近',
  'repeat-due': '告警仍未解决',
};

const ZH_SEVERITY: Record<Severity, string> = { critical: '严重', warning: '警告', info: '提示' };

const ZH_SOURCE: Record<EventSource, string> = {
  'aws.eventbridge': 'EventBridge',
  'aws.cloudwatch-alarm': 'CloudWatch 告警',
  'alibaba.cloudmonitor': '云监控',
  'alibaba.eventbridge': '阿里云事件总线',
  'aws.reconcile': 'Secrets Manager 定期核对（未收到事件）',
  'alibaba.reconcile': 'KMS 定期核对（未收到事件）',
};

const ZH_UNIT: Record<CountdownUnit, string> = { day: '天', hour: '小时', minute: '分钟' };

/** formatCountdown's span (../text), in Chinese. */
function zhCountdown(deadlineIso: string, nowMs: number): string {
  const span = countdownSpan(deadlineIso, nowMs);
  if (span === undefined) return '';
  if (span.units.length === 0) return span.future ? '不到一分钟后' : '不到一分钟前';
  const text = span.units.map(([n, unit]) => `${n} ${ZH_UNIT[unit]}`).join(' ');
  return span.future ? `${text}后` : `${text}前`;
}

const ZH: AlertWords = {
  kind: (kind) => ZH_KIND[kind],
  headline: zhHeadline,
  reason: (r) => ZH_REASON[r],
  reasonExplanation: (r) => ZH_REASON_EXPLANATION[r],
  severity: (s) => ZH_SEVERITY[s],
  cloud: (p) => (p === 'aws' ? 'AWS' : '阿里云'),
  source: (s) => ZH_SOURCE[s],
  countdown: zhCountdown,
  recoveryWindow: (days) => `恢复窗口 ${days} 天`,
  moreEarlier: (hidden) => `另有 ${hidden} 条，之后`,
  field: (label, value) => `**${label}**：${value}`,
  inlineField: (label, value) => `${label}：${value}`,
  paren: (s) => `（${s}）`,
  button: { retryRotation: '重试轮转', cancelDeletion: '取消删除', mute: '静音' },
  label: {
    severity: '严重程度',
    cloud: '云',
    account: '账号',
    region: '地域',
    secret: '凭据',
    type: '类型',
    when: '时间',
    by: '操作者',
    failure: '失败原因',
    permanentDeletion: '永久删除',
    earlier: '此前',
    alert: '告警',
    via: '来源',
    actions: '操作',
  },
  text: {
    unknown: '未知',
    notNamedByAlarm: '告警未指明',
    secretList: '凭据列表',
    resolvedPrefix: '已解决：',
    updatedPrefix: '已更新：',
    resolvedSuffix: '，已解决',
    stillReads: '仍有程序在读取此凭据。如果仍需要它，请在该日期前取消删除。',
    restoreUntil: (b) => `在此之前，可以用 **${b}** 恢复此凭据。`,
    buttonsUnavailable: '此告警无法提供按钮：凭据名称太长，放不进链接。请使用云控制台。',
    openConsole: '在控制台查看',
    reconciled: '由定期核对发现：未收到事件',
  },
};

export const ALERT_WORDS: Catalog<AlertWords> = { en: EN, 'zh-CN': ZH };

export function alertWords(locale?: Locale): AlertWords {
  return wordsFor(ALERT_WORDS, locale);
}
