import { buildAlibabaSecretArn, parseAlibabaSecretArn } from './alibaba-secret-arn';
import { severityOf } from './event-severity';
import { addDays, toIsoUtc } from './event-time';
import {
  MAX_DELIVERY_ID_LENGTH,
  MAX_NAME_LENGTH,
  type JsonRecord,
  asRecord,
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
import { cloudMonitorToResult } from './normalize-alibaba-cloudmonitor';
import type { EventKind, NormalizeResult, SecretEvent } from './secret-event';

/**
 * An Alibaba Cloud EventBridge CloudEvent (specversion 1.0) for KMS -> SecretEvent. See wire-formats.md
 * §5.3/§5.4. Types handled:
 * - `kms:CloudMonitor:Secret[RotateSecret:Failure|Success]`: `data` is a CloudMonitor event [U6: layout assumed];
 * - `kms:ActionTrail:ApiCall` / `kms:ActionTrail:ConsoleOperation`: `data` is an ActionTrail record
 *   (DeleteSecret, RestoreSecret, RotateSecret).
 */

const DEFAULT_RECOVERY_WINDOW_DAYS = 30;
export const ACTION_TRAIL_TYPES = new Set(['kms:ActionTrail:ApiCall', 'kms:ActionTrail:ConsoleOperation']);
const CLOUD_MONITOR_TYPE = /^kms:CloudMonitor:([A-Za-z]+)\[([A-Za-z:]+)\]$/;

export const API_CALL_KINDS = new Map<string, EventKind>([
  ['DeleteSecret', 'deletion.scheduled'], // or deletion.forced, decided below
  ['RestoreSecret', 'deletion.cancelled'],
  ['RotateSecret', 'rotation.requested'],
]);

interface CloudEvent {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  account?: string;
  region?: string;
  data: unknown;
}

/** Pure: `receivedAt` (ISO) is used as the event time only when the event carries none. */
export function normalizeAlibabaCloudEvent(body: unknown, receivedAt?: string): NormalizeResult {
  const ce = readCloudEvent(body);
  if (typeof ce === 'string') return { outcome: 'invalid', error: ce };
  const sourceId = `alibaba:ce:${ce.source}:${ce.id}`;

  if (!ce.type.startsWith('kms:'))
    return ignored(sourceId, `CloudEvent type ${quote(ce.type)} is not a KMS event`);
  const cloudMonitor = CLOUD_MONITOR_TYPE.exec(ce.type);
  if (cloudMonitor === null && !ACTION_TRAIL_TYPES.has(ce.type)) {
    return ignored(sourceId, `KMS CloudEvent type ${quote(ce.type)} is not one the bot acts on`);
  }
  const data = asRecord(ce.data);
  if (data === undefined) {
    return { outcome: 'invalid', error: `CloudEvent ${quote(ce.type)}: 'data' must be a JSON object` };
  }
  if (cloudMonitor !== null) {
    return cloudMonitorToResult(data, {
      source: 'alibaba.eventbridge',
      sourceId,
      fallbackName: `${cloudMonitor[1]}:${cloudMonitor[2]}`,
      fallbackRegion: ce.region,
      fallbackAccount: ce.account,
      fallbackTime: ce.time,
      receivedAt,
    });
  }
  return fromActionTrail(ce, data, sourceId, receivedAt);
}

function readCloudEvent(body: unknown): CloudEvent | string {
  const prefix = 'not a CloudEvent';
  if (!isRecord(body)) return `${prefix}: expected a JSON object, got ${describeType(body)}`;
  if (get(body, 'specversion') !== '1.0') {
    return `${prefix}: unsupported specversion ${quote(get(body, 'specversion'))}, expected "1.0"`;
  }
  const id = getText(body, 'id', MAX_DELIVERY_ID_LENGTH);
  const source = getText(body, 'source', MAX_DELIVERY_ID_LENGTH);
  const type = getText(body, 'type', MAX_NAME_LENGTH);
  if (id === undefined || source === undefined || type === undefined) {
    return `${prefix}: 'id', 'source' and 'type' must be non-empty strings of at most ${MAX_DELIVERY_ID_LENGTH} characters`;
  }
  return {
    id,
    source,
    type,
    subject: getText(body, 'subject'),
    time: getText(body, 'time', 64),
    account: getText(body, 'aliyunaccountid', 64),
    region: getText(body, 'aliyunregionid', 64),
    data: get(body, 'data'),
  };
}

function fromActionTrail(
  ce: CloudEvent,
  record: JsonRecord,
  sourceId: string,
  receivedAt?: string,
): NormalizeResult {
  const eventName = getText(record, 'eventName', MAX_NAME_LENGTH);
  if (eventName === undefined) {
    return {
      outcome: 'invalid',
      error: `CloudEvent ${quote(ce.type)}: ActionTrail record without a string eventName`,
    };
  }
  const apiKind = API_CALL_KINDS.get(eventName);
  if (apiKind === undefined)
    return ignored(sourceId, `KMS API call ${quote(eventName)} is not one the bot acts on`);
  const errorCode = getFreeText(record, 'errorCode');
  if (errorCode !== undefined)
    return ignored(sourceId, `${eventName} failed with ${quote(errorCode)}: nothing changed`);

  const occurredAt = toIsoUtc(get(record, 'eventTime')) ?? toIsoUtc(ce.time) ?? toIsoUtc(receivedAt);
  if (occurredAt === undefined) {
    return {
      outcome: 'invalid',
      error: 'ActionTrail event has no usable time (data.eventTime, time) and no receivedAt',
    };
  }
  const request = getRecord(record, 'requestParameters');
  const response = getRecord(record, 'responseElements');
  const identity = getRecord(record, 'userIdentity');
  const region = getText(record, 'acsRegion', 64) ?? ce.region ?? '';
  const account =
    getText(record, 'recipientAccountId', 64) ?? ce.account ?? getText(identity, 'accountId', 64) ?? '';
  const secret = actionTrailSecret(request, response, ce.subject, region, account);
  const actor = getFreeText(identity, 'userName') ?? getFreeText(identity, 'principalId');

  const event: SecretEvent = {
    provider: 'alibaba',
    source: 'alibaba.eventbridge',
    account: secret.account || account,
    region: secret.region || region,
    secretId: secret.secretId,
    secretName: secret.secretName,
    kind: apiKind,
    severity: severityOf(apiKind),
    occurredAt,
    ...(actor !== undefined ? { actor } : {}),
    sourceEventName: eventName,
    sourceId,
  };
  if (eventName === 'DeleteSecret') {
    if (getFlag(request, 'ForceDeleteWithoutRecovery')) {
      event.kind = 'deletion.forced';
      event.severity = severityOf('deletion.forced');
    } else {
      const requested = getInteger(request, 'RecoveryWindowInDays');
      const days =
        requested !== undefined && requested >= 1 && requested <= 365
          ? requested
          : DEFAULT_RECOVERY_WINDOW_DAYS;
      event.recoveryWindowDays = days;
      event.deletionDate = toIsoUtc(get(response, 'PlannedDeleteTime')) ?? addDays(occurredAt, days);
    }
  }
  return { outcome: 'event', event };
}

/**
 * The secret from an ActionTrail record. `SecretName` may be a name or an ARN. When it is a name and the
 * region and account are known, the ARN is built (`acs:kms:<region>:<uid>:secret/<name>`, the form
 * KMS itself returns) so that events from CloudMonitor and ActionTrail name the same secret alike.
 */
function actionTrailSecret(
  request: JsonRecord | undefined,
  response: JsonRecord | undefined,
  subject: string | undefined,
  region: string,
  account: string,
): { secretId: string; secretName: string; region?: string; account?: string } {
  const given =
    getText(request, 'SecretName') ?? getText(response, 'SecretName') ?? subjectSecretName(subject);
  if (given === undefined) return { secretId: '', secretName: '' };
  const arn = parseAlibabaSecretArn(given);
  if (arn !== undefined)
    return { secretId: given, secretName: arn.name, region: arn.region, account: arn.account };
  const secretId = region !== '' && account !== '' ? buildAlibabaSecretArn(region, account, given) : given;
  return { secretId, secretName: given };
}

/** `acs.kms:<region>:<uid>:secret/<name>` [P] -> name. */
function subjectSecretName(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  const at = subject.lastIndexOf(':secret/');
  const name = at === -1 ? '' : subject.slice(at + ':secret/'.length);
  return name === '' ? undefined : name;
}

function ignored(sourceId: string, reason: string): NormalizeResult {
  return { outcome: 'ignored', sourceId, reason };
}
