import type { HomeView, KnownBlock, MrkdwnElement } from '@slack/types';
import type { Mute } from '../../alerting/mute';
import { encodeActionRef } from '../../remediation/actions';
import type { CommandReply } from '../../remediation/command-runner';
import type { Overview, OverviewAlert, QueueCounts } from '../../remediation/overview';
import { qualifiedName } from '../../remediation/resolve-secret';
import type { AuditEntry } from '../../store/audit-store';
import type { SecretEventEntry } from '../../store/secret-directory';
import {
  cloudLabel,
  describeEvent,
  escapeAndTruncate,
  formatCountdown,
  formatUtc,
  kindLabel,
  severityLabel,
  stripRefMarkers as plain,
  truncate,
  userRef,
} from '../text';
import { actionButtons, SLACK_LIMITS } from './render-slack-alert';
import { slackMrkdwn } from './render-slack-remediation';

/**
 * Pure Slack rendering of `/secrets` replies and the App Home tab. Untrusted text (secret names,
 * reasons, cloud messages) is escaped; only our own user/channel markers become mentions.
 */
export interface SlackCommandPayload {
  response_type: 'ephemeral' | 'in_channel';
  replace_original: false;
  text: string;
  blocks: KnownBlock[];
}

const SEVERITY_EMOJI = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_green_circle:' } as const;
const MAX_LIST = 15;

export function renderSlackCommandReply(reply: CommandReply): SlackCommandPayload {
  const out = (text: string, blocks: KnownBlock[]): SlackCommandPayload => ({
    response_type: reply.share ? 'in_channel' : 'ephemeral',
    replace_original: false,
    text: slackMrkdwn(text, 1000),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  });
  switch (reply.kind) {
    case 'text':
    case 'usage':
      return out(reply.text, [section(slackMrkdwn(reply.text))]);
    case 'help':
      return out('How to use /secrets', [section(helpText(reply.operator))]);
    case 'overview':
      return out(overviewSummary(reply.overview), overviewBlocks(reply.overview));
    case 'mutes':
      return out(
        reply.mutes.length === 0 ? 'No active mutes' : `${reply.mutes.length} active mute(s)`,
        [section(reply.mutes.length === 0 ? 'No active mutes.' : `*Active mutes*\n${reply.mutes.slice(0, 40).map((m) => muteLine(m, reply.now)).join('\n')}`)],
      );
    case 'history': {
      const name = qualifiedName(reply.secret);
      const events = reply.events.length === 0 ? '_No events recorded._' : reply.events.map(eventLine).join('\n');
      const audit = reply.audit.length === 0 ? '_No actions recorded._' : reply.audit.map(auditLine).join('\n');
      return out(`History of ${name}`, [
        header(`History of ${reply.secret.name}`),
        context([slackMrkdwn(name)]),
        section(`*Events* (newest first)\n${events}`),
        section(`*Actions from chat* (newest first)\n${audit}`),
      ]);
    }
    case 'secret': {
      const d = reply.description;
      const rotation = d.rotationEnabled
        ? `enabled${d.rotationSchedule ? ` (${d.rotationSchedule})` : ''}`
        : `off${d.rotationState && d.rotationState !== 'Disabled' ? ` (${d.rotationState})` : ''}`;
      const deletion = d.deletionDate
        ? `:hourglass_flowing_sand: ${formatUtc(d.deletionDate)} (${formatCountdown(d.deletionDate, reply.now)})`
        : 'not scheduled';
      const fields: MrkdwnElement[] = [
        field('Cloud', cloudLabel(d.provider)),
        field('Account', escapeAndTruncate(d.account || 'unknown', 64)),
        field('Region', escapeAndTruncate(d.region, 64)),
        field('Type', escapeAndTruncate(d.type ?? 'unknown', 64)),
        field('Rotation', escapeAndTruncate(rotation, 200)),
        field('Last rotated', d.lastRotatedAt ? formatUtc(d.lastRotatedAt) : 'never'),
        field('Next rotation', d.nextRotationAt ? formatUtc(d.nextRotationAt) : 'none planned'),
        field('Deletion', deletion),
      ];
      if (d.pendingRotation) fields.push(field('Unfinished rotation', `version ${escapeAndTruncate(d.pendingRotation.versionId, 80)} (AWSPENDING)`));
      const blocks: KnownBlock[] = [
        header(d.name),
        { type: 'section', fields: fields.slice(0, SLACK_LIMITS.sectionFields) },
        section(`*Recent events*\n${reply.events.length === 0 ? '_None recorded._' : reply.events.map(eventLine).join('\n')}`),
      ];
      if (reply.actions.length > 0 && encodeActionRef(reply.ref).length <= SLACK_LIMITS.buttonValue) {
        blocks.push({ type: 'actions', elements: actionButtons(reply.actions, reply.ref, d.deletionDate) });
      }
      blocks.push(context([`Live from ${cloudLabel(d.provider)}${d.requestId ? ` · request id ${escapeAndTruncate(d.requestId, 80)}` : ''}`]));
      return out(`${d.name}: rotation ${rotation}, deletion ${d.deletionDate ? formatUtc(d.deletionDate) : 'not scheduled'}`, blocks);
    }
  }
}

/** The App Home tab: the same overview as `/secrets status`. */
export function renderSlackHome(overview: Overview): HomeView {
  return { type: 'home', blocks: overviewBlocks(overview).slice(0, 100) };
}

// ---------------------------------------------------------------------------------------------

function overviewSummary(o: Overview): string {
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  return (
    `Secrets status: ${n(o.open.length, 'open alert')} (${o.counts.critical} critical, ${o.counts.warning} warning, ${o.counts.info} info), ` +
    `${n(o.pendingDeletions.length, 'pending deletion')}, ${n(o.rotationFailures.length, 'rotation failure')}, ${n(o.mutes.length, 'active mute')}`
  );
}

function overviewBlocks(o: Overview): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Secrets status')];
  blocks.push(
    section(
      `*Open alerts:* ${o.counts.critical} critical · ${o.counts.warning} warning · ${o.counts.info} info` +
        (o.open.length === 0 ? '\n_Nothing open._' : `\n${list(o.open, (a) => alertLine(a))}`),
    ),
  );
  blocks.push(
    section(
      `*Pending deletion*\n${
        o.pendingDeletions.length === 0
          ? '_None._'
          : list(o.pendingDeletions, (a) => `• ${name(a)} — permanent deletion ${formatCountdown(a.deletionDate!, o.now)} (${formatUtc(a.deletionDate!)})`)
      }`,
    ),
  );
  blocks.push(
    section(
      `*Rotation failures*\n${
        o.rotationFailures.length === 0
          ? '_None._'
          : list(o.rotationFailures, (a) => `• ${name(a)} — ${kindLabel(a.kind)} ${formatUtc(a.occurredAt)}${a.failureCode ? ` \`${code(a.failureCode)}\`` : ''}`)
      }`,
    ),
  );
  blocks.push(section(`*Active mutes*\n${o.mutes.length === 0 ? '_None._' : list(o.mutes, (m) => muteLine(m, o.now))}`));
  if (o.queues) {
    const q = o.queues;
    blocks.push(
      context([`*Queues* · notify: ${counts(q.notify)} · remediate: ${counts(q.remediate)} · outbox: ${q.outboxPending} pending`]),
    );
  }
  return blocks;
}

function list<T>(items: T[], line: (t: T) => string): string {
  const shown = items.slice(0, MAX_LIST).map(line);
  if (items.length > MAX_LIST) shown.push(`_…and ${items.length - MAX_LIST} more_`);
  return shown.join('\n');
}

function counts(c: QueueCounts): string {
  return `${c.waiting} waiting, ${c.delayed} delayed, ${c.active} active, ${c.failed} failed`;
}

function name(a: OverviewAlert): string {
  const n = a.name === '' ? '_unnamed_' : `*${escapeAndTruncate(a.name, 120)}*`;
  return `${n} (${cloudLabel(a.provider)}${a.account ? ` ${escapeAndTruncate(a.account, 40)}` : ''}, ${escapeAndTruncate(a.region, 40)})`;
}

function alertLine(a: OverviewAlert): string {
  return (
    `${SEVERITY_EMOJI[a.severity]} ${escapeAndTruncate(describeEvent({ kind: a.kind, secretName: truncate(a.name, 80) }), 200)}` +
    ` — ${severityLabel(a.severity)}, ${formatUtc(a.occurredAt)}` +
    (a.mutedBy ? ` · :no_bell: muted (${escapeAndTruncate(a.mutedBy, 20)})` : '')
  );
}

function muteLine(m: Mute, now: number): string {
  const until = m.untilResolved ? 'until resolved' : `until ${formatUtc(m.endsAt!)} (${formatCountdown(m.endsAt!, now)})`;
  return slackMrkdwn(`• ${m.id}: ${plain(m.label)} ${until}, by ${userRef(m.createdBy)}${m.reason ? ` — ${truncate(plain(m.reason), 200)}` : ''}`, 600);
}

function eventLine(e: SecretEventEntry): string {
  return (
    `• ${formatUtc(e.occurredAt)} ${kindLabel(e.kind)}` +
    (e.actor ? ` by ${escapeAndTruncate(e.actor, 120)}` : '') +
    (e.failureCode ? ` \`${code(e.failureCode)}\`` : '')
  );
}

const PHASE_WORDS: Record<AuditEntry['phase'], string> = {
  allowed: 'asked (allowed)',
  refused: 'refused',
  duplicate: 'asked again (nothing started)',
  queued: 'queued',
  started: 'started',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
};

function auditLine(e: AuditEntry): string {
  const who = e.actor === 'bot' ? 'the bot' : userRef(e.actor);
  return slackMrkdwn(
    `• ${formatUtc(e.at)} ${e.action.replace('_', ' ')} ${PHASE_WORDS[e.phase]} — ${who} via ${e.via}` +
      (e.result ? `: ${truncate(plain(e.result), 300)}` : '') +
      (e.cloudRequestId ? ` (cloud request id ${e.cloudRequestId})` : ''),
    700,
  );
}

function code(s: string): string {
  return escapeAndTruncate(s.replace(/`/g, "'"), 100);
}

function helpText(operator: boolean): string {
  const lines = [
    '*/secrets* — ask the bot about secrets and alerts. Answers are only shown to you; add `--share` at the end to post one in the channel.',
    '• `/secrets status` — open alerts by severity, secrets pending deletion, rotation failures, mutes, queue health',
    '• `/secrets status <secret>` — live description from the cloud, recent events, and the buttons that apply',
    '• `/secrets history <secret>` — events and the actions taken from chat',
    '• `/secrets mute <secret or pattern> <duration> [reason]` — e.g. `/secrets mute prod/* 2h deploy` (30s, 15m, 2h, 1d, 1w)',
    '• `/secrets unmute <mute id or secret>` · `/secrets mutes`',
  ];
  if (operator) {
    lines.push('• `/secrets rotate <secret>` — same as *Retry rotation* on an alert', '• `/secrets restore <secret>` — same as *Cancel deletion* on an alert');
  } else {
    lines.push('Operators may also `rotate` and `restore` secrets.');
  }
  lines.push(
    '*Naming a secret:* its name (`prod/pg`) when the bot has seen it in an event; otherwise, or when the name exists in several places, `aws:<account>:<region>:<name>`, `alibaba:<uid>:<region>:<name>`, or the full ARN (`arn:aws:secretsmanager:…`, `acs:kms:…:secret/<name>`).',
  );
  return lines.join('\n');
}

function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true } };
}

function section(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, SLACK_LIMITS.sectionText) } };
}

function context(texts: string[]): KnownBlock {
  return { type: 'context', elements: texts.map((t) => ({ type: 'mrkdwn', text: truncate(t, 2000) })) };
}

function field(label: string, value: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, SLACK_LIMITS.field) };
}

/** A short answer only the asker sees (response_url), from neutral text. */
export function renderSlackEphemeral(neutral: string): SlackCommandPayload {
  const text = slackMrkdwn(neutral);
  return { response_type: 'ephemeral', replace_original: false, text, blocks: [section(text)] };
}
