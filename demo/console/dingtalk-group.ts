import type { FakeDingTalk } from '../../test/fakes/fake-dingtalk';
import { callbackBody, callbackSign } from '../../test/e2e/dingtalk-kit';
import { postJson } from '../../test/e2e/harness';
import { escapeHtml } from './render-mrkdwn';
import { dingTalkTitle, renderDingTalkMessage } from './render-dingtalk';

/**
 * The DingTalk group the demo console stands in for: the cards the bot's robot sent to the local
 * robot stand-in (FakeDingTalk, the bot's DINGTALK_WEBHOOK_URL), and `@secrets-bot …` messages
 * sent to the bot as DingTalk sends robot callbacks (signed with the app secret, with a session
 * webhook on the stand-in for the answer).
 */

export interface DingTalkItem {
  id: string;
  at: number;
  html: string;
}

export interface DingTalkGroupOptions {
  robot: FakeDingTalk;
  botUrl: () => string;
  appSecret: string;
  /** The person typing (a DingTalk staff id) and their display name. */
  staff: { id: string; name: string };
}

export class DingTalkGroup {
  private readonly asked: Array<{ at: number; text: string; session: string }> = [];

  constructor(private readonly opts: DingTalkGroupOptions) {}

  get signature(): string {
    const r = this.opts.robot;
    return `${r.messages.length}.${r.sessionReplies.length}.${this.asked.length}`;
  }

  /** `@secrets-bot <text>` from the staff member, as a signed robot callback. */
  async mention(text: string): Promise<{ status: number }> {
    const sessionWebhook = this.opts.robot.createSession();
    const session = new URL(sessionWebhook).searchParams.get('session') ?? '';
    this.asked.push({ at: Date.now(), text, session });
    const body = callbackBody({ user: this.opts.staff.id, text: `@secrets-bot ${text}`, sessionWebhook });
    body.senderNick = this.opts.staff.name;
    const timestamp = String(Date.now());
    const r = await postJson(`${this.opts.botUrl()}/dingtalk/events`, body, {
      timestamp,
      sign: callbackSign(timestamp, this.opts.appSecret),
    });
    return { status: r.status };
  }

  items(): DingTalkItem[] {
    const items: DingTalkItem[] = this.opts.robot.messages.map((m, i) => ({
      id: `d${i}`,
      at: m.at,
      html: this.wrap('secrets-bot', m.at, renderDingTalkMessage(m.body), dingTalkTitle(m.body)),
    }));
    this.asked.forEach((a, i) =>
      items.push({
        id: `q${i}`,
        at: a.at,
        html: this.wrap(
          this.opts.staff.name,
          a.at,
          `<div class="dt-card mine"><div class="dt-body"><p class="dt-p">@secrets-bot ${escapeHtml(a.text)}</p></div></div>`,
        ),
      }),
    );
    this.opts.robot.sessionReplies.forEach((r, i) =>
      items.push({
        id: `s${i}`,
        at: r.at,
        html: this.wrap('secrets-bot', r.at, renderDingTalkMessage(r.body), 'reply'),
      }),
    );
    return items.sort((x, y) => x.at - y.at);
  }

  private wrap(who: string, at: number, card: string, title = ''): string {
    const time = new Date(at).toISOString().slice(11, 16);
    return (
      `<div class="dt-msg${who === 'secrets-bot' ? '' : ' from-me'}"><div class="dt-head"><span class="dt-who">${escapeHtml(who)}</span>` +
      `<span class="dt-time">${time}</span>${title && title !== 'reply' ? `<span class="dt-title">${escapeHtml(title)}</span>` : ''}</div>${card}</div>`
    );
  }
}
