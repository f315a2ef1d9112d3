import { randomBytes } from 'node:crypto';
import type { FakeSlack } from '../../test/fakes/fake-slack';
import { signedHeaders } from '../../test/e2e/remediation-kit';
import { renderBlocks } from './render-blocks';
import { escapeHtml, renderMrkdwn, type MrkdwnOptions } from './render-mrkdwn';

/**
 * The Slack workspace the demo console stands in for. Outbound, it is what Slack's servers do
 * when a person clicks, types a slash command or submits a dialog: it builds the real payload,
 * signs it with the app's signing secret (v0 HMAC) and POSTs it to the bot's /slack/events, with a
 * response_url on the local Slack Web API stand-in (FakeSlack). Inbound, it reads what the bot did
 * on that stand-in (chat.postMessage / chat.update / chat.postEphemeral / views.open and the
 * response_url answers) and turns it into the channel the console shows.
 */

export interface DemoUser {
  id: string;
  name: string;
  title: string;
}

export interface DemoChannel {
  id: string;
  name: string;
}

/** Where an answer on a response_url belongs. */
interface ResponseOrigin {
  user: string;
  channel: string;
  /** The message the click was on (`m:` real message, `e:` ephemeral), if any. */
  messageKey?: string;
  /** The slash command that asked, as typed. */
  command?: string;
}

/** An ephemeral or shared answer the console shows that FakeSlack does not keep as a message. */
interface Answer {
  key: string;
  at: number;
  user: string;
  text: string;
  blocks: unknown[];
  shared: boolean;
  caption?: string;
  from: 'bot' | 'slackbot';
}

export interface FeedItem {
  id: string;
  at: number;
  html: string;
  /** Ephemeral: only this user sees it. */
  visibleTo?: string;
}

export interface OpenModal {
  id: string;
  user: string;
  title: string;
  submit: string;
  close: string;
  html: string;
  errors: Record<string, string>;
}

export interface ClickInput {
  user: string;
  messageKey: string;
  actionId: string;
  blockId: string;
  value: string;
  label: string;
}

export interface SlackWorkspaceOptions {
  slack: FakeSlack;
  /** The bot's base URL (known once it listens). */
  botUrl: () => string;
  signingSecret: string;
  channel: DemoChannel;
  users: DemoUser[];
  team?: { id: string; domain: string };
}

type SlackMessageBody = {
  text?: unknown;
  blocks?: unknown;
  response_type?: unknown;
  replace_original?: unknown;
  delete_original?: unknown;
};

export class SlackWorkspace {
  private readonly origins = new Map<string, ResponseOrigin>();
  private readonly triggers = new Map<string, string>();
  private readonly answers: Answer[] = [];
  private readonly replaced = new Map<string, { text: string; blocks: unknown[] }>();
  private readonly hidden = new Set<string>();
  private readonly responseSeenAt: number[] = [];
  private callsSeen = 0;
  private modal?: OpenModal & { view: Record<string, unknown> };
  private changes = 0;
  private readonly team: { id: string; domain: string };

  constructor(private readonly opts: SlackWorkspaceOptions) {
    this.team = opts.team ?? { id: 'T0DEMO', domain: 'secrets-bot-demo' };
  }

  /** Changes whenever what the console shows may have changed. */
  get signature(): string {
    this.refresh();
    return `${this.opts.slack.calls.length}.${this.opts.slack.responses.length}.${this.changes}`;
  }

  private get mrkdwn(): MrkdwnOptions {
    return {
      users: Object.fromEntries([...this.opts.users.map((u) => [u.id, u.name]), ['U0BOT', 'secrets-bot']]),
      channels: { [this.opts.channel.id]: this.opts.channel.name },
    };
  }

  private user(id: string): DemoUser {
    return this.opts.users.find((u) => u.id === id) ?? { id, name: id.toLowerCase(), title: id };
  }

  // -------------------------------------------------------------------------------------------
  // What a person does

  /** A click on a button of a message (or of an ephemeral message). */
  async click(input: ClickInput): Promise<{ status: number }> {
    const rid = this.newResponseId();
    const triggerId = this.newTrigger(input.user);
    const channel = this.opts.channel.id;
    const real = this.realMessage(input.messageKey);
    const ts = real?.ts ?? `${Math.floor(Date.now() / 1000)}.000001`;
    this.origins.set(rid, { user: input.user, channel, messageKey: input.messageKey });
    const payload = {
      type: 'block_actions',
      user: this.userObject(input.user),
      api_app_id: 'A0DEMO',
      token: 'unused-verification-token',
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: !real },
      trigger_id: triggerId,
      team: this.team,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel, name: this.opts.channel.name },
      ...(real
        ? { message: { type: 'message', user: 'U0BOT', ts, text: real.text, blocks: real.blocks } }
        : {}),
      state: { values: {} },
      response_url: this.opts.slack.responseUrl(rid),
      actions: [
        {
          action_id: input.actionId,
          block_id: input.blockId,
          text: { type: 'plain_text', text: input.label, emoji: true },
          value: input.value,
          type: 'button',
          action_ts: (Date.now() / 1000).toFixed(6),
        },
      ],
    };
    const r = await this.post(
      `payload=${encodeURIComponent(JSON.stringify(payload))}`,
      'application/x-www-form-urlencoded',
    );
    return { status: r.status };
  }

  /** A slash command typed in the composer, e.g. `/secrets status`. */
  async command(user: string, typed: string): Promise<{ status: number }> {
    const m = /^\s*(\/\S+)\s*([\s\S]*)$/.exec(typed);
    if (!m || m[1] !== '/secrets') {
      this.answers.push({
        key: `a${this.answers.length}`,
        at: Date.now(),
        user,
        text: m
          ? `\`${m[1]}\` is not a command of this workspace. The demo's app has one: \`/secrets\` (try \`/secrets help\`).`
          : 'Only slash commands reach the bot here: try `/secrets status` or `/secrets help`.',
        blocks: [],
        shared: false,
        from: 'slackbot',
      });
      this.changes += 1;
      return { status: 200 };
    }
    const rid = this.newResponseId();
    const channel = this.opts.channel.id;
    this.origins.set(rid, { user, channel, command: typed.trim() });
    const form = new URLSearchParams({
      token: 'unused-verification-token',
      team_id: this.team.id,
      team_domain: this.team.domain,
      channel_id: channel,
      channel_name: this.opts.channel.name,
      user_id: user,
      user_name: this.user(user).name,
      command: m[1],
      text: m[2]!.trim(),
      api_app_id: 'A0DEMO',
      is_enterprise_install: 'false',
      response_url: this.opts.slack.responseUrl(rid),
      trigger_id: this.newTrigger(user),
    });
    const r = await this.post(form.toString(), 'application/x-www-form-urlencoded');
    // An app may answer a command in its acknowledgement instead of on the response_url.
    const immediate = parseJson(r.body);
    if (r.status === 200 && immediate && (immediate.text || immediate.blocks)) this.receive(rid, immediate);
    return { status: r.status };
  }

  /** The open dialog was submitted with `values` (Slack's `view.state.values` shape). */
  async submitView(
    modalId: string,
    values: Record<string, unknown>,
  ): Promise<{ status: number; errors?: Record<string, string> }> {
    const modal = this.modal;
    if (!modal || modal.id !== modalId) return { status: 410 };
    const payload = {
      type: 'view_submission',
      team: this.team,
      user: this.userObject(modal.user),
      api_app_id: 'A0DEMO',
      token: 'unused-verification-token',
      trigger_id: this.newTrigger(modal.user),
      view: {
        id: modal.id,
        team_id: this.team.id,
        type: 'modal',
        hash: randomBytes(6).toString('hex'),
        ...modal.view,
        state: { values },
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const r = await this.post(
      `payload=${encodeURIComponent(JSON.stringify(payload))}`,
      'application/x-www-form-urlencoded',
    );
    const ack = parseJson(r.body);
    if (
      r.status === 200 &&
      ack?.response_action === 'errors' &&
      typeof ack.errors === 'object' &&
      ack.errors
    ) {
      modal.errors = ack.errors as Record<string, string>;
      this.changes += 1;
      return { status: r.status, errors: modal.errors };
    }
    if (r.status === 200) this.closeView(modalId);
    return { status: r.status };
  }

  closeView(modalId: string): void {
    if (this.modal?.id !== modalId) return;
    this.modal = undefined;
    this.changes += 1;
  }

  dismiss(key: string): void {
    this.hidden.add(key);
    this.changes += 1;
  }

  // -------------------------------------------------------------------------------------------
  // What the console shows

  feed(): FeedItem[] {
    this.refresh();
    const slack = this.opts.slack;
    const items: FeedItem[] = [];
    for (const m of slack.alerts(this.opts.channel.id)) {
      const key = `m:${m.channel}:${m.ts}`;
      if (this.hidden.has(key)) continue;
      const shown = this.replaced.get(key) ?? m;
      const replies = slack
        .replies(m)
        .map((r) => this.messageHtml({ text: r.text, blocks: r.blocks, at: tsMs(r.ts), reply: true }));
      items.push({
        id: key,
        at: tsMs(m.ts),
        html: this.messageHtml({
          key,
          text: shown.text,
          blocks: shown.blocks,
          at: tsMs(m.ts),
          edited: m.history.length > 1,
          replies,
        }),
      });
    }
    slack.calls.forEach((c, i) => {
      if (c.method !== 'chat.postEphemeral' || c.status !== 200 || c.params.channel !== this.opts.channel.id)
        return;
      const key = `e:c${i}`;
      if (this.hidden.has(key)) return;
      const shown = this.replaced.get(key) ?? {
        text: String(c.params.text ?? ''),
        blocks: (c.params.blocks as unknown[]) ?? [],
      };
      const user = String(c.params.user ?? '');
      items.push({
        id: key,
        at: c.at,
        visibleTo: user,
        html: this.messageHtml({ key, ...shown, at: c.at, ephemeral: true }),
      });
    });
    for (const a of this.answers) {
      const key = `e:${a.key}`;
      if (this.hidden.has(key)) continue;
      const shown = this.replaced.get(key) ?? a;
      items.push({
        id: key,
        at: a.at,
        ...(a.shared ? {} : { visibleTo: a.user }),
        html: this.messageHtml({
          key,
          text: shown.text,
          blocks: shown.blocks,
          at: a.at,
          ephemeral: !a.shared,
          caption: a.caption,
          from: a.from,
        }),
      });
    }
    return items.sort((x, y) => x.at - y.at);
  }

  openModal(): OpenModal | undefined {
    this.refresh();
    if (!this.modal) return undefined;
    const { view: _view, ...shown } = this.modal;
    return shown;
  }

  // -------------------------------------------------------------------------------------------

  /** Takes in what arrived on the stand-in since the last look: response_url answers, dialogs. */
  private refresh(): void {
    const slack = this.opts.slack;
    for (let i = this.responseSeenAt.length; i < slack.responses.length; i++) {
      this.responseSeenAt.push(Date.now());
      const r = slack.responses[i]!;
      this.receive(r.path.replace(/^\/respond\//, ''), r.body);
    }
    for (; this.callsSeen < slack.calls.length; this.callsSeen++) {
      const c = slack.calls[this.callsSeen]!;
      if (c.method !== 'views.open' || c.status !== 200) continue;
      const view = (typeof c.params.view === 'object' && c.params.view ? c.params.view : {}) as Record<
        string,
        unknown
      >;
      const user = this.triggers.get(String(c.params.trigger_id ?? '')) ?? this.opts.users[0]!.id;
      const text = (v: unknown, fallback: string) =>
        v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string'
          ? (v as { text: string }).text
          : fallback;
      this.modal = {
        id: `V${this.callsSeen}`,
        user,
        view,
        title: text(view.title, 'Dialog'),
        submit: text(view.submit, 'Submit'),
        close: text(view.close, 'Cancel'),
        html: renderBlocks(view.blocks, '', this.mrkdwn),
        errors: {},
      };
      this.changes += 1;
    }
  }

  /** An answer on a response_url (or in an acknowledgement), placed as Slack places it. */
  private receive(rid: string, body: SlackMessageBody): void {
    const origin = this.origins.get(rid);
    if (!origin) return;
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    const target = origin.messageKey;
    if (target && body.delete_original === true) this.hidden.add(target);
    else if (target && body.replace_original === true) this.replaced.set(target, { text, blocks });
    if (body.delete_original === true || body.replace_original === true) {
      if (!text && blocks.length === 0) return;
      if (body.replace_original === true) return;
    }
    const shared = body.response_type === 'in_channel';
    this.answers.push({
      key: `a${this.answers.length}`,
      at: Date.now(),
      user: origin.user,
      text,
      blocks,
      shared,
      from: 'bot',
      ...(origin.command
        ? { caption: shared ? `${this.user(origin.user).name} used ${origin.command}` : origin.command }
        : {}),
    });
    this.changes += 1;
  }

  private messageHtml(m: {
    key?: string;
    text: string;
    blocks: unknown[];
    at: number;
    edited?: boolean;
    ephemeral?: boolean;
    reply?: boolean;
    caption?: string;
    from?: 'bot' | 'slackbot';
    replies?: string[];
  }): string {
    const resolved = /^(:white_check_mark:|✅)|^Resolved\b/.test(firstText(m.blocks) || m.text);
    const classes = [
      'msg',
      m.ephemeral ? 'ephemeral' : '',
      m.reply ? 'reply' : '',
      resolved ? 'resolved' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const who = m.from === 'slackbot' ? 'Slackbot' : 'secrets-bot';
    const header =
      `<div class="msg-head"><span class="msg-who">${who}</span>${m.from === 'slackbot' ? '' : '<span class="app-badge">APP</span>'}` +
      `<span class="msg-time">${hhmm(m.at)}</span>${m.edited ? '<span class="msg-edited">(edited)</span>' : ''}</div>`;
    const caption = m.caption ? `<div class="msg-caption">${renderMrkdwn(`\`${m.caption}\``)}</div>` : '';
    const replies = m.replies?.length
      ? `<details class="thread" open><summary>${m.replies.length} ${m.replies.length === 1 ? 'reply' : 'replies'}</summary>${m.replies.join('')}</details>`
      : '';
    const footer = m.ephemeral
      ? `<div class="msg-ephemeral">👁 Only visible to you · <button type="button" class="link-btn" data-dismiss="${escapeHtml(m.key ?? '')}">Dismiss</button></div>`
      : '';
    return (
      `<div class="${classes}"${m.key ? ` data-msg-key="${escapeHtml(m.key)}"` : ''}>` +
      `<div class="avatar${m.from === 'slackbot' ? ' slackbot' : ''}">${m.from === 'slackbot' ? '✱' : '🔐'}</div>` +
      `<div class="msg-content">${header}${caption}<div class="msg-blocks">${renderBlocks(m.blocks, m.text, this.mrkdwn)}</div>${footer}${replies}</div></div>`
    );
  }

  private realMessage(key: string): { ts: string; text: string; blocks: unknown[] } | undefined {
    const m = /^m:([^:]+):(.+)$/.exec(key);
    if (!m) return undefined;
    return this.opts.slack.messages.find((x) => x.channel === m[1] && x.ts === m[2]);
  }

  private userObject(id: string): Record<string, string> {
    const u = this.user(id);
    return { id: u.id, username: u.name, name: u.name, team_id: this.team.id };
  }

  private newResponseId(): string {
    return `demo-${randomBytes(6).toString('hex')}`;
  }

  private newTrigger(user: string): string {
    const id = `${Date.now()}.${randomBytes(5).toString('hex')}`;
    this.triggers.set(id, user);
    return id;
  }

  private async post(body: string, contentType: string): Promise<{ status: number; body: string }> {
    const r = await fetch(`${this.opts.botUrl()}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(body, contentType, this.opts.signingSecret),
      body,
    });
    return { status: r.status, body: await r.text() };
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function tsMs(ts: string): number {
  return Number(ts) * 1000;
}

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function firstText(blocks: unknown[]): string {
  const first = blocks[0] as { text?: { text?: unknown }; elements?: Array<{ text?: unknown }> } | undefined;
  const t = first?.text?.text ?? first?.elements?.[0]?.text;
  return typeof t === 'string' ? t : '';
}
