import type { QueueCounts } from '../../remediation/overview';
import type { AuditEntry } from '../../store/audit-store';
import { wordsFor, type Catalog, type Locale } from './locale';

/**
 * The vocabulary of command replies — `status` (also Slack's App Home), `mutes`, `history`,
 * `status <secret>` — on both platforms, in English and Simplified Chinese. Plain words: each
 * renderer adds its own markup (Slack `*bold*`, DingTalk `**bold**`) and escapes what is passed in.
 * Help texts differ per platform (Slack's slash command, DingTalk's robot mention) and live with
 * each platform's words.
 */
export interface CommandWords {
  status: string;
  openAlerts: string;
  /** "40 critical · 0 warning · 0 info" */
  alertCounts(c: { critical: number; warning: number; info: number }): string;
  nothingOpen: string;
  pendingDeletion: string;
  rotationFailures: string;
  activeMutes: string;
  none: string;
  more(n: number): string;
  /** "permanent deletion in 2 days (2026-03-08 11:59 UTC)" */
  deletionIn(countdown: string, date: string): string;
  /** `label` comes formatted by the renderer ("*Queues*"). */
  queues(label: string, notify: string, remediate: string, outbox: number): string;
  queuesLabel: string;
  counts(c: QueueCounts): string;
  noMutes: string;
  until(date: string, countdown: string): string;
  untilResolved: string;
  by: string;
  historyOf(name: string): string;
  events: string;
  actionsFromChat: string;
  newestFirst: string;
  noEvents: string;
  noActions: string;
  phase: Record<AuditEntry['phase'], string>;
  /** What was asked, in a history line ("cancel deletion"). */
  auditAction: Record<AuditEntry['action'], string>;
  via(v: string): string;
  /** Why a request was refused (authorize.ts reason codes); other results are shown as recorded. */
  refusal: Record<'not-operator' | 'action-policy' | 'channel-policy' | 'no-operators', string>;
  cloudRequestId(id: string): string;
  secretFacts: {
    rotation: string;
    lastRotated: string;
    nextRotation: string;
    deletion: string;
    type: string;
    unfinished: string;
  };
  rotationOn(schedule?: string): string;
  rotationOff(state?: string): string;
  never: string;
  nonePlanned: string;
  notScheduled: string;
  recentEvents: string;
  live(cloud: string, requestId?: string): string;
}

const EN: CommandWords = {
  status: 'Secrets status',
  openAlerts: 'Open alerts',
  alertCounts: (c) => `${c.critical} critical · ${c.warning} warning · ${c.info} info`,
  nothingOpen: 'Nothing open.',
  pendingDeletion: 'Pending deletion',
  rotationFailures: 'Rotation failures',
  activeMutes: 'Active mutes',
  none: 'None.',
  more: (n) => `…and ${n} more`,
  deletionIn: (c, d) => `permanent deletion ${c} (${d})`,
  queues: (l, n, r, o) => `${l} · notify: ${n} · remediate: ${r} · outbox: ${o} pending`,
  queuesLabel: 'Queues',
  counts: (c) => `${c.waiting} waiting, ${c.delayed} delayed, ${c.active} active, ${c.failed} failed`,
  noMutes: 'No active mutes.',
  until: (d, c) => `until ${d} (${c})`,
  untilResolved: 'until resolved',
  by: 'by',
  historyOf: (n) => `History of ${n}`,
  events: 'Events',
  actionsFromChat: 'Actions from chat',
  newestFirst: 'newest first',
  noEvents: 'No events recorded.',
  noActions: 'No actions recorded.',
  phase: {
    allowed: 'asked (allowed)',
    refused: 'refused',
    duplicate: 'asked again (nothing started)',
    queued: 'queued',
    started: 'started',
    retrying: 'retrying',
    succeeded: 'succeeded',
    failed: 'failed',
  },
  auditAction: { rotate: 'rotate', cancel_deletion: 'cancel deletion', mute: 'mute', unmute: 'unmute' },
  via: (v) => `via ${v}`,
  refusal: {
    'not-operator': 'not-operator',
    'action-policy': 'action-policy',
    'channel-policy': 'channel-policy',
    'no-operators': 'no-operators',
  },
  cloudRequestId: (id) => `cloud request id ${id}`,
  secretFacts: {
    rotation: 'Rotation',
    lastRotated: 'Last rotated',
    nextRotation: 'Next rotation',
    deletion: 'Deletion',
    type: 'Type',
    unfinished: 'Unfinished rotation',
  },
  rotationOn: (s) => `enabled${s ? ` (${s})` : ''}`,
  rotationOff: (st) => `off${st && st !== 'Disabled' ? ` (${st})` : ''}`,
  never: 'never',
  nonePlanned: 'none planned',
  notScheduled: 'not scheduled',
  recentEvents: 'Recent events',
  live: (c, id) => `Live from ${c}${id ? ` · request id ${id}` : ''}`,
};


/** Where a request came from, as the audit trail records it. */
const ZH_VIA: Record<string, string> = { button: '按钮', command: '命令', job: '任务', link: '链接', dialog: '对话框' };

const ZH: CommandWords = {
  status: '凭据状态',
  openAlerts: '未解决的告警',
  alertCounts: (c) => `严重 ${c.critical} · 警告 ${c.warning} · 提示 ${c.info}`,
  nothingOpen: '没有未解决的告警。',
  pendingDeletion: '待删除',
  rotationFailures: '轮转失败',
  activeMutes: '生效中的静音',
  none: '无。',
  more: (n) => `……另有 ${n} 条`,
  deletionIn: (c, d) => `永久删除：${c}（${d}）`,
  queues: (l, n, r, o) => `${l} · notify：${n} · remediate：${r} · outbox：${o} 个待处理`,
  queuesLabel: '队列',
  counts: (c) => `等待 ${c.waiting}，延迟 ${c.delayed}，进行中 ${c.active}，失败 ${c.failed}`,
  noMutes: '没有生效中的静音。',
  until: (d, c) => `至 ${d}（${c}）`,
  untilResolved: '直到告警解决',
  by: '操作者',
  historyOf: (n) => `${n} 的历史`,
  events: '事件',
  actionsFromChat: '聊天中的操作',
  newestFirst: '最新在前',
  noEvents: '没有事件记录。',
  noActions: '没有操作记录。',
  phase: {
    allowed: '已请求（允许）',
    refused: '被拒绝',
    duplicate: '重复请求（未启动）',
    queued: '已排队',
    started: '已开始',
    retrying: '重试中',
    succeeded: '成功',
    failed: '失败',
  },
  auditAction: { rotate: '轮转', cancel_deletion: '取消删除', mute: '静音', unmute: '取消静音' },
  via: (v) => `来源：${ZH_VIA[v] ?? v}`,
  refusal: {
    'not-operator': '不是运维人员',
    'action-policy': '不在此操作允许的人员中',
    'channel-policy': '不在允许的频道中',
    'no-operators': '没有配置运维人员',
  },
  cloudRequestId: (id) => `云请求 id ${id}`,
  secretFacts: {
    rotation: '轮转',
    lastRotated: '上次轮转',
    nextRotation: '下次轮转',
    deletion: '删除',
    type: '类型',
    unfinished: '未完成的轮转',
  },
  rotationOn: (s) => `已开启${s ? `（${s}）` : ''}`,
  rotationOff: (st) => `未开启${st && st !== 'Disabled' ? `（${st}）` : ''}`,
  never: '从未',
  nonePlanned: '无计划',
  notScheduled: '未计划',
  recentEvents: '最近的事件',
  live: (c, id) => `实时数据来自 ${c}${id ? ` · 请求 id ${id}` : ''}`,
};

export const COMMAND_WORDS: Catalog<CommandWords> = { en: EN, 'zh-CN': ZH };

export function commandWords(locale?: Locale): CommandWords {
  return wordsFor(COMMAND_WORDS, locale);
}

/** A history line's result: a refusal reason in the locale's words, anything else as recorded. */
export function auditResultText(result: string, c: CommandWords): string {
  return Object.prototype.hasOwnProperty.call(c.refusal, result) ? c.refusal[result as keyof CommandWords['refusal']] : result;
}
