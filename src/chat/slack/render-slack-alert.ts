import type { Button, ContextBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { SecretEvent, Severity } from '../../events/secret-event';
import { ACTION_IDS, encodeActionRef, type ActionName, type ActionRef } from '../../remediation/actions';
import type { AlertMessage, AlertTimelineEntry } from '../message';
import { remediationLine } from './render-slack-remediation';
import {
  cloudLabel,
  describeEvent,
  escapeAndTruncate,
  formatCountdown,
  formatUtc,
  kindLabel,
  reasonExplanation,
  reasonLabel,
  serviceLabel,
  severityLabel,
  sourceLabel,
  truncate,
} from '../text';

/**
 * Pure Slack renderer: AlertMessage in, Block Kit payload out. No clock (countdowns use
 * `msg.now`), no I/O. Every piece of text that comes from an event is escaped for mrkdwn and cut
 * to fit Slack's limits, so a hostile or huge event still yields a message Slack accepts.
 *
 * Buttons: one per `msg.actions` (none once resolved; `actionsFor` decides which apply),
 * each carrying `encodeActionRef(msg.ref)` in its `value` (≤ 2000; when the ref is longer, no
 * buttons and a note instead, because a cut ref would point at the wrong secret).
 *
 * "Mute" is a plain button with the same `value`, not a select: Slack caps option values at
 * 75–150 characters and `block_id` at 255, and an ActionRef with a real ARN and name does not
 * reliably fit either. The duration (`MUTE_CHOICES` in ../text: 1h, 1d, 1w, resolved) is asked
 * for after the click (e.g. a modal whose private_metadata holds the ref from the button value).
 */

export interface SlackAlertPayload {
  text: string;
  blocks: KnownBlock[];
}

export interface SlackThreadReplyPayload {
  text: string;
  blocks?: KnownBlock[];
}

/** Block Kit limits this renderer keeps (wire-formats.md §9.6). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  field: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  blockId: 255,
} as const;

/** Budgets for untrusted text, well inside the limits so the whole message stays compact. */
const BUDGET = {
  headlineName: 80,
  fallbackText: 1000,
  secretName: 200,
  account: 64,
  region: 64,
  secretType: 64,
  actor: 300,
  failureCode: 100,
  failureMessage: 1500,
  sourceEventName: 100,
  alertId: 80,
  timelineEntries: 5,
  timelineActor: 80,
  contextElement: 2000,
  confirmName: 120,
} as const;

const BUTTON_LABELS: Record<ActionName, string> = {
  retryRotation: 'Retry rotation',
  cancelDeletion: 'Cancel deletion',
  mute: 'Mute',
};

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_green_circle:',
};
const RESOLVED_EMOJI = ':white_check_mark:';

/** The alert message: header, facts, failure, deletion countdown, buttons, "why am I seeing this". */
export function renderSlackAlert(msg: AlertMessage): SlackAlertPayload {
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const headline = headlineOf(event);
  const prefix = resolved ? 'Resolved: ' : '';
  const blocks: KnownBlock[] = [];

  blocks.push({
    type: 'header',
    text: {
      type: 'plain_text',
      text: truncate(
        `${resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[event.severity]} ${prefix}${headline}`,
        SLACK_LIMITS.headerText,
      ),
      emoji: true,
    },
  });

  blocks.push({ type: 'section', fields: factFields(msg) });

  const failure = failureText(event);
  if (failure !== undefined) blocks.push(mrkdwnSection(failure));

  const deletion = showsDeletionDate(event) ? deletionText(msg) : undefined;
  if (deletion !== undefined) blocks.push(mrkdwnSection(deletion));

  const value = encodeActionRef(msg.ref);
  const actions = resolved ? [] : msg.actions;
  if (actions.length > 0) {
    if (value.length <= SLACK_LIMITS.buttonValue) {
      blocks.push({ type: 'actions', elements: actionButtons(actions, msg.ref, event.deletionDate) });
    } else {
      // A truncated ref would point at the wrong secret: offer no buttons rather than wrong ones.
      blocks.push(
        context([
          ":warning: Buttons are not available for this alert: the secret's name is too long to fit in a Slack button. Use the cloud console instead.",
        ]),
      );
    }
  }

  if (msg.remediation !== undefined) blocks.push(mrkdwnSection(remediationLine(msg.remediation)));

  blocks.push(context(whyElements(msg)));

  let text = `${prefix}${headline} (${whereText(event)})`;
  if (deletion !== undefined && event.deletionDate !== undefined) {
    const countdown = formatCountdown(event.deletionDate, msg.now);
    if (countdown !== '') text += ` — permanent deletion ${countdown}`;
  }
  return { text: escapeAndTruncate(text, BUDGET.fallbackText), blocks };
}

/** The short note added in the alert's thread when the incident changes. */
export function renderSlackThreadReply(msg: AlertMessage): SlackThreadReplyPayload {
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const label = kindLabel(event.kind);
  const at = threadTime(event.occurredAt, msg.now);
  const actor = event.actor === undefined || event.actor.trim() === '' ? undefined : event.actor;
  const code = event.failure?.code;
  const tail = resolved ? ' — resolved' : '';

  const plain =
    (at.plain === '' ? label : `${label} ${at.plain}`) +
    (actor === undefined ? '' : ` by ${truncate(actor, BUDGET.actor)}`) +
    (code === undefined || code === '' ? '' : ` (${truncate(code, BUDGET.failureCode)})`) +
    tail;
  const rich =
    `${resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[event.severity]} *${label}*${at.mrkdwn === '' ? '' : ` ${at.mrkdwn}`}` +
    (actor === undefined ? '' : ` by ${escapeAndTruncate(actor, BUDGET.actor)}`) +
    (code === undefined || code === '' ? '' : ` (\`${codeSpan(code)}\`)`) +
    tail;
  return { text: escapeAndTruncate(plain, BUDGET.fallbackText), blocks: [context([rich])] };
}

// ---------------------------------------------------------------------------------------------

function headlineOf(event: SecretEvent): string {
  return describeEvent({ kind: event.kind, secretName: truncate(event.secretName, BUDGET.headlineName) });
}

function whereText(event: SecretEvent): string {
  const parts = [cloudLabel(event.provider) + (event.account === '' ? '' : ` account ${event.account}`)];
  if (event.region !== '') parts.push(event.region);
  return truncate(parts.join(', '), 200);
}

function factFields(msg: AlertMessage): MrkdwnElement[] {
  const { event } = msg;
  const unknown = '_unknown_';
  const fields: MrkdwnElement[] = [
    field('Cloud', cloudLabel(event.provider)),
    field('Account', event.account === '' ? unknown : escapeAndTruncate(event.account, BUDGET.account)),
    field('Region', event.region === '' ? unknown : escapeAndTruncate(event.region, BUDGET.region)),
    field('Secret', secretText(msg)),
    field('Severity', severityLabel(event.severity)),
    field('When', slackDate(event.occurredAt, '{date_short_pretty} {time}')),
  ];
  if (event.secretType !== undefined && event.secretType !== '')
    fields.push(field('Type', escapeAndTruncate(event.secretType, BUDGET.secretType)));
  if (event.actor !== undefined && event.actor.trim() !== '')
    fields.push(field('By', escapeAndTruncate(event.actor, BUDGET.actor)));
  return fields;
}

function field(label: string, valueMrkdwn: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwnLine(`*${label}*\n${valueMrkdwn}`, SLACK_LIMITS.field) };
}

/** The secret's name linked to its console page; a name the source did not give links to the list. */
function secretText(msg: AlertMessage): string {
  const name = msg.event.secretName.trim();
  const url = safeUrl(msg.consoleUrl);
  if (name === '') {
    const note = msg.event.source === 'aws.cloudwatch-alarm' ? '_not named by the alarm_' : '_unknown_';
    return url === undefined ? note : `${note} (<${url}|secret list>)`;
  }
  const label = escapeAndTruncate(name, BUDGET.secretName);
  const linked = url === undefined ? label : `<${url}|${label}>`;
  // "*Secret*\n" + link must fit a field; a name too long for that is shown without its link.
  return linked.length + 20 <= SLACK_LIMITS.field ? linked : label;
}

/** Only plain https links go into `<url|label>`; `&` is escaped as Slack's message format wants. */
function safeUrl(url: string): string | undefined {
  if (!/^https:\/\/[^\s<>|]+$/.test(url)) return undefined;
  return url.replace(/&/g, '&amp;');
}

function failureText(event: SecretEvent): string | undefined {
  const code = event.failure?.code?.trim() ?? '';
  const message = event.failure?.message?.trim() ?? '';
  if (code === '' && message === '') return undefined;
  let text = '*Failure*';
  if (code !== '') text += ` \`${codeSpan(code)}\``;
  if (message !== '') {
    const body = escapeAndTruncate(message.replace(/```/g, "'''"), BUDGET.failureMessage);
    text += `\n\`\`\`${body}\`\`\``;
  }
  return text;
}

/** Text for an inline code span: escaped, short, no backticks to break out of it. */
function codeSpan(s: string): string {
  return escapeAndTruncate(s.replace(/`/g, "'"), BUDGET.failureCode);
}

function showsDeletionDate(event: SecretEvent): boolean {
  return (
    (event.kind === 'deletion.scheduled' || event.kind === 'access.pending-deletion') &&
    event.deletionDate !== undefined &&
    !Number.isNaN(Date.parse(event.deletionDate))
  );
}

function deletionText(msg: AlertMessage): string | undefined {
  const { event } = msg;
  if (event.deletionDate === undefined) return undefined;
  const countdown = formatCountdown(event.deletionDate, msg.now);
  let text = `:hourglass_flowing_sand: *Permanent deletion* ${slackDate(event.deletionDate, '{date_short_pretty} {time}')}`;
  if (countdown !== '') text += ` (${countdown})`;
  if (event.recoveryWindowDays !== undefined)
    text += ` · recovery window ${event.recoveryWindowDays} day${event.recoveryWindowDays === 1 ? '' : 's'}`;
  if (msg.status === 'open' && event.kind === 'access.pending-deletion')
    text +=
      '\nSomething still reads this secret. If it is still needed, cancel the deletion before that date.';
  else if (msg.status === 'open' && msg.actions.includes('cancelDeletion'))
    text += '\nUntil then the secret can be restored with *Cancel deletion*.';
  return text;
}

function whyElements(msg: AlertMessage): string[] {
  const { event } = msg;
  const why =
    `*${reasonLabel(msg.reason)}*: ${reasonExplanation(msg.reason)}` +
    ` · via ${sourceLabel(event.source)}` +
    (event.sourceEventName === ''
      ? ''
      : ` \`${escapeAndTruncate(event.sourceEventName.replace(/`/g, "'"), BUDGET.sourceEventName)}\``) +
    ` · alert \`${escapeAndTruncate(msg.alertId.replace(/`/g, "'"), BUDGET.alertId)}\``;
  const elements = [why];
  if (msg.timeline.length > 0) elements.push(timelineText(msg.timeline));
  return elements;
}

function timelineText(timeline: AlertTimelineEntry[]): string {
  const shown = timeline.slice(-BUDGET.timelineEntries);
  const hidden = timeline.length - shown.length;
  const items = shown.map(
    (e) =>
      `${kindLabel(e.kind)} ${slackDate(e.occurredAt, '{date_short_pretty} {time}')}` +
      (e.actor === undefined || e.actor === ''
        ? ''
        : ` by ${escapeAndTruncate(e.actor, BUDGET.timelineActor)}`),
  );
  return `*Earlier:* ${hidden > 0 ? `${hidden} more, then ` : ''}${items.join(' → ')}`;
}

/** The buttons for `actions` on `ref` (its value must fit: check `encodeActionRef(ref).length` first). */
export function actionButtons(actions: ActionName[], ref: ActionRef, deletionDate?: string): Button[] {
  const value = encodeActionRef(ref);
  return actions.map((a) => button(a, value, ref, deletionDate));
}

function button(action: ActionName, value: string, ref: ActionRef, deletionDate: string | undefined): Button {
  const base: Button = {
    type: 'button',
    action_id: ACTION_IDS[action],
    text: { type: 'plain_text', text: BUTTON_LABELS[action], emoji: true },
    value,
  };
  switch (action) {
    case 'retryRotation':
      return {
        ...base,
        style: 'primary',
        confirm: {
          title: { type: 'plain_text', text: 'Retry rotation?' },
          text: { type: 'plain_text', text: retryConfirmText(ref) },
          confirm: { type: 'plain_text', text: 'Retry rotation' },
          deny: { type: 'plain_text', text: 'Go back' },
        },
      };
    case 'cancelDeletion':
      return {
        ...base,
        style: 'primary',
        confirm: {
          title: { type: 'plain_text', text: 'Cancel deletion?' },
          text: { type: 'plain_text', text: cancelConfirmText(ref, deletionDate) },
          confirm: { type: 'plain_text', text: 'Cancel deletion' },
          deny: { type: 'plain_text', text: 'Go back' },
        },
      };
    case 'mute':
      return base;
  }
}

/** Where a secret lives, for confirm dialogs: "in account 111122223333 (eu-west-1)". */
function placeOf(ref: ActionRef): string {
  const parts: string[] = [];
  if (ref.account !== '') parts.push(`in account ${truncate(ref.account, BUDGET.account)}`);
  if (ref.region !== '') parts.push(`(${truncate(ref.region, BUDGET.region)})`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

function retryConfirmText(ref: ActionRef): string {
  return fitName(ref, (name) =>
    ref.provider === 'aws'
      ? `Secrets Manager will start rotating ${name}${placeOf(ref)} now, using its configured rotation.`
      : `${serviceLabel(ref.provider)} will rotate ${name}${placeOf(ref)} now.`,
  );
}

function cancelConfirmText(ref: ActionRef, deletionDate: string | undefined): string {
  const when =
    deletionDate === undefined || Number.isNaN(Date.parse(deletionDate))
      ? ''
      : ` on ${formatUtc(deletionDate)}`;
  return fitName(
    ref,
    (name) => `${name}${placeOf(ref)} will be restored and its scheduled deletion${when} cancelled.`,
  );
}

/** Build a confirm text around the secret's name, shortening the name so the text fits 300. */
function fitName(ref: ActionRef, sentence: (name: string) => string): string {
  const full = ref.secretName !== '' ? ref.secretName : ref.secretId !== '' ? ref.secretId : 'the secret';
  let name = truncate(full, BUDGET.confirmName);
  let text = sentence(name);
  if (text.length > SLACK_LIMITS.confirmText) {
    name = truncate(full, Math.max(10, name.length - (text.length - SLACK_LIMITS.confirmText)));
    text = sentence(name);
  }
  return truncate(text, SLACK_LIMITS.confirmText);
}

/**
 * `<!date^EPOCH^format|fallback>`: each reader sees the time in their own zone; clients that
 * cannot render it show the UTC fallback. An unparsable time is shown as given, escaped.
 */
function slackDate(iso: string, format: string, fallback?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return escapeAndTruncate(iso, 64);
  return `<!date^${Math.floor(t / 1000)}^${format}|${fallback ?? formatUtc(iso)}>`;
}

/** "at 10:15 UTC" on the day of `now`, else "on 2026-02-28 at 10:15 UTC". */
function threadTime(iso: string, now: number): { plain: string; mrkdwn: string } {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return { plain: '', mrkdwn: '' };
  const d = new Date(t).toISOString();
  const day = d.slice(0, 10);
  const hm = `${d.slice(11, 16)} UTC`;
  if (Number.isFinite(now) && new Date(now).toISOString().slice(0, 10) === day) {
    return { plain: `at ${hm}`, mrkdwn: `at ${slackDate(iso, '{time}', hm)}` };
  }
  return {
    plain: `on ${day} at ${hm}`,
    mrkdwn: `on ${slackDate(iso, '{date_short} at {time}', `${day} at ${hm}`)}`,
  };
}

function mrkdwnSection(text: string): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncateMrkdwnLine(text, SLACK_LIMITS.sectionText) },
  };
}

function context(texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: truncateMrkdwnLine(t, BUDGET.contextElement) })),
  };
}

/**
 * Last-resort cut for text we composed from already escaped and budgeted parts. Budgets keep us
 * far below the limits, so this only guards against future changes: it cuts before any `<` or
 * `&` token that would be split.
 */
function truncateMrkdwnLine(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const lt = text.lastIndexOf('<', cut);
  if (lt !== -1 && text.indexOf('>', lt) >= cut) cut = lt;
  const amp = text.lastIndexOf('&', cut);
  if (amp !== -1 && text.indexOf(';', amp) >= cut) cut = amp;
  return truncate(text, cut + 1);
}
