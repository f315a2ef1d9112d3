import {
  incidentKeyOf,
  LATE_FOLLOW_UP_MS,
  shouldNotify,
  type Incident,
} from '../../../src/alerting/lifecycle';
import type { EventKind, SecretEvent } from '../../../src/events/secret-event';
import { awsEvent } from '../../fixtures/secret-events';

const T0 = Date.parse('2026-03-01T10:00:00Z');
let seq = 0;

function ev(kind: EventKind, minutes = 0, over: Partial<SecretEvent> = {}): SecretEvent {
  seq += 1;
  return awsEvent(kind, {
    severity: kind === 'rotation.failed' ? 'critical' : kind === 'deletion.scheduled' ? 'warning' : 'info',
    occurredAt: new Date(T0 + minutes * 60_000).toISOString(),
    sourceEventName: kind,
    sourceId: `aws:${seq}`,
    ...over,
  });
}

/** Feeds events through shouldNotify like the pipeline does, returning each reason and the final incident. */
function run(events: SecretEvent[], gapMs = 60_000): { reasons: string[]; incident?: Incident } {
  let incident: Incident | undefined;
  const reasons: string[] = [];
  events.forEach((e, i) => {
    const d = shouldNotify(incident, e, T0 + i * gapMs);
    reasons.push(d.reason);
    if (d.reason !== 'duplicate') incident = d.incident;
  });
  return { reasons, incident };
}

describe('shouldNotify: one incident, one message', () => {
  it.each<[string, EventKind[], string[], 'open' | 'resolved']>([
    ['a failure opens an incident', ['rotation.failed'], ['first'], 'open'],
    [
      'a success after a failure resolves it',
      ['rotation.failed', 'rotation.succeeded'],
      ['first', 'resolved'],
      'resolved',
    ],
    [
      'started → failed → retried → succeeded stays one incident',
      ['rotation.started', 'rotation.failed', 'rotation.requested', 'rotation.succeeded'],
      ['first', 'changed', 'changed', 'resolved'],
      'resolved',
    ],
    [
      'deletion scheduled → cancelled',
      ['deletion.scheduled', 'deletion.cancelled'],
      ['first', 'resolved'],
      'resolved',
    ],
    [
      'deletion scheduled → read while pending → permanently deleted',
      ['deletion.scheduled', 'access.pending-deletion', 'deletion.completed'],
      ['first', 'changed', 'resolved'],
      'resolved',
    ],
    ['a lone success is shown as already resolved', ['rotation.succeeded'], ['first'], 'resolved'],
    ['a forced deletion is final at once', ['deletion.forced'], ['first'], 'resolved'],
    [
      'label update right after success joins the resolved thread',
      ['rotation.failed', 'rotation.succeeded', 'rotation.label-updated'],
      ['first', 'resolved', 'changed'],
      'resolved',
    ],
  ])('%s', (_name, kinds, reasons, status) => {
    const r = run(kinds.map((k, i) => ev(k, i)));
    expect(r.reasons).toEqual(reasons);
    expect(r.incident!.status).toBe(status);
  });

  it('a redelivered event is a duplicate even after other events', () => {
    const failed = ev('rotation.failed');
    const d1 = shouldNotify(undefined, failed, T0);
    if (d1.reason === 'duplicate') throw new Error('unexpected');
    const d2 = shouldNotify(d1.incident, ev('rotation.requested', 1), T0);
    if (d2.reason === 'duplicate') throw new Error('unexpected');
    expect(shouldNotify(d2.incident, failed, T0).reason).toBe('duplicate');
  });

  it('a late, older failure does not reopen or re-headline a resolved incident', () => {
    const r = run([ev('rotation.failed', 10), ev('rotation.succeeded', 20)]);
    const late = shouldNotify(r.incident, ev('rotation.failed', 5), T0 + 3 * 60_000);
    expect(late.reason).toBe('changed');
    if (late.reason === 'duplicate') return;
    expect(late.incident.status).toBe('resolved');
    expect(late.incident.event.kind).toBe('rotation.succeeded');
    expect(late.replacesHeadline).toBe(false);
  });

  it('an out-of-order older event joins the timeline without changing the headline', () => {
    const r = run([ev('rotation.failed', 10)]);
    const d = shouldNotify(r.incident, ev('rotation.started', 5), T0);
    expect(d.reason).toBe('changed');
    if (d.reason === 'duplicate') return;
    expect(d.incident.event.kind).toBe('rotation.failed');
    expect(d.incident.timeline.map((t) => t.kind)).toEqual(['rotation.started', 'rotation.failed']);
  });

  it('a new failure long after a resolution opens a new incident with a new id', () => {
    const r = run([ev('rotation.failed'), ev('rotation.succeeded', 1)]);
    const d = shouldNotify(r.incident, ev('rotation.failed', 600), T0 + LATE_FOLLOW_UP_MS + 120_000);
    expect(d.reason).toBe('first');
    if (d.reason === 'duplicate') return;
    expect(d.incident.id).not.toBe(r.incident!.id);
    expect(d.incident.status).toBe('open');
  });

  it('rotation and deletion of the same secret are separate incidents; other secrets too', () => {
    expect(incidentKeyOf(ev('rotation.failed'))).not.toBe(incidentKeyOf(ev('deletion.scheduled')));
    expect(incidentKeyOf(ev('rotation.failed'))).toBe(incidentKeyOf(ev('rotation.succeeded')));
    expect(incidentKeyOf(ev('rotation.failed'))).not.toBe(
      incidentKeyOf(ev('rotation.failed', 0, { secretId: 'other' })),
    );
    expect(incidentKeyOf(ev('rotation.failed'))).not.toBe(
      incidentKeyOf(ev('rotation.failed', 0, { account: '999999999999' })),
    );
  });

  it('incident ids are derived, not random, and usable as BullMQ job ids', () => {
    const e = ev('rotation.failed');
    const a = shouldNotify(undefined, e, T0);
    const b = shouldNotify(undefined, e, T0 + 5);
    if (a.reason === 'duplicate' || b.reason === 'duplicate') throw new Error('unexpected');
    expect(a.incident.id).toBe(b.incident.id);
    expect(a.incident.id).not.toMatch(/:|^\d+$/);
  });
});

describe('shouldNotify: late deliveries long after a resolution', () => {
  it('a failure that happened before the resolving success never reopens, however late it arrives', () => {
    const r = run([ev('rotation.failed', 10), ev('rotation.succeeded', 20)]);
    const d = shouldNotify(r.incident, ev('rotation.failed', 15), T0 + 2 * LATE_FOLLOW_UP_MS);
    expect(d.reason).toBe('changed');
    if (d.reason !== 'duplicate') expect(d.incident.status).toBe('resolved');
  });
});
