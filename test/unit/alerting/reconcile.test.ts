import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incidentKeyOf, shouldNotify, type Incident } from '../../../src/alerting/lifecycle';
import {
  checkDeletion,
  checkRotation,
  incidentKeysOf,
  pickIncident,
  ROTATION_OVERDUE_GRACE_MS,
  type ReconcileScope,
} from '../../../src/alerting/reconcile';
import type { SecretSummary } from '../../../src/clouds/secrets-provider';
import { loadConfig } from '../../../src/config/load-config';
import type { EventKind, SecretEvent } from '../../../src/events/secret-event';
import { ManualClock } from '../../../src/ops/clock';

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
