import { normalizeAwsEvent } from '../../../src/events/normalize-aws-event';
import type { NormalizeResult, SecretEvent } from '../../../src/events/secret-event';
import { loadFixture } from '../../fixtures';
import { edited, eventOf } from './outcome';

type Envelope = Record<string, unknown> & { detail: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/ops/alice';
const ROTATOR_ERROR = (step: string) =>
  `Error when executing lambda arn:aws:lambda:eu-west-1:111122223333:function:pg-rotator during ${step} step`;
const prodPg = {
  provider: 'aws',
  source: 'aws.eventbridge',
  account: '111122223333',
  region: 'eu-west-1',
  secretId: ARN,
  secretName: 'prod/pg',
} as const;

const aws = (file: string): Envelope => loadFixture(`aws/${file}.json`) as Envelope;

describe('normalizeAwsEvent: every fixture becomes the alert a user should see', () => {
  it.each<[string, string, SecretEvent]>([
    [
      'rotation-started',
      'a rotation start is logged quietly',
      {
        ...prodPg,
        kind: 'rotation.started',
        severity: 'info',
        occurredAt: '2026-03-01T02:17:40.000Z',
        sourceEventName: 'RotationStarted',
        sourceId: 'aws:0b8c5e1e-0001-4f0e-9d4e-1c2b3a4d5e01',
      },
    ],
    [
      'rotation-succeeded',
      'a successful rotation is info',
      {
        ...prodPg,
        kind: 'rotation.succeeded',
        severity: 'info',
        occurredAt: '2026-03-01T02:17:52.000Z',
        sourceEventName: 'RotationSucceeded',
        sourceId: 'aws:0b8c5e1e-0002-4f0e-9d4e-1c2b3a4d5e02',
      },
    ],
    [
      'rotation-failed',
      'a failed rotation is critical and says which Lambda step broke',
      {
        ...prodPg,
        kind: 'rotation.failed',
        severity: 'critical',
        occurredAt: '2026-03-01T02:17:48.000Z',
        failure: { message: ROTATOR_ERROR('setSecret') },
        sourceEventName: 'RotationFailed',
        sourceId: 'aws:0b8c5e1e-5a0b-4f0e-9d4e-1c2b3a4d5e6f',
      },
    ],
    [
      'rotation-abandoned',
      'an abandoned rotation is a warning',
      {
        ...prodPg,
        kind: 'rotation.abandoned',
        severity: 'warning',
        occurredAt: '2026-03-01T02:18:05.000Z',
        sourceEventName: 'RotationAbandoned',
        sourceId: 'aws:0b8c5e1e-0004-4f0e-9d4e-1c2b3a4d5e04',
      },
    ],
    [
      'test-rotation-started',
      'a test rotation start is info',
      {
        ...prodPg,
        kind: 'test-rotation.started',
        severity: 'info',
        occurredAt: '2026-03-01T03:00:00.000Z',
        sourceEventName: 'TestRotationStarted',
        sourceId: 'aws:0b8c5e1e-0005-4f0e-9d4e-1c2b3a4d5e05',
      },
    ],
    [
      'test-rotation-succeeded',
      'a passed test rotation is info',
      {
        ...prodPg,
        kind: 'test-rotation.succeeded',
        severity: 'info',
        occurredAt: '2026-03-01T03:00:09.000Z',
        sourceEventName: 'TestRotationSucceeded',
        sourceId: 'aws:0b8c5e1e-0006-4f0e-9d4e-1c2b3a4d5e06',
      },
    ],
    [
      'test-rotation-failed',
      'a failed test rotation is a warning with its error',
      {
        ...prodPg,
        kind: 'test-rotation.failed',
        severity: 'warning',
        occurredAt: '2026-03-01T03:00:11.000Z',
        failure: { message: ROTATOR_ERROR('testSecret') },
        sourceEventName: 'TestRotationFailed',
        sourceId: 'aws:0b8c5e1e-0007-4f0e-9d4e-1c2b3a4d5e07',
      },
    ],
    [
      'start-secret-version-delete',
      'the purge starting at the end of the window is a warning',
      {
        ...prodPg,
        kind: 'deletion.started',
        severity: 'warning',
        occurredAt: '2026-03-08T10:15:40.000Z',
        sourceEventName: 'StartSecretVersionDelete',
        sourceId: 'aws:1c9d6f2f-0002-4a1b-8c2d-3e4f5a6b7c02',
      },
    ],
    [
      'cancel-secret-version-delete',
      'a cancelled version purge is info',
      {
        ...prodPg,
        kind: 'deletion.cancelled',
        severity: 'info',
        occurredAt: '2026-03-02T09:00:01.000Z',
        sourceEventName: 'CancelSecretVersionDelete',
        sourceId: 'aws:1c9d6f2f-0001-4a1b-8c2d-3e4f5a6b7c01',
      },
    ],
    [
      'end-secret-version-delete',
      'a permanently deleted secret is critical',
      {
        ...prodPg,
        kind: 'deletion.completed',
        severity: 'critical',
        occurredAt: '2026-03-08T10:16:02.000Z',
        sourceEventName: 'EndSecretVersionDelete',
        sourceId: 'aws:1c9d6f2f-0003-4a1b-8c2d-3e4f5a6b7c03',
      },
    ],
    [
      'delete-secret',
      'the 2018 sample (aRN, "May 3, 2018 5:51:02 PM") schedules deletion 30 days out, read as UTC',
      {
        provider: 'aws',
        source: 'aws.eventbridge',
        account: '123456789012',
        region: 'us-west-2',
        secretId: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDatabaseSecret-a1b2c3',
        secretName: 'MyDatabaseSecret',
        kind: 'deletion.scheduled',
        severity: 'warning',
        occurredAt: '2018-04-03T17:51:02.000Z',
        actor: 'arn:aws:iam::123456789012:root',
        deletionDate: '2018-05-03T17:51:02.000Z',
        recoveryWindowDays: 30,
        sourceEventName: 'DeleteSecret',
        sourceId: 'aws:2d0e7a3b-0001-4c5d-9e6f-7a8b9c0d1e01',
      },
    ],
    [
      'delete-secret-arn',
      'the newer arn form ("Mar 8, 2026, 10:15:30 AM") shows a 7-day window and who deleted it',
      {
        ...prodPg,
        kind: 'deletion.scheduled',
        severity: 'warning',
        occurredAt: '2026-03-01T10:15:30.000Z',
        actor: ALICE,
        deletionDate: '2026-03-08T10:15:30.000Z',
        recoveryWindowDays: 7,
        sourceEventName: 'DeleteSecret',
        sourceId: 'aws:2d0e7a3b-0002-4c5d-9e6f-7a8b9c0d1e02',
      },
    ],
    [
      'delete-secret-force',
      'a forced deletion is critical and offers no deletion date to cancel before',
      {
        ...prodPg,
        kind: 'deletion.forced',
        severity: 'critical',
        occurredAt: '2026-03-01T11:00:00.000Z',
        actor: ALICE,
        sourceEventName: 'DeleteSecret',
        sourceId: 'aws:2d0e7a3b-0003-4c5d-9e6f-7a8b9c0d1e03',
      },
    ],
    [
      'restore-secret',
      'a restored secret cancels the deletion',
      {
        ...prodPg,
        kind: 'deletion.cancelled',
        severity: 'info',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: ALICE,
        sourceEventName: 'RestoreSecret',
        sourceId: 'aws:2d0e7a3b-0004-4c5d-9e6f-7a8b9c0d1e04',
      },
    ],
    [
      'rotate-secret',
      'a requested rotation names who asked',
      {
        ...prodPg,
        kind: 'rotation.requested',
        severity: 'info',
        occurredAt: '2026-03-01T02:17:39.000Z',
        actor: ALICE,
        sourceEventName: 'RotateSecret',
        sourceId: 'aws:2d0e7a3b-0005-4c5d-9e6f-7a8b9c0d1e05',
      },
    ],
    [
      'cancel-rotate-secret',
      'turning rotation off (older aRN form) is recorded',
      {
        ...prodPg,
        kind: 'rotation.cancelled',
        severity: 'info',
        occurredAt: '2023-11-14T16:40:12.000Z',
        actor: ALICE,
        sourceEventName: 'CancelRotateSecret',
        sourceId: 'aws:2d0e7a3b-0006-4c5d-9e6f-7a8b9c0d1e06',
      },
    ],
    [
      'get-secret-value-pending-deletion',
      'a read of a secret marked for deletion is critical and names the reader',
      {
        ...prodPg,
        secretId: 'prod/pg',
        kind: 'access.pending-deletion',
        severity: 'critical',
        occurredAt: '2026-03-03T08:30:12.000Z',
        actor: 'arn:aws:sts::111122223333:assumed-role/billing-app/i-0abc1234def567890',
        failure: {
          code: 'InvalidRequestException',
          message: "You can't perform this operation on the secret because it was marked for deletion.",
        },
        sourceEventName: 'GetSecretValue',
        sourceId: 'aws:2d0e7a3b-0007-4c5d-9e6f-7a8b9c0d1e07',
      },
    ],
    [
      'secret-label-updated',
      'AWSCURRENT moving is the sign a rotation took effect',
      {
        ...prodPg,
        kind: 'rotation.label-updated',
        severity: 'info',
        occurredAt: '2026-03-01T02:17:51.000Z',
        sourceEventName: 'Secret Label Updated',
        sourceId: 'aws:3e1f8b4c-0001-4d6e-8f70-8b9c0d1e2f01',
      },
    ],
  ])('%s: %s', (file, _behaviour, expected) => {
    expect(eventOf(normalizeAwsEvent(aws(file)))).toStrictEqual(expected);
  });

  it.each([
    [
      'create-secret',
      'aws:2d0e7a3b-0008-4c5d-9e6f-7a8b9c0d1e08',
      /API call "CreateSecret" is not one the bot acts on/,
    ],
    [
      'failed-delete-secret',
      'aws:2d0e7a3b-0009-4c5d-9e6f-7a8b9c0d1e09',
      /DeleteSecret failed with "AccessDenied": nothing changed/,
    ],
  ])('%s.json is acknowledged but raises no alert (%s)', (file, sourceId, reason) => {
    const result = normalizeAwsEvent(aws(file));
    expect(result).toEqual({ outcome: 'ignored', sourceId, reason: expect.stringMatching(reason) });
  });
});

describe('normalizeAwsEvent: deletion dates', () => {
  const eventTime = '2026-03-01T10:15:30Z';
  const withDeletion = (deletionDate: unknown, recoveryWindowInDays: unknown) =>
    edited<Envelope>(aws('delete-secret-arn'), (e) => {
      e.detail.eventTime = eventTime;
      if (recoveryWindowInDays === undefined) delete e.detail.requestParameters.recoveryWindowInDays;
      else e.detail.requestParameters.recoveryWindowInDays = recoveryWindowInDays;
      if (deletionDate === undefined) delete e.detail.responseElements.deletionDate;
      else e.detail.responseElements.deletionDate = deletionDate;
    });
  const march8 = Date.UTC(2026, 2, 8, 10, 15, 30);

  it.each<[string, unknown, unknown, string, number]>([
    ['a 2018-style human date', 'May 3, 2026 5:51:02 PM', 7, '2026-05-03T17:51:02.000Z', 7],
    ['a current human date with commas', 'Mar 8, 2026, 10:15:30 AM', 7, '2026-03-08T10:15:30.000Z', 7],
    [
      'a human date with a narrow no-break space before AM (newer ICU)',
      'Mar 8, 2026, 10:15:30\u202fAM',
      7,
      '2026-03-08T10:15:30.000Z',
      7,
    ],
    ['12 AM as midnight', 'Mar 8, 2026, 12:05:00 AM', 7, '2026-03-08T00:05:00.000Z', 7],
    ['12 PM as noon', 'Mar 8, 2026, 12:05:00 PM', 7, '2026-03-08T12:05:00.000Z', 7],
    ['an ISO date', '2026-03-08T10:15:30Z', 7, '2026-03-08T10:15:30.000Z', 7],
    ['an ISO date with an offset', '2026-03-08T18:15:30+08:00', 7, '2026-03-08T10:15:30.000Z', 7],
    ['epoch seconds (the SDK shape)', march8 / 1000, 7, '2026-03-08T10:15:30.000Z', 7],
    ['epoch milliseconds', march8, 7, '2026-03-08T10:15:30.000Z', 7],
    ['an unreadable date: event time + window', 'next Tuesday', 7, '2026-03-08T10:15:30.000Z', 7],
    ['no date: event time + window', undefined, 10, '2026-03-11T10:15:30.000Z', 10],
    ['no date and no window: the 30-day default', undefined, undefined, '2026-03-31T10:15:30.000Z', 30],
    ['a window given as a string', undefined, '14', '2026-03-15T10:15:30.000Z', 14],
    [
      'an impossible date (Feb 30): event time + window',
      'Feb 30, 2026, 10:15:30 AM',
      7,
      '2026-03-08T10:15:30.000Z',
      7,
    ],
  ])('reads %s', (_name, deletionDate, window, expectedDate, expectedWindow) => {
    const event = eventOf(normalizeAwsEvent(withDeletion(deletionDate, window)));
    expect(event.deletionDate).toBe(expectedDate);
    expect(event.recoveryWindowDays).toBe(expectedWindow);
  });

  it.each([true, 'true', 'TRUE'])(
    'forceDeleteWithoutRecovery=%p is a forced deletion with no date',
    (flag) => {
      const body = edited<Envelope>(aws('delete-secret-arn'), (e) => {
        e.detail.requestParameters = { secretId: 'prod/pg', forceDeleteWithoutRecovery: flag };
      });
      const event = eventOf(normalizeAwsEvent(body));
      expect(event).toMatchObject({ kind: 'deletion.forced', severity: 'critical' });
      expect(event.deletionDate).toBeUndefined();
      expect(event.recoveryWindowDays).toBeUndefined();
    },
  );

  it('forceDeleteWithoutRecovery=false keeps the recovery window', () => {
    const body = edited<Envelope>(aws('delete-secret-arn'), (e) => {
      e.detail.requestParameters.forceDeleteWithoutRecovery = false;
    });
    expect(eventOf(normalizeAwsEvent(body)).kind).toBe('deletion.scheduled');
  });
});

describe('normalizeAwsEvent: finding the secret', () => {
  const startDelete = (edit: (e: Envelope) => void) =>
    edited<Envelope>(aws('start-secret-version-delete'), edit);

  it.each<[string, (e: Envelope) => void, string, string]>([
    ['additionalEventData.SecretId', () => undefined, ARN, 'prod/pg'],
    [
      'responseElements.arn when additionalEventData is empty',
      (e) => ((e.detail.additionalEventData = {}), (e.detail.responseElements = { arn: ARN })),
      ARN,
      'prod/pg',
    ],
    [
      'responseElements.aRN (pre-2024)',
      (e) => ((e.detail.additionalEventData = null), (e.detail.responseElements = { aRN: ARN })),
      ARN,
      'prod/pg',
    ],
    [
      'serviceEventDetails.SecretId',
      (e) => (delete e.detail.additionalEventData, (e.detail.serviceEventDetails = { SecretId: ARN })),
      ARN,
      'prod/pg',
    ],
    ['resources[0]', (e) => (delete e.detail.additionalEventData, (e.resources = [ARN])), ARN, 'prod/pg'],
    [
      'requestParameters.secretId given as an ARN',
      (e) => (delete e.detail.additionalEventData, (e.detail.requestParameters = { secretId: ARN })),
      ARN,
      'prod/pg',
    ],
    [
      'requestParameters.secretId given as a bare name',
      (e) => (delete e.detail.additionalEventData, (e.detail.requestParameters = { secretId: 'prod/pg' })),
      'prod/pg',
      'prod/pg',
    ],
    [
      'an ARN anywhere in the list over a name earlier in it',
      (e) => (
        (e.detail.additionalEventData = { SecretId: 'prod/pg' }),
        (e.detail.responseElements = { arn: ARN })
      ),
      ARN,
      'prod/pg',
    ],
    [
      'nothing at all: still alerts, with an empty secret',
      (e) => delete e.detail.additionalEventData,
      '',
      '',
    ],
  ])('from %s', (_where, edit, secretId, secretName) => {
    const event = eventOf(normalizeAwsEvent(startDelete(edit)));
    expect({ secretId: event.secretId, secretName: event.secretName }).toEqual({ secretId, secretName });
  });

  it.each([
    [
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:team/app-db-credentials-x1Y2z3',
      'team/app-db-credentials',
    ],
    ['arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:cn/app-Zz9Yy8', 'cn/app'],
    ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:partial/name', 'partial/name'],
  ])('names %s as %s (the random 6-character suffix is not part of the name)', (arn, name) => {
    const body = startDelete((e) => (e.detail.additionalEventData = { SecretId: arn }));
    expect(eventOf(normalizeAwsEvent(body)).secretName).toBe(name);
  });

  it('takes region and account from the ARN when the envelope lacks them', () => {
    const body = startDelete((e) => {
      delete e.account;
      delete e.region;
      delete e.detail.recipientAccountId;
      e.detail.additionalEventData = {
        SecretId: 'arn:aws:secretsmanager:ap-south-1:444455556666:secret:x-AbCdEf',
      };
    });
    expect(eventOf(normalizeAwsEvent(body))).toMatchObject({ account: '444455556666', region: 'ap-south-1' });
  });
});

describe('normalizeAwsEvent: who acted, and what went wrong', () => {
  const rotate = (identity: unknown) =>
    edited<Envelope>(aws('rotate-secret'), (e) => {
      e.detail.userIdentity = identity;
    });

  it.each([
    ['the caller ARN', { arn: ALICE, userName: 'alice' }, ALICE],
    ['the IAM user name without an ARN', { type: 'IAMUser', userName: 'bob' }, 'bob'],
    ['the principal id without ARN or user name', { principalId: 'AIDAEXAMPLE' }, 'AIDAEXAMPLE'],
    [
      'the service acting for the caller',
      { invokedBy: 'cloudformation.amazonaws.com' },
      'cloudformation.amazonaws.com',
    ],
  ])('shows %s as actor', (_name, identity, actor) => {
    expect(eventOf(normalizeAwsEvent(rotate(identity))).actor).toBe(actor);
  });

  it('shows no actor when the caller is unknown', () => {
    expect(eventOf(normalizeAwsEvent(rotate(null))).actor).toBeUndefined();
  });

  it('shows no actor for a service event (Secrets Manager itself is not a person)', () => {
    expect(eventOf(normalizeAwsEvent(aws('rotation-failed'))).actor).toBeUndefined();
  });

  it('cuts a 5000-character actor and failure message to 1000 characters', () => {
    const body = edited<Envelope>(aws('rotation-failed'), (e) => {
      e['detail-type'] = 'AWS Service Event via CloudTrail';
      e.detail.errorMessage = 'x'.repeat(5000);
      e.detail.errorCode = 'E'.repeat(5000);
    });
    const failure = eventOf(normalizeAwsEvent(body)).failure;
    expect(failure?.message).toHaveLength(1000);
    expect(failure?.message?.endsWith('…')).toBe(true);
    expect(failure?.code).toHaveLength(1000);

    const api = rotate({ arn: `arn:aws:sts::1:assumed-role/${'r'.repeat(5000)}` });
    expect(eventOf(normalizeAwsEvent(api)).actor).toHaveLength(1000);
  });
});

describe('normalizeAwsEvent: reads of a secret pending deletion', () => {
  const read = (edit: (e: Envelope) => void) =>
    edited<Envelope>(aws('get-secret-value-pending-deletion'), edit);

  it('names the secret by ARN when the reader passed one', () => {
    const event = eventOf(normalizeAwsEvent(read((e) => (e.detail.requestParameters = { secretId: ARN }))));
    expect(event).toMatchObject({ secretId: ARN, secretName: 'prod/pg', kind: 'access.pending-deletion' });
  });

  it.each<[string, (e: Envelope) => void, RegExp]>([
    [
      'a successful read',
      (e) => (delete e.detail.errorCode, delete e.detail.errorMessage),
      /not refused for a secret marked for deletion/,
    ],
    [
      'a read refused for another reason',
      (e) => (
        (e.detail.errorCode = 'AccessDeniedException'),
        (e.detail.errorMessage = 'User is not authorized')
      ),
      /not refused/,
    ],
    [
      'the deletion message with another error code',
      (e) => (e.detail.errorCode = 'ResourceNotFoundException'),
      /not refused/,
    ],
  ])('%s raises no alert', (_name, edit, reason) => {
    expect(normalizeAwsEvent(read(edit))).toEqual({
      outcome: 'ignored',
      sourceId: 'aws:2d0e7a3b-0007-4c5d-9e6f-7a8b9c0d1e07',
      reason: expect.stringMatching(reason),
    });
  });
});

describe('normalizeAwsEvent: valid events the bot does not act on are acknowledged, not rejected', () => {
  const rotationFailed = aws('rotation-failed');
  const id = 'aws:0b8c5e1e-5a0b-4f0e-9d4e-1c2b3a4d5e6f';
  it.each<[string, (e: Envelope) => void, RegExp]>([
    ['another AWS service', (e) => (e.source = 'aws.kms'), /source "aws.kms" is not aws.secretsmanager/],
    [
      'a replication service event',
      (e) => (e.detail.eventName = 'ReplicationStarted'),
      /service event "ReplicationStarted"/,
    ],
    [
      'an unknown detail-type',
      (e) => (e['detail-type'] = 'Secret Rotation Scheduled'),
      /detail-type "Secret Rotation Scheduled"/,
    ],
    [
      'a CloudTrail record of another service',
      (e) => (e.detail.eventSource = 'kms.amazonaws.com'),
      /eventSource "kms.amazonaws.com"/,
    ],
    [
      'a failed RestoreSecret',
      (e) => {
        e['detail-type'] = 'AWS API Call via CloudTrail';
        e.detail.eventName = 'RestoreSecret';
        e.detail.errorCode = 'InvalidRequestException';
      },
      /RestoreSecret failed with "InvalidRequestException"/,
    ],
    [
      'a PutSecretValue',
      (e) => ((e['detail-type'] = 'AWS API Call via CloudTrail'), (e.detail.eventName = 'PutSecretValue')),
      /"PutSecretValue" is not one the bot acts on/,
    ],
    [
      'an API call named like an Object.prototype member',
      (e) => ((e['detail-type'] = 'AWS API Call via CloudTrail'), (e.detail.eventName = 'constructor')),
      /"constructor" is not one the bot acts on/,
    ],
    [
      'a label other than AWSCURRENT',
      (e) => (
        (e['detail-type'] = 'Secret Label Updated'),
        (e.detail = { name: 'prod/pg', labelUpdated: 'AWSPENDING' })
      ),
      /label "AWSPENDING" moved/,
    ],
  ])('%s', (_name, edit, reason) => {
    expect(normalizeAwsEvent(edited<Envelope>(rotationFailed, edit))).toEqual({
      outcome: 'ignored',
      sourceId: id,
      reason: expect.stringMatching(reason),
    });
  });
});

describe('normalizeAwsEvent: what is not an EventBridge event is rejected with a clear error', () => {
  const valid = aws('rotation-failed');
  it.each<[string, unknown, RegExp]>([
    ['null', null, /expected a JSON object, got null/],
    ['an array', [valid], /expected a JSON object, got an array/],
    ['a string', 'x', /expected a JSON object, got a string/],
    ['a number', 42, /expected a JSON object, got a number/],
    ['an empty object', {}, /missing string field 'id'/],
    ['{detail: 5}', { detail: 5 }, /missing string field 'id'/],
    ['a numeric id', { ...valid, id: 7 }, /missing string field 'id'/],
    ['an empty id', { ...valid, id: ' ' }, /missing string field 'id'/],
    ['a 300-character id', { ...valid, id: 'i'.repeat(300) }, /'id' is longer than 256/],
    ['no source', { ...valid, source: undefined }, /missing string field 'source'/],
    ['no detail-type', { ...valid, 'detail-type': null }, /missing string field 'detail-type'/],
    ['a detail that is a number', { ...valid, detail: 5 }, /'detail' must be an object, got a number/],
    ['a detail that is a string', { ...valid, detail: '{}' }, /'detail' must be an object, got a string/],
    ['a numeric account', { ...valid, account: 111122223333 }, /'account' must be a string/],
    ['resources that are not an array', { ...valid, resources: ARN }, /'resources' must be an array/],
    [
      'an SNS notification that still wraps the event',
      { Type: 'Notification', MessageId: 'm-1', Message: JSON.stringify(valid) },
      /SNS "Notification" message; its Message must be unwrapped first/,
    ],
    [
      'a CloudTrail detail without eventName',
      edited<Envelope>(valid, (e) => delete e.detail.eventName),
      /without a string detail.eventName/,
    ],
  ])('%s', (_name, body, error) => {
    expect(normalizeAwsEvent(body)).toEqual({ outcome: 'invalid', error: expect.stringMatching(error) });
  });

  it('uses the time the bot received the event when the event carries none', () => {
    const timeless = edited<Envelope>(valid, (e) => (delete e.time, delete e.detail.eventTime));
    expect(normalizeAwsEvent(timeless)).toEqual({
      outcome: 'invalid',
      error: expect.stringMatching(/no usable time/),
    });
    const result: NormalizeResult = normalizeAwsEvent(timeless, '2026-03-01T02:18:00.000Z');
    expect(eventOf(result).occurredAt).toBe('2026-03-01T02:18:00.000Z');
  });

  it('prefers the CloudTrail eventTime over the envelope time', () => {
    const body = edited<Envelope>(
      valid,
      (e) => ((e.time = '2026-03-01T02:20:00Z'), (e.detail.eventTime = '2026-03-01T02:17:48Z')),
    );
    expect(eventOf(normalizeAwsEvent(body, '2026-03-01T03:00:00Z')).occurredAt).toBe(
      '2026-03-01T02:17:48.000Z',
    );
  });
});
