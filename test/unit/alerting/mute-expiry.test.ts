import {
  muteExpiryDecision,
  muteExpiryJobId,
  MuteExpiry,
  type MuteExpiryJob,
} from '../../../src/alerting/mute-expiry';
import type { Mute } from '../../../src/alerting/mute';
import type { ChatNote, MessageRef } from '../../../src/chat/message';
import { renderSlackNote } from '../../../src/chat/slack/render-slack-remediation';
import { ManualClock } from '../../../src/ops/clock';
import { createLogger } from '../../../src/ops/logger';
import type { IncidentStore } from '../../../src/store/incident-store';
import type { MuteStore } from '../../../src/store/mute-store';

const HOUR = 3_600_000;

function timedMute(clock: ManualClock, over: Partial<Mute> = {}): Mute {
  const now = clock.now();
  return {
    id: 'm0a1b2c3d',
    match: { secret: 'prod/*' },
    label: 'prod/*',
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 2 * HOUR).toISOString(),
    createdBy: 'U0ALICE',
    createdAt: new Date(now).toISOString(),
    channel: 'C0OPS',
    ...over,
  };
}

describe('muteExpiryDecision (ManualClock)', () => {
  const clock = new ManualClock();
  const places = { defaultChannels: ['C0DEFAULT'] };

  it('announces at the end, in the channel where the mute was made, not before', () => {
    const m = timedMute(clock);
    expect(muteExpiryDecision(m, clock.now(), places)).toEqual({
      action: 'wait',
      untilMs: Date.parse(m.endsAt!),
    });
    clock.advance(2 * HOUR - 1);
    expect(muteExpiryDecision(m, clock.now(), places).action).toBe('wait');
    clock.advance(1);
    expect(muteExpiryDecision(m, clock.now(), places)).toEqual({
      action: 'announce',
      channels: ['C0OPS'],
      dingtalk: false,
    });
  });

  it.each<
    [
      string,
      Partial<Mute> | undefined,
      { alertChannel?: string; defaultChannels: string[]; dingtalk?: boolean },
      unknown,
    ]
  >([
    [
      'ended by hand (gone from the store): no notice',
      undefined,
      { defaultChannels: ['C0DEFAULT'] },
      { action: 'skip', reason: 'ended-by-hand' },
    ],
    [
      '"until resolved" mutes have no end to announce',
      { endsAt: undefined, untilResolved: true },
      { defaultChannels: ['C0DEFAULT'] },
      { action: 'skip', reason: 'until-resolved' },
    ],
    [
      'made on an alert: that channel and the alert’s channel, once each',
      { channel: 'C0OPS' },
      { alertChannel: 'C0DB', defaultChannels: ['C0DEFAULT'] },
      { action: 'announce', channels: ['C0OPS', 'C0DB'], dingtalk: false },
    ],
    [
      'made in a DM: the alert’s channel',
      { channel: 'D0DM' },
      { alertChannel: 'C0DB', defaultChannels: ['C0DEFAULT'] },
      { action: 'announce', channels: ['C0DB'], dingtalk: false },
    ],
    [
      'made from DingTalk, DingTalk since turned off: the default route’s channels',
      { channel: 'cidXYZ==' },
      { defaultChannels: ['C0DEFAULT'] },
      { action: 'announce', channels: ['C0DEFAULT'], dingtalk: false },
    ],
    [
      'made from DingTalk with DingTalk configured: the DingTalk group only',
      { channel: 'cidXYZ==' },
      { defaultChannels: ['C0DEFAULT'], dingtalk: true },
      { action: 'announce', channels: [], dingtalk: true },
    ],
    [
      'made in Slack with DingTalk configured too: Slack only',
      { channel: 'C0OPS' },
      { defaultChannels: ['C0DEFAULT'], dingtalk: true },
      { action: 'announce', channels: ['C0OPS'], dingtalk: false },
    ],
    [
      'Slack off, DingTalk on, no channel recorded: the DingTalk group',
      { channel: undefined },
      { defaultChannels: [], dingtalk: true },
      { action: 'announce', channels: [], dingtalk: true },
    ],
    [
      'made before mutes recorded a channel: the default route’s channels',
      { channel: undefined },
      { defaultChannels: ['C0DEFAULT'] },
      { action: 'announce', channels: ['C0DEFAULT'], dingtalk: false },
    ],
    [
      'nowhere to say it',
      { channel: undefined },
      { defaultChannels: [] },
      { action: 'skip', reason: 'no-channel' },
    ],
  ])('%s', (_name, over, where, expected) => {
    const c = new ManualClock();
    const m = over === undefined ? undefined : timedMute(c, over);
    c.advance(3 * HOUR);
    expect(muteExpiryDecision(m, c.now(), where)).toEqual(expected);
  });

  it('job ids are derived from the mute: no `:`, never all digits', () => {
    expect(muteExpiryJobId('m0a1b2c3d')).toBe('mute-expiry-m0a1b2c3d');
  });
});

describe('MuteExpiry', () => {
  function setup(stored: Mute | undefined, mutedEvents: number) {
    const clock = new ManualClock();
    const posts: Array<{ channel: string; note: ChatNote }> = [];
    const added: Array<{ jobId: string; job: MuteExpiryJob; delayMs: number }> = [];
    let kept = stored;
    const mutes = {
      getWithCount: async (id: string) => (kept && kept.id === id ? { mute: kept, mutedEvents } : undefined),
      forget: async () => void (kept = undefined),
    } as unknown as MuteStore;
    const incidents = { get: async () => undefined } as unknown as IncidentStore;
    const expiry = new MuteExpiry({
      mutes,
      incidents,
      queue: { add: async (jobId, job, delayMs) => void added.push({ jobId, job, delayMs }) },
      chat: {
        postNote: async (channel, note): Promise<MessageRef> => (
          posts.push({ channel, note }),
          { platform: 'slack', channel, ts: '1.1' }
        ),
      },
      defaultChannels: ['C0DEFAULT'],
      clock,
      logger: createLogger('error'),
    });
    return { clock, posts, added, expiry, isKept: () => kept !== undefined };
  }

  it('plans one delayed job at the mute’s end and, then, says how many events were muted', async () => {
    const clock0 = new ManualClock();
    const m = timedMute(clock0);
    const { clock, posts, added, expiry, isKept } = setup(m, 12);
    await expiry.schedule(m);
    expect(added).toEqual([{ jobId: 'mute-expiry-m0a1b2c3d', job: { muteId: m.id }, delayMs: 2 * HOUR }]);
    expect(await expiry.run({ muteId: m.id })).toEqual({ outcome: 'early', untilMs: Date.parse(m.endsAt!) });
    expect(posts).toHaveLength(0);
    clock.advance(2 * HOUR);
    expect(await expiry.run({ muteId: m.id })).toEqual({
      outcome: 'announced',
      channels: ['C0OPS'],
      dingtalk: false,
      mutedEvents: 12,
    });
    expect(posts.map((p) => renderSlackNote(p.note).text)).toEqual([
      'Mute m0a1b2c3d of prod/* by <@U0ALICE> expired; 12 events were muted meanwhile. Its alerts are shown again.',
    ]);
    expect(isKept()).toBe(false);
    // The job runs again (a retry after the post): the mute is forgotten, nothing more is said.
    expect(await expiry.run({ muteId: m.id })).toEqual({ outcome: 'skipped', reason: 'ended-by-hand' });
    expect(posts).toHaveLength(1);
  });

  it('a mute ended by hand says nothing; an "until resolved" mute plans nothing', async () => {
    const { clock, posts, added, expiry } = setup(undefined, 0);
    clock.advance(3 * HOUR);
    expect(await expiry.run({ muteId: 'm0a1b2c3d' })).toEqual({
      outcome: 'skipped',
      reason: 'ended-by-hand',
    });
    await expiry.schedule(timedMute(clock, { endsAt: undefined, untilResolved: true }));
    expect(added).toHaveLength(0);
    expect(posts).toHaveLength(0);
  });

  it('one event is singular', async () => {
    const clock0 = new ManualClock();
    const m = timedMute(clock0, { channel: undefined });
    const { clock, posts, expiry } = setup(m, 1);
    clock.advance(2 * HOUR);
    await expiry.run({ muteId: m.id });
    expect(posts.map((p) => [p.channel, renderSlackNote(p.note).text])).toEqual([
      [
        'C0DEFAULT',
        'Mute m0a1b2c3d of prod/* by <@U0ALICE> expired; 1 event was muted meanwhile. Its alerts are shown again.',
      ],
    ]);
  });

  it('a mute made from DingTalk is announced in the DingTalk group, once per mute', async () => {
    const clock0 = new ManualClock();
    const m = timedMute(clock0, { channel: 'cidGroup==' });
    const clock = new ManualClock();
    const posts: string[] = [];
    const queued: Array<{ jobId: string; body: unknown }> = [];
    const mutes = {
      getWithCount: async () => ({ mute: m, mutedEvents: 3 }),
      forget: async () => undefined,
    } as unknown as MuteStore;
    const expiry = new MuteExpiry({
      mutes,
      incidents: { get: async () => undefined } as unknown as IncidentStore,
      queue: { add: async () => undefined },
      chat: {
        postNote: async (channel): Promise<MessageRef> => (
          posts.push(channel),
          { platform: 'slack', channel, ts: '1' }
        ),
      },
      defaultChannels: ['C0DEFAULT'],
      dingtalk: {
        outbox: {
          robot: 'robot1',
          enqueue: async (jobId, delivery) => void queued.push({ jobId, body: delivery }),
        },
        locale: 'en',
      },
      clock,
      logger: createLogger('error'),
    });
    clock.advance(2 * HOUR);
    expect(await expiry.run({ muteId: m.id })).toMatchObject({
      outcome: 'announced',
      channels: [],
      dingtalk: true,
    });
    expect(posts).toHaveLength(0);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.jobId).toMatch(/^dingtalk-robot1-mute-expiry-[0-9a-f]+$/);
    expect(JSON.stringify(queued[0]!.body)).toContain('expired; 3 events were muted meanwhile');
  });
});
