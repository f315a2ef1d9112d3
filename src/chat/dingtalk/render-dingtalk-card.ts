import type { SecretEvent, Severity } from '../../events/secret-event';
import type { ActionName, ActionRef } from '../../remediation/actions';
import type { AlertMessage, AlertTimelineEntry } from '../message';
import { formatUtc, truncate } from '../text';
import { alertWords, type AlertWords } from '../i18n/alert-words';
import type { Locale } from '../i18n/locale';

/**
 * Pure DingTalk renderer: AlertMessage in, custom-robot message body out (wire-formats.md §8.1).
 * No clock (countdowns use `msg.now`), no I/O, no signing: the caller passes the button links
 * (signed action links, see remediation/action-link.ts).
 *
 * - The alert is an `actionCard` with independent buttons. Custom-robot buttons can only open a
 *   link, so each button's `actionURL` is the link the caller built for that action; a button is
 *   shown only for an action in `msg.actions` whose link was given (none once resolved; Retry
 *   rotation and Cancel deletion only when the ref names a secret, as on Slack). A card with no
 *   action button gets one "Open in console" button instead, so it is never an empty card.
 * - Robot messages cannot be edited, so later events become follow-up `markdown` messages
 *   (`renderDingTalkFollowUp`).
 *
 * Markdown: DingTalk renders a subset (headings, bold, quotes, links, lists) and some HTML
 * (`<font>`); whether it honours backslash escapes is not confirmed (wire-formats U10). So
 * untrusted text (names, actors, failure messages) is made inert by replacing the characters that
 * could form links, images, HTML, code or emphasis with their full-width look-alikes (`[` → `［`,
 * `<` → `＜`, `*` → `＊`, …), and by folding line breaks to spaces so it can never start a line
 * (headings, quotes, lists). An underscore between two letters or digits is kept: secret names
 * use it a lot and CommonMark never reads it as emphasis. This is visible in the rare name that
 * contains such characters; the console link still points at the exact name.
 *
 * Size: every untrusted field has a budget; a whole message is kept under DINGTALK_LIMITS
 * .messageBytes (UTF-8 bytes of the JSON body) by re-rendering with smaller budgets, and cut at
 * a line boundary as a last resort.
 */

export interface DingTalkActionCard {
  msgtype: 'actionCard';
  actionCard: {
    title: string;
    text: string;
    /** '0': buttons stacked, '1': side by side. */
    btnOrientation: '0' | '1';
    btns: Array<{ title: string; actionURL: string }>;
  };
}

export interface DingTalkMarkdown {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
}

export type DingTalkMessage = DingTalkActionCard | DingTalkMarkdown;

/** The link behind each button, built and signed by the caller. */
export type DingTalkCardLinks = Partial<Record<ActionName, string>>;

export interface DingTalkRenderOptions {
  locale: Locale;
}

export interface DingTalkFollowUpOptions extends DingTalkRenderOptions {
  /**
   * `update` (default): the incident changed — "Resolved: …" / "Updated: …" with the facts, since
   * the card cannot be edited. `note`: one short line about `msg.event` (a thread reply on Slack).
   */
  mode?: 'update' | 'note';
  /** Action links for an open incident, shown as markdown links (a markdown message has no buttons). */
  links?: DingTalkCardLinks;
}

export const DINGTALK_LIMITS = {
  /** "message too long, exceed 20000 bytes"; we stay below with a margin for how DingTalk counts. */
  messageBytes: 20_000,
  targetBytes: 18_000,
  /** Shown in the conversation list and notifications. */
  title: 100,
  buttonTitle: 20,
  /** Longer links are dropped with a note (a cut link would be a wrong link) [U: DingTalk's own cap]. */
  actionUrl: 1500,
  /** The console link is left out (the name stays) when it is longer than this. */
  consoleUrl: 2000,
} as const;

/** Budgets (characters) for untrusted text, scaled down only if a message would be too big. */
const BUDGET = {
  headlineName: 80,
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
} as const;

type Budget = { -readonly [K in keyof typeof BUDGET]: number };

const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🟢' };
const RESOLVED_EMOJI = '✅';

/** Markdown line break inside a paragraph (two trailing spaces), and a paragraph break. */
const BR = '  \n';
const PARA = '\n\n';

/** The alert card: headline, facts, failure, deletion countdown, why, timeline, and buttons. */
export function renderDingTalkCard(
  msg: AlertMessage,
  links: DingTalkCardLinks,
  opts: DingTalkRenderOptions,
): DingTalkActionCard {
  const t = alertWords(opts.locale);
  let card: DingTalkActionCard | undefined;
  for (const scale of [1, 0.5, 0.2]) {
    card = buildCard(msg, links, t, scaled(scale));
    if (bodyBytes(card) <= DINGTALK_LIMITS.targetBytes) return card;
  }
  // Unreachable with the budgets above; kept so a future change cannot produce a rejected message.
  const c = card!;
  const room = DINGTALK_LIMITS.targetBytes - bodyBytes({ ...c, actionCard: { ...c.actionCard, text: '' } });
  return { ...c, actionCard: { ...c.actionCard, text: cutMarkdown(c.actionCard.text, room) } };
}

/** A follow-up message for a card that cannot be edited: "Resolved: …", "Updated: …", or a note. */
export function renderDingTalkFollowUp(msg: AlertMessage, opts: DingTalkFollowUpOptions): DingTalkMarkdown {
  const t = alertWords(opts.locale);
  let out: DingTalkMarkdown | undefined;
  for (const scale of [1, 0.5, 0.2]) {
    out =
      opts.mode === 'note'
        ? buildNote(msg, t, scaled(scale))
        : buildUpdate(msg, opts.links ?? {}, t, scaled(scale));
    if (bodyBytes(out) <= DINGTALK_LIMITS.targetBytes) return out;
  }
  const m = out!;
  const room = DINGTALK_LIMITS.targetBytes - bodyBytes({ ...m, markdown: { ...m.markdown, text: '' } });
  return { ...m, markdown: { ...m.markdown, text: cutMarkdown(m.markdown.text, room) } };
}

// ---------------------------------------------------------------------------------------------

function buildCard(
  msg: AlertMessage,
  links: DingTalkCardLinks,
  t: AlertWords,
  b: Budget,
): DingTalkActionCard {
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const prefix = resolved ? t.text.resolvedPrefix : '';
  const emoji = resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[event.severity];
  const parts: string[] = [];

  parts.push(`### ${emoji} ${prefix}${headline(event, t, b)}`);
  parts.push(factLines(msg, t, b).join(BR));

  const failure = failureText(event, t, b);
  if (failure !== undefined) parts.push(failure);

  const deletion = deletionText(msg, t);
  if (deletion !== undefined) parts.push(deletion);

  const { buttons, dropped } = actionButtons(msg, links, t);
  if (dropped) parts.push(`⚠️ ${t.text.buttonsUnavailable}`);

  parts.push(whyLine(msg, t, b));
  if (msg.timeline.length > 0) parts.push(timelineText(msg.timeline, t, b));

  const btns = buttons.length > 0 ? buttons : consoleButton(msg, t);
  return {
    msgtype: 'actionCard',
    actionCard: {
      title: titleOf(`${emoji} ${prefix}${plainHeadline(event, t)}`),
      text: parts.join(PARA),
      btnOrientation: btns.length <= 2 ? '1' : '0',
      btns,
    },
  };
}

function buildUpdate(
  msg: AlertMessage,
  links: DingTalkCardLinks,
  t: AlertWords,
  b: Budget,
): DingTalkMarkdown {
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const prefix = resolved ? t.text.resolvedPrefix : t.text.updatedPrefix;
  const emoji = resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[event.severity];
  const parts: string[] = [];

  parts.push(`#### ${emoji} ${prefix}${headline(event, t, b)}`);
  parts.push([whatHappened(event, t, b, { code: false }), ...factLines(msg, t, b, { short: true })].join(BR));

  const failure = failureText(event, t, b);
  if (failure !== undefined) parts.push(failure);

  const deletion = deletionText(msg, t);
  if (deletion !== undefined) parts.push(deletion);

  if (!resolved) {
    const { buttons, dropped } = actionButtons(msg, links, t);
    if (buttons.length > 0)
      parts.push(
        t.field(t.label.actions, buttons.map((x) => `[${x.title}](${markdownUrl(x.actionURL)})`).join(' · ')),
      );
    else if (dropped) parts.push(`⚠️ ${t.text.buttonsUnavailable}`);
  }

  parts.push(whyLine(msg, t, b));
  return {
    msgtype: 'markdown',
    markdown: { title: titleOf(`${emoji} ${prefix}${plainHeadline(event, t)}`), text: parts.join(PARA) },
  };
}

function buildNote(msg: AlertMessage, t: AlertWords, b: Budget): DingTalkMarkdown {
  const { event } = msg;
  const resolved = msg.status === 'resolved';
  const emoji = resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[event.severity];
  const line = `${emoji} ${whatHappened(event, t, b)}${resolved ? t.text.resolvedSuffix : ''}`;
  const about = `${t.inlineField(t.label.secret, secretText(msg, t, b))} · ${t.label.alert} ${inert(msg.alertId, b.alertId)}`;
  const name = plainText(event.secretName, BUDGET.headlineName);
  return {
    msgtype: 'markdown',
    markdown: {
      title: titleOf(
        `${emoji} ${name === '' ? t.kind(event.kind) : t.inlineField(name, t.kind(event.kind))}`,
      ),
      text: line + BR + about,
    },
  };
}

/** "**Rotation failed** · 2026-03-01 11:58 UTC · By: alice · InvalidRequestException" */
function whatHappened(
  event: SecretEvent,
  t: AlertWords,
  b: Budget,
  opts: { code: boolean } = { code: true },
): string {
  const pieces = [`**${t.kind(event.kind)}**`];
  if (!Number.isNaN(Date.parse(event.occurredAt))) pieces.push(formatUtc(event.occurredAt));
  if (nonEmpty(event.actor)) pieces.push(t.inlineField(t.label.by, inert(event.actor!, b.actor)));
  const code = event.failure?.code?.trim() ?? '';
  if (opts.code && code !== '') pieces.push(inert(code, b.failureCode));
  return pieces.join(' · ');
}

function headline(event: SecretEvent, t: AlertWords, b: Budget): string {
  return t.headline(event.kind, inert(event.secretName.trim(), b.headlineName));
}

/** The headline as plain text (title field: shown as is, never parsed as markdown). */
function plainHeadline(event: SecretEvent, t: AlertWords): string {
  return t.headline(event.kind, plainText(event.secretName.trim(), BUDGET.headlineName));
}

function titleOf(s: string): string {
  return truncate(s, DINGTALK_LIMITS.title);
}

function factLines(msg: AlertMessage, t: AlertWords, b: Budget, opts: { short?: boolean } = {}): string[] {
  const { event } = msg;
  const unknown = `*${t.text.unknown}*`;
  const lines: string[] = [];
  const fact = (label: string, value: string) => lines.push(t.field(label, value));
  if (!opts.short) fact(t.label.severity, t.severity(event.severity));
  fact(t.label.cloud, t.cloud(event.provider));
  fact(t.label.account, event.account === '' ? unknown : inert(event.account, b.account));
  fact(t.label.region, event.region === '' ? unknown : inert(event.region, b.region));
  fact(t.label.secret, secretText(msg, t, b));
  if (opts.short) return lines;
  if (nonEmpty(event.secretType)) fact(t.label.type, inert(event.secretType!, b.secretType));
  fact(
    t.label.when,
    Number.isNaN(Date.parse(event.occurredAt)) ? inert(event.occurredAt, 64) : formatUtc(event.occurredAt),
  );
  if (nonEmpty(event.actor)) fact(t.label.by, inert(event.actor!, b.actor));
  return lines;
}

/** The secret's name linked to its console page; a name the source did not give links to the list. */
function secretText(msg: AlertMessage, t: AlertWords, b: Budget): string {
  const name = msg.event.secretName.trim();
  const url = consoleLink(msg.consoleUrl);
  if (name === '') {
    const note =
      msg.event.source === 'aws.cloudwatch-alarm' ? `*${t.text.notNamedByAlarm}*` : `*${t.text.unknown}*`;
    return url === undefined ? note : `${note}${t.paren(`[${t.text.secretList}](${url})`)}`;
  }
  const label = inert(name, b.secretName);
  return url === undefined ? label : `[${label}](${url})`;
}

function failureText(event: SecretEvent, t: AlertWords, b: Budget): string | undefined {
  const code = event.failure?.code?.trim() ?? '';
  const message = event.failure?.message?.trim() ?? '';
  if (code === '' && message === '') return undefined;
  let text = t.field(t.label.failure, code === '' ? '' : inert(code, b.failureCode)).trimEnd();
  if (message !== '') text += `${PARA}> ${inert(message, b.failureMessage)}`;
  return text;
}

function showsDeletionDate(event: SecretEvent): boolean {
  return (
    (event.kind === 'deletion.scheduled' || event.kind === 'access.pending-deletion') &&
    event.deletionDate !== undefined &&
    !Number.isNaN(Date.parse(event.deletionDate))
  );
}

function deletionText(msg: AlertMessage, t: AlertWords): string | undefined {
  const { event } = msg;
  if (!showsDeletionDate(event) || event.deletionDate === undefined) return undefined;
  const countdown = t.countdown(event.deletionDate, msg.now);
  let text = `⏳ ${t.field(t.label.permanentDeletion, formatUtc(event.deletionDate))}`;
  if (countdown !== '') text += t.paren(countdown);
  if (event.recoveryWindowDays !== undefined && Number.isFinite(event.recoveryWindowDays))
    text += ` · ${t.recoveryWindow(event.recoveryWindowDays)}`;
  if (msg.status === 'open' && event.kind === 'access.pending-deletion') text += BR + t.text.stillReads;
  else if (msg.status === 'open' && msg.actions.includes('cancelDeletion'))
    text += BR + t.text.restoreUntil(t.button.cancelDeletion);
  return text;
}

function whyLine(msg: AlertMessage, t: AlertWords, b: Budget): string {
  const { event } = msg;
  return (
    t.field(t.reason(msg.reason), t.reasonExplanation(msg.reason)) +
    ` · ${t.label.via} ${t.source(event.source)}` +
    (event.sourceEventName.trim() === '' ? '' : t.paren(inert(event.sourceEventName, b.sourceEventName))) +
    ` · ${t.label.alert} ${inert(msg.alertId, b.alertId)}`
  );
}

function timelineText(timeline: AlertTimelineEntry[], t: AlertWords, b: Budget): string {
  const shown = timeline.slice(-b.timelineEntries);
  const hidden = timeline.length - shown.length;
  const items = shown.map(
    (e) =>
      `- ${t.kind(e.kind)} ${Number.isNaN(Date.parse(e.occurredAt)) ? inert(e.occurredAt, 64) : formatUtc(e.occurredAt)}` +
      (nonEmpty(e.actor) ? ` · ${t.inlineField(t.label.by, inert(e.actor!, b.timelineActor))}` : ''),
  );
  if (hidden > 0) items.unshift(`- ${t.moreEarlier(hidden)}`);
  return `${t.field(t.label.earlier, '').trimEnd()}\n\n${items.join('\n')}`;
}

/**
 * One button per action that applies, in `msg.actions` order, each opening the caller's link.
 * `dropped`: an action had a link too long to use, so the card says buttons are unavailable.
 */
function actionButtons(
  msg: AlertMessage,
  links: DingTalkCardLinks,
  t: AlertWords,
): { buttons: Array<{ title: string; actionURL: string }>; dropped: boolean } {
  if (msg.status === 'resolved') return { buttons: [], dropped: false };
  const buttons: Array<{ title: string; actionURL: string }> = [];
  let dropped = false;
  for (const action of msg.actions) {
    if (action !== 'mute' && !namesSecret(msg.ref)) continue;
    const link = links[action];
    if (link === undefined || !isHttpUrl(link)) continue;
    if (link.length > DINGTALK_LIMITS.actionUrl) {
      dropped = true;
      continue;
    }
    buttons.push({ title: truncate(t.button[action], DINGTALK_LIMITS.buttonTitle), actionURL: link });
  }
  return { buttons, dropped };
}

function consoleButton(msg: AlertMessage, t: AlertWords): Array<{ title: string; actionURL: string }> {
  const url =
    /^https:\/\/[^\s]+$/.test(msg.consoleUrl) && msg.consoleUrl.length <= DINGTALK_LIMITS.consoleUrl
      ? msg.consoleUrl
      : undefined;
  return url === undefined ? [] : [{ title: t.text.openConsole, actionURL: url }];
}

/** Retry rotation and Cancel deletion act on one secret; a ref that names none gets only Mute. */
function namesSecret(ref: ActionRef): boolean {
  return ref.secretId !== '' || ref.secretName !== '';
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !/\s/.test(s);
  } catch {
    return false;
  }
}

/** A console link usable as a markdown link target, or undefined (then the name is shown unlinked). */
function consoleLink(url: string): string | undefined {
  if (!/^https:\/\/[^\s]+$/.test(url) || url.length > DINGTALK_LIMITS.consoleUrl) return undefined;
  return markdownUrl(url);
}

/**
 * A URL made safe as a markdown link target: characters that could end the target or open markup
 * are percent-encoded (the URL means the same).
 */
function markdownUrl(url: string): string {
  return url.replace(
    /[()[\]<>"'`\\* ]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  );
}

/** Characters that could start markup, and their inert full-width look-alikes. */
const INERT: Record<string, string> = {
  '\\': '＼',
  '`': '｀',
  '*': '＊',
  '~': '～',
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '|': '｜',
  '&': '＆',
  _: '＿',
};

/**
 * Line breaks, tabs and other control characters, and invisible or direction-changing characters
 * (which could make a name look like another), become a space or nothing.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

function cleanText(s: string): string {
  return s.replace(CONTROL, ' ').replace(INVISIBLE, '');
}

/** Untrusted text made inert for DingTalk markdown, then cut to `max` characters. */
export function escapeDingTalkMarkdown(s: string): string {
  const clean = cleanText(s);
  let out = '';
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    if (c === '_' && isWordChar(clean[i - 1]) && isWordChar(clean[i + 1])) out += c;
    else out += INERT[c] ?? c;
  }
  return out;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

/** Untrusted text made inert for DingTalk markdown and cut to `max` characters (ellipsis when cut). */
export function inert(s: string, max: number): string {
  // The mapping is one UTF-16 unit to one, so cutting after escaping never splits an escape.
  // A long text (a sender may fill a field with 100 kB) needs only its head escaped; all of it only
  // when invisible characters, which are dropped, left the head too short.
  if (s.length > 2 * max + 2) {
    const head = escapeDingTalkMarkdown(s.slice(0, 2 * max + 2));
    if (head.length > max) return truncate(head, max);
  }
  return truncate(escapeDingTalkMarkdown(s), max);
}

/** Untrusted text for plain-text fields (titles): no control characters, cut to `max`. */
function plainText(s: string, max: number): string {
  return truncate(cleanText(s).trim(), max);
}

function nonEmpty(s: string | undefined): boolean {
  return s !== undefined && s.trim() !== '';
}

function scaled(scale: number): Budget {
  const out = {} as Budget;
  for (const [k, v] of Object.entries(BUDGET) as Array<[keyof Budget, number]>)
    out[k] = Math.max(1, Math.floor(v * scale));
  return out;
}

/** UTF-8 size of the JSON body as sent. */
export function bodyBytes(body: DingTalkMessage): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/** Cut composed markdown to `maxBytes` (JSON-encoded) at a line boundary, ending with an ellipsis. */
function cutMarkdown(text: string, maxBytes: number): string {
  const fits = (s: string) => Buffer.byteLength(JSON.stringify(s), 'utf8') <= maxBytes;
  if (fits(text)) return text;
  const lines = text.split('\n');
  while (lines.length > 0 && !fits(lines.join('\n') + '\n…')) lines.pop();
  return lines.length === 0 ? '…' : lines.join('\n') + '\n…';
}
