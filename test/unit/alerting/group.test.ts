import {
  groupIdOf,
  groupLabelsOf,
  membersAtFlush,
  nextFlush,
  pageEntries,
  summaryFingerprint,
  summaryIncident,
  summaryMessageOf,
  type SummaryState,
} from '../../../src/alerting/group';
import type { Incident } from '../../../src/alerting/lifecycle';
import type { Mute } from '../../../src/alerting/mute';
import type { EventKind, SecretEvent } from '../../../src/events/secret-event';

const NOW = Date.parse('2026-03-01T03:00:00Z');

function event(name: string, over: Partial<SecretEvent> = {}): SecretEvent {
  return {
    provider: 'alibaba',
    source: 'alibaba.cloudmonitor',
    account: '1234567890123456',
    region: 'cn-shanghai',
    secretId: `acs:kms:cn-shanghai:1234567890123456:secret/${name}`,
    secretName: name,
    secretType: 'ECS',
    kind: 'rotation.failed',
    severity: 'critical',
    occurredAt: '2026-03-01T02:59:00Z',
    sourceEventName: 'Secret:RotateSecret:Failure',
    sourceId: `src-${name}`,
    ...over,
  };
}

function incident(name: string, over: Partial<Incident> = {}, ev: Partial<SecretEvent> = {}): Incident {
  const e = event(name, ev);
  return {
    id: `i-${name}`,
    key: `k-${name}`,
    topic: e.kind.startsWith('deletion') ? 'deletion' : 'rotation',
    status: 'open',
    openedAt: '2026-03-01T02:59:00Z',
    updatedAt: '2026-03-01T02:59:00Z',
    event: e,
    timeline: [{ kind: e.kind, occurredAt: e.occurredAt }],
    sourceIds: [e.sourceId],
    ...over,
  };
}

const STATE: SummaryState = {
  id: 's1',
  groupId: 'g1',
  route: 'root',
  labels: {},
  createdAt: '2026-03-01T02:59:00Z',
  threshold: 5,
  groupInterval: 10_000,
};

describe('groupLabelsOf / groupIdOf', () => {
  it('takes one label per group_by field, the secret by its display name', () => {
    expect(
      groupLabelsOf(event('db/a'), [
        'provider',
        'account',
        'region',
        'kind',
        'secretType',
        'severity',
        'secret',
      ]),
    ).toEqual({
      provider: 'alibaba',
      account: '1234567890123456',
      region: 'cn-shanghai',
      kind: 'rotation.failed',
      secretType: 'ECS',
      severity: 'critical',
      secret: 'db/a',
    });
  });

  it('puts alerts that share the labels in one group, and separates by region, destination and route', () => {
    const by = ['account', 'region', 'kind'] as const;
    const a = groupIdOf('slack:C1', 'root', groupLabelsOf(event('a'), by));
    expect(groupIdOf('slack:C1', 'root', groupLabelsOf(event('b'), by))).toBe(a);
    expect(groupIdOf('slack:C1', 'root', groupLabelsOf(event('b', { region: 'cn-hangzhou' }), by))).not.toBe(
      a,
    );
    expect(groupIdOf('slack:C2', 'root', groupLabelsOf(event('b'), by))).not.toBe(a);
    expect(groupIdOf('slack:C1', 'prod', groupLabelsOf(event('b'), by))).not.toBe(a);
    expect(
      groupIdOf('slack:C1', 'root', groupLabelsOf(event('b', { kind: 'deletion.scheduled' }), by)),
    ).not.toBe(a);
  });

  it('does not depend on the order of group_by', () => {
    expect(groupIdOf('d', 'r', groupLabelsOf(event('a'), ['kind', 'region']))).toBe(
      groupIdOf('d', 'r', groupLabelsOf(event('a'), ['region', 'kind'])),
    );
  });
});

describe('nextFlush', () => {
  it('flushes a new summary after group_wait, as bucket 0', () => {
    expect(nextFlush(NOW, { started: true, groupWait: 0, groupInterval: 10_000 })).toEqual({
      bucket: 0,
      at: NOW,
    });
    expect(nextFlush(NOW, { started: true, groupWait: 3000, groupInterval: 10_000 })).toEqual({
      bucket: 0,
      at: NOW + 3000,
    });
  });

  it('gives every arrival within one interval the same flush, at the interval end', () => {
    const a = nextFlush(NOW + 1, { started: false, groupWait: 0, groupInterval: 10_000 });
    const b = nextFlush(NOW + 9_998, { started: false, groupWait: 0, groupInterval: 10_000 });
    expect(a).toEqual(b);
    expect(a.at).toBeGreaterThan(NOW + 9_998);
    expect(a.at - (NOW + 1)).toBeLessThanOrEqual(10_000);
    expect(nextFlush(NOW + 10_000, { started: false, groupWait: 0, groupInterval: 10_000 }).bucket).toBe(
      a.bucket + 1,
    );
  });
});

describe('summaryMessageOf', () => {
  it('counts open and resolved members and names the shared kind, type and place', () => {
    const members = membersAtFlush(
      [incident('a'), incident('b'), incident('c', { status: 'resolved' })],
      [],
      NOW,
    );
    const msg = summaryMessageOf(STATE, members, NOW);
    expect(msg.counts).toEqual({ total: 3, open: 2, resolved: 1, muted: 0 });
    expect(msg).toMatchObject({
      status: 'open',
      kind: 'rotation.failed',
      secretType: 'ECS',
      region: 'cn-shanghai',
      account: '1234567890123456',
      provider: 'alibaba',
    });
    expect(msg.sample.map((e) => e.name)).toEqual(['a', 'b']);
    expect(msg.why).toEqual({ threshold: 5, groupInterval: 10_000 });
  });

  it('offers Retry rotation for the open rotation failures only, and nothing once all resolved', () => {
    const msg = summaryMessageOf(
      STATE,
      membersAtFlush([incident('a'), incident('b'), incident('c', { status: 'resolved' })], [], NOW),
      NOW,
    );
    expect(msg.actions).toEqual(['retryRotation']);
    expect(msg.actionable).toEqual({ retryRotation: 2 });
    const done = summaryMessageOf(
      STATE,
      membersAtFlush([incident('a', { status: 'resolved' })], [], NOW),
      NOW,
    );
    expect(done.status).toBe('resolved');
    expect(done.actions).toEqual([]);
  });

  it('leaves the kind out when members differ, and offers each action that applies', () => {
    const kinds: EventKind[] = ['rotation.failed', 'deletion.scheduled'];
    const members = membersAtFlush(
      kinds.map((kind, i) => incident(`m${i}`, {}, { kind, deletionDate: '2026-03-08T00:00:00Z' })),
      [],
      NOW,
    );
    const msg = summaryMessageOf(STATE, members, NOW);
    expect(msg.kind).toBeUndefined();
    expect(msg.actions).toEqual(['cancelDeletion', 'retryRotation']);
  });

  it('checks mutes at flush time: a member muted after it joined is not shown, but counted as muted', () => {
    const mute: Mute = {
      id: 'm1',
      match: { secret: 'b' },
      label: 'b',
      startsAt: '2026-03-01T02:00:00Z',
      endsAt: '2026-03-01T05:00:00Z',
      createdBy: 'U1',
      createdAt: '2026-03-01T02:00:00Z',
    };
    const msg = summaryMessageOf(STATE, membersAtFlush([incident('a'), incident('b')], [mute], NOW), NOW);
    expect(msg.counts).toEqual({ total: 1, open: 1, resolved: 0, muted: 1 });
    expect(msg.sample.map((e) => e.name)).toEqual(['a']);
    expect(msg.actionable).toEqual({ retryRotation: 1 });
    // After the mute ends the member shows again.
    const later = summaryMessageOf(
      STATE,
      membersAtFlush([incident('a'), incident('b')], [mute], Date.parse('2026-03-01T06:00:00Z')),
      NOW,
    );
    expect(later.counts.muted).toBe(0);
  });

  it('changes its fingerprint when a count or a remediation step moves, and only then', () => {
    const base = [incident('a'), incident('b')];
    const fp = (list: Incident[]) =>
      summaryFingerprint(summaryMessageOf(STATE, membersAtFlush(list, [], NOW), NOW + 1));
    expect(fp(base)).toBe(fp([incident('a'), incident('b')]));
    expect(fp([incident('a'), incident('b', { status: 'resolved' })])).not.toBe(fp(base));
    const asked = {
      action: 'retryRotation' as const,
      jobId: 'j',
      requestedBy: 'U1',
      requestedAt: '2026-03-01T03:00:00Z',
      updatedAt: '2026-03-01T03:00:00Z',
      forEvent: 'x',
    };
    const requested = fp([incident('a', { remediation: { ...asked, state: 'requested' } }), incident('b')]);
    expect(requested).not.toBe(fp(base));
    expect(fp([incident('a', { remediation: { ...asked, state: 'succeeded' } }), incident('b')])).not.toBe(
      requested,
    );
  });

  it("counts the members' remediations by state, naming who asked last", () => {
    const asked = {
      action: 'retryRotation' as const,
      jobId: 'j',
      requestedAt: '2026-03-01T03:00:00Z',
      updatedAt: '2026-03-01T03:00:00Z',
      forEvent: 'x',
    };
    const msg = summaryMessageOf(
      STATE,
      membersAtFlush(
        [
          incident('a', { remediation: { ...asked, requestedBy: 'U1', state: 'running' } }),
          incident('b', {
            remediation: {
              ...asked,
              requestedBy: 'U2',
              requestedAt: '2026-03-01T03:00:01Z',
              state: 'failed',
            },
          }),
          incident('c'),
        ],
        [],
        NOW,
      ),
      NOW,
    );
    expect(msg.remediation).toEqual({ requestedBy: 'U2', requested: 0, running: 1, succeeded: 0, failed: 1 });
  });
});

describe('pageEntries', () => {
  it('keeps every entry once, in order, within both limits', () => {
    const entries = Array.from({ length: 2_345 }, (_, i) => `secret-${i}`.padEnd(10 + (i % 50), 'x'));
    const pages = pageEntries(entries, (e) => e.length, 400, 8_000);
    expect(pages.flat()).toEqual(entries);
    for (const p of pages) {
      expect(p.length).toBeLessThanOrEqual(400);
      expect(p.reduce((n, e) => n + e.length + 1, 0)).toBeLessThanOrEqual(8_000);
    }
  });

  it('still places an entry longer than a page, alone', () => {
    expect(pageEntries(['a', 'b'.repeat(50), 'c'], (e) => e.length, 10, 20)).toEqual([
      ['a'],
      ['b'.repeat(50)],
      ['c'],
    ]);
  });
});

describe('summaryIncident (what a flush keeps of each member)', () => {
  it('keeps status, the event a summary reads and the remediation; drops the timeline and failure text', () => {
    const full = incident(
      'ecs/app-1',
      {
        remediation: {
          action: 'retryRotation',
          state: 'running',
          jobId: 'j1',
          requestedBy: 'U0OPS',
          requestedAt: '2026-03-01T03:00:00Z',
          forEvent: 'src-ecs/app-1',
        } as Incident['remediation'],
      },
      { failure: { code: 'Rejected', message: 'x'.repeat(5000) }, actor: 'someone', tags: { team: 'payments' } },
    );
    const slim = summaryIncident(full);
    expect(Object.keys(slim).sort()).toEqual(['event', 'remediation', 'status']);
    expect(slim.event.failure).toBeUndefined();
    expect(slim.event.actor).toBeUndefined();
    expect(slim.event).toMatchObject({ secretName: 'ecs/app-1', secretType: 'ECS', kind: 'rotation.failed', tags: { team: 'payments' } });
    // The summary made from slim members is the one made from full incidents.
    const mutes: Mute[] = [];
    expect(summaryMessageOf(STATE, membersAtFlush([slim], mutes, NOW), NOW)).toEqual(
      summaryMessageOf(STATE, membersAtFlush([full], mutes, NOW), NOW),
    );
    expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(full).length / 3);
  });
});
