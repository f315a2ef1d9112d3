import type { Mute } from '../../alerting/mute';
import type { CommandReply } from '../../remediation/command-runner';
import { LINK_HOLDER, ROBOT_MENTION } from '../../remediation/link-identity';
import type { Overview, OverviewAlert, QueueCounts } from '../../remediation/overview';
import { qualifiedName } from '../../remediation/resolve-secret';
import type { AuditEntry } from '../../store/audit-store';
import type { SecretEventEntry } from '../../store/secret-directory';
import type { RemediationNote } from '../message';
import { remediationNoteText } from '../slack/render-slack-remediation';
import { formatUtc, replaceRefs, truncate } from '../text';
import { dingTalkCatalog, type DingTalkCatalog, type Locale } from './dingtalk-i18n';
import {
  bodyBytes,
  DINGTALK_LIMITS,
  escapeDingTalkMarkdown,
  type DingTalkMarkdown,
} from './render-dingtalk-card';

/**
 * Pure DingTalk rendering of robot-command replies (`@secrets-bot status`, …) and of remediation
 * outcomes asked from DingTalk, as markdown messages in LOCALE. Untrusted text is made inert with
 * escapeDingTalkMarkdown; neutral sentences from src/remediation (refusals, "queued", usage) keep
 * their English words, with Slack's `/secrets` shown as the robot mention.
 */

const MAX_LIST = 15;
const BR = '  \n';
const SEVERITY_EMOJI = { critical: '🔴', warning: '🟠', info: '🟢' } as const;

interface CommandWords {
  title: string;
  help: {
    intro: string;
    lines: Array<[string, string]>;
    operatorLines: Array<[string, string]>;
    notOperator: string;
    naming: string;
  };
  status: string;
  openAlerts(c: { critical: number; warning: number; info: number }): string;
  nothingOpen: string;
  pendingDeletion: string;
  rotationFailures: string;
  activeMutes: string;
  none: string;
  more(n: number): string;
  deletionIn(countdown: string, date: string): string;
  queues(notify: string, remediate: string, outbox: number): string;
  counts(c: QueueCounts): string;
  mutes: string;
  noMutes: string;
  until(date: string, countdown: string): string;
  untilResolved: string;
  by: string;
  historyOf(name: string): string;
  events: string;
  noEvents: string;
  actions: string;
  noActions: string;
  phase: Record<AuditEntry['phase'], string>;
  via(v: string): string;
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
  operatorsMay: string;
  linkHolder: string;
  remediation: {
    succeeded(action: string, name: string, where: string, by: string, detail?: string): string;
    failed(action: string, name: string, where: string, by: string, why: string): string;
  };
  action: { retryRotation: string; cancelDeletion: string };
}

const EN: CommandWords = {
  title: 'secrets-bot',
  help: {
    intro: `Ask the bot about secrets and alerts: ${ROBOT_MENTION} <command>`,
    lines: [
      ['status', 'open alerts by severity, secrets pending deletion, rotation failures, mutes, queue health'],
      ['status <secret>', 'live description from the cloud and recent events'],
      ['history <secret>', 'events and the actions taken from chat'],
      ['mute <secret or pattern> <duration> [reason]', 'e.g. mute prod/* 2h deploy (30s, 15m, 2h, 1d, 1w)'],
      ['unmute <mute id or secret>', 'end a mute; mutes lists them'],
    ],
    operatorLines: [
      ['rotate <secret>', 'same as Retry rotation on an alert'],
      ['restore <secret>', 'same as Cancel deletion on an alert'],
    ],
    notOperator: 'Operators (by DingTalk staff id in OPERATORS) may also rotate and restore secrets.',
    naming:
      'Naming a secret: its name (prod/pg) when the bot has seen it in an event; otherwise, or when the name exists in several places, aws:<account>:<region>:<name>, alibaba:<uid>:<region>:<name>, or the full ARN.',
  },
  status: 'Secrets status',
  openAlerts: (c) => `**Open alerts:** ${c.critical} critical · ${c.warning} warning · ${c.info} info`,
  nothingOpen: 'Nothing open.',
  pendingDeletion: 'Pending deletion',
  rotationFailures: 'Rotation failures',
  activeMutes: 'Active mutes',
  none: 'None.',
  more: (n) => `…and ${n} more`,
  deletionIn: (c, d) => `permanent deletion ${c} (${d})`,
  queues: (n, r, o) => `Queues · notify: ${n} · remediate: ${r} · outbox: ${o} pending`,
  counts: (c) => `${c.waiting} waiting, ${c.delayed} delayed, ${c.active} active, ${c.failed} failed`,
  mutes: 'Active mutes',
  noMutes: 'No active mutes.',
  until: (d, c) => `until ${d} (${c})`,
  untilResolved: 'until resolved',
  by: 'by',
  historyOf: (n) => `History of ${n}`,
  events: 'Events (newest first)',
  noEvents: 'No events recorded.',
  actions: 'Actions from chat (newest first)',
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
  via: (v) => `via ${v}`,
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
  operatorsMay: 'Operators:',
  linkHolder: 'a DingTalk link holder',
  remediation: {
    succeeded: (a, n, w, by, d) => `${a} of ${n} (${w}), asked by ${by}: succeeded${d ? ` — ${d}` : ''}.`,
    failed: (a, n, w, by, why) => `${a} of ${n} (${w}), asked by ${by}: failed — ${why}`,
  },
  action: { retryRotation: 'Retry rotation', cancelDeletion: 'Cancel deletion' },
};

const ZH: CommandWords = {
  title: 'secrets-bot',
  help: {
    intro: `向机器人查询凭据和告警：${ROBOT_MENTION} <命令>`,
    lines: [
      ['status', '按严重程度列出未解决的告警、待删除的凭据、轮转失败、静音和队列状态'],
      ['status <凭据>', '从云上实时查询凭据，并列出最近的事件'],
      ['history <凭据>', '事件记录和在聊天中执行过的操作'],
      ['mute <凭据或通配模式> <时长> [原因]', '例如 mute prod/* 2h deploy（30s、15m、2h、1d、1w）'],
      ['unmute <静音 id 或凭据>', '结束静音；mutes 列出所有静音'],
    ],
    operatorLines: [
      ['rotate <凭据>', '与告警上的“重试轮转”相同'],
      ['restore <凭据>', '与告警上的“取消删除”相同'],
    ],
    notOperator: '运维人员（OPERATORS 中的钉钉 staff id）还可以执行 rotate 和 restore。',
    naming:
      '凭据的写法：机器人在事件中见过时可直接写名称（prod/pg）；否则，或同名凭据在多处存在时，写 aws:<账号>:<地域>:<名称>、alibaba:<uid>:<地域>:<名称>，或完整的 ARN。',
  },
  status: '凭据状态',
  openAlerts: (c) => `**未解决的告警**：严重 ${c.critical} · 警告 ${c.warning} · 提示 ${c.info}`,
  nothingOpen: '没有未解决的告警。',
  pendingDeletion: '待删除',
  rotationFailures: '轮转失败',
  activeMutes: '生效中的静音',
  none: '无。',
  more: (n) => `……另有 ${n} 条`,
  deletionIn: (c, d) => `永久删除：${c}（${d}）`,
  queues: (n, r, o) => `队列 · notify：${n} · remediate：${r} · outbox：${o} 个待处理`,
  counts: (c) => `等待 ${c.waiting}，延迟 ${c.delayed}，进行中 ${c.active}，失败 ${c.failed}`,
  mutes: '生效中的静音',
  noMutes: '没有生效中的静音。',
  until: (d, c) => `至 ${d}（${c}）`,
  untilResolved: '直到告警解决',
  by: '操作者',
  historyOf: (n) => `${n} 的历史`,
  events: '事件（最新在前）',
  noEvents: '没有事件记录。',
  actions: '聊天中的操作（最新在前）',
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
  via: (v) => `来源 ${v}`,
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
  live: (c, id) => `实时来自${c}${id ? ` · 请求 id ${id}` : ''}`,
  operatorsMay: '运维人员：',
  linkHolder: '钉钉链接持有人',
  remediation: {
    succeeded: (a, n, w, by, d) => `${n}（${w}）的${a}（由 ${by} 发起）：成功${d ? ` — ${d}` : ''}。`,
    failed: (a, n, w, by, why) => `${n}（${w}）的${a}（由 ${by} 发起）：失败 — ${why}`,
  },
  action: { retryRotation: '重试轮转', cancelDeletion: '取消删除' },
};

const WORDS: Record<Locale, CommandWords> = { en: EN, 'zh-CN': ZH };

/** Untrusted or neutral text → inert DingTalk markdown; user markers become `@id`. */
export function dingTalkText(neutral: string, locale: Locale, max = 3000): string {
  const w = WORDS[locale];
  const plain = replaceRefs(neutral, (kind, id) =>
    id === LINK_HOLDER ? w.linkHolder : `${kind}${id}`,
  ).replace(/\/secrets\b/g, ROBOT_MENTION);
  return truncate(escapeDingTalkMarkdown(plain), max);
}

const esc = (s: string, max = 300) => truncate(escapeDingTalkMarkdown(s), max);

export function renderDingTalkCommandReply(reply: CommandReply, opts: { locale: Locale }): DingTalkMarkdown {
  const w = WORDS[opts.locale];
  const t = dingTalkCatalog(opts.locale);
  switch (reply.kind) {
    case 'text':
    case 'usage':
      return markdown(firstLine(reply.text), dingTalkText(reply.text, opts.locale));
    case 'help': {
      const item = ([cmd, what]: [string, string]) => `- ${esc(`${ROBOT_MENTION} ${cmd}`)} — ${esc(what)}`;
      const lines = [...w.help.lines.map(item), ...(reply.operator ? w.help.operatorLines.map(item) : [])];
      const text = [
        `#### ${w.title}`,
        esc(w.help.intro),
        lines.join('\n'),
        ...(reply.operator ? [] : [esc(w.help.notOperator)]),
        esc(w.help.naming, 1000),
      ];
      return markdown(w.title, text.join('\n\n'));
    }
    case 'overview':
      return markdown(w.status, overviewText(reply.overview, w, t));
    case 'mutes': {
      const body =
        reply.mutes.length === 0
          ? w.noMutes
          : reply.mutes
              .slice(0, 40)
              .map((m) => `- ${muteLine(m, reply.now, w, t)}`)
              .join('\n');
      return markdown(w.mutes, `#### ${w.mutes}\n\n${body}`);
    }
    case 'history': {
      const name = qualifiedName(reply.secret);
      const events =
        reply.events.length === 0
          ? w.noEvents
          : reply.events.map((e) => `- ${eventLine(e, w, t)}`).join('\n');
      const audit =
        reply.audit.length === 0 ? w.noActions : reply.audit.map((e) => `- ${auditLine(e, w)}`).join('\n');
      return markdown(
        w.historyOf(reply.secret.name),
        [
          `#### ${esc(w.historyOf(name), 400)}`,
          `**${w.events}**\n\n${events}`,
          `**${w.actions}**\n\n${audit}`,
        ].join('\n\n'),
      );
    }
    case 'secret': {
      const d = reply.description;
      const f = w.secretFacts;
      const facts = [
        t.field(t.label.cloud, t.cloud(d.provider)),
        t.field(t.label.account, esc(d.account || t.text.unknown, 64)),
        t.field(t.label.region, esc(d.region, 64)),
        t.field(f.type, esc(d.type ?? t.text.unknown, 64)),
        t.field(
          f.rotation,
          esc(d.rotationEnabled ? w.rotationOn(d.rotationSchedule) : w.rotationOff(d.rotationState), 200),
        ),
        t.field(f.lastRotated, d.lastRotatedAt ? formatUtc(d.lastRotatedAt) : w.never),
        t.field(f.nextRotation, d.nextRotationAt ? formatUtc(d.nextRotationAt) : w.nonePlanned),
        t.field(
          f.deletion,
          d.deletionDate
            ? `⏳ ${formatUtc(d.deletionDate)}${t.paren(t.countdown(d.deletionDate, reply.now))}`
            : w.notScheduled,
        ),
      ];
      if (d.pendingRotation)
        facts.push(t.field(f.unfinished, esc(`${d.pendingRotation.versionId} (AWSPENDING)`, 100)));
      const events =
        reply.events.length === 0 ? w.none : reply.events.map((e) => `- ${eventLine(e, w, t)}`).join('\n');
      const parts = [`#### ${esc(d.name, 200)}`, facts.join(BR), `**${w.recentEvents}**\n\n${events}`];
      const commands = reply.actions
        .filter((a) => a !== 'mute')
        .map(
          (a) =>
            `${ROBOT_MENTION} ${a === 'retryRotation' ? 'rotate' : 'restore'} ${qualifiedName(reply.secret)}`,
        );
      if (commands.length > 0)
        parts.push(`${w.operatorsMay} ${commands.map((c) => esc(c, 400)).join(' · ')}`);
      parts.push(esc(w.live(t.cloud(d.provider), d.requestId), 200));
      return markdown(d.name, parts.join('\n\n'));
    }
  }
}

/** How a remediation asked from DingTalk ended, for the group. */
export function renderDingTalkNote(note: RemediationNote, opts: { locale: Locale }): DingTalkMarkdown {
  const w = WORDS[opts.locale];
  const t = dingTalkCatalog(opts.locale);
  const s = note.status;
  if (s.action !== 'retryRotation' && s.action !== 'cancelDeletion')
    return markdown(w.title, dingTalkText(remediationNoteText(note), opts.locale));
  const action = w.action[s.action];
  const name = esc(note.secret.name, 200);
  const where = esc(
    `${t.cloud(note.secret.provider)}${note.secret.account ? ` ${note.secret.account}` : ''}, ${note.secret.region}`,
    200,
  );
  const by = person(s.requestedBy, w);
  const emoji = s.state === 'succeeded' ? '✅' : s.state === 'failed' ? '❌' : '⏳';
  let text: string;
  if (s.state === 'succeeded')
    text = w.remediation.succeeded(action, name, where, by, s.detail ? esc(s.detail, 500) : undefined);
  else if (s.state === 'failed')
    text = w.remediation.failed(
      action,
      name,
      where,
      by,
      esc(`${s.error?.cloudCode ?? s.error?.code ?? 'error'}: ${s.error?.message ?? ''}`, 800),
    );
  else text = dingTalkText(remediationNoteText(note), opts.locale);
  if (s.cloudRequestId) text += `${BR}${esc(w.cloudRequestId(s.cloudRequestId), 120)}`;
  return markdown(`${emoji} ${action}: ${note.secret.name}`, `${emoji} ${text}`);
}

// ---------------------------------------------------------------------------------------------

function markdown(title: string, text: string): DingTalkMarkdown {
  let out: DingTalkMarkdown = {
    msgtype: 'markdown',
    markdown: {
      title: truncate(title.replace(/\s+/g, ' ').trim() || 'secrets-bot', DINGTALK_LIMITS.title),
      text,
    },
  };
  while (bodyBytes(out) > DINGTALK_LIMITS.targetBytes) {
    const lines = out.markdown.text.split('\n');
    lines.splice(Math.max(1, lines.length - 2), 1);
    out = { ...out, markdown: { ...out.markdown, text: lines.join('\n').replace(/\n?…$/, '') + '\n…' } };
  }
  return out;
}

function firstLine(text: string): string {
  return truncate(replaceRefs(text, (k, id) => `${k}${id}`).split('\n')[0]!, 60);
}

function overviewText(o: Overview, w: CommandWords, t: DingTalkCatalog): string {
  const parts = [`#### ${w.status}`];
  parts.push(
    w.openAlerts(o.counts) +
      '\n\n' +
      (o.open.length === 0 ? w.nothingOpen : list(o.open, (a) => `- ${alertLine(a, t)}`, w)),
  );
  parts.push(
    `**${w.pendingDeletion}**\n\n` +
      (o.pendingDeletions.length === 0
        ? w.none
        : list(
            o.pendingDeletions,
            (a) =>
              `- ${placeName(a, t)} — ${w.deletionIn(t.countdown(a.deletionDate!, o.now), formatUtc(a.deletionDate!))}`,
            w,
          )),
  );
  parts.push(
    `**${w.rotationFailures}**\n\n` +
      (o.rotationFailures.length === 0
        ? w.none
        : list(
            o.rotationFailures,
            (a) =>
              `- ${placeName(a, t)} — ${t.kind(a.kind)} ${formatUtc(a.occurredAt)}${a.failureCode ? ` · ${esc(a.failureCode, 100)}` : ''}`,
            w,
          )),
  );
  parts.push(
    `**${w.activeMutes}**\n\n` +
      (o.mutes.length === 0 ? w.none : list(o.mutes, (m) => `- ${muteLine(m, o.now, w, t)}`, w)),
  );
  if (o.queues)
    parts.push(w.queues(w.counts(o.queues.notify), w.counts(o.queues.remediate), o.queues.outboxPending));
  return parts.join('\n\n');
}

function list<T>(items: T[], line: (x: T) => string, w: CommandWords): string {
  const shown = items.slice(0, MAX_LIST).map(line);
  if (items.length > MAX_LIST) shown.push(`- ${w.more(items.length - MAX_LIST)}`);
  return shown.join('\n');
}

function placeName(a: OverviewAlert, t: DingTalkCatalog): string {
  const name = a.name === '' ? `*${t.text.unknown}*` : `**${esc(a.name, 120)}**`;
  return `${name}${t.paren(`${t.cloud(a.provider)}${a.account ? ` ${esc(a.account, 40)}` : ''}, ${esc(a.region, 40)}`)}`;
}

function alertLine(a: OverviewAlert, t: DingTalkCatalog): string {
  return (
    `${SEVERITY_EMOJI[a.severity]} ${t.headline(a.kind, esc(a.name, 80))} — ${t.severity(a.severity)}, ${formatUtc(a.occurredAt)}` +
    (a.mutedBy ? ` · 🔕 ${esc(a.mutedBy, 20)}` : '')
  );
}

/** A chat user id as the group reads it: `@id`, or the link holder in words. */
function person(id: string, w: CommandWords): string {
  return id === LINK_HOLDER ? w.linkHolder : id === 'bot' ? 'bot' : esc(`@${id}`, 100);
}

function muteLine(m: Mute, now: number, w: CommandWords, t: DingTalkCatalog): string {
  const until = m.untilResolved
    ? w.untilResolved
    : w.until(formatUtc(m.endsAt!), t.countdown(m.endsAt!, now));
  return `${esc(m.id, 40)}: ${esc(m.label, 200)} ${until}, ${w.by} ${person(m.createdBy, w)}${m.reason ? ` — ${esc(m.reason, 200)}` : ''}`;
}

function eventLine(e: SecretEventEntry, w: CommandWords, t: DingTalkCatalog): string {
  return `${formatUtc(e.occurredAt)} ${t.kind(e.kind)}${e.actor ? ` · ${w.by} ${esc(e.actor, 120)}` : ''}${e.failureCode ? ` · ${esc(e.failureCode, 100)}` : ''}`;
}

function auditLine(e: AuditEntry, w: CommandWords): string {
  return (
    `${formatUtc(e.at)} ${esc(e.action.replace('_', ' '), 40)} ${w.phase[e.phase]} — ${person(e.actor, w)} ${w.via(esc(e.via, 20))}` +
    (e.result ? `: ${esc(e.result, 300)}` : '') +
    (e.cloudRequestId ? ` (${esc(w.cloudRequestId(e.cloudRequestId), 100)})` : '')
  );
}
