import { Redis } from 'ioredis';
import { groupIdOf, summaryIdleMs, summaryIdOf } from '../../src/alerting/group';
import type { Incident } from '../../src/alerting/lifecycle';
import { DINGTALK_MIN_INTERVAL_MS, flushSummary, repeatSummary, type SummaryDeps, type SummarySender } from '../../src/alerting/summaries';
import type { MessageRef } from '../../src/chat/message';
import type { SummaryEntry, SummaryMessage, SummaryPage } from '../../src/chat/summary-message';
import { BotError } from '../../src/ops/errors';
import { ManualClock } from '../../src/ops/clock';
import { createLogger } from '../../src/ops/logger';
import type { DingTalkDelivery } from '../../src/queue/queues';
import { GroupStore, type StoredSummary } from '../../src/store/group-store';
import { IncidentStore } from '../../src/store/incident-store';
import { createKeys } from '../../src/store/keys';
import { MuteStore } from '../../src/store/mute-store';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../e2e/harness';

/** A Slack stand-in at the SummarySender seam: records what a flush shows; can fail a page once. */
class RecordingSummarySender implements SummarySender {
  posts: SummaryMessage[] = [];
  updates: SummaryMessage[] = [];
  pages: SummaryPage[] = [];
  failNextPage = false;
  async postSummary(channel: string, msg: SummaryMessage): Promise<MessageRef> {
    this.posts.push(msg);
    return { platform: 'slack', channel, ts: `1700000000.${this.posts.length}` };
  }
  async updateSummary(_ref: MessageRef, msg: SummaryMessage): Promise<void> {
    this.updates.push(msg);
  }
  async replySummaryPage(_ref: MessageRef, page: SummaryPage): Promise<void> {
    if (this.failNextPage) {
      this.failNextPage = false;
      throw new BotError('CHAT.UNAVAILABLE', 'Slack chat.postMessage: HTTP 503', { retryable: true });
    }
    this.pages.push(page);
  }
  paginate(entries: readonly SummaryEntry[]): SummaryEntry[][] {
    const out: SummaryEntry[][] = [];
    for (let i = 0; i < entries.length; i += 4) out.push(entries.slice(i, i + 4));
    return out;
  }
  listed(): string[] {
    return this.pages.flatMap((p) => p.entries.map((e) => e.name));
  }
}

const ACCOUNT = '111122223333';

function incident(name: string): Incident {
  const event = {
    provider: 'aws' as const,
    source: 'aws.eventbridge' as const,
    account: ACCOUNT,
    region: 'eu-west-1',
    secretId: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${name}-AbC123`,
    secretName: name,
    kind: 'rotation.failed' as const,
    severity: 'critical' as const,
    occurredAt: '2026-03-01T00:00:00Z',
    sourceEventName: 'RotationFailed',
    sourceId: `src-${name}`,
  };
  return {
    id: `i${name.replace(/\W/g, '')}`,
    key: `k${name.replace(/\W/g, '')}`,
    topic: 'rotation',
    status: 'open',
    openedAt: event.occurredAt,
    updatedAt: event.occurredAt,
    event,
    timeline: [{ kind: event.kind, occurredAt: event.occurredAt }],
    sourceIds: [event.sourceId],
  };
}

describe('summaries with real Redis: the group stage and its flush', () => {
  const prefix = uniquePrefix();
  const keys = createKeys(prefix);
  let redis: Redis;
  let groups: GroupStore;
  let incidents: IncidentStore;
  let mutes: MuteStore;
  const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    groups = new GroupStore(redis, keys, 3_600_000);
    incidents = new IncidentStore(redis, keys, 3_600_000);
    mutes = new MuteStore(redis, keys, clock);
  });
  afterAll(async () => {
    await cleanupPrefix(prefix);
    redis.disconnect();
  });

  /** Sends `names` into one group (threshold 3, interval 10 s) at once, as many workers would; returns the summary id. */
  async function storm(names: string[], destination: StoredSummary['destination']): Promise<string> {
    const groupId = groupIdOf(`${destination.platform}:${names[0]}`, 'root', { account: ACCOUNT });
    const arrivals = await Promise.all(
      names.map(async (n) => {
        const i = incident(n);
        await incidents.save(i);
        return groups.arrive({ groupId, incidentKey: i.key, now: clock.now(), groupInterval: 10_000, threshold: 3, idleMs: summaryIdleMs(10_000), newSummaryId: summaryIdOf(groupId, clock.now()) });
      }),
    );
    const started = arrivals.filter((a) => a.status === 'summary-started');
    expect(started).toHaveLength(1); // any number of concurrent arrivals start one summary
    expect(arrivals.filter((a) => a.status === 'alone')).toHaveLength(3);
    const id = (started[0] as { summaryId: string }).summaryId;
    await groups.create({ id, groupId, route: 'root', labels: { account: ACCOUNT }, createdAt: new Date(clock.now()).toISOString(), threshold: 3, groupInterval: 10_000, destination, listed: 0 });
    return id;
  }

  const deps = (over: Partial<SummaryDeps>): SummaryDeps => ({ groups, incidents, mutes, clock, logger: createLogger('error'), ...over });

  it('takes in every alert of the group once it storms, in the order they joined', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `a/s${i}`);
    const id = await storm(names, { platform: 'slack', channel: 'C1' });
    expect(await groups.members(id)).toHaveLength(12);
  });

  it('a mute created while the group waits holds at the flush; a failed page is sent again, never twice', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `b/s${i}`);
    const id = await storm(names, { platform: 'slack', channel: 'C2' });
    await mutes.create({ match: { secret: 'b/s7' }, label: 'b/s7', duration: 3_600_000, createdBy: 'U1' });
    const slack = new RecordingSummarySender();
    slack.failNextPage = true;
    await expect(flushSummary(id, deps({ slack }))).rejects.toThrow(/503/);
    const again = await flushSummary(id, deps({ slack }));
    expect(again).toMatchObject({ outcome: 'flushed', counts: { total: 9, open: 9, resolved: 0, muted: 1 } });
    expect(slack.posts).toHaveLength(1); // posted once, across the retry
    expect(slack.listed().sort()).toEqual(names.filter((n) => n !== 'b/s7').sort()); // each listed once, the muted one not at all
    // Nothing changed: a further flush rewrites nothing and lists nothing.
    const idle = await flushSummary(id, deps({ slack }));
    expect(idle).toMatchObject({ outcome: 'flushed', posted: false, updated: false, pages: 0 });
  });

  it('updates the message in place when a member resolves, and turns it resolved when all have', async () => {
    const names = ['c/s0', 'c/s1', 'c/s2', 'c/s3'];
    const id = await storm(names, { platform: 'slack', channel: 'C3' });
    const slack = new RecordingSummarySender();
    await flushSummary(id, deps({ slack }));
    const resolve = async (n: string) => incidents.save({ ...incident(n), status: 'resolved', resolvedAt: '2026-03-01T00:05:00Z' });
    await resolve('c/s0');
    await flushSummary(id, deps({ slack }));
    expect(slack.updates.at(-1)?.counts).toEqual({ total: 4, open: 3, resolved: 1, muted: 0 });
    await Promise.all(names.map(resolve));
    await flushSummary(id, deps({ slack }));
    expect(slack.updates.at(-1)).toMatchObject({ status: 'resolved', actions: [] });
  });

  it('a repeat posts the summary anew with its whole list, once however many members come due', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `r/s${i}`);
    const id = await storm(names, { platform: 'slack', channel: 'C4' });
    const slack = new RecordingSummarySender();
    await flushSummary(id, deps({ slack }));
    expect(slack.posts).toHaveLength(1);
    clock.advance(4 * 3_600_000);
    const flushes: string[] = [];
    const repeat = () => repeatSummary(id, 4 * 3_600_000, { groups, clock, flushNow: async (sid) => void flushes.push(sid) });
    const outcomes = [];
    for (let i = 0; i < names.length; i++) outcomes.push(await repeat()); // every member's repeat comes due
    expect(outcomes.filter((o) => o === 'repeated')).toHaveLength(1);
    expect(flushes).toEqual([id]);
    await flushSummary(id, deps({ slack }));
    expect(slack.posts).toHaveLength(2); // posted anew
    expect(slack.listed().filter((n) => n === 'r/s5')).toHaveLength(2); // and listed in the new thread too
  });

  it('DingTalk: one card when it starts, then at most one update a minute naming what was added', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `d/s${i}`);
    const id = await storm(names, { platform: 'dingtalk', robot: 'r1' });
    const rendered: Array<{ added: number | undefined; entries: number }> = [];
    const jobIds: string[] = [];
    const dingtalk = {
      robot: 'r1',
      enqueue: async (jobId: string) => void jobIds.push(jobId),
      render: (_msg: SummaryMessage, entries: readonly SummaryEntry[], added: number | undefined): DingTalkDelivery => {
        rendered.push({ added, entries: entries.length });
        return { kind: 'body', what: 'summary', body: { msgtype: 'markdown', markdown: { title: 't', text: 'x' } } };
      },
    };
    const flush = () => flushSummary(id, deps({ dingtalk }));
    await flush();
    expect(rendered).toEqual([{ added: undefined, entries: 5 }]);
    // One more member joins 10 s later: too soon for the robot; the flush asks to come back.
    const more = incident('d/s5');
    await incidents.save(more);
    const sentAt = clock.now();
    clock.advance(10_000);
    await redis.zadd(keys.summaryMembersPrefix + id, 5, more.key);
    expect(await flush()).toEqual({ outcome: 'later', retryAt: sentAt + DINGTALK_MIN_INTERVAL_MS });
    expect(jobIds).toHaveLength(1);
    clock.advance(DINGTALK_MIN_INTERVAL_MS);
    await flush();
    expect(rendered[1]).toEqual({ added: 1, entries: 1 });
    expect(new Set(jobIds).size).toBe(2);
  });
});
