import { normalizeCloudWatchAlarm, snsSourceId } from '../../../src/events/normalize-cloudwatch-alarm';
import type { SecretEvent } from '../../../src/events/secret-event';
import { loadFixture } from '../../fixtures';
import { edited, eventOf } from './outcome';

type Alarm = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const alarmFixture = loadFixture('aws/cloudwatch-alarm-deleted-secret-access.json') as Alarm;
const okFixture = loadFixture('aws/cloudwatch-alarm-deleted-secret-access-ok.json') as Alarm;
const SOURCE_ID = snsSourceId('8a6c1f0e-2b7d-5c4e-9f3a-0d1e2f3a4b5c');
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123';
const alarm = (edit: (a: Alarm) => void) => edited<Alarm>(alarmFixture, edit);

describe('normalizeCloudWatchAlarm: the AttemptsToAccessDeletedSecrets alarm', () => {
  const common = {
    provider: 'aws',
    source: 'aws.cloudwatch-alarm',
    account: '111122223333',
    region: 'eu-west-1',
    secretId: '',
    secretName: '',
    sourceEventName: 'AttemptsToAccessDeletedSecretsAlarm',
    sourceId: SOURCE_ID,
  } as const;

  it.each<[string, string, Alarm, SecretEvent]>([
    [
      'cloudwatch-alarm-deleted-secret-access',
      'ALARM is a critical "someone still reads a secret pending deletion", time read from +0000',
      alarmFixture,
      {
        ...common,
        kind: 'access.pending-deletion',
        severity: 'critical',
        occurredAt: '2026-03-01T10:15:30.123Z',
        failure: { message: alarmFixture.NewStateReason },
      },
    ],
    [
      'cloudwatch-alarm-deleted-secret-access-ok',
      'back to OK clears it',
      okFixture,
      {
        ...common,
        kind: 'access.pending-deletion-cleared',
        severity: 'info',
        occurredAt: '2026-03-01T10:45:30.456Z',
        failure: { message: okFixture.NewStateReason },
      },
    ],
  ])('%s: %s', (_file, _behaviour, message, expected) => {
    expect(eventOf(normalizeCloudWatchAlarm(message, SOURCE_ID))).toStrictEqual(expected);
  });

  it('accepts the Message still as the JSON string SNS delivers', () => {
    const fromString = normalizeCloudWatchAlarm(JSON.stringify(alarmFixture), SOURCE_ID);
    expect(fromString).toEqual(normalizeCloudWatchAlarm(alarmFixture, SOURCE_ID));
  });

  it('takes the region code from the alarm ARN, never the human Region name', () => {
    const virginia = alarm((a) => {
      a.Region = 'US East (N. Virginia)';
      a.AlarmArn = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:AttemptsToAccessDeletedSecretsAlarm';
    });
    expect(eventOf(normalizeCloudWatchAlarm(virginia, SOURCE_ID)).region).toBe('us-east-1');
    const noArn = alarm((a) => delete a.AlarmArn);
    expect(eventOf(normalizeCloudWatchAlarm(noArn, SOURCE_ID)).region).toBe('');
  });

  it('takes the account from the alarm ARN when AWSAccountId is missing', () => {
    const body = alarm((a) => delete a.AWSAccountId);
    expect(eventOf(normalizeCloudWatchAlarm(body, SOURCE_ID)).account).toBe('111122223333');
  });

  it.each<[string, (a: Alarm) => void]>([
    ['by metric name under a custom alarm name', (a) => (a.AlarmName = 'prod-secrets-still-in-use')],
    ['by alarm name when the trigger is a metric-math expression', (a) => (a.Trigger = { Metrics: [] })],
    [
      'by a metric inside a metric-math trigger',
      (a) => {
        a.AlarmName = 'prod-secrets-still-in-use';
        a.Trigger = {
          Metrics: [
            { Id: 'e1', Expression: 'm1 * 1' },
            {
              Id: 'm1',
              MetricStat: {
                Metric: { MetricName: 'AttemptsToAccessDeletedSecrets', Namespace: 'CloudTrailLogMetrics' },
              },
            },
          ],
        };
      },
    ],
  ])('recognises the alarm %s', (_name, edit) => {
    expect(eventOf(normalizeCloudWatchAlarm(alarm(edit), SOURCE_ID)).kind).toBe('access.pending-deletion');
  });

  it.each<[string, unknown, string, string]>([
    ['a SecretId dimension holding an ARN', { name: 'SecretId', value: ARN }, ARN, 'prod/pg'],
    ['a SecretName dimension', { name: 'SecretName', value: 'prod/pg' }, 'prod/pg', 'prod/pg'],
    ['a lower-case secretId dimension', { name: 'secretId', value: 'prod/pg' }, 'prod/pg', 'prod/pg'],
    ['an unrelated dimension only', { name: 'Environment', value: 'prod' }, '', ''],
  ])('names the secret from %s', (_name, dimension, secretId, secretName) => {
    const body = alarm((a) => (a.Trigger.Dimensions = [dimension]));
    const event = eventOf(normalizeCloudWatchAlarm(body, SOURCE_ID));
    expect({ secretId: event.secretId, secretName: event.secretName }).toEqual({ secretId, secretName });
  });

  it('uses the receive time when StateChangeTime is unreadable, and rejects the alarm without either', () => {
    const body = alarm((a) => (a.StateChangeTime = 'yesterday'));
    expect(eventOf(normalizeCloudWatchAlarm(body, SOURCE_ID, '2026-03-01T10:16:00.000Z')).occurredAt).toBe(
      '2026-03-01T10:16:00.000Z',
    );
    expect(normalizeCloudWatchAlarm(body, SOURCE_ID)).toEqual({
      outcome: 'invalid',
      error: expect.stringMatching(/no usable StateChangeTime/),
    });
  });

  it('builds the sourceId from the SNS MessageId, the same on every SNS retry', () => {
    expect(snsSourceId('8a6c1f0e-2b7d-5c4e-9f3a-0d1e2f3a4b5c')).toBe(
      'aws:sns:8a6c1f0e-2b7d-5c4e-9f3a-0d1e2f3a4b5c',
    );
  });
});

describe('normalizeCloudWatchAlarm: other alarms and junk', () => {
  it.each<[string, Alarm, RegExp]>([
    [
      'an unrelated alarm',
      alarm((a) => ((a.AlarmName = 'HighCPU'), (a.Trigger.MetricName = 'CPUUtilization'))),
      /alarm "HighCPU" is not about AttemptsToAccessDeletedSecrets/,
    ],
    [
      'INSUFFICIENT_DATA',
      alarm((a) => (a.NewStateValue = 'INSUFFICIENT_DATA')),
      /went to "INSUFFICIENT_DATA"/,
    ],
  ])('%s is acknowledged without an alert', (_name, body, reason) => {
    expect(normalizeCloudWatchAlarm(body, SOURCE_ID)).toEqual({
      outcome: 'ignored',
      sourceId: SOURCE_ID,
      reason: expect.stringMatching(reason),
    });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['null', null, SOURCE_ID, /expected a JSON object, got null/],
    ['a plain-text SNS message', 'hello', SOURCE_ID, /expected a JSON object, got a string/],
    ['truncated JSON', '{"AlarmName":', SOURCE_ID, /expected a JSON object/],
    ['an array', [alarmFixture], SOURCE_ID, /got an array/],
    ['no AlarmName', alarm((a) => delete a.AlarmName), SOURCE_ID, /missing string fields 'AlarmName'/],
    ['a numeric NewStateValue', alarm((a) => (a.NewStateValue = 1)), SOURCE_ID, /'NewStateValue'/],
    ['an empty sourceId', alarmFixture, '', /non-empty sourceId/],
  ])('rejects %s', (_name, message, sourceId, error) => {
    expect(normalizeCloudWatchAlarm(message, sourceId)).toEqual({
      outcome: 'invalid',
      error: expect.stringMatching(error),
    });
  });
});
