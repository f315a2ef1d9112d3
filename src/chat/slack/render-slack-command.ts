import type { HomeView, KnownBlock, MrkdwnElement } from '@slack/types';
import type { Mute } from '../../alerting/mute';
import { encodeActionRef } from '../../remediation/actions';
import type { CommandReply } from '../../remediation/command-runner';
import type { Overview, OverviewAlert } from '../../remediation/overview';
import { qualifiedName } from '../../remediation/resolve-secret';
import type { AuditEntry } from '../../store/audit-store';
import type { SecretEventEntry } from '../../store/secret-directory';
import { alertWords, type AlertWords } from '../i18n/alert-words';
import { auditResultText, commandWords, type CommandWords } from '../i18n/command-words';
import type { Locale } from '../i18n/locale';
import { escapeAndTruncate, formatUtc, stripRefMarkers as plain, truncate, truncateMrkdwn, userRef } from '../text';
import { actionButtons, SLACK_LIMITS } from './render-slack-alert';
import { slackMrkdwn } from './render-slack-remediation';
import { slackWords, type SlackWords } from './slack-i18n';

/**
 * Pure Slack rendering of `/secrets` replies and the App Home tab, in LOCALE (`opts.locale`; words
 * from ../i18n/command-words, ../i18n/alert-words and ./slack-i18n). Untrusted text (secret names,
 * reasons, cloud messages) is escaped; only our own user/channel markers become mentions.
 */
export interface SlackCommandPayload {
  response_type: 'ephemeral' | 'in_channel';
  replace_original: false;
  text: string;
  blocks: KnownBlock[];
}

const SEVERITY_EMOJI = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_green_circle:',
} as const;
const MAX_LIST = 15;

/** LOCALE (default `en`). */
export interface SlackCommandRenderOptions {
  locale?: Locale;
}

/** The words of one locale: command vocabulary (`c`), alert words (`t`), Slack's own (`w`). */
interface Words {
  c: CommandWords;
  t: AlertWords;
  w: SlackWords;
}

function wordsOf(locale?: Locale): Words {
  return { c: commandWords(locale), t: alertWords(locale), w: slackWords(locale) };
}

export function renderSlackCommandReply(
  reply: CommandReply,
  opts: SlackCommandRenderOptions = {},
): SlackCommandPayload {
  const L = wordsOf(opts.locale);
  const { c, t, w } = L;
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
      return out(w.command.helpTitle, [section(helpText(reply.operator, w))]);
    case 'overview': {
      const o = reply.overview;
      return out(
        w.command.overviewSummary(
          o.open.length,
          o.counts,
          o.pendingDeletions.length,
          o.rotationFailures.length,
          o.mutes.length,
        ),
        overviewBlocks(o, L),
      );
    }
    case 'mutes':
      return out(reply.mutes.length === 0 ? w.command.noMutes : w.command.mutesSummary(reply.mutes.length), [
        section(
          reply.mutes.length === 0
            ? c.noMutes
            : `*${c.activeMutes}*\n${reply.mutes
                .slice(0, 40)
                .map((m) => muteLine(m, reply.now, L))
                .join('\n')}`,
        ),
      ]);
    case 'history': {
      const name = plain(qualifiedName(reply.secret)); // account and region come from events: never a mention marker
      const events =
        reply.events.length === 0 ? `_${c.noEvents}_` : reply.events.map((e) => eventLine(e, L)).join('\n');
      const audit =
        reply.audit.length === 0 ? `_${c.noActions}_` : reply.audit.map((e) => auditLine(e, L)).join('\n');
      return out(c.historyOf(name), [
        header(c.historyOf(reply.secret.name)),
        context([slackMrkdwn(name)]),
        section(`*${c.events}*${t.paren(c.newestFirst)}\n${events}`),
        section(`*${c.actionsFromChat}*${t.paren(c.newestFirst)}\n${audit}`),
      ]);
    }
    case 'secret': {
      const d = reply.description;
      const f = c.secretFacts;
      const rotation = d.rotationEnabled ? c.rotationOn(d.rotationSchedule) : c.rotationOff(d.rotationState);
      const deletion = d.deletionDate
        ? `:hourglass_flowing_sand: ${formatUtc(d.deletionDate)}${t.paren(t.countdown(d.deletionDate, reply.now))}`
        : c.notScheduled;
      const fields: MrkdwnElement[] = [
        field(t.label.cloud, t.cloud(d.provider)),
        field(t.label.account, escapeAndTruncate(d.account || t.text.unknown, 64)),
        field(t.label.region, escapeAndTruncate(d.region, 64)),
        field(f.type, escapeAndTruncate(d.type ?? t.text.unknown, 64)),
        field(f.rotation, escapeAndTruncate(rotation, 200)),
        field(f.lastRotated, d.lastRotatedAt ? formatUtc(d.lastRotatedAt) : c.never),
        field(f.nextRotation, d.nextRotationAt ? formatUtc(d.nextRotationAt) : c.nonePlanned),
        field(f.deletion, deletion),
      ];
      if (d.pendingRotation)
        fields.push(
          field(f.unfinished, w.command.version(escapeAndTruncate(d.pendingRotation.versionId, 80))),
        );
      const blocks: KnownBlock[] = [
        header(d.name),
        { type: 'section', fields: fields.slice(0, SLACK_LIMITS.sectionFields) },
        section(
          `*${c.recentEvents}*\n${reply.events.length === 0 ? `_${w.command.noneRecorded}_` : reply.events.map((e) => eventLine(e, L)).join('\n')}`,
        ),
      ];
      if (reply.actions.length > 0 && encodeActionRef(reply.ref).length <= SLACK_LIMITS.buttonValue) {
        blocks.push({
          type: 'actions',
          elements: actionButtons(reply.actions, reply.ref, d.deletionDate, opts.locale),
        });
      }
      blocks.push(
        context([c.live(t.cloud(d.provider), d.requestId ? escapeAndTruncate(d.requestId, 80) : undefined)]),
      );
      return out(
        w.command.secretSummary(
          d.name,
          rotation,
          d.deletionDate ? formatUtc(d.deletionDate) : c.notScheduled,
        ),
        blocks,
      );
    }
  }
}

/** The App Home tab: the same overview as `/secrets status`, in `opts.locale`. */
export function renderSlackHome(overview: Overview, opts: SlackCommandRenderOptions = {}): HomeView {
  return { type: 'home', blocks: overviewBlocks(overview, wordsOf(opts.locale)).slice(0, 100) };
}

// ---------------------------------------------------------------------------------------------

function overviewBlocks(o: Overview, L: Words): KnownBlock[] {
  const { c, t, w } = L;
  const blocks: KnownBlock[] = [header(c.status)];
  blocks.push(
    section(
      w.boldField(c.openAlerts, c.alertCounts(o.counts)) +
        (o.open.length === 0 ? `\n_${c.nothingOpen}_` : `\n${list(o.open, (a) => alertLine(a, L), c)}`),
    ),
  );
  blocks.push(
    section(
      `*${c.pendingDeletion}*\n${
        o.pendingDeletions.length === 0
          ? `_${c.none}_`
          : list(
              o.pendingDeletions,
              (a) =>
                `• ${name(a, L)} — ${c.deletionIn(t.countdown(a.deletionDate!, o.now), formatUtc(a.deletionDate!))}`,
              c,
            )
      }`,
    ),
  );
  blocks.push(
    section(
      `*${c.rotationFailures}*\n${
        o.rotationFailures.length === 0
          ? `_${c.none}_`
          : list(
              o.rotationFailures,
              (a) =>
                `• ${name(a, L)} — ${t.kind(a.kind)} ${formatUtc(a.occurredAt)}${a.failureCode ? ` \`${code(a.failureCode)}\`` : ''}`,
              c,
            )
      }`,
    ),
  );
  blocks.push(
    section(
      `*${c.activeMutes}*\n${o.mutes.length === 0 ? `_${c.none}_` : list(o.mutes, (m) => muteLine(m, o.now, L), c)}`,
    ),
  );
  if (o.queues) {
    const q = o.queues;
    blocks.push(
      context([c.queues(`*${c.queuesLabel}*`, c.counts(q.notify), c.counts(q.remediate), q.outboxPending)]),
    );
  }
  return blocks;
}

function list<T>(items: T[], line: (x: T) => string, c: CommandWords): string {
  const shown = items.slice(0, MAX_LIST).map(line);
  if (items.length > MAX_LIST) shown.push(`_${c.more(items.length - MAX_LIST)}_`);
  return shown.join('\n');
}

function name(a: OverviewAlert, { t, w }: Words): string {
  const n = a.name === '' ? `_${w.command.unnamed}_` : `*${escapeAndTruncate(a.name, 120)}*`;
  return `${n}${t.paren(`${t.cloud(a.provider)}${a.account ? ` ${escapeAndTruncate(a.account, 40)}` : ''}, ${escapeAndTruncate(a.region, 40)}`)}`;
}

function alertLine(a: OverviewAlert, { t, w }: Words): string {
  return (
    `${SEVERITY_EMOJI[a.severity]} ${escapeAndTruncate(t.headline(a.kind, truncate(a.name, 80)), 200)}` +
    ` — ${t.severity(a.severity)}, ${formatUtc(a.occurredAt)}` +
    (a.mutedBy ? ` · :no_bell: ${w.command.muted(escapeAndTruncate(a.mutedBy, 20))}` : '')
  );
}

function muteLine(m: Mute, now: number, { c, t }: Words): string {
  const until = m.untilResolved
    ? c.untilResolved
    : c.until(formatUtc(m.endsAt!), t.countdown(m.endsAt!, now));
  return slackMrkdwn(
    `• ${m.id}: ${plain(m.label)} ${until}, ${c.by} ${userRef(m.createdBy)}${m.reason ? ` — ${truncate(plain(m.reason), 200)}` : ''}`,
    600,
  );
}

function eventLine(e: SecretEventEntry, { c, t }: Words): string {
  return (
    `• ${formatUtc(e.occurredAt)} ${t.kind(e.kind)}` +
    (e.actor ? ` ${c.by} ${escapeAndTruncate(e.actor, 120)}` : '') +
    (e.failureCode ? ` \`${code(e.failureCode)}\`` : '')
  );
}

function auditLine(e: AuditEntry, { c, w }: Words): string {
  const who = e.actor === 'bot' ? w.command.theBot : userRef(e.actor);
  return slackMrkdwn(
    `• ${formatUtc(e.at)} ${c.auditAction[e.action] ?? e.action} ${c.phase[e.phase]} — ${who} ${c.via(e.via)}` +
      (e.result ? `: ${truncate(plain(auditResultText(e.result, c)), 300)}` : '') +
      (e.cloudRequestId ? ` (${c.cloudRequestId(plain(e.cloudRequestId))})` : ''),
    700,
  );
}

function code(s: string): string {
  return escapeAndTruncate(s.replace(/`/g, "'"), 100);
}

function helpText(operator: boolean, w: SlackWords): string {
  const h = w.command.help;
  return [h.intro, ...h.lines, ...(operator ? h.operatorLines : [h.notOperator]), h.naming].join('\n');
}

function header(text: string): KnownBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true },
  };
}

function section(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, SLACK_LIMITS.sectionText) } };
}

function context(texts: string[]): KnownBlock {
  return { type: 'context', elements: texts.map((t) => ({ type: 'mrkdwn', text: truncateMrkdwn(t, 2000) })) };
}

function field(label: string, value: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.field) };
}

/** A short answer only the asker sees (response_url), from neutral text. */
export function renderSlackEphemeral(neutral: string): SlackCommandPayload {
  const text = slackMrkdwn(neutral);
  return { response_type: 'ephemeral', replace_original: false, text, blocks: [section(text)] };
}
