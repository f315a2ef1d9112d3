import { describeType, get, isRecord } from './json-fields';
import { normalizeAlibabaCloudEvent } from './normalize-alibaba-cloudevent';
import { normalizeAlibabaCloudMonitor } from './normalize-alibaba-cloudmonitor';
import type { NormalizeResult } from './secret-event';

/**
 * Everything that reaches `POST /events/alibaba` -> SecretEvent: a CloudMonitor system event (JSON, or
 * the form-encoded callback as a flat object of strings) or an EventBridge CloudEvent (`specversion`).
 * Pure: `receivedAt` (ISO) is used as the event time only when the event carries none.
 */
export function normalizeAlibabaEvent(body: unknown, receivedAt?: string): NormalizeResult {
  if (!isRecord(body)) {
    return {
      outcome: 'invalid',
      error: `not an Alibaba event: expected a JSON object, got ${describeType(body)}`,
    };
  }
  if (get(body, 'specversion') !== undefined) return normalizeAlibabaCloudEvent(body, receivedAt);
  if (get(body, 'product') !== undefined || get(body, 'name') !== undefined) {
    return normalizeAlibabaCloudMonitor(body, receivedAt);
  }
  return {
    outcome: 'invalid',
    error:
      "not an Alibaba event: neither a CloudMonitor event ('product', 'name') nor a CloudEvent ('specversion')",
  };
}
