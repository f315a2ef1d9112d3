import type { Button, ContextBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { SecretEvent, Severity } from '../../events/secret-event';
import { ACTION_IDS, encodeActionRef, type ActionName, type ActionRef } from '../../remediation/actions';
import type { AlertMessage, AlertTimelineEntry } from '../message';
import { alertWords, type AlertWords } from '../i18n/alert-words';
import type { Locale } from '../i18n/locale';
import { remediationLine } from './render-slack-remediation';
import { slackWords, type SlackWords } from './slack-i18n';
import { escapeAndTruncate, formatUtc, isReconciled, serviceLabel, truncate, truncateMrkdwn } from '../text';

/**
 * Pure Slack renderer: AlertMessage in, Block Kit payload out, in LOCALE (`opts.locale`: the
 * shared alert words of ../i18n/alert-words plus ./slack-i18n; English by default). No clock
 * (countdowns use `msg.now`), no I/O. Every piece of text that comes from an event is escaped for mrkdwn and cut
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

/** LOCALE: `en` (default) or `zh-CN`. */
export interface SlackRenderOptions {
  locale?: Locale;
}

/** The words of one locale: shared (`t`, the catalog both platforms use) and Slack's own (`w`). */
interface Words {
  t: AlertWords;
  w: SlackWords;
}

function wordsOf(locale: Locale = 'en'): Words {
  return { t: alertWords(locale), w: slackWords(locale) };
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

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_green_circle:',
};
const RESOLVED_EMOJI = ':white_check_mark:';

/** The alert message: header, facts, failure, deletion countdown, buttons, "why am I seeing this". */
export function renderSlackAlert(msg: AlertMessage, opts: SlackRenderOptions = {}): SlackAlertPayload {
  const L = wordsOf(opts.locale);
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const headline = headlineOf(event, L);
  const prefix = resolved ? L.t.text.resolvedPrefix : '';
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

  blocks.push({ type: 'section', fields: factFields(msg, L) });

  const failure = failureText(event, L);
  if (failure !== undefined) blocks.push(mrkdwnSection(failure));

  const deletion = showsDeletionDate(event) ? deletionText(msg, L) : undefined;
  if (deletion !== undefined) blocks.push(mrkdwnSection(deletion));

  const value = encodeActionRef(msg.ref);
  const actions = resolved ? [] : msg.actions;
  if (actions.length > 0) {
    if (value.length <= SLACK_LIMITS.buttonValue) {
      blocks.push({
        type: 'actions',
        elements: actionButtons(actions, msg.ref, event.deletionDate, opts.locale),
      });
    } else {
      // A truncated ref would point at the wrong secret: offer no buttons rather than wrong ones.
      blocks.push(context([L.w.buttonsUnavailable]));
    }
  }

  if (msg.remediation !== undefined)
    blocks.push(mrkdwnSection(remediationLine(msg.remediation, opts.locale)));

  blocks.push(context(whyElements(msg, L)));

  let text = `${prefix}${headline}${L.t.paren(whereText(event, L))}`;
  if (deletion !== undefined && event.deletionDate !== undefined) {
    const countdown = L.t.countdown(event.deletionDate, msg.now);
    if (countdown !== '') text += L.w.permanentDeletionIn(countdown);
  }
  return { text: escapeAndTruncate(text, BUDGET.fallbackText), blocks };
}

/** The short note added in the alert's thread when the incident changes. */
export function renderSlackThreadReply(
  msg: AlertMessage,
  opts: SlackRenderOptions = {},
): SlackThreadReplyPayload {
  const L = wordsOf(opts.locale);
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const label = L.t.kind(event.kind);
  const at = threadTime(event.occurredAt, msg.now, L.w);
  const actor = event.actor === undefined || event.actor.trim() === '' ? undefined : event.actor;
  const code = event.failure?.code;
  const tail = resolved ? L.t.text.resolvedSuffix : '';

  const plain =
    (at.plain === '' ? label : `${label} ${at.plain}`) +
    (actor === undefined ? '' : L.w.by(truncate(actor, BUDGET.actor))) +
    (code === undefined || code === '' ? '' : ` (${truncate(code, BUDGET.failureCode)})`) +
    tail;
  const rich =
    `${resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[event.severity]} *${label}*${at.mrkdwn === '' ? '' : ` ${at.mrkdwn}`}` +
    (actor === undefined ? '' : L.w.by(escapeAndTruncate(actor, BUDGET.actor))) +
    (code === undefined || code === '' ? '' : ` (\`${codeSpan(code)}\`)`) +
    tail;
  return { text: escapeAndTruncate(plain, BUDGET.fallbackText), blocks: [context([rich])] };
}

/**
 * The thread note of a follow-up (reminders.ts): a deletion countdown reminder says how long is
 * left; a repeat says the incident is still unresolved and since when.
 */
export function renderSlackFollowUpReply(
  msg: AlertMessage,
  opts: SlackRenderOptions = {},
): SlackThreadReplyPayload {
  const { t, w } = wordsOf(opts.locale);
  const { event } = msg;
  const label = t.reason(msg.reason);
  if (
    msg.reason === 'reminder' &&
    event.deletionDate !== undefined &&
    !Number.isNaN(Date.parse(event.deletionDate))
  ) {
    const countdown = t.countdown(event.deletionDate, msg.now);
    const left = countdown === '' ? '' : t.paren(countdown);
    const plain = w.lead(label) + w.permanentDeletionAt(formatUtc(event.deletionDate)) + left;
    const rich =
      `:bell: ${w.boldLead(label)}${w.permanentDeletionAt(slackDate(event.deletionDate, '{date_short_pretty} {time}'))}` +
      left;
    return { text: escapeAndTruncate(plain, BUDGET.fallbackText), blocks: [context([rich])] };
  }
  const note = renderSlackThreadReply(msg, opts);
  const element = (note.blocks?.[0] as ContextBlock | undefined)?.elements[0];
  const rich =
    element && 'text' in element && typeof element.text === 'string'
      ? element.text
      : escapeAndTruncate(note.text, BUDGET.fallbackText);
  return {
    text: truncateMrkdwn(w.lead(label) + note.text, BUDGET.fallbackText),
    blocks: [context([`:repeat: ${w.boldLead(label)}${rich}`])],
  };
}

// ---------------------------------------------------------------------------------------------

function headlineOf(event: SecretEvent, { t }: Words): string {
  return t.headline(event.kind, truncate(event.secretName, BUDGET.headlineName));
}

function whereText(event: SecretEvent, { t, w }: Words): string {
  return truncate(w.where(t.cloud(event.provider), event.account, event.region), 200);
}

function factFields(msg: AlertMessage, L: Words): MrkdwnElement[] {
  const { t } = L;
  const { event } = msg;
  const unknown = `_${t.text.unknown}_`;
  const fields: MrkdwnElement[] = [
    field(t.label.cloud, t.cloud(event.provider)),
    field(t.label.account, event.account === '' ? unknown : escapeAndTruncate(event.account, BUDGET.account)),
    field(t.label.region, event.region === '' ? unknown : escapeAndTruncate(event.region, BUDGET.region)),
    field(t.label.secret, secretText(msg, L)),
    field(t.label.severity, t.severity(event.severity)),
    field(t.label.when, slackDate(event.occurredAt, '{date_short_pretty} {time}')),
  ];
  if (event.secretType !== undefined && event.secretType !== '')
    fields.push(field(t.label.type, escapeAndTruncate(event.secretType, BUDGET.secretType)));
  if (event.actor !== undefined && event.actor.trim() !== '')
    fields.push(field(t.label.by, escapeAndTruncate(event.actor, BUDGET.actor)));
  return fields;
}

function field(label: string, valueMrkdwn: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(`*${label}*\n${valueMrkdwn}`, SLACK_LIMITS.field) };
}

/** The secret's name linked to its console page; a name the source did not give links to the list. */
function secretText(msg: AlertMessage, { t }: Words): string {
  const name = msg.event.secretName.trim();
  const url = safeUrl(msg.consoleUrl);
  if (name === '') {
    const note =
      msg.event.source === 'aws.cloudwatch-alarm' ? `_${t.text.notNamedByAlarm}_` : `_${t.text.unknown}_`;
    return url === undefined ? note : `${note}${t.paren(`<${url}|${t.text.secretList}>`)}`;
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

function failureText(event: SecretEvent, { t }: Words): string | undefined {
  const code = event.failure?.code?.trim() ?? '';
  const message = event.failure?.message?.trim() ?? '';
  if (code === '' && message === '') return undefined;
  let text = `*${t.label.failure}*`;
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

function deletionText(msg: AlertMessage, { t, w }: Words): string | undefined {
  const { event } = msg;
  if (event.deletionDate === undefined) return undefined;
  const countdown = t.countdown(event.deletionDate, msg.now);
  let text = `:hourglass_flowing_sand: *${t.label.permanentDeletion}* ${slackDate(event.deletionDate, '{date_short_pretty} {time}')}`;
  if (countdown !== '') text += t.paren(countdown);
  if (event.recoveryWindowDays !== undefined) text += ` · ${t.recoveryWindow(event.recoveryWindowDays)}`;
  if (msg.status === 'open' && event.kind === 'access.pending-deletion') text += `\n${t.text.stillReads}`;
  else if (msg.status === 'open' && msg.actions.includes('cancelDeletion'))
    text += `\n${w.restoreUntil(t.button.cancelDeletion)}`;
  return text;
}

function whyElements(msg: AlertMessage, L: Words): string[] {
  const { t } = L;
  const { event } = msg;
  const why =
    `*${t.reason(msg.reason)}*: ${t.reasonExplanation(msg.reason)}` +
    (isReconciled(event.source) ? ` · ${t.text.reconciled}` : '') +
    ` · ${t.label.via} ${t.source(event.source)}` +
    (event.sourceEventName === ''
      ? ''
      : ` \`${escapeAndTruncate(event.sourceEventName.replace(/`/g, "'"), BUDGET.sourceEventName)}\``) +
    ` · ${t.label.alert} \`${escapeAndTruncate(msg.alertId.replace(/`/g, "'"), BUDGET.alertId)}\``;
  const elements = [why];
  if (msg.timeline.length > 0) elements.push(timelineText(msg.timeline, L));
  return elements;
}

function timelineText(timeline: AlertTimelineEntry[], { t, w }: Words): string {
  const shown = timeline.slice(-BUDGET.timelineEntries);
  const hidden = timeline.length - shown.length;
  const items = shown.map(
    (e) =>
      `${t.kind(e.kind)} ${slackDate(e.occurredAt, '{date_short_pretty} {time}')}` +
      (e.actor === undefined || e.actor === '' ? '' : w.by(escapeAndTruncate(e.actor, BUDGET.timelineActor))),
  );
  return w.earlier(`${hidden > 0 ? `${t.moreEarlier(hidden)} ` : ''}${items.join(' → ')}`);
}

/** The buttons for `actions` on `ref` (its value must fit: check `encodeActionRef(ref).length` first). */
export function actionButtons(
  actions: ActionName[],
  ref: ActionRef,
  deletionDate?: string,
  locale?: Locale,
): Button[] {
  const value = encodeActionRef(ref);
  const L = wordsOf(locale);
  return actions.map((a) => button(a, value, ref, deletionDate, L));
}

function button(
  action: ActionName,
  value: string,
  ref: ActionRef,
  deletionDate: string | undefined,
  L: Words,
): Button {
  const { t, w } = L;
  const base: Button = {
    type: 'button',
    action_id: ACTION_IDS[action],
    text: { type: 'plain_text', text: t.button[action], emoji: true },
    value,
  };
  switch (action) {
    case 'retryRotation':
      return {
        ...base,
        style: 'primary',
        confirm: {
          title: { type: 'plain_text', text: w.confirm.retryTitle },
          text: { type: 'plain_text', text: retryConfirmText(ref, L) },
          confirm: { type: 'plain_text', text: t.button.retryRotation },
          deny: { type: 'plain_text', text: w.confirm.goBack },
        },
      };
    case 'cancelDeletion':
      return {
        ...base,
        style: 'primary',
        confirm: {
          title: { type: 'plain_text', text: w.confirm.cancelTitle },
          text: { type: 'plain_text', text: cancelConfirmText(ref, deletionDate, L) },
          confirm: { type: 'plain_text', text: t.button.cancelDeletion },
          deny: { type: 'plain_text', text: w.confirm.goBack },
        },
      };
    case 'mute':
      return base;
  }
}

/** Where a secret lives, for confirm dialogs: " in account 111122223333 (eu-west-1)". */
function placeOf(ref: ActionRef, { w }: Words): string {
  return w.confirm.place(
    ref.account === '' ? '' : truncate(ref.account, BUDGET.account),
    ref.region === '' ? '' : truncate(ref.region, BUDGET.region),
  );
}

function retryConfirmText(ref: ActionRef, L: Words): string {
  const { w } = L;
  return fitName(
    ref,
    (name) =>
      ref.provider === 'aws'
        ? w.confirm.retryAws(name, placeOf(ref, L))
        : w.confirm.retryOther(serviceLabel(ref.provider), name, placeOf(ref, L)),
    L,
  );
}

function cancelConfirmText(ref: ActionRef, deletionDate: string | undefined, L: Words): string {
  const { w } = L;
  const when =
    deletionDate === undefined || Number.isNaN(Date.parse(deletionDate))
      ? ''
      : w.confirm.on(formatUtc(deletionDate));
  return fitName(ref, (name) => w.confirm.cancel(name, placeOf(ref, L), when), L);
}

/** Build a confirm text around the secret's name, shortening the name so the text fits 300. */
function fitName(ref: ActionRef, sentence: (name: string) => string, { w }: Words): string {
  const full =
    ref.secretName !== '' ? ref.secretName : ref.secretId !== '' ? ref.secretId : w.confirm.theSecret;
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
function threadTime(iso: string, now: number, w: SlackWords): { plain: string; mrkdwn: string } {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return { plain: '', mrkdwn: '' };
  const d = new Date(t).toISOString();
  const day = d.slice(0, 10);
  const hm = `${d.slice(11, 16)} UTC`;
  if (Number.isFinite(now) && new Date(now).toISOString().slice(0, 10) === day) {
    return { plain: w.at(hm), mrkdwn: w.at(slackDate(iso, '{time}', hm)) };
  }
  return {
    plain: w.onDay(w.dayAtTime(day, hm)),
    mrkdwn: w.onDay(slackDate(iso, w.dateAtTimeFormat, w.dayAtTime(day, hm))),
  };
}

function mrkdwnSection(text: string): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncateMrkdwn(text, SLACK_LIMITS.sectionText) },
  };
}

function context(texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: truncateMrkdwn(t, BUDGET.contextElement) })),
  };
}
