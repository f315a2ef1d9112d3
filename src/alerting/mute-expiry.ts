import { dingTalkText } from '../chat/dingtalk/render-dingtalk-command';
import type { Locale } from '../chat/i18n/locale';
import type { ChatNote, MessageRef, MuteNote } from '../chat/message';
import { muteNoteText } from '../chat/slack/render-slack-remediation';
import { stripRefMarkers, truncate } from '../chat/text';
import type { Clock } from '../ops/clock';
import type { Logger } from '../ops/logger';
import { dingTalkJobId } from '../queue/queues';
import type { IncidentStore } from '../store/incident-store';
import type { MuteStore } from '../store/mute-store';
import type { Mute } from './mute';
import type { DingTalkOutbox } from './pipeline';

/**
 * Mute expiry notices: when a timed mute runs out, the place where it was made hears so, with how
 * many events it held back ("Mute m1 of prod/* by @alice expired; 12 events were muted
 * meanwhile"). A mute ended by hand (`/secrets unmute`) gets no notice, nor does "until resolved".
 *
 *   schedule (when the mute is made, mute-requests.ts)   run (mute-expiry worker, at its end)
 *   1. one delayed job per timed mute, at its end,       1. load the mute and its count (gone: it was
 *      id derived from the mute id (mute-expiry-<id>),      ended by hand, nothing to say)
 *      so it exists once whatever replica made it        2. decide (muteExpiryDecision, pure)
 *                                                        3. queue the DingTalk notice, post the Slack
 *                                                           ones
 *                                                        4. forget the mute
 */

/** Where the notice may go besides the channel where the mute was made. */
export interface ExpiryPlaces {
  /** The channel of the alert an alert mute was made on (its incident's Slack message). */
  alertChannel?: string;
  /** The root route's Slack channels (SLACK_CHANNEL by default); empty when Slack is off. */
  defaultChannels: readonly string[];
  /** The DingTalk robot is configured. */
  dingtalk?: boolean;
}

export type MuteExpiryDecision =
  | { action: 'announce'; channels: string[]; dingtalk: boolean }
  | { action: 'wait'; untilMs: number }
  | { action: 'skip'; reason: 'ended-by-hand' | 'until-resolved' | 'no-channel' };

/** A Slack channel id the bot can post in (public C…, private G…); D…: a Slack DM, which it cannot. */
const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,}$/;
const SLACK_DM = /^D[A-Z0-9]{2,}$/;

/**
 * Whether and where a mute's end is announced: the Slack channel where it was made and the
 * channel of the alert it was made on; made from DingTalk (a group or robot id): the DingTalk
 * group; neither known (a DM, a mute stored before channels were recorded): the root route's
 * Slack channels, else the DingTalk group. `mute` undefined: it was ended by hand (or swept long
 * after its end). Pure.
 */
export function muteExpiryDecision(
  mute: Mute | undefined,
  now: number,
  places: ExpiryPlaces,
): MuteExpiryDecision {
  if (!mute) return { action: 'skip', reason: 'ended-by-hand' };
  if (mute.endsAt === undefined) return { action: 'skip', reason: 'until-resolved' };
  const end = Date.parse(mute.endsAt);
  if (now < end) return { action: 'wait', untilMs: end };
  const made = mute.channel !== undefined && SLACK_CHANNEL.test(mute.channel) ? [mute.channel] : [];
  const fromDingTalk = mute.channel !== undefined && made.length === 0 && !SLACK_DM.test(mute.channel);
  const own = [...made, ...(places.alertChannel ? [places.alertChannel] : [])];
  const dingtalk =
    places.dingtalk === true && (fromDingTalk || (own.length === 0 && places.defaultChannels.length === 0));
  const channels = [...new Set(own.length > 0 || dingtalk ? own : places.defaultChannels)];
  if (channels.length === 0 && !dingtalk) return { action: 'skip', reason: 'no-channel' };
  return { action: 'announce', channels, dingtalk };
}

/** The delayed job of one mute's notice. */
export interface MuteExpiryJob {
  muteId: string;
}

/** `mute-expiry-<mute id>`: derived, so a mute has one notice job whichever replica plans it; no `:`, never all digits. */
export function muteExpiryJobId(muteId: string): string {
  return `mute-expiry-${muteId}`;
}

/** Where notice jobs go (the mute-expiry queue). */
export interface MuteExpiryQueue {
  add(jobId: string, job: MuteExpiryJob, delayMs: number): Promise<void>;
}

export interface MuteExpiryDeps {
  mutes: MuteStore;
  incidents: IncidentStore;
  queue: MuteExpiryQueue;
  /** Undefined when Slack is not configured. */
  chat?: { postNote(channel: string, note: ChatNote): Promise<MessageRef> };
  /** The root route's Slack channels. */
  defaultChannels: readonly string[];
  /** The DingTalk robot's outbox, when DingTalk is configured. */
  dingtalk?: { outbox: DingTalkOutbox; locale: Locale };
  clock: Clock;
  logger: Logger;
}

export type MuteExpiryOutcome =
  | { outcome: 'announced'; channels: string[]; dingtalk: boolean; mutedEvents: number }
  | { outcome: 'skipped'; reason: 'ended-by-hand' | 'until-resolved' | 'no-channel' }
  | { outcome: 'early'; untilMs: number };

export class MuteExpiry {
  constructor(private readonly deps: MuteExpiryDeps) {}

  /** Plans the notice of a timed mute's end. Adding it again is a no-op (derived job id). */
  async schedule(mute: Mute): Promise<void> {
    if (mute.endsAt === undefined) return;
    const delay = Math.max(0, Date.parse(mute.endsAt) - this.deps.clock.now());
    await this.deps.queue.add(muteExpiryJobId(mute.id), { muteId: mute.id }, delay);
  }

  /** Runs one due notice job. `early`: the mute has not ended yet (clock skew); run it again then. */
  async run(job: MuteExpiryJob): Promise<MuteExpiryOutcome> {
    const { mutes, incidents, logger, chat, dingtalk } = this.deps;
    const found = await mutes.getWithCount(job.muteId);
    const key = found?.mute.match.incidentKey;
    const message = key ? (await incidents.get(key))?.message : undefined;
    const decision = muteExpiryDecision(found?.mute, this.deps.clock.now(), {
      ...(message?.platform === 'slack' && chat ? { alertChannel: message.channel } : {}),
      defaultChannels: chat ? this.deps.defaultChannels : [],
      dingtalk: dingtalk !== undefined,
    });
    if (decision.action === 'wait') return { outcome: 'early', untilMs: decision.untilMs };
    if (decision.action === 'skip') {
      if (found) await mutes.forget(job.muteId);
      logger.info({ muteId: job.muteId, reason: decision.reason }, 'mute end not announced');
      return { outcome: 'skipped', reason: decision.reason };
    }
    const { mute, mutedEvents } = found!;
    const note: MuteNote = { kind: 'mute', mute, expired: { mutedEvents } };
    if (decision.dingtalk && dingtalk) {
      // Queued first (never held up by Slack); the derived job id queues it once if this run is retried.
      const neutral = muteNoteText(note, dingtalk.locale);
      await dingtalk.outbox.enqueue(dingTalkJobId(dingtalk.outbox.robot, 'mute-expiry', mute.id), {
        kind: 'body',
        body: {
          msgtype: 'markdown',
          markdown: {
            title: truncate(stripRefMarkers(neutral), 60),
            text: `🔕 ${dingTalkText(neutral, dingtalk.locale)}`,
          },
        },
        what: 'mute expiry notice',
      });
    }
    if (chat) for (const channel of decision.channels) await chat.postNote(channel, note);
    await mutes.forget(mute.id);
    logger.info(
      { muteId: mute.id, channels: decision.channels, dingtalk: decision.dingtalk, mutedEvents },
      'mute end announced',
    );
    return { outcome: 'announced', channels: decision.channels, dingtalk: decision.dingtalk, mutedEvents };
  }
}
