import { shouldNotify, type Incident } from '../../../src/alerting/lifecycle';
import type { Mute } from '../../../src/alerting/mute';
import {
  planFollowUps,
  reminderDecision,
  reminderPoints,
  repeatDecision,
  repeatDueAt,
  type FollowUpSettings,
} from '../../../src/alerting/reminders';
import type { EventKind, SecretEvent } from '../../../src/events/secret-event';
import { awsEvent } from '../../fixtures/secret-events';
import { ManualClock } from '../../../src/ops/clock';

const H = 3_600_000;
const DAY = 24 * H;
const START = Date.parse('2026-03-01T00:00:00Z');
const DELETION = START + 7 * DAY; // a 7-day recovery window from the start
const SETTINGS: FollowUpSettings = { reminders: [72 * H, 24 * H, H], repeatIntervalMs: 4 * H };
const iso = (ms: number) => new Date(ms).toISOString();

let seq = 0;
function event(kind: EventKind, clock: ManualClock, over: Partial<SecretEvent> = {}): SecretEvent {
  seq += 1;
  return awsEvent(kind, {
    severity: kind.startsWith('rotation') ? 'critical' : 'warning',
    occurredAt: iso(clock.now()),
    sourceEventName: kind,
    sourceId: `aws:${seq}`,
    ...(kind === 'deletion.scheduled' || kind === 'access.pending-deletion'
      ? { deletionDate: iso(DELETION) }
      : {}),
    ...over,
  });
}

/** Runs events through the lifecycle as the pipeline does; `shown` gives the incident a Slack message. */
function incidentOf(events: SecretEvent[], clock: ManualClock, shown = true): Incident {
  let incident: Incident | undefined;
  for (const e of events) {
    const d = shouldNotify(incident, e, clock.now());
    if (d.reason === 'duplicate') throw new Error('unexpected duplicate');
    incident = d.incident;
  }
  return shown ? { ...incident!, message: { platform: 'slack', channel: 'C1', ts: '1.1' } } : incident!;
}

function muteOf(incident: Incident, clock: ManualClock, over: Partial<Mute> = {}): Mute {
  return {
    id: 'm1',
    match: { secret: '', incidentKey: incident.key },
    label: 'prod/pg deletion alert',
    startsAt: iso(clock.now() - H),
    endsAt: iso(clock.now() + 30 * DAY),
    createdBy: 'U1',
    createdAt: iso(clock.now() - H),
    ...over,
  };
}

describe('reminderPoints: which countdown reminders to plan', () => {
  it.each<[string, number, boolean, Array<[number, boolean]>]>([
    [
      'a fresh 7-day deletion gets all three, the last one final',
      START,
      true,
      [
        [72 * H, false],
        [24 * H, false],
        [H, true],
      ],
    ],
    [
      'points already past are skipped',
      DELETION - 30 * H,
      true,
      [
        [24 * H, false],
        [H, true],
      ],
    ],
    ['a point exactly now is past', DELETION - 24 * H, true, [[H, true]]],
    ['nothing left: the alert just shown already says it', DELETION - 30 * 60_000, true, []],
    [
      'never shown (muted at opening) with the final point past: the final reminder at once',
      DELETION - 30 * 60_000,
      false,
      [[H, true]],
    ],
    [
      'never shown, final point ahead: the normal plan',
      DELETION - 30 * H,
      false,
      [
        [24 * H, false],
        [H, true],
      ],
    ],
    ['deletion date already passed: nothing', DELETION + 1, false, []],
  ])('%s', (_name, now, shown, expected) => {
    const points = reminderPoints(DELETION, SETTINGS.reminders, now, { shown });
    expect(points.map((p) => [p.offsetMs, p.final])).toEqual(expected);
    for (const p of points) expect(p.at).toBe(DELETION - p.offsetMs);
  });

  it('takes the offsets in any order, ignores duplicates, and the smallest is final', () => {
    const points = reminderPoints(DELETION, [H, 72 * H, H, 24 * H], START, { shown: true });
    expect(points.map((p) => p.offsetMs)).toEqual([72 * H, 24 * H, H]);
    expect(points.filter((p) => p.final).map((p) => p.offsetMs)).toEqual([H]);
  });
});

describe('planFollowUps: after every saved event', () => {
  const clock = new ManualClock(START);

  it('a deletion incident plans its reminders; a rotation failure its repeat; a resolution cancels', () => {
    const deletion = incidentOf([event('deletion.scheduled', clock)], clock);
    expect(planFollowUps(deletion, SETTINGS, clock.now())).toEqual({
      cancel: false,
      reminders: [
        { at: DELETION - 72 * H, offsetMs: 72 * H, final: false },
        { at: DELETION - 24 * H, offsetMs: 24 * H, final: false },
        { at: DELETION - H, offsetMs: H, final: true },
      ],
    });
    const failure = incidentOf([event('rotation.failed', clock)], clock);
    expect(planFollowUps(failure, SETTINGS, clock.now())).toEqual({
      cancel: false,
      reminders: [],
      repeatAt: START + 4 * H,
    });
    const cancelled = incidentOf(
      [event('deletion.scheduled', clock), event('deletion.cancelled', clock)],
      clock,
    );
    expect(planFollowUps(cancelled, SETTINGS, clock.now())).toEqual({ cancel: true, reminders: [] });
  });

  it.each<[string, EventKind[]]>([
    ['a rotation that only started', ['rotation.started']],
    ['a test rotation failure', ['test-rotation.failed']],
    ['a retried rotation (latest event: requested)', ['rotation.failed', 'rotation.requested']],
    ['a forced deletion (nothing to count down to)', ['deletion.forced']],
  ])('nothing to follow up: %s', (_name, kinds) => {
    const incident = incidentOf(
      kinds.map((k) => event(k, clock)),
      clock,
    );
    const plan = planFollowUps(incident, SETTINGS, clock.now());
    expect(plan.reminders).toEqual([]);
    expect(plan.repeatAt).toBeUndefined();
  });

  it('repeats are off with repeat_interval 0; an overdue rotation found by reconciliation repeats too', () => {
    const overdue = incidentOf([event('rotation.overdue', clock, { source: 'aws.reconcile' })], clock);
    expect(
      planFollowUps(overdue, { ...SETTINGS, repeatIntervalMs: 0 }, clock.now()).repeatAt,
    ).toBeUndefined();
    expect(planFollowUps(overdue, SETTINGS, clock.now()).repeatAt).toBe(clock.now() + 4 * H);
  });
});

describe('reminderDecision: what a due reminder does', () => {
  const at = (clock: ManualClock) => ({
    clock,
    opened: incidentOf([event('deletion.scheduled', clock)], clock),
  });

  it('a non-final reminder updates the alert in place; the final one is posted anew', () => {
    const { clock, opened } = at(new ManualClock(START));
    clock.set(DELETION - 24 * H);
    expect(
      reminderDecision(
        opened,
        { incidentId: opened.id, deletionDate: iso(DELETION), final: false },
        [],
        clock.now(),
      ),
    ).toEqual({
      action: 'show',
      reason: 'reminder',
      mode: 'update',
      final: false,
    });
    clock.set(DELETION - H);
    expect(
      reminderDecision(
        opened,
        { incidentId: opened.id, deletionDate: iso(DELETION), final: true },
        [],
        clock.now(),
      ),
    ).toEqual({
      action: 'show',
      reason: 'reminder',
      mode: 'post',
      final: true,
    });
  });

  it('a mute holds a non-final reminder, but never the final one before the deletion becomes permanent', () => {
    const { clock, opened } = at(new ManualClock(START));
    clock.set(DELETION - 24 * H);
    const mutes = [muteOf(opened, clock)];
    expect(
      reminderDecision(
        opened,
        { incidentId: opened.id, deletionDate: iso(DELETION), final: false },
        mutes,
        clock.now(),
      ),
    ).toEqual({
      action: 'skip',
      reason: 'muted',
      muteId: 'm1',
    });
    clock.set(DELETION - H);
    expect(
      reminderDecision(
        opened,
        { incidentId: opened.id, deletionDate: iso(DELETION), final: true },
        mutes,
        clock.now(),
      ),
    ).toEqual({
      action: 'show',
      reason: 'reminder',
      mode: 'post',
      final: true,
      bypassedMute: 'm1',
    });
  });

  it('a mute on the secret by name (not only the alert) is bypassed by the final reminder as well', () => {
    const { clock, opened } = at(new ManualClock(START));
    clock.set(DELETION - H);
    const byName = muteOf(opened, clock, { id: 'm2', match: { secret: 'prod/*' } });
    const d = reminderDecision(
      opened,
      { incidentId: opened.id, deletionDate: iso(DELETION), final: true },
      [byName],
      clock.now(),
    );
    expect(d).toMatchObject({ action: 'show', bypassedMute: 'm2' });
  });

  it('an incident never shown gets its reminder posted, not updated', () => {
    const clock = new ManualClock(START);
    const unseen = incidentOf([event('deletion.scheduled', clock)], clock, false);
    clock.set(DELETION - 24 * H);
    expect(
      reminderDecision(
        unseen,
        { incidentId: unseen.id, deletionDate: iso(DELETION), final: false },
        [],
        clock.now(),
      ),
    ).toMatchObject({
      action: 'show',
      mode: 'post',
    });
  });

  it.each<
    [
      string,
      (c: ManualClock) => { incident: Incident | undefined; deletionDate?: string; incidentId?: string },
      string,
    ]
  >([
    ['the incident expired', () => ({ incident: undefined }), 'gone'],
    [
      'cancelled by a deletion.cancelled event',
      (c) => ({ incident: incidentOf([event('deletion.scheduled', c), event('deletion.cancelled', c)], c) }),
      'resolved',
    ],
    [
      'permanently deleted',
      (c) => ({ incident: incidentOf([event('deletion.scheduled', c), event('deletion.completed', c)], c) }),
      'resolved',
    ],
    [
      'a newer incident about the same secret',
      (c) => ({ incident: incidentOf([event('deletion.scheduled', c)], c), incidentId: 'iolder' }),
      'superseded',
    ],
    [
      'the deletion date changed',
      (c) => ({
        incident: incidentOf([event('deletion.scheduled', c)], c),
        deletionDate: iso(DELETION + DAY),
      }),
      'rescheduled',
    ],
    [
      'Cancel deletion succeeded from chat before the cloud event arrived',
      (c) => {
        const i = incidentOf([event('deletion.scheduled', c)], c);
        const remediation = {
          action: 'cancelDeletion' as const,
          state: 'succeeded' as const,
          jobId: 'remediate-restore-x-1',
          requestedBy: 'U1',
          requestedAt: iso(c.now()),
          updatedAt: iso(c.now()),
          forEvent: i.event.sourceId,
        };
        return { incident: { ...i, remediation } };
      },
      'cancelled',
    ],
  ])('no reminder when %s', (_name, make, reason) => {
    const clock = new ManualClock(START);
    const { incident, deletionDate, incidentId } = make(clock);
    clock.set(DELETION - H);
    const d = reminderDecision(
      incident,
      {
        incidentId: incidentId ?? incident?.id ?? 'i0',
        deletionDate: deletionDate ?? iso(DELETION),
        final: true,
      },
      [],
      clock.now(),
    );
    expect(d).toEqual({ action: 'skip', reason });
  });

  it('a Cancel deletion that failed does not stop the reminders', () => {
    const clock = new ManualClock(START);
    const i = incidentOf([event('deletion.scheduled', clock)], clock);
    const failed = {
      ...i,
      remediation: {
        action: 'cancelDeletion' as const,
        state: 'failed' as const,
        jobId: 'j',
        requestedBy: 'U1',
        requestedAt: iso(START),
        updatedAt: iso(START),
        forEvent: i.event.sourceId,
      },
    };
    clock.set(DELETION - H);
    expect(
      reminderDecision(
        failed,
        { incidentId: i.id, deletionDate: iso(DELETION), final: true },
        [],
        clock.now(),
      ).action,
    ).toBe('show');
  });

  it('a reminder that runs late, after the deletion date, says nothing', () => {
    const clock = new ManualClock(START);
    const i = incidentOf([event('deletion.scheduled', clock)], clock);
    clock.set(DELETION + 1);
    expect(
      reminderDecision(i, { incidentId: i.id, deletionDate: iso(DELETION), final: true }, [], clock.now()),
    ).toEqual({ action: 'skip', reason: 'deleted' });
  });
});

describe('repeat timing', () => {
  it('is due an interval after the incident was last shown, and moves on by an interval after each repeat', () => {
    const clock = new ManualClock(START);
    let incident = incidentOf([event('rotation.failed', clock)], clock);
    expect(repeatDueAt(incident, 4 * H)).toBe(START + 4 * H);

    clock.advance(4 * H);
    const d = repeatDecision(
      incident,
      { incidentId: incident.id, dueAt: START + 4 * H },
      [],
      clock.now(),
      4 * H,
    );
    expect(d).toEqual({
      action: 'show',
      reason: 'repeat-due',
      mode: 'post',
      final: false,
      next: START + 8 * H,
    });
    incident = { ...incident, followUp: { reason: 'repeat-due', at: iso(clock.now()), outcome: 'shown' } };
    expect(repeatDueAt(incident, 4 * H)).toBe(START + 8 * H);
    // The job planned before that repeat is now stale.
    expect(
      repeatDecision(incident, { incidentId: incident.id, dueAt: START + 4 * H }, [], clock.now(), 4 * H),
    ).toEqual({
      action: 'skip',
      reason: 'rescheduled',
    });
  });

  it('a new event resets the timer: the job planned before it is dropped, the new one fires', () => {
    const clock = new ManualClock(START);
    const first = event('rotation.failed', clock);
    clock.advance(2 * H);
    const again = incidentOf([first, event('rotation.failed', clock)], clock);
    clock.set(START + 4 * H);
    expect(
      repeatDecision(again, { incidentId: again.id, dueAt: START + 4 * H }, [], clock.now(), 4 * H),
    ).toEqual({ action: 'skip', reason: 'rescheduled' });
    clock.set(START + 6 * H);
    expect(
      repeatDecision(again, { incidentId: again.id, dueAt: START + 6 * H }, [], clock.now(), 4 * H).action,
    ).toBe('show');
  });

  it('a muted incident is not repeated, but the timer moves on so repeats resume after the mute', () => {
    const clock = new ManualClock(START);
    const incident = incidentOf([event('rotation.failed', clock)], clock);
    const mute = muteOf(incident, clock, { endsAt: iso(START + 6 * H) });
    clock.set(START + 4 * H);
    const held = repeatDecision(
      incident,
      { incidentId: incident.id, dueAt: START + 4 * H },
      [mute],
      clock.now(),
      4 * H,
    );
    expect(held).toEqual({ action: 'skip', reason: 'muted', muteId: 'm1', next: START + 8 * H });
    clock.set(START + 8 * H);
    expect(
      repeatDecision(incident, { incidentId: incident.id, dueAt: START + 8 * H }, [mute], clock.now(), 4 * H),
    ).toMatchObject({
      action: 'show',
      reason: 'repeat-due',
    });
  });

  it.each<[string, EventKind[], string]>([
    ['resolved by a success', ['rotation.failed', 'rotation.succeeded'], 'resolved'],
    [
      'retried: the latest event is no longer a failure',
      ['rotation.failed', 'rotation.started'],
      'not-failing',
    ],
  ])('no repeat when %s', (_name, kinds, reason) => {
    const clock = new ManualClock(START);
    const incident = incidentOf(
      kinds.map((k) => event(k, clock)),
      clock,
    );
    clock.set(START + 4 * H);
    expect(
      repeatDecision(incident, { incidentId: incident.id, dueAt: START + 4 * H }, [], clock.now(), 4 * H),
    ).toEqual({ action: 'skip', reason });
  });
});
