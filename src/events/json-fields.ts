/**
 * Safe reads out of untrusted JSON. Every normalizer goes through these so that any input
 * (null, arrays, numbers, strings where objects are expected, prototype keys) gives
 * `undefined` instead of a throw.
 */

export type JsonRecord = Record<string, unknown>;

/** Longest free text (failure messages, actors) a SecretEvent carries. */
export const MAX_TEXT_LENGTH = 1000;
/** Longest identifier we accept (AWS ARNs are at most 2048 characters). */
export const MAX_IDENTIFIER_LENGTH = 2048;
/** Longest delivery id (EventBridge `id`, CloudEvents `id`/`source`, CloudMonitor `eventId`). */
export const MAX_DELIVERY_ID_LENGTH = 256;
/** Longest source-side name (event name, alarm name) we keep. */
export const MAX_NAME_LENGTH = 256;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of an object, or undefined (never an inherited `constructor`, `toString`, …). */
export function get(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** A nested object, also when it arrives as a JSON string (form-encoded callbacks, some ActionTrail fields). */
export function getRecord(value: unknown, key: string): JsonRecord | undefined {
  return asRecord(get(value, key));
}

export function asRecord(value: unknown): JsonRecord | undefined {
  if (isRecord(value)) return value;
  if (typeof value === 'string' && value.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A trimmed, non-empty string no longer than `maxLength`, else undefined. */
export function asText(value: unknown, maxLength = MAX_IDENTIFIER_LENGTH): string | undefined {
  if (typeof value !== 'string' || value.length > maxLength * 2) return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= maxLength ? trimmed : undefined;
}

export function getText(value: unknown, key: string, maxLength = MAX_IDENTIFIER_LENGTH): string | undefined {
  return asText(get(value, key), maxLength);
}

/** Free text cut to `maxLength` characters (the last one an ellipsis), never splitting a surrogate pair. */
export function truncateText(text: string, maxLength = MAX_TEXT_LENGTH): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A free-text field (error message, actor), trimmed and truncated; undefined when absent or empty. */
export function getFreeText(value: unknown, key: string): string | undefined {
  const raw = get(value, key);
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.length > MAX_TEXT_LENGTH * 4 ? raw.slice(0, MAX_TEXT_LENGTH * 4).trim() : raw.trim();
  return trimmed.length > 0 ? truncateText(trimmed) : undefined;
}

/** `true`, or the string `"true"` in any case (form-encoded and ActionTrail parameters are strings). */
export function getFlag(value: unknown, key: string): boolean {
  const raw = get(value, key);
  return raw === true || (typeof raw === 'string' && raw.trim().toLowerCase() === 'true');
}

/** A whole number, also from a numeric string; undefined otherwise. */
export function getInteger(value: unknown, key: string): number | undefined {
  const raw = get(value, key);
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && /^\s*\d{1,6}\s*$/.test(raw)) return Number(raw);
  return undefined;
}

/** A string or finite number rendered as a string (for hashing form- and JSON-delivered values alike). */
export function getScalarText(value: unknown, key: string): string | null {
  const raw = get(value, key);
  if (typeof raw === 'string') return raw.trim().slice(0, MAX_IDENTIFIER_LENGTH);
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return null;
}

/** A name quoted for a reason or error text, cut short so a hostile value cannot bloat it. */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return describeType(value);
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 79)}…` : value);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
