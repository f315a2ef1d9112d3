import { parseAwsArn, secretNameFromArn } from './aws-arn';
import { severityOf } from './event-severity';
import { toIsoUtc } from './event-time';
import {
  MAX_DELIVERY_ID_LENGTH,
  MAX_NAME_LENGTH,
  asRecord,
  describeType,
  get,
  getFreeText,
  getRecord,
  getText,
  quote,
} from './json-fields';
import type { EventKind, NormalizeResult } from './secret-event';

/**
 * A CloudWatch alarm notification (the JSON inside an SNS Notification's `Message`) -> SecretEvent.
 * See wire-formats.md §3. Only the AWS-documented alarm on the `AttemptsToAccessDeletedSecrets`
 * metric matters: someone still reads a secret that is pending deletion.
 *
 * The alarm does not name the secret. secretId/secretName are '' unless the metric filter emits a
 * SecretId/SecretName dimension.
 */

const DELETED_SECRET_METRIC = 'AttemptsToAccessDeletedSecrets';
const SECRET_DIMENSIONS = new Set(['secretid', 'secretname', 'secretarn']);

/** The sourceId for an alarm delivered through SNS: dedup on the SNS MessageId (same on every retry). */
export function snsSourceId(messageId: string): string {
  return `aws:sns:${messageId}`;
}

/**
 * `message` is the parsed SNS `Message` (a JSON string is parsed here too). `sourceId` is the caller's
 * delivery id, see `snsSourceId`. Pure: `receivedAt` is used only when StateChangeTime is unusable.
 */
export function normalizeCloudWatchAlarm(
  message: unknown,
  sourceId: string,
  receivedAt?: string,
): NormalizeResult {
  if (
    typeof sourceId !== 'string' ||
    sourceId.trim() === '' ||
    sourceId.length > MAX_DELIVERY_ID_LENGTH * 2
  ) {
    return {
      outcome: 'invalid',
      error: 'CloudWatch alarm: a non-empty sourceId (the SNS MessageId) is required',
    };
  }
  const alarm = asRecord(message);
  if (alarm === undefined) {
    return {
      outcome: 'invalid',
      error: `not a CloudWatch alarm: expected a JSON object, got ${describeType(message)}`,
    };
  }
  const alarmName = getText(alarm, 'AlarmName', MAX_NAME_LENGTH);
  const state = getText(alarm, 'NewStateValue', MAX_NAME_LENGTH);
  if (alarmName === undefined || state === undefined) {
    return {
      outcome: 'invalid',
      error: "not a CloudWatch alarm: missing string fields 'AlarmName' and 'NewStateValue'",
    };
  }
  if (!isDeletedSecretAlarm(alarmName, getRecord(alarm, 'Trigger'))) {
    return ignored(sourceId, `alarm ${quote(alarmName)} is not about ${DELETED_SECRET_METRIC}`);
  }
  let kind: EventKind;
  if (state === 'ALARM') kind = 'access.pending-deletion';
  else if (state === 'OK') kind = 'access.pending-deletion-cleared';
  else return ignored(sourceId, `alarm ${quote(alarmName)} went to ${quote(state)}, neither ALARM nor OK`);

  const occurredAt = toIsoUtc(get(alarm, 'StateChangeTime')) ?? toIsoUtc(receivedAt);
  if (occurredAt === undefined) {
    return {
      outcome: 'invalid',
      error: 'CloudWatch alarm has no usable StateChangeTime and no receivedAt was given',
    };
  }
  // The `Region` field is a human name ("EU (Ireland)"): the code comes from the alarm ARN.
  const alarmArnText = getText(alarm, 'AlarmArn');
  const alarmArn = alarmArnText === undefined ? undefined : parseAwsArn(alarmArnText);
  const secretId = secretDimension(getRecord(alarm, 'Trigger')) ?? '';
  const reason = getFreeText(alarm, 'NewStateReason');
  return {
    outcome: 'event',
    event: {
      provider: 'aws',
      source: 'aws.cloudwatch-alarm',
      account: getText(alarm, 'AWSAccountId', 64) ?? alarmArn?.account ?? '',
      region: alarmArn?.region ?? '',
      secretId,
      secretName: secretNameFromArn(secretId) ?? secretId,
      kind,
      severity: severityOf(kind),
      occurredAt,
      ...(reason !== undefined ? { failure: { message: reason } } : {}),
      sourceEventName: alarmName,
      sourceId,
    },
  };
}

function isDeletedSecretAlarm(alarmName: string, trigger: Record<string, unknown> | undefined): boolean {
  if (alarmName.includes(DELETED_SECRET_METRIC)) return true;
  if (getText(trigger, 'MetricName', MAX_NAME_LENGTH) === DELETED_SECRET_METRIC) return true;
  // Metric-math alarms list their metrics under Trigger.Metrics[].MetricStat.Metric.MetricName.
  const metrics = get(trigger, 'Metrics');
  if (!Array.isArray(metrics)) return false;
  return metrics.some(
    (m) =>
      getText(get(get(m, 'MetricStat'), 'Metric'), 'MetricName', MAX_NAME_LENGTH) === DELETED_SECRET_METRIC,
  );
}

/** The value of a SecretId/SecretName dimension, if the metric filter emits one (wire-formats §3 [U]). */
function secretDimension(trigger: Record<string, unknown> | undefined): string | undefined {
  const dimensions = get(trigger, 'Dimensions');
  if (!Array.isArray(dimensions)) return undefined;
  for (const dimension of dimensions) {
    const name = getText(dimension, 'name', MAX_NAME_LENGTH) ?? getText(dimension, 'Name', MAX_NAME_LENGTH);
    if (name !== undefined && SECRET_DIMENSIONS.has(name.toLowerCase())) {
      const value = getText(dimension, 'value') ?? getText(dimension, 'Value');
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function ignored(sourceId: string, reason: string): NormalizeResult {
  return { outcome: 'ignored', sourceId, reason };
}
