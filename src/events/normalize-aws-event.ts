import { isSecretsManagerArn, parseAwsArn, secretNameFromArn } from './aws-arn';
import { severityOf } from './event-severity';
import { addDays, toIsoUtc } from './event-time';
import {
  MAX_DELIVERY_ID_LENGTH,
  MAX_NAME_LENGTH,
  type JsonRecord,
  asText,
  describeType,
  get,
  getFlag,
  getFreeText,
  getInteger,
  getRecord,
  getText,
  isRecord,
  quote,
} from './json-fields';
import type { EventKind, NormalizeResult, SecretEvent } from './secret-event';

/**
 * EventBridge events from Secrets Manager (API destination, a forwarder, or the Message of an SNS
 * notification) -> SecretEvent. See wire-formats.md §1.
 *
 * Three detail-types matter:
 * - `AWS Service Event via CloudTrail`: rotation and version-deletion events Secrets Manager emits itself;
 * - `AWS API Call via CloudTrail`: DeleteSecret, RestoreSecret, RotateSecret, CancelRotateSecret, and a
 *   GetSecretValue refused because the secret is marked for deletion;
 * - `Secret Label Updated`: native event, AWSCURRENT moved (a rotation took effect).
 */

const SECRETS_MANAGER_SOURCE = 'aws.secretsmanager';
const SECRETS_MANAGER_EVENT_SOURCE = 'secretsmanager.amazonaws.com';
const DEFAULT_RECOVERY_WINDOW_DAYS = 30;

export const SERVICE_EVENT_KINDS = new Map<string, EventKind>([
  ['RotationStarted', 'rotation.started'],
  ['RotationSucceeded', 'rotation.succeeded'],
  ['RotationFailed', 'rotation.failed'],
  ['RotationAbandoned', 'rotation.abandoned'],
  ['TestRotationStarted', 'test-rotation.started'],
  ['TestRotationSucceeded', 'test-rotation.succeeded'],
  ['TestRotationFailed', 'test-rotation.failed'],
  ['StartSecretVersionDelete', 'deletion.started'],
  ['CancelSecretVersionDelete', 'deletion.cancelled'],
  ['EndSecretVersionDelete', 'deletion.completed'],
]);

export const API_CALL_KINDS = new Map<string, EventKind>([
  ['DeleteSecret', 'deletion.scheduled'], // or deletion.forced, decided below
  ['RestoreSecret', 'deletion.cancelled'],
  ['RotateSecret', 'rotation.requested'],
  ['CancelRotateSecret', 'rotation.cancelled'],
]);

interface Envelope {
  id: string;
  source: string;
  detailType: string;
  account: string;
  region: string;
  time: string;
  resources: unknown[];
  detail: JsonRecord;
}

/** Pure: `receivedAt` (ISO) is used as the event time only when the event carries none. */
export function normalizeAwsEvent(body: unknown, receivedAt?: string): NormalizeResult {
  const envelope = readEnvelope(body);
  if (typeof envelope === 'string') return { outcome: 'invalid', error: envelope };
  const sourceId = `aws:${envelope.id}`;

  if (envelope.source !== SECRETS_MANAGER_SOURCE) {
    return ignored(sourceId, `source ${quote(envelope.source)} is not ${SECRETS_MANAGER_SOURCE}`);
  }
  switch (envelope.detailType) {
    case 'AWS Service Event via CloudTrail':
    case 'AWS API Call via CloudTrail':
      return fromCloudTrail(envelope, sourceId, receivedAt);
    case 'Secret Label Updated':
      return fromLabelUpdated(envelope, sourceId, receivedAt);
    default:
      return ignored(
        sourceId,
        `Secrets Manager detail-type ${quote(envelope.detailType)} is not one the bot acts on`,
      );
  }
}

function readEnvelope(body: unknown): Envelope | string {
  const prefix = 'not an EventBridge event';
  if (!isRecord(body)) return `${prefix}: expected a JSON object, got ${describeType(body)}`;
  if (typeof body.Type === 'string' && 'Message' in body) {
    return `${prefix}: this is an SNS ${quote(body.Type)} message; its Message must be unwrapped first`;
  }
  for (const key of ['id', 'source', 'detail-type']) {
    const value = get(body, key);
    if (typeof value !== 'string' || value.trim() === '') return `${prefix}: missing string field '${key}'`;
  }
  const id = (body.id as string).trim();
  if (id.length > MAX_DELIVERY_ID_LENGTH)
    return `${prefix}: field 'id' is longer than ${MAX_DELIVERY_ID_LENGTH}`;
  for (const key of ['version', 'account', 'region', 'time']) {
    const value = get(body, key);
    if (value !== undefined && typeof value !== 'string') {
      return `${prefix}: field '${key}' must be a string, got ${describeType(value)}`;
    }
  }
  const resources = get(body, 'resources');
  if (resources !== undefined && !Array.isArray(resources)) {
    return `${prefix}: field 'resources' must be an array, got ${describeType(resources)}`;
  }
  const detail = get(body, 'detail');
  if (!isRecord(detail)) return `${prefix}: field 'detail' must be an object, got ${describeType(detail)}`;
  return {
    id,
    source: (body.source as string).trim(),
    detailType: (body['detail-type'] as string).trim(),
    account: getText(body, 'account', 64) ?? '',
    region: getText(body, 'region', 64) ?? '',
    time: getText(body, 'time', 64) ?? '',
    resources: Array.isArray(resources) ? resources : [],
    detail,
  };
}

function fromCloudTrail(envelope: Envelope, sourceId: string, receivedAt?: string): NormalizeResult {
  const { detail } = envelope;
  const eventName = getText(detail, 'eventName', MAX_NAME_LENGTH);
  if (eventName === undefined) {
    return { outcome: 'invalid', error: `${envelope.detailType} event without a string detail.eventName` };
  }
  const eventSource = getText(detail, 'eventSource');
  if (eventSource !== undefined && eventSource !== SECRETS_MANAGER_EVENT_SOURCE) {
    return ignored(
      sourceId,
      `CloudTrail eventSource ${quote(eventSource)} is not ${SECRETS_MANAGER_EVENT_SOURCE}`,
    );
  }
  const occurredAt = eventTime(envelope, receivedAt);
  if (occurredAt === undefined) return noTime();

  const isServiceEvent = envelope.detailType === 'AWS Service Event via CloudTrail';
  const errorCode = getFreeText(detail, 'errorCode');
  const errorMessage = getFreeText(detail, 'errorMessage');
  let kind: EventKind;

  if (isServiceEvent) {
    const serviceKind = SERVICE_EVENT_KINDS.get(eventName);
    if (serviceKind === undefined) {
      return ignored(
        sourceId,
        `Secrets Manager service event ${quote(eventName)} is not one the bot acts on`,
      );
    }
    kind = serviceKind;
  } else if (eventName === 'GetSecretValue') {
    if (!isPendingDeletionRefusal(detail)) {
      return ignored(sourceId, 'GetSecretValue that was not refused for a secret marked for deletion');
    }
    kind = 'access.pending-deletion';
  } else {
    const apiKind = API_CALL_KINDS.get(eventName);
    if (apiKind === undefined) {
      return ignored(sourceId, `Secrets Manager API call ${quote(eventName)} is not one the bot acts on`);
    }
    if (errorCode !== undefined) {
      return ignored(sourceId, `${eventName} failed with ${quote(errorCode)}: nothing changed`);
    }
    kind = apiKind;
  }

  const requestParameters = getRecord(detail, 'requestParameters');
  const secret = cloudTrailSecret(detail, envelope.resources);
  const arn = secret.secretId === '' ? undefined : parseAwsArn(secret.secretId);
  const event: SecretEvent = {
    provider: 'aws',
    source: 'aws.eventbridge',
    account:
      envelope.account ||
      getText(detail, 'recipientAccountId', 64) ||
      arn?.account ||
      getText(getRecord(detail, 'userIdentity'), 'accountId', 64) ||
      '',
    region: envelope.region || arn?.region || getText(detail, 'awsRegion', 64) || '',
    secretId: secret.secretId,
    secretName: secret.secretName,
    kind,
    severity: severityOf(kind),
    occurredAt,
    sourceEventName: eventName,
    sourceId,
  };
  const actor = isServiceEvent ? undefined : actorOf(detail);
  if (actor !== undefined) event.actor = actor;
  if (errorCode !== undefined || errorMessage !== undefined) {
    event.failure = {
      ...(errorCode !== undefined ? { code: errorCode } : {}),
      ...(errorMessage !== undefined ? { message: errorMessage } : {}),
    };
  }
  if (eventName === 'DeleteSecret') {
    if (getFlag(requestParameters, 'forceDeleteWithoutRecovery')) {
      event.kind = 'deletion.forced';
      event.severity = severityOf('deletion.forced');
    } else {
      const days = recoveryWindowDays(getInteger(requestParameters, 'recoveryWindowInDays'));
      event.recoveryWindowDays = days;
      event.deletionDate =
        toIsoUtc(get(getRecord(detail, 'responseElements'), 'deletionDate')) ?? addDays(occurredAt, days);
    }
  }
  return { outcome: 'event', event };
}

function fromLabelUpdated(envelope: Envelope, sourceId: string, receivedAt?: string): NormalizeResult {
  const { detail } = envelope;
  const label = getText(detail, 'labelUpdated', MAX_NAME_LENGTH);
  if (label !== 'AWSCURRENT') {
    return ignored(
      sourceId,
      `label ${quote(label ?? '')} moved; only AWSCURRENT means a rotation took effect`,
    );
  }
  const occurredAt = eventTime(envelope, receivedAt);
  if (occurredAt === undefined) return noTime();
  const arn = envelope.resources.map((r) => asText(r)).find((r) => r !== undefined && isSecretsManagerArn(r));
  const name = getText(detail, 'name');
  const parsed = arn === undefined ? undefined : parseAwsArn(arn);
  const kind: EventKind = 'rotation.label-updated';
  return {
    outcome: 'event',
    event: {
      provider: 'aws',
      source: 'aws.eventbridge',
      account: envelope.account || parsed?.account || '',
      region: envelope.region || parsed?.region || '',
      secretId: arn ?? name ?? '',
      secretName: name ?? (arn === undefined ? undefined : secretNameFromArn(arn)) ?? '',
      kind,
      severity: severityOf(kind),
      occurredAt,
      sourceEventName: envelope.detailType,
      sourceId,
    },
  };
}

/** wire-formats §1.7: `InvalidRequestException` "… because it was marked for deletion." */
function isPendingDeletionRefusal(detail: JsonRecord): boolean {
  const code = getText(detail, 'errorCode', MAX_NAME_LENGTH);
  const message = getFreeText(detail, 'errorMessage');
  return code === 'InvalidRequestException' && message !== undefined && /marked for deletion/i.test(message);
}

/**
 * The secret's ARN and name. ARN order from wire-formats §1.5/§1.9: additionalEventData.SecretId,
 * responseElements.arn, responseElements.aRN, serviceEventDetails, resources[0], requestParameters.secretId
 * (the first one that is an ARN wins; otherwise the first name). Reads identifiers only, never values.
 */
function cloudTrailSecret(
  detail: JsonRecord,
  resources: unknown[],
): { secretId: string; secretName: string } {
  const additional = getRecord(detail, 'additionalEventData');
  const response = getRecord(detail, 'responseElements');
  const serviceDetails = getRecord(detail, 'serviceEventDetails');
  const request = getRecord(detail, 'requestParameters');
  const requestSecretId = getText(request, 'secretId');
  const candidates = [
    getText(additional, 'SecretId'),
    getText(additional, 'secretId'),
    getText(response, 'arn'),
    getText(response, 'aRN'),
    getText(serviceDetails, 'SecretId'),
    getText(serviceDetails, 'secretId'),
    asText(resources[0]),
    requestSecretId,
  ].filter((c): c is string => c !== undefined);
  const arn = candidates.find(isSecretsManagerArn);
  const notArn = (value: string | undefined): string | undefined =>
    value !== undefined && !value.startsWith('arn:') ? value : undefined;
  const name =
    notArn(getText(response, 'name')) ??
    notArn(requestSecretId) ??
    (arn === undefined ? undefined : secretNameFromArn(arn)) ??
    candidates.map(notArn).find((c) => c !== undefined);
  return { secretId: arn ?? name ?? '', secretName: name ?? '' };
}

/** Who called the API: the caller's ARN, else user name, principal id, or the service acting for them. */
function actorOf(detail: JsonRecord): string | undefined {
  const identity = getRecord(detail, 'userIdentity');
  return (
    getFreeText(identity, 'arn') ??
    getFreeText(identity, 'userName') ??
    getFreeText(identity, 'principalId') ??
    getFreeText(identity, 'invokedBy')
  );
}

function eventTime(envelope: Envelope, receivedAt: string | undefined): string | undefined {
  return toIsoUtc(get(envelope.detail, 'eventTime')) ?? toIsoUtc(envelope.time) ?? toIsoUtc(receivedAt);
}

function recoveryWindowDays(requested: number | undefined): number {
  return requested !== undefined && requested >= 1 && requested <= 365
    ? requested
    : DEFAULT_RECOVERY_WINDOW_DAYS;
}

function ignored(sourceId: string, reason: string): NormalizeResult {
  return { outcome: 'ignored', sourceId, reason };
}

function noTime(): NormalizeResult {
  return {
    outcome: 'invalid',
    error: 'event has no usable time (detail.eventTime, time) and no receivedAt was given',
  };
}
