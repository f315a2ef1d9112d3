import type { EventKind } from '../events/secret-event';
import type { RemediationAction } from '../remediation/actions';
import type { Locale } from './dingtalk/dingtalk-i18n';

/** The words of summary messages, per LOCALE (both platforms use them). */
export interface SummaryWords {
  /** "137 secrets failed rotation" — `n` members of one kind (or of several kinds when `kind` is undefined). */
  headline(n: number, kind: EventKind | undefined, secretType: string | undefined): string;
  resolvedHeadline(n: number): string;
  where(parts: { cloud?: string; account?: string; region?: string }): string;
  counts(c: { open: number; resolved: number; muted: number }): string;
  since(time: string): string;
  listedInThread(total: number): string;
  andMore(n: number): string;
  page(from: number, to: number, total: number): string;
  bulkButton(action: RemediationAction, n: number): string;
  bulkConfirmTitle(action: RemediationAction): string;
  bulkConfirmText(action: RemediationAction, n: number, where: string): string;
  confirm: string;
  cancel: string;
  why(threshold: number, intervalS: number): string;
  statusWord(status: 'open' | 'resolved'): string;
  dingtalkUpdate(n: number, added: number): string;
  remediation(r: { requested: number; running: number; succeeded: number; failed: number }): string;
}

const EN_KIND: Partial<Record<EventKind, string>> = {
  'rotation.failed': 'failed rotation',
  'rotation.abandoned': 'abandoned rotation',
  'rotation.overdue': 'are overdue for rotation',
  'test-rotation.failed': 'failed test rotation',
  'deletion.scheduled': 'are scheduled for deletion',
  'deletion.started': 'are being deleted',
  'deletion.completed': 'were deleted',
  'deletion.forced': 'were deleted without recovery',
  'access.pending-deletion': 'were read while pending deletion',
};
const ZH_KIND: Partial<Record<EventKind, string>> = {
  'rotation.failed': '轮转失败',
  'rotation.abandoned': '轮转被放弃',
  'rotation.overdue': '轮转已逾期',
  'test-rotation.failed': '测试轮转失败',
  'deletion.scheduled': '已计划删除',
  'deletion.started': '正在删除',
  'deletion.completed': '已被删除',
  'deletion.forced': '已被强制删除（无法恢复）',
  'access.pending-deletion': '在待删除期间被读取',
};

const EN_ACTION: Record<RemediationAction, string> = { retryRotation: 'Retry rotation', cancelDeletion: 'Cancel deletion' };
const ZH_ACTION: Record<RemediationAction, string> = { retryRotation: '重试轮转', cancelDeletion: '取消删除' };

const EN: SummaryWords = {
  headline: (n, kind, type) => `${n} ${type ? `${type} ` : ''}secret${n === 1 ? '' : 's'} ${(kind && EN_KIND[kind]) ?? 'need attention'}`,
  resolvedHeadline: (n) => `Resolved: all ${n} secrets of this group`,
  where: ({ cloud, account, region }) =>
    [cloud, account ? `account ${account}` : undefined, region].filter((p): p is string => Boolean(p)).join(' · '),
  counts: ({ open, resolved, muted }) => [`${open} open`, `${resolved} resolved`, ...(muted ? [`${muted} muted`] : [])].join(' · '),
  since: (t) => `since ${t}`,
  listedInThread: (n) => `All ${n} are listed in the thread.`,
  andMore: (n) => `…and ${n} more`,
  page: (from, to, total) => `Secrets ${from}–${to} of ${total}`,
  bulkButton: (a, n) => `${EN_ACTION[a]} (${n})`,
  bulkConfirmTitle: (a) => `${EN_ACTION[a]} for all?`,
  bulkConfirmText: (a, n, where) =>
    a === 'retryRotation'
      ? `Rotate ${n} secret${n === 1 ? '' : 's'} now (${where}), each with its configured rotation. Each is one job; secrets already being handled are skipped.`
      : `Cancel the scheduled deletion of ${n} secret${n === 1 ? '' : 's'} (${where}). Each is one job; secrets already being handled are skipped.`,
  confirm: 'Yes, do it',
  cancel: 'Cancel',
  why: (threshold, s) => `Why: more than ${threshold} alerts of one group arrived within ${s}s, so they are summarized in one message.`,
  statusWord: (s) => (s === 'open' ? 'open' : 'resolved'),
  dingtalkUpdate: (n, added) => `Update: ${n} secrets in this group, ${added} new since the last message`,
  remediation: (r) => `Asked from chat: ${r.requested} queued · ${r.running} running · ${r.succeeded} succeeded · ${r.failed} failed`,
};

const ZH: SummaryWords = {
  headline: (n, kind, type) => `${n} 个${type ? ` ${type} ` : ''}凭据${(kind && ZH_KIND[kind]) ?? '需要处理'}`,
  resolvedHeadline: (n) => `已恢复：本组全部 ${n} 个凭据`,
  where: ({ cloud, account, region }) =>
    [cloud, account ? `账号 ${account}` : undefined, region].filter((p): p is string => Boolean(p)).join(' · '),
  counts: ({ open, resolved, muted }) => [`${open} 个未解决`, `${resolved} 个已恢复`, ...(muted ? [`${muted} 个已静音`] : [])].join(' · '),
  since: (t) => `自 ${t} 起`,
  listedInThread: (n) => `全部 ${n} 个凭据列在消息串中。`,
  andMore: (n) => `……另有 ${n} 个`,
  page: (from, to, total) => `凭据 ${from}–${to}（共 ${total} 个）`,
  bulkButton: (a, n) => `${ZH_ACTION[a]}（${n}）`,
  bulkConfirmTitle: (a) => `全部${ZH_ACTION[a]}？`,
  bulkConfirmText: (a, n, where) =>
    a === 'retryRotation'
      ? `立即按各自的轮转配置轮转 ${n} 个凭据（${where}）。每个凭据一个任务；正在处理的会被跳过。`
      : `取消 ${n} 个凭据的计划删除（${where}）。每个凭据一个任务；正在处理的会被跳过。`,
  confirm: '确定',
  cancel: '取消',
  why: (threshold, s) => `原因：同组告警在 ${s} 秒内超过 ${threshold} 条，合并为一条消息。`,
  statusWord: (s) => (s === 'open' ? '未解决' : '已恢复'),
  dingtalkUpdate: (n, added) => `更新：本组共 ${n} 个凭据，自上条消息以来新增 ${added} 个`,
  remediation: (r) => `聊天中发起的处理：${r.requested} 个排队 · ${r.running} 个进行中 · ${r.succeeded} 个成功 · ${r.failed} 个失败`,
};

export function summaryWords(locale: Locale = 'en'): SummaryWords {
  return locale === 'zh-CN' ? ZH : EN;
}
