import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incidentKeyOf, shouldNotify, type Incident } from '../../../src/alerting/lifecycle';
import {
  checkDeletion,
  checkGone,
  checkRestored,
  checkRotated,
  checkRotation,
  incidentKeysOf,
  reconcile,
  type ReconcileDeps,
  pickIncident,
  ROTATION_OVERDUE_GRACE_MS,
  type ReconcileScope,
} from '../../../src/alerting/reconcile';
import type { SecretSummary, SecretsProvider } from '../../../src/clouds/secrets-provider';
import { loadConfig } from '../../../src/config/load-config';
import type { EventKind, SecretEvent } from '../../../src/events/secret-event';
import { ManualClock } from '../../../src/ops/clock';
import { createLogger } from '../../../src/ops/logger';
import type { EventStore } from '../../../src/store/event-store';
import type { IncidentStore } from '../../../src/store/incident-store';

const DAY = 86_400_000;
const AWS: ReconcileScope = { provider: 'aws', account: '111122223333', region: 'eu-west-1' };
const ALI: ReconcileScope = { provider: 'alibaba', account: '1234567890123456', region: 'cn-hangzhou' };
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123';
const iso = (ms: number) => new Date(ms).toISOString();

function listed(over: Partial<SecretSummary> = {}): SecretSummary {
  return { name: 'prod/pg', arn: ARN, tags: {}, ...over };
}

/** The incident an event from EventBridge about the same secret would have opened. */
function incidentFrom(kind: EventKind, clock: ManualClock, over: Partial<SecretEvent> = {}): Incident {
  const e: SecretEvent = {
    provider: 'aws',
    source: 'aws.eventbridge',
    account: AWS.account,
    region: AWS.region,
    secretId: ARN,
    secretName: 'prod/pg',
    kind,
    severity: 'warning',
    occurredAt: iso(clock.now()),
    sourceEventName: kind,
    sourceId: `aws:${kind}:${clock.now()}`,
    ...over,
  };
  const d = shouldNotify(undefined, e, clock.now());
  if (d.reason === 'duplicate') throw new Error('unexpected');
  return d.incident;
}

describe('checkDeletion: a deletion no event announced', () => {
  const clock = new ManualClock();
  const deletionDate = iso(clock.now() + 7 * DAY);

  it('a secret pending deletion with no incident opens one, through a stable source id', () => {
    const d = checkDeletion(AWS, listed({ deletionDate }), undefined, clock.now());
    expect(d.action).toBe('open');
    if (d.action !== 'open') return;
    expect(d.event).toMatchObject({
      provider: 'aws',
      source: 'aws.reconcile',
      account: AWS.account,
      region: AWS.region,
      secretId: ARN,
      secretName: 'prod/pg',
      kind: 'deletion.scheduled',
      severity: 'warning',
      deletionDate,
      sourceEventName: 'ListSecrets',
      sourceId: `reconcile:aws:111122223333:eu-west-1:prod/pg:${deletionDate}`,
    });
    // The same secret found again later (another pass, another replica) is the same event: ingest dedups it.
    clock.advance(15 * 60_000);
    const again = checkDeletion(AWS, listed({ deletionDate }), undefined, clock.now());
    expect(again.action === 'open' && again.event.sourceId).toBe(d.event.sourceId);
    // It lands in the incident an EventBridge event about the same secret would have.
    expect(incidentKeyOf(d.event)).toBe(incidentFrom('deletion.scheduled', clock).key);
  });

  it.each<[string, Partial<SecretSummary>, Incident | undefined, string]>([
    ['not pending deletion', {}, undefined, 'not-pending-deletion'],
    [
      'an open deletion incident already shows it',
      { deletionDate },
      incidentFrom('deletion.scheduled', clock),
      'deletion-tracked',
    ],
    ['its deletion date has passed', { deletionDate: iso(clock.now() - 1) }, undefined, 'deleted'],
  ])('nothing when %s', (_name, over, incident, reason) => {
    expect(checkDeletion(AWS, listed(over), incident, clock.now())).toEqual({ action: 'none', reason });
  });

  it('a resolved deletion incident (an earlier deletion, cancelled) does not hide a new one', () => {
    const old = incidentFrom('deletion.cancelled', clock);
    expect(old.status).toBe('resolved');
    expect(checkDeletion(AWS, listed({ deletionDate }), old, clock.now()).action).toBe('open');
  });

  it('Alibaba secrets are named by their acs:kms ARN, as the events name them', () => {
    const d = checkDeletion(ALI, { name: 'rds-app', tags: {}, deletionDate }, undefined, clock.now());
    expect(d.action === 'open' && d.event.secretId).toBe(
      'acs:kms:cn-hangzhou:1234567890123456:secret/rds-app',
    );
    expect(d.action === 'open' && d.event.source).toBe('alibaba.reconcile');
  });
});

describe('checkRotation: a rotation overdue with no success seen', () => {
  const clock = new ManualClock();
  const due = clock.now() - 2 * DAY;

  it('opens a rotation.overdue that says what was due and when it last rotated', () => {
    const d = checkRotation(
      AWS,
      listed({ rotationEnabled: true, nextRotationAt: iso(due), lastRotatedAt: iso(due - 30 * DAY) }),
      undefined,
      clock.now(),
    );
    expect(d.action).toBe('open');
    if (d.action !== 'open') return;
    expect(d.event).toMatchObject({
      kind: 'rotation.overdue',
      severity: 'warning',
      source: 'aws.reconcile',
      sourceId: `reconcile:aws:111122223333:eu-west-1:prod/pg:overdue:${iso(due)}`,
    });
    expect(d.event.failure?.message).toBe(
      'Rotation was due by 2026-02-27 00:00 UTC and has not happened (last rotated 2026-01-28 00:00 UTC).',
    );
  });

  it.each<[string, Partial<SecretSummary>, (() => Incident) | undefined, string]>([
    [
      'automatic rotation is off',
      { rotationEnabled: false, nextRotationAt: iso(due) },
      undefined,
      'rotation-off',
    ],
    [
      'the secret is pending deletion',
      { rotationEnabled: true, nextRotationAt: iso(due), deletionDate: iso(clock.now() + DAY) },
      undefined,
      'rotation-off',
    ],
    [
      'not due yet',
      { rotationEnabled: true, nextRotationAt: iso(clock.now() + DAY) },
      undefined,
      'rotation-not-due',
    ],
    [
      'within the grace period',
      { rotationEnabled: true, nextRotationAt: iso(clock.now() - ROTATION_OVERDUE_GRACE_MS + 1) },
      undefined,
      'rotation-not-due',
    ],
    [
      'the cloud says it rotated after the due date',
      { rotationEnabled: true, nextRotationAt: iso(due), lastRotatedAt: iso(due + 1000) },
      undefined,
      'rotation-succeeded',
    ],
    [
      'a failure is already alerting',
      { rotationEnabled: true, nextRotationAt: iso(due) },
      () => incidentFrom('rotation.failed', clock),
      'rotation-tracked',
    ],
    [
      'a success event arrived after the due date',
      { rotationEnabled: true, nextRotationAt: iso(due) },
      () => incidentFrom('rotation.succeeded', clock, { occurredAt: iso(due + 60_000) }),
      'rotation-succeeded',
    ],
  ])('nothing when %s', (_name, over, incident, reason) => {
    expect(checkRotation(AWS, listed(over), incident?.(), clock.now())).toEqual({ action: 'none', reason });
  });

  it('a success before the due date does not count', () => {
    const old = incidentFrom('rotation.succeeded', clock, { occurredAt: iso(due - DAY) });
    expect(
      checkRotation(AWS, listed({ rotationEnabled: true, nextRotationAt: iso(due) }), old, clock.now())
        .action,
    ).toBe('open');
  });
});

describe('incident lookup', () => {
  it('checks the secret under its ARN and its name; an open incident wins over a newer resolved one', () => {
    expect(incidentKeysOf(AWS, listed(), 'deletion')).toHaveLength(2);
    expect(incidentKeysOf(AWS, listed({ arn: undefined }), 'deletion')).toHaveLength(1);
    const clock = new ManualClock();
    const open = incidentFrom('deletion.scheduled', clock);
    clock.advance(DAY);
    const resolved = incidentFrom('deletion.cancelled', clock);
    expect(pickIncident([resolved, undefined, open])).toBe(open);
    expect(pickIncident([undefined, resolved])).toBe(resolved);
    expect(pickIncident([undefined])).toBeUndefined();
  });
});

describe('configuration of reconciliation and repeats', () => {
  it('parses "<account>:<region>" scopes for both clouds, and repeat_interval with a 4h default', () => {
    const c = loadConfig({});
    expect(c.repeat_interval).toBe(4 * 3_600_000);
    expect(c.aws.regions).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'sb-rec-')), 'c.yml');
    writeFileSync(
      file,
      [
        'repeat_interval: 30m',
        'aws:',
        '  regions: ["111122223333:eu-west-1", "111122223333:us-east-1", "111122223333:eu-west-1"]',
        'alibaba:',
        '  access_key_id: LTAIfake',
        '  access_key_secret: fake-secret',
        '  regions: "1234567890123456:cn-hangzhou"',
      ].join('\n'),
    );
    const y = loadConfig({ CONFIG_FILE: file, RECONCILE_INTERVAL: '0' });
    expect(y.repeat_interval).toBe(30 * 60_000);
    expect(y.reconcile_interval).toBe(0);
    expect(y.aws.regions).toEqual([
      { account: '111122223333', region: 'eu-west-1' },
      { account: '111122223333', region: 'us-east-1' },
    ]);
    expect(y.alibaba.regions).toEqual([{ account: '1234567890123456', region: 'cn-hangzhou' }]);
  });

  it.each<[string, RegExp]>([
    [
      'aws:\n  regions: ["eu-west-1"]',
      /^aws\.regions: "eu-west-1" is not <account>:<region> \(an AWS account id is 12 digits/,
    ],
    ['aws:\n  regions: ["1111:eu-west-1"]', /^aws\.regions: "1111:eu-west-1" is not <account>:<region>/],
    [
      'alibaba:\n  regions: ["abc:cn-hangzhou"]',
      /^alibaba\.regions: "abc:cn-hangzhou" is not <account>:<region> \(an Alibaba Cloud account UID is digits/,
    ],
    ['repeat_interval: often', /^repeat_interval: "often" is not a duration/],
    [
      'alibaba:\n  regions: ["1234567890123456:cn-hangzhou"]',
      /^ALIBABA_CLOUD_ACCESS_KEY_ID \(alibaba\.access_key_id\): is required when alibaba\.regions is set/,
    ],
  ])('refuses %j at start-up with one line naming the setting', (yaml, message) => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-rec-')), 'c.yml');
    writeFileSync(file, yaml);
    expect(() => loadConfig({ CONFIG_FILE: file })).toThrow(message);
  });
});

describe('reverse reconciliation: open incidents the cloud shows are over are resolved', () => {
  const clock = new ManualClock();
  const deletionDate = iso(clock.now() + 7 * DAY);

  it('a secret no longer pending deletion (restored out of band) resolves its deletion incident', () => {
    const open = incidentFrom('deletion.scheduled', clock, { deletionDate, secretId: 'prod/pg' });
    const d = checkRestored(AWS, listed(), open, clock.now());
    expect(d.action).toBe('resolve');
    if (d.action !== 'resolve') return;
    expect(d.event).toMatchObject({
      kind: 'deletion.cancelled',
      source: 'aws.reconcile',
      secretId: 'prod/pg',
      secretName: 'prod/pg',
    });
    // It lands in the open incident (same key), and resolves it.
    expect(incidentKeyOf(d.event)).toBe(open.key);
    const next = shouldNotify(open, d.event, clock.now());
    expect(next.reason).toBe('resolved');
    // Found again next pass: the same source id, so ingest stops it at dedup.
    const again = checkRestored(AWS, listed(), open, clock.now() + DAY);
    expect(again.action === 'resolve' && again.event.sourceId).toBe(d.event.sourceId);
  });

  it('a secret that rotated after its failure resolves the rotation incident, dated by the cloud', () => {
    const open = incidentFrom('rotation.failed', clock);
    const rotatedAt = clock.now() + 60_000;
    const d = checkRotated(AWS, listed({ lastRotatedAt: iso(rotatedAt) }), open);
    expect(d.action).toBe('resolve');
    if (d.action !== 'resolve') return;
    expect(d.event).toMatchObject({ kind: 'rotation.succeeded', occurredAt: iso(rotatedAt), secretId: ARN });
    expect(shouldNotify(open, d.event, rotatedAt + 1000).reason).toBe('resolved');
  });

  it('a secret whose deletion date passed and that is no longer listed resolves as deleted', () => {
    const past = iso(clock.now() - 1);
    const open = incidentFrom('deletion.scheduled', clock, {
      deletionDate: past,
      occurredAt: iso(clock.now() - 7 * DAY),
    });
    const d = checkGone(AWS, open, clock.now());
    expect(d.action === 'resolve' && d.event).toMatchObject({
      kind: 'deletion.completed',
      occurredAt: past,
      secretName: 'prod/pg',
    });
  });

  it.each<[string, () => ReturnType<typeof checkRestored>, string]>([
    ['no open incident', () => checkRestored(AWS, listed(), undefined, clock.now()), 'no-open-incident'],
    [
      'the incident is already resolved',
      () => checkRestored(AWS, listed(), incidentFrom('deletion.cancelled', clock), clock.now()),
      'no-open-incident',
    ],
    [
      'still pending deletion',
      () =>
        checkRestored(
          AWS,
          listed({ deletionDate }),
          incidentFrom('deletion.scheduled', clock, { deletionDate }),
          clock.now(),
        ),
      'still-pending-deletion',
    ],
    [
      'a rotation incident is not a deletion',
      () => checkRestored(AWS, listed(), incidentFrom('rotation.failed', clock), clock.now()),
      'no-open-incident',
    ],
    [
      'never rotated',
      () => checkRotated(AWS, listed(), incidentFrom('rotation.failed', clock)),
      'not-rotated-since',
    ],
    [
      'rotated before the failure',
      () =>
        checkRotated(
          AWS,
          listed({ lastRotatedAt: iso(clock.now() - 1) }),
          incidentFrom('rotation.failed', clock),
        ),
      'not-rotated-since',
    ],
    [
      'rotated at the very time of the failure',
      () =>
        checkRotated(
          AWS,
          listed({ lastRotatedAt: iso(clock.now()) }),
          incidentFrom('rotation.failed', clock),
        ),
      'not-rotated-since',
    ],
    [
      'gone from the listing before its deletion date',
      () => checkGone(AWS, incidentFrom('deletion.scheduled', clock, { deletionDate }), clock.now()),
      'not-due-yet',
    ],
    [
      'gone, but the incident has no deletion date (a read of a deleted secret)',
      () => checkGone(AWS, incidentFrom('access.pending-deletion', clock), clock.now()),
      'not-due-yet',
    ],
  ])('nothing when %s', (_name, decide, reason) => {
    expect(decide()).toEqual({ action: 'none', reason });
  });
});

describe('a reconciliation pass over fake cloud listings', () => {
  /** Ingest as the EventStore does it: the first of a source id is accepted, a repeat is a duplicate. */
  function fakeEvents() {
    const accepted: SecretEvent[] = [];
    const seen = new Set<string>();
    const events = {
      accept: async (e: SecretEvent) => {
        const status = seen.has(e.sourceId) ? 'duplicate' : 'accepted';
        seen.add(e.sourceId);
        if (status === 'accepted') accepted.push(e);
        return { status, eventKey: `e-${e.sourceId}` };
      },
      recordIgnored: async () => ({ status: 'accepted', eventKey: 'x' }),
    } as unknown as EventStore;
    return { events, accepted };
  }

  function depsFor(
    listing: SecretSummary[],
    open: Incident[],
    clock: ManualClock,
  ): { deps: ReconcileDeps; accepted: SecretEvent[] } {
    const { events, accepted } = fakeEvents();
    const byKey = new Map(open.map((i) => [i.key, i]));
    const provider = { provider: 'aws', listSecrets: async () => listing } as unknown as SecretsProvider;
    const incidents = {
      get: async (k: string) => byKey.get(k),
      listOpen: async () => open.filter((i) => i.status === 'open'),
    } as unknown as IncidentStore;
    const metrics = { eventsAccepted: { inc: () => undefined } } as unknown as ReconcileDeps['metrics'];
    const deps: ReconcileDeps = {
      events,
      logger: createLogger('error'),
      metrics,
      clouds: { get: () => provider, has: () => true },
      incidents,
      scopes: [AWS],
      clock,
    };
    return { deps, accepted };
  }

  it('resolves what was restored, rotated or deleted out of band; opens what no event announced; once', async () => {
    const clock = new ManualClock();
    const restored = incidentFrom('deletion.scheduled', clock, {
      secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/restored-AAAAAA',
      secretName: 'app/restored',
      deletionDate: iso(clock.now() + 7 * DAY),
    });
    const failed = incidentFrom('rotation.failed', clock, {
      secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/rotated-BBBBBB',
      secretName: 'app/rotated',
    });
    const stillFailing = incidentFrom('rotation.failed', clock, {
      secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/failing-CCCCCC',
      secretName: 'app/failing',
    });
    const purged = incidentFrom('deletion.scheduled', clock, {
      secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/purged-DDDDDD',
      secretName: 'app/purged',
      deletionDate: iso(clock.now() + DAY),
    });
    const elsewhere = incidentFrom('deletion.scheduled', clock, {
      region: 'us-east-1',
      secretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:app/other-EEEEEE',
      secretName: 'app/other',
      deletionDate: iso(clock.now() + DAY),
    });
    clock.advance(2 * DAY);
    const listing: SecretSummary[] = [
      { name: 'app/restored', arn: restored.event.secretId, tags: { team: 'db' } },
      { name: 'app/rotated', arn: failed.event.secretId, lastRotatedAt: iso(clock.now() - DAY), tags: {} },
      {
        name: 'app/failing',
        arn: stillFailing.event.secretId,
        lastRotatedAt: iso(clock.now() - 30 * DAY),
        tags: {},
      },
      {
        name: 'app/new-deletion',
        arn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/new-deletion-FFFFFF',
        deletionDate: iso(clock.now() + 3 * DAY),
        tags: { team: 'web' },
      },
    ];
    const { deps, accepted } = depsFor(listing, [restored, failed, stillFailing, purged, elsewhere], clock);
    const report = await reconcile(deps, 'p1');
    expect(report.resolved.map((r) => [r.secret, r.kind])).toEqual([
      ['app/restored', 'deletion.cancelled'],
      ['app/rotated', 'rotation.succeeded'],
      ['app/purged', 'deletion.completed'],
    ]);
    expect(report.opened.map((r) => [r.secret, r.kind])).toEqual([
      ['app/new-deletion', 'deletion.scheduled'],
    ]);
    // Each closing event lands in its open incident; the listing's tags travel with the events.
    const byName = new Map(accepted.map((e) => [e.secretName, e]));
    expect(incidentKeyOf(byName.get('app/restored')!)).toBe(restored.key);
    expect(incidentKeyOf(byName.get('app/rotated')!)).toBe(failed.key);
    expect(incidentKeyOf(byName.get('app/purged')!)).toBe(purged.key);
    expect(byName.get('app/restored')!.tags).toEqual({ team: 'db' });
    expect(byName.get('app/new-deletion')!.tags).toEqual({ team: 'web' });
    expect(byName.has('app/failing')).toBe(false);
    expect(byName.has('app/other')).toBe(false); // another region: not this scope's to judge

    // The next pass (or another replica) finds the same things: all stopped at dedup.
    const again = await reconcile({ ...deps }, 'p2');
    expect(again.resolved).toHaveLength(0);
    expect(again.opened).toHaveLength(0);
    expect(again.alreadyFound).toBe(4);
  });

  it('a scope that cannot be listed resolves nothing', async () => {
    const clock = new ManualClock();
    const open = incidentFrom('deletion.scheduled', clock, { deletionDate: iso(clock.now() + DAY) });
    clock.advance(2 * DAY);
    const { deps, accepted } = depsFor([], [open], clock);
    deps.clouds = {
      get: () =>
        ({ listSecrets: async () => Promise.reject(new Error('boom')) }) as unknown as SecretsProvider,
      has: () => true,
    };
    const report = await reconcile(deps, 'p1');
    expect(report.failed).toHaveLength(1);
    expect(accepted).toHaveLength(0);
  });
});
