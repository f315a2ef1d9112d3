import type { Mute } from '../../alerting/mute';
import type { CommandReply } from '../../remediation/command-runner';
import { LINK_HOLDER, ROBOT_MENTION } from '../../remediation/link-identity';
import type { Overview, OverviewAlert } from '../../remediation/overview';
import { qualifiedName } from '../../remediation/resolve-secret';
import type { AuditEntry } from '../../store/audit-store';
import type { SecretEventEntry } from '../../store/secret-directory';
import type { RemediationNote } from '../message';
import { remediationNoteText } from '../slack/render-slack-remediation';
import { formatUtc, replaceRefs, truncate } from '../text';
import { alertWords, type AlertWords } from '../i18n/alert-words';
import { auditResultText, commandWords, type CommandWords } from '../i18n/command-words';
import { wordsFor, type Catalog, type Locale } from '../i18n/locale';
import { bodyBytes, DINGTALK_LIMITS, inert, type DingTalkMarkdown } from './render-dingtalk-card';

/**
 * Pure DingTalk rendering of robot-command replies (`@secrets-bot status`, …) and of remediation
 * outcomes asked from DingTalk, as markdown messages in LOCALE. Untrusted text is made inert with
 * escapeDingTalkMarkdown; neutral sentences from src/remediation (refusals, "queued", usage) come
 * in LOCALE already (../i18n/sentence-words), with Slack's `/secrets` shown as the robot mention.
 */

const MAX_LIST = 15;
const BR = '  \n';
const SEVERITY_EMOJI = { critical: '🔴', warning: '🟠', info: '🟢' } as const;

/** Words only DingTalk's command replies use; the shared vocabulary is ../i18n/command-words. */
interface DingTalkCommandWords {
  title: string;
  help: {
    intro: string;
    lines: Array<[string, string]>;
    operatorLines: Array<[string, string]>;
    notOperator: string;
    naming: string;
  };
  operatorsMay: string;
  linkHolder: string;
  remediation: {
    succeeded(action: string, name: string, where: string, by: string, detail?: string): string;
    failed(action: string, name: string, where: string, by: string, why: string): string;
  };
}

const EN: DingTalkCommandWords = {
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
  operatorsMay: 'Operators:',
  linkHolder: 'a DingTalk link holder',
  remediation: {
    succeeded: (a, n, w, by, d) => `${a} of ${n} (${w}), asked by ${by}: succeeded${d ? ` — ${d}` : ''}.`,
    failed: (a, n, w, by, why) => `${a} of ${n} (${w}), asked by ${by}: failed — ${why}`,
  },
};

const ZH: DingTalkCommandWords = {
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
  operatorsMay: '运维人员：',
  linkHolder: '钉钉链接持有人',
  remediation: {
    succeeded: (a, n, w, by, d) => `${n}（${w}）的${a}（由 ${by} 发起）：成功${d ? ` — ${d}` : ''}。`,
    failed: (a, n, w, by, why) => `${n}（${w}）的${a}（由 ${by} 发起）：失败 — ${why}`,
  },
};

export const DINGTALK_COMMAND_WORDS: Catalog<DingTalkCommandWords> = { en: EN, 'zh-CN': ZH };

/** Every word of a DingTalk command reply: shared (`c`), DingTalk's own (`w`) and the alert words (`t`). */
interface Words {
  c: CommandWords;
  w: DingTalkCommandWords;
  t: AlertWords;
}

function wordsOf(locale: Locale): Words {
  return { c: commandWords(locale), w: wordsFor(DINGTALK_COMMAND_WORDS, locale), t: alertWords(locale) };
}

/** Untrusted or neutral text → inert DingTalk markdown; user markers become `@id`. */
export function dingTalkText(neutral: string, locale: Locale, max = 3000): string {
  const { w } = wordsOf(locale);
  const plain = replaceRefs(neutral, (kind, id) =>
    id === LINK_HOLDER ? w.linkHolder : `${kind}${id}`,
  ).replace(/\/secrets\b/g, ROBOT_MENTION);
  return inert(plain, max);
}

const esc = (s: string, max = 300) => inert(s, max);

export function renderDingTalkCommandReply(reply: CommandReply, opts: { locale: Locale }): DingTalkMarkdown {
  const L = wordsOf(opts.locale);
  const { c, w, t } = L;
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
      return markdown(c.status, overviewText(reply.overview, L));
    case 'mutes': {
      const body =
        reply.mutes.length === 0
          ? c.noMutes
          : reply.mutes
              .slice(0, 40)
              .map((m) => `- ${muteLine(m, reply.now, L)}`)
              .join('\n');
      return markdown(c.activeMutes, `#### ${c.activeMutes}\n\n${body}`);
    }
    case 'history': {
      const name = qualifiedName(reply.secret);
      const events =
        reply.events.length === 0 ? c.noEvents : reply.events.map((e) => `- ${eventLine(e, L)}`).join('\n');
      const audit =
        reply.audit.length === 0 ? c.noActions : reply.audit.map((e) => `- ${auditLine(e, L)}`).join('\n');
      return markdown(
        c.historyOf(reply.secret.name),
        [
          `#### ${esc(c.historyOf(name), 400)}`,
          `**${c.events}${t.paren(c.newestFirst)}**\n\n${events}`,
          `**${c.actionsFromChat}${t.paren(c.newestFirst)}**\n\n${audit}`,
        ].join('\n\n'),
      );
    }
    case 'secret': {
      const d = reply.description;
      const f = c.secretFacts;
      const facts = [
        t.field(t.label.cloud, t.cloud(d.provider)),
        t.field(t.label.account, esc(d.account || t.text.unknown, 64)),
        t.field(t.label.region, esc(d.region, 64)),
        t.field(f.type, esc(d.type ?? t.text.unknown, 64)),
        t.field(
          f.rotation,
          esc(d.rotationEnabled ? c.rotationOn(d.rotationSchedule) : c.rotationOff(d.rotationState), 200),
        ),
        t.field(f.lastRotated, d.lastRotatedAt ? formatUtc(d.lastRotatedAt) : c.never),
        t.field(f.nextRotation, d.nextRotationAt ? formatUtc(d.nextRotationAt) : c.nonePlanned),
        t.field(
          f.deletion,
          d.deletionDate
            ? `⏳ ${formatUtc(d.deletionDate)}${t.paren(t.countdown(d.deletionDate, reply.now))}`
            : c.notScheduled,
        ),
      ];
      if (d.pendingRotation)
        facts.push(t.field(f.unfinished, esc(`${d.pendingRotation.versionId} (AWSPENDING)`, 100)));
      const events =
        reply.events.length === 0 ? c.none : reply.events.map((e) => `- ${eventLine(e, L)}`).join('\n');
      const parts = [`#### ${esc(d.name, 200)}`, facts.join(BR), `**${c.recentEvents}**\n\n${events}`];
      const commands = reply.actions
        .filter((a) => a !== 'mute')
        .map(
          (a) =>
            `${ROBOT_MENTION} ${a === 'retryRotation' ? 'rotate' : 'restore'} ${qualifiedName(reply.secret)}`,
        );
      if (commands.length > 0)
        parts.push(`${w.operatorsMay} ${commands.map((x) => esc(x, 400)).join(' · ')}`);
      parts.push(esc(c.live(t.cloud(d.provider), d.requestId), 200));
      return markdown(d.name, parts.join('\n\n'));
    }
  }
}

/** How a remediation asked from DingTalk ended, for the group. */
export function renderDingTalkNote(note: RemediationNote, opts: { locale: Locale }): DingTalkMarkdown {
  const L = wordsOf(opts.locale);
  const { c, w, t } = L;
  const s = note.status;
  if (s.action !== 'retryRotation' && s.action !== 'cancelDeletion')
    return markdown(w.title, dingTalkText(remediationNoteText(note, opts.locale), opts.locale));
  const action = t.button[s.action];
  const name = esc(note.secret.name, 200);
  const where = esc(
    `${t.cloud(note.secret.provider)}${note.secret.account ? ` ${note.secret.account}` : ''}, ${note.secret.region}`,
    200,
  );
  const by = person(s.requestedBy, L);
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
  else text = dingTalkText(remediationNoteText(note, opts.locale), opts.locale);
  if (s.cloudRequestId) text += `${BR}${esc(c.cloudRequestId(s.cloudRequestId), 120)}`;
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

function overviewText(o: Overview, L: Words): string {
  const { c, t } = L;
  const parts = [`#### ${c.status}`];
  parts.push(
    t.field(c.openAlerts, c.alertCounts(o.counts)) +
      '\n\n' +
      (o.open.length === 0 ? c.nothingOpen : list(o.open, (a) => `- ${alertLine(a, t)}`, c)),
  );
  parts.push(
    `**${c.pendingDeletion}**\n\n` +
      (o.pendingDeletions.length === 0
        ? c.none
        : list(
            o.pendingDeletions,
            (a) =>
              `- ${placeName(a, t)} — ${c.deletionIn(t.countdown(a.deletionDate!, o.now), formatUtc(a.deletionDate!))}`,
            c,
          )),
  );
  parts.push(
    `**${c.rotationFailures}**\n\n` +
      (o.rotationFailures.length === 0
        ? c.none
        : list(
            o.rotationFailures,
            (a) =>
              `- ${placeName(a, t)} — ${t.kind(a.kind)} ${formatUtc(a.occurredAt)}${a.failureCode ? ` · ${esc(a.failureCode, 100)}` : ''}`,
            c,
          )),
  );
  parts.push(
    `**${c.activeMutes}**\n\n` +
      (o.mutes.length === 0 ? c.none : list(o.mutes, (m) => `- ${muteLine(m, o.now, L)}`, c)),
  );
  if (o.queues)
    parts.push(
      c.queues(
        c.queuesLabel,
        c.counts(o.queues.notify),
        c.counts(o.queues.remediate),
        o.queues.outboxPending,
      ),
    );
  return parts.join('\n\n');
}

function list<T>(items: T[], line: (x: T) => string, c: CommandWords): string {
  const shown = items.slice(0, MAX_LIST).map(line);
  if (items.length > MAX_LIST) shown.push(`- ${c.more(items.length - MAX_LIST)}`);
  return shown.join('\n');
}

function placeName(a: OverviewAlert, t: AlertWords): string {
  const name = a.name === '' ? `*${t.text.unknown}*` : `**${esc(a.name, 120)}**`;
  return `${name}${t.paren(`${t.cloud(a.provider)}${a.account ? ` ${esc(a.account, 40)}` : ''}, ${esc(a.region, 40)}`)}`;
}

function alertLine(a: OverviewAlert, t: AlertWords): string {
  return (
    `${SEVERITY_EMOJI[a.severity]} ${t.headline(a.kind, esc(a.name, 80))} — ${t.severity(a.severity)}, ${formatUtc(a.occurredAt)}` +
    (a.mutedBy ? ` · 🔕 ${esc(a.mutedBy, 20)}` : '')
  );
}

/** A chat user id as the group reads it: `@id`, or the link holder in words. */
function person(id: string, { w }: Words): string {
  return id === LINK_HOLDER ? w.linkHolder : id === 'bot' ? 'bot' : esc(`@${id}`, 100);
}

function muteLine(m: Mute, now: number, L: Words): string {
  const { c, t } = L;
  const until = m.untilResolved
    ? c.untilResolved
    : c.until(formatUtc(m.endsAt!), t.countdown(m.endsAt!, now));
  return `${esc(m.id, 40)}: ${esc(m.label, 200)} ${until}, ${c.by} ${person(m.createdBy, L)}${m.reason ? ` — ${esc(m.reason, 200)}` : ''}`;
}

function eventLine(e: SecretEventEntry, { c, t }: Words): string {
  return `${formatUtc(e.occurredAt)} ${t.kind(e.kind)}${e.actor ? ` · ${c.by} ${esc(e.actor, 120)}` : ''}${e.failureCode ? ` · ${esc(e.failureCode, 100)}` : ''}`;
}

function auditLine(e: AuditEntry, L: Words): string {
  const { c } = L;
  return (
    `${formatUtc(e.at)} ${esc(c.auditAction[e.action] ?? e.action, 40)} ${c.phase[e.phase]} — ${person(e.actor, L)} ${c.via(esc(e.via, 20))}` +
    (e.result ? `: ${esc(auditResultText(e.result, c), 300)}` : '') +
    (e.cloudRequestId ? ` (${esc(c.cloudRequestId(e.cloudRequestId), 100)})` : '')
  );
}
