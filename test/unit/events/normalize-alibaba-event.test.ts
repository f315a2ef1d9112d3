import { normalizeAlibabaEvent } from '../../../src/events/normalize-alibaba-event';
import type { SecretEvent } from '../../../src/events/secret-event';
import { loadFixture, loadFormFixture } from '../../fixtures';
import { edited, eventOf } from './outcome';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ali = (file: string): Body => loadFixture(`alibaba/${file}.json`) as Body;
const UID = '1234567890123456';
const PROD_RDS = `acs:kms:cn-hangzhou:${UID}:secret/prod-rds-app`;
const SAMPLE_ARN = 'acs:kms:cn-hangzhou:188989715694****:secret/secretName';
/** The documented samples carry the placeholder `"eventId": "eventId"`, so their ids are content hashes. */
const FAILURE_HASH_ID = 'alibaba:cm:sha256:21354298e15e87bdc1e75f24462ff19204b42e9abb0fb62fb9697f97f2be4449';
const SUCCESS_HASH_ID = 'alibaba:cm:sha256:06404b715fa419e7140edc01c1e365bc0e56a43b50ffaa6d103aa1e84933fe31';

const sample = {
  provider: 'alibaba',
  source: 'alibaba.cloudmonitor',
  account: '188989715694****',
  region: 'cn-hangzhou',
  secretId: SAMPLE_ARN,
  secretName: 'SecretName',
  secretType: 'ECS',
} as const;
const prodRds = {
  provider: 'alibaba',
  source: 'alibaba.eventbridge',
  account: UID,
  region: 'cn-hangzhou',
  secretId: PROD_RDS,
  secretName: 'prod-rds-app',
} as const;

describe('normalizeAlibabaEvent: every fixture becomes the alert a user should see', () => {
  it.each<[string, string, Body, SecretEvent]>([
    [
      'cloudmonitor-rotate-failure.json',
      'a failed rotation is critical, with the KMS error and the masked account kept as given',
      ali('cloudmonitor-rotate-failure'),
      {
        ...sample,
        kind: 'rotation.failed',
        severity: 'critical',
        occurredAt: '2018-08-16T05:59:35.689Z',
        failure: { code: 'Kms:ErrorCode', message: 'errorMessage' },
        sourceEventName: 'Secret:RotateSecret:Failure',
        sourceId: FAILURE_HASH_ID,
      },
    ],
    [
      'cloudmonitor-rotate-failure.form',
      'the legacy form-encoded callback gives the same alert',
      loadFormFixture('alibaba/cloudmonitor-rotate-failure.form'),
      {
        ...sample,
        kind: 'rotation.failed',
        severity: 'critical',
        occurredAt: '2018-08-16T05:59:35.689Z',
        failure: { code: 'Kms:ErrorCode', message: 'errorMessage' },
        sourceEventName: 'Secret:RotateSecret:Failure',
        sourceId: FAILURE_HASH_ID,
      },
    ],
    [
      'cloudmonitor-rotate-success.json',
      'a successful rotation without eventTime is dated by successTime',
      ali('cloudmonitor-rotate-success'),
      {
        ...sample,
        kind: 'rotation.succeeded',
        severity: 'info',
        occurredAt: '2012-03-12T05:55:36.000Z',
        sourceEventName: 'Secret:RotateSecret:Success',
        sourceId: SUCCESS_HASH_ID,
      },
    ],
    [
      'cloudevent-rotate-failure.json',
      'a failed rotation through EventBridge, +0800 compact time converted to UTC',
      ali('cloudevent-rotate-failure'),
      {
        ...prodRds,
        secretType: 'Rds',
        kind: 'rotation.failed',
        severity: 'critical',
        occurredAt: '2026-03-01T02:15:30.123Z',
        failure: { code: 'Rds.InvalidAccount', message: 'account not found' },
        sourceEventName: 'Secret:RotateSecret:Failure',
        sourceId: 'alibaba:ce:acs.kms:4a2b9c5d-0001-4e7f-9a81-9c0d1e2f3a01',
      },
    ],
    [
      'cloudevent-actiontrail-delete-secret.json',
      'a scheduled deletion shows PlannedDeleteTime in UTC and who deleted it',
      ali('cloudevent-actiontrail-delete-secret'),
      {
        ...prodRds,
        kind: 'deletion.scheduled',
        severity: 'warning',
        occurredAt: '2026-03-01T02:15:30.000Z',
        actor: 'alice',
        deletionDate: '2026-03-08T02:15:30.000Z',
        recoveryWindowDays: 7,
        sourceEventName: 'DeleteSecret',
        sourceId: 'alibaba:ce:acs.kms:5f1e8e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      },
    ],
    [
      'cloudevent-actiontrail-delete-secret-force.json',
      'a forced deletion is critical, with no date to cancel before',
      ali('cloudevent-actiontrail-delete-secret-force'),
      {
        ...prodRds,
        kind: 'deletion.forced',
        severity: 'critical',
        occurredAt: '2026-03-01T03:00:00.000Z',
        actor: 'alice',
        sourceEventName: 'DeleteSecret',
        sourceId: 'alibaba:ce:acs.kms:5f1e8e3a-0002-4e5f-8a9b-0c1d2e3f4a02',
      },
    ],
    [
      'cloudevent-actiontrail-restore-secret.json',
      'a restore from the console cancels the deletion',
      ali('cloudevent-actiontrail-restore-secret'),
      {
        ...prodRds,
        kind: 'deletion.cancelled',
        severity: 'info',
        occurredAt: '2026-03-02T01:00:00.000Z',
        actor: 'alice',
        sourceEventName: 'RestoreSecret',
        sourceId: 'alibaba:ce:acs.kms:5f1e8e3a-0003-4e5f-8a9b-0c1d2e3f4a03',
      },
    ],
    [
      'cloudevent-actiontrail-rotate-secret.json',
      'a requested rotation names who asked',
      ali('cloudevent-actiontrail-rotate-secret'),
      {
        ...prodRds,
        kind: 'rotation.requested',
        severity: 'info',
        occurredAt: '2026-03-01T02:10:00.000Z',
        actor: 'alice',
        sourceEventName: 'RotateSecret',
        sourceId: 'alibaba:ce:acs.kms:5f1e8e3a-0004-4e5f-8a9b-0c1d2e3f4a04',
      },
    ],
  ])('%s: %s', (_file, _behaviour, body, expected) => {
    expect(eventOf(normalizeAlibabaEvent(body))).toStrictEqual(expected);
  });
});

describe('normalizeAlibabaEvent: CloudMonitor events', () => {
  const failure = ali('cloudmonitor-rotate-failure');
  const cm = (edit: (b: Body) => void) => edited<Body>(failure, edit);

  it('uses content.eventId as the delivery id when the event has a real one', () => {
    const body = cm((b) => (b.content.eventId = 'e-7f3a9c'));
    expect(eventOf(normalizeAlibabaEvent(body)).sourceId).toBe('alibaba:cm:e-7f3a9c');
  });

  it.each([
    ['the documentation placeholder "eventId"', 'eventId'],
    ['an empty eventId', ''],
    ['a missing eventId', undefined],
  ])('hashes the event when it has %s, so redeliveries still dedupe', (_name, eventId) => {
    const body = cm((b) =>
      eventId === undefined ? delete b.content.eventId : (b.content.eventId = eventId),
    );
    expect(eventOf(normalizeAlibabaEvent(body)).sourceId).toBe(FAILURE_HASH_ID);
  });

  it('gives a different hash to a different occurrence, and the same one whatever the key order', () => {
    const later = cm((b) => (b.eventTime = '20180816T140035.689+0800'));
    expect(eventOf(normalizeAlibabaEvent(later)).sourceId).not.toBe(FAILURE_HASH_ID);
    const reordered = Object.fromEntries(Object.entries(failure).reverse());
    expect(eventOf(normalizeAlibabaEvent(reordered)).sourceId).toBe(FAILURE_HASH_ID);
  });

  it('gives the form callback and the JSON callback of one event the same alert and id', () => {
    const form = loadFormFixture('alibaba/cloudmonitor-rotate-failure.form');
    expect(Object.values(form).every((v) => typeof v === 'string')).toBe(true);
    expect(normalizeAlibabaEvent(form)).toEqual(normalizeAlibabaEvent(failure));
  });

  it('accepts content as a JSON string in a JSON body too', () => {
    const body = cm((b) => (b.content = JSON.stringify(b.content)));
    expect(normalizeAlibabaEvent(body)).toEqual(normalizeAlibabaEvent(failure));
  });

  it('trims the leading space some samples put before resourceId', () => {
    const body = cm((b) => (b.resourceId = ` ${SAMPLE_ARN}`));
    expect(eventOf(normalizeAlibabaEvent(body))).toMatchObject({
      secretId: SAMPLE_ARN,
      account: '188989715694****',
    });
  });

  it('takes the region from resourceId when regionId is missing', () => {
    const body = cm((b) => {
      delete b.regionId;
      b.resourceId = `acs:kms:cn-shanghai:${UID}:secret/app`;
    });
    expect(eventOf(normalizeAlibabaEvent(body))).toMatchObject({ region: 'cn-shanghai', account: UID });
  });

  it('names the secret from the resourceId when content has no secretName', () => {
    const body = cm((b) => delete b.content.secretName);
    expect(eventOf(normalizeAlibabaEvent(body)).secretName).toBe('secretName');
  });

  it.each<[string, (b: Body) => void, string]>([
    [
      'a compact time without milliseconds',
      (b) => (b.eventTime = '20260301T101530+0800'),
      '2026-03-01T02:15:30.000Z',
    ],
    ['failureTime when eventTime is missing', (b) => delete b.eventTime, '2012-03-12T05:55:36.000Z'],
    ['failureTime when eventTime is unreadable', (b) => (b.eventTime = 'soon'), '2012-03-12T05:55:36.000Z'],
    [
      'the receive time when the event has no time at all',
      (b) => (delete b.eventTime, delete b.content.failureTime),
      '2026-03-01T00:00:05.000Z',
    ],
  ])('dates the event by %s', (_name, edit, occurredAt) => {
    expect(eventOf(normalizeAlibabaEvent(cm(edit), '2026-03-01T00:00:05Z')).occurredAt).toBe(occurredAt);
  });

  it('rejects an event with no time at all when no receive time is given', () => {
    const body = cm((b) => (delete b.eventTime, delete b.content.failureTime));
    expect(normalizeAlibabaEvent(body)).toEqual({
      outcome: 'invalid',
      error: expect.stringMatching(/no usable time/),
    });
  });

  it.each<[string, (b: Body) => void, RegExp]>([
    ['another product', (b) => (b.product = 'ECS'), /product "ECS", not KMS/],
    [
      'an unknown KMS event',
      (b) => (b.name = 'Secret:DeleteSecret:Warn'),
      /KMS event "Secret:DeleteSecret:Warn" is not one/,
    ],
    ['a KMS key event', (b) => (b.name = 'Key:RotateKey:Success'), /"Key:RotateKey:Success"/],
  ])('acknowledges %s without an alert', (_name, edit, reason) => {
    expect(normalizeAlibabaEvent(cm(edit))).toEqual({
      outcome: 'ignored',
      sourceId: expect.stringMatching(/^alibaba:cm:sha256:[0-9a-f]{64}$/),
      reason: expect.stringMatching(reason),
    });
  });
});

describe('normalizeAlibabaEvent: EventBridge CloudEvents', () => {
  const deleteSecret = ali('cloudevent-actiontrail-delete-secret');
  const ce = (edit: (b: Body) => void, base: Body = deleteSecret) => edited<Body>(base, edit);
  const DELETE_ID = 'alibaba:ce:acs.kms:5f1e8e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

  it.each<[string, (b: Body) => void, Partial<SecretEvent>]>([
    [
      'no PlannedDeleteTime: event time + RecoveryWindowInDays',
      (b) => delete b.data.responseElements.PlannedDeleteTime,
      { deletionDate: '2026-03-08T02:15:30.000Z', recoveryWindowDays: 7 },
    ],
    [
      'no PlannedDeleteTime and no window: the 30-day default',
      (b) => (
        delete b.data.responseElements.PlannedDeleteTime,
        delete b.data.requestParameters.RecoveryWindowInDays
      ),
      { deletionDate: '2026-03-31T02:15:30.000Z', recoveryWindowDays: 30 },
    ],
    [
      'ForceDeleteWithoutRecovery as a boolean',
      (b) => (b.data.requestParameters.ForceDeleteWithoutRecovery = true),
      { kind: 'deletion.forced', severity: 'critical' },
    ],
    [
      'ForceDeleteWithoutRecovery "false"',
      (b) => (b.data.requestParameters.ForceDeleteWithoutRecovery = 'false'),
      { kind: 'deletion.scheduled', recoveryWindowDays: 7 },
    ],
    [
      'requestParameters and responseElements as JSON strings',
      (b) => {
        b.data.requestParameters = JSON.stringify(b.data.requestParameters);
        b.data.responseElements = JSON.stringify(b.data.responseElements);
      },
      { secretName: 'prod-rds-app', deletionDate: '2026-03-08T02:15:30.000Z' },
    ],
    [
      'SecretName given as an ARN',
      (b) => (b.data.requestParameters.SecretName = `acs:kms:cn-beijing:${UID}:secret/other`),
      { secretId: `acs:kms:cn-beijing:${UID}:secret/other`, secretName: 'other', region: 'cn-beijing' },
    ],
    [
      'the region and account from the CloudEvent when the record lacks them',
      (b) => (delete b.data.acsRegion, delete b.data.recipientAccountId, (b.aliyunregionid = 'cn-shenzhen')),
      { region: 'cn-shenzhen', account: UID, secretId: `acs:kms:cn-shenzhen:${UID}:secret/prod-rds-app` },
    ],
    [
      'the secret name from the subject when the parameters lack it',
      (b) => (delete b.data.requestParameters.SecretName, delete b.data.responseElements.SecretName),
      { secretName: 'prod-rds-app', secretId: PROD_RDS },
    ],
    [
      'the CloudEvent time when the record has none',
      (b) => delete b.data.eventTime,
      { occurredAt: '2026-03-01T02:15:30.000Z' },
    ],
    [
      'the principal id when there is no user name',
      (b) => delete b.data.userIdentity.userName,
      { actor: '223344556677889900' },
    ],
  ])('DeleteSecret: reads %s', (_name, edit, expected) => {
    expect(eventOf(normalizeAlibabaEvent(ce(edit)))).toMatchObject(expected);
  });

  it('names a CloudMonitor event by its CloudEvent type when data has no name', () => {
    const body = ce((b) => (delete b.data.name, delete b.data.product), ali('cloudevent-rotate-failure'));
    expect(eventOf(normalizeAlibabaEvent(body))).toMatchObject({
      kind: 'rotation.failed',
      sourceEventName: 'Secret:RotateSecret:Failure',
    });
  });

  it('accepts data as a JSON string', () => {
    const body = ce((b) => (b.data = JSON.stringify(b.data)));
    expect(normalizeAlibabaEvent(body)).toEqual(normalizeAlibabaEvent(deleteSecret));
  });

  it.each<[string, (b: Body) => void, RegExp]>([
    [
      'another product',
      (b) => (b.type = 'ecs:ActionTrail:ApiCall'),
      /type "ecs:ActionTrail:ApiCall" is not a KMS event/,
    ],
    [
      'a KMS Config event',
      (b) => (b.type = 'kms:Config:ConfigurationItemChangeNotification'),
      /is not one the bot acts on/,
    ],
    [
      'a KMS service event',
      (b) => (b.type = 'kms:ActionTrail:AliyunServiceEvent'),
      /is not one the bot acts on/,
    ],
    [
      'another KMS API call',
      (b) => (b.data.eventName = 'PutSecretValue'),
      /KMS API call "PutSecretValue" is not one/,
    ],
    [
      'a refused DeleteSecret',
      (b) => ((b.data.errorCode = 'Forbidden.ResourceNotFound'), (b.data.errorMessage = 'not found')),
      /DeleteSecret failed with "Forbidden.ResourceNotFound": nothing changed/,
    ],
    [
      'an unknown rotation result',
      (b) => ((b.type = 'kms:CloudMonitor:Secret[RotateSecret:Pending]'), (b.data = { content: {} })),
      /KMS event "Secret:RotateSecret:Pending" is not one/,
    ],
  ])('acknowledges %s without an alert, with its CloudEvent id', (_name, edit, reason) => {
    expect(normalizeAlibabaEvent(ce(edit))).toEqual({
      outcome: 'ignored',
      sourceId: DELETE_ID,
      reason: expect.stringMatching(reason),
    });
  });
});

describe('normalizeAlibabaEvent: what is neither shape is rejected with a clear error', () => {
  const deleteSecret = ali('cloudevent-actiontrail-delete-secret');
  it.each<[string, unknown, RegExp]>([
    ['null', null, /expected a JSON object, got null/],
    ['an array', [deleteSecret], /got an array/],
    ['a string', 'x', /got a string/],
    ['an empty object', {}, /neither a CloudMonitor event .* nor a CloudEvent/],
    ['a CloudMonitor event without a name', { product: 'KMS' }, /missing string fields 'product' and 'name'/],
    [
      'a CloudEvent of another spec version',
      { ...deleteSecret, specversion: '0.3' },
      /unsupported specversion "0.3"/,
    ],
    [
      'a CloudEvent without an id',
      { ...deleteSecret, id: undefined },
      /'id', 'source' and 'type' must be non-empty/,
    ],
    ['a CloudEvent with a numeric source', { ...deleteSecret, source: 5 }, /'id', 'source' and 'type'/],
    ['a KMS CloudEvent whose data is a number', { ...deleteSecret, data: 5 }, /'data' must be a JSON object/],
    [
      'an ActionTrail record without eventName',
      edited<Body>(deleteSecret, (b) => delete b.data.eventName),
      /ActionTrail record without a string eventName/,
    ],
  ])('%s', (_name, body, error) => {
    expect(normalizeAlibabaEvent(body)).toEqual({ outcome: 'invalid', error: expect.stringMatching(error) });
  });
});
