import { createHash } from 'node:crypto';
import { parseAlibabaSecretArn } from './alibaba-secret-arn';
import { severityOf } from './event-severity';
import { toIsoUtc } from './event-time';
import {
  MAX_DELIVERY_ID_LENGTH,
  MAX_NAME_LENGTH,
  type JsonRecord,
  describeType,
  get,
  getFreeText,
  getRecord,
  getScalarText,
  getText,
  isRecord,
  quote,
} from './json-fields';
import type { EventKind, EventSource, NormalizeResult } from './secret-event';

/**
 * An Alibaba CloudMonitor system event for KMS -> SecretEvent. See wire-formats.md §5.1/§5.2.
 * Arrives as JSON, or as the legacy form-encoded URL callback (the HTTP layer hands over a flat object
 * of strings, `content` being a JSON string); both give the same result and the same sourceId.
 */

export const KMS_EVENT_KINDS = new Map<string, EventKind>([
  ['Secret:RotateSecret:Failure', 'rotation.failed'],
  ['Secret:RotateSecret:Success', 'rotation.succeeded'],
]);

/** The documentation samples carry the literal `"eventId": "eventId"`: not an id, so hash instead. */
const PLACEHOLDER_EVENT_IDS = new Set(['eventid']);

export interface CloudMonitorContext {
  source: EventSource;
  /** Set when the event came wrapped in a CloudEvent: its `source`+`id` is the delivery id. */
  sourceId?: string;
  /** From the CloudEvent type (`Secret[RotateSecret:Failure]`) when `data.name` is missing. */
  fallbackName?: string;
  fallbackRegion?: string;
  fallbackAccount?: string;
  /** From the CloudEvent `time`, before `receivedAt`. */
  fallbackTime?: string;
  receivedAt?: string;
}

/** Pure: `receivedAt` (ISO) is used as the event time only when the event carries none. */
export function normalizeAlibabaCloudMonitor(body: unknown, receivedAt?: string): NormalizeResult {
  if (!isRecord(body)) {
    return {
      outcome: 'invalid',
      error: `not a CloudMonitor event: expected a JSON object, got ${describeType(body)}`,
    };
  }
  return cloudMonitorToResult(body, { source: 'alibaba.cloudmonitor', receivedAt });
}

export function cloudMonitorToResult(record: JsonRecord, context: CloudMonitorContext): NormalizeResult {
  const product = getText(record, 'product', MAX_NAME_LENGTH) ?? (context.fallbackName ? 'KMS' : undefined);
  const name = getText(record, 'name', MAX_NAME_LENGTH) ?? context.fallbackName;
  if (product === undefined || name === undefined) {
    return {
      outcome: 'invalid',
      error: "not a CloudMonitor event: missing string fields 'product' and 'name'",
    };
  }
  const content = getRecord(record, 'content') ?? {};
  const sourceId = context.sourceId ?? cloudMonitorSourceId(record, content);
  if (product.toUpperCase() !== 'KMS') {
    return ignored(sourceId, `CloudMonitor event from product ${quote(product)}, not KMS`);
  }
  const kind = KMS_EVENT_KINDS.get(name);
  if (kind === undefined) return ignored(sourceId, `KMS event ${quote(name)} is not one the bot acts on`);

  const occurredAt =
    toIsoUtc(get(record, 'eventTime')) ??
    toIsoUtc(get(content, kind === 'rotation.failed' ? 'failureTime' : 'successTime')) ??
    toIsoUtc(get(content, 'failureTime')) ??
    toIsoUtc(get(content, 'successTime')) ??
    toIsoUtc(context.fallbackTime) ??
    toIsoUtc(context.receivedAt);
  if (occurredAt === undefined) {
    return {
      outcome: 'invalid',
      error:
        'CloudMonitor event has no usable time (eventTime, content.failureTime/successTime) and no receivedAt',
    };
  }
  const resourceId = getText(record, 'resourceId');
  const arn = resourceId === undefined ? undefined : parseAlibabaSecretArn(resourceId);
  const contentName = getText(content, 'secretName');
  const instanceName = getText(record, 'instanceName');
  const secretType = getText(content, 'secretType', MAX_NAME_LENGTH);
  const failureInfo = getRecord(content, 'failureInfo');
  const failureCode = getFreeText(failureInfo, 'errorCode');
  const failureMessage = getFreeText(failureInfo, 'errorMessage');
  return {
    outcome: 'event',
    event: {
      provider: 'alibaba',
      source: context.source,
      account: arn?.account || context.fallbackAccount || '',
      region: getText(record, 'regionId', 64) || arn?.region || context.fallbackRegion || '',
      secretId: (arn === undefined ? undefined : resourceId) ?? contentName ?? instanceName ?? '',
      secretName: contentName ?? arn?.name ?? instanceName ?? '',
      ...(secretType !== undefined ? { secretType } : {}),
      kind,
      severity: severityOf(kind),
      occurredAt,
      ...(failureCode !== undefined || failureMessage !== undefined
        ? {
            failure: {
              ...(failureCode !== undefined ? { code: failureCode } : {}),
              ...(failureMessage !== undefined ? { message: failureMessage } : {}),
            },
          }
        : {}),
      sourceEventName: name,
      sourceId,
    },
  };
}

/**
 * `alibaba:cm:<content.eventId>`, or when the event has no real id, `alibaba:cm:sha256:<hex>` over a
 * canonical JSON of the fields that tell two events apart (keys in alphabetical order, missing = null).
 * The JSON and form-encoded deliveries of one event give the same value.
 */
export function cloudMonitorSourceId(record: JsonRecord, content: JsonRecord): string {
  const eventId = getText(content, 'eventId', MAX_DELIVERY_ID_LENGTH);
  if (eventId !== undefined && !PLACEHOLDER_EVENT_IDS.has(eventId.toLowerCase()))
    return `alibaba:cm:${eventId}`;
  const canonical = JSON.stringify({
    eventTime: getScalarText(record, 'eventTime'),
    failureTime: getScalarText(content, 'failureTime'),
    name: getScalarText(record, 'name'),
    resourceId: getScalarText(record, 'resourceId'),
    status: getScalarText(record, 'status'),
    successTime: getScalarText(content, 'successTime'),
  });
  return `alibaba:cm:sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

function ignored(sourceId: string, reason: string): NormalizeResult {
  return { outcome: 'ignored', sourceId, reason };
}
