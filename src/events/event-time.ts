/**
 * Lenient, time-zone independent parsing of the time formats the clouds send, to ISO-8601 UTC.
 * Never uses `Date.parse` on free-form strings: V8 reads zone-less strings as local time, and a
 * bot must not move a deletion date by the server's offset.
 *
 * Accepted:
 * - ISO-8601 extended with `Z`, `+08:00` or `+0000` (CloudWatch), or no zone (read as UTC);
 * - Alibaba CloudMonitor compact form `20180816T135935.689+0800`;
 * - AWS CloudTrail human dates `May 3, 2018 5:51:02 PM`, `Mar 8, 2026, 10:15:30 AM` (read as UTC);
 * - epoch seconds or milliseconds, as a number or a digit string.
 */

const MS_PER_DAY = 86_400_000;
/** Epoch values before this are not plausible event times (Secrets Manager launched in 2018). */
const EARLIEST_EPOCH_MS = Date.UTC(2001, 8, 9, 1, 46, 40); // 1e12 ms
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const COMPACT =
  /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const HUMAN =
  /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?(?:\s*(?:UTC|GMT|Z))?$/;
const EPOCH_DIGITS = /^\d{9,13}(?:\.\d{1,6})?$/;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** ISO-8601 UTC (`2026-03-01T10:15:30.000Z`) for any accepted time value, else undefined. */
export function toIsoUtc(value: unknown): string | undefined {
  const ms = toEpochMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** `iso` plus whole days, as ISO-8601 UTC. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * MS_PER_DAY).toISOString();
}

function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return fromEpochNumber(value);
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const text = value.trim();
  if (EPOCH_DIGITS.test(text)) return fromEpochNumber(Number(text));
  const iso = ISO_EXTENDED.exec(text) ?? COMPACT.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = iso;
    return fromParts(+y, +mo, +d, +h, +mi, +s, fractionMs(frac), offsetMinutes(zone));
  }
  const human = HUMAN.exec(text);
  if (human) {
    const [, monthName, d, y, h, mi, s = '0', meridiem] = human;
    const month = monthNumber(monthName);
    const hour = to24Hour(+h, meridiem);
    if (month === undefined || hour === undefined) return undefined;
    return fromParts(+y, month, +d, hour, +mi, +s, 0, 0);
  }
  return undefined;
}

function fromEpochNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1000 : n;
  return ms >= EARLIEST_EPOCH_MS && ms <= LATEST_MS ? Math.round(ms) : undefined;
}

function fractionMs(frac: string): number {
  return frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
}

/** Minutes east of UTC; 0 for `Z` or no zone at all (read as UTC). NaN when out of range. */
function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 14 || minutes > 59) return Number.NaN;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((m) => m.startsWith(lower) && lower.length >= 3);
  return index === -1 ? undefined : index + 1;
}

function to24Hour(hour: number, meridiem: string | undefined): number | undefined {
  if (meridiem === undefined) return hour;
  if (hour < 1 || hour > 12) return undefined;
  const pm = meridiem.toLowerCase() === 'p';
  return (hour % 12) + (pm ? 12 : 0);
}

/** Epoch ms for calendar parts, rejecting impossible dates (Feb 30, 25:00) instead of rolling over. */
function fromParts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offset: number,
): number | undefined {
  if (Number.isNaN(offset) || year < 1000) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  const utc = local - offset * 60_000;
  return utc >= 0 && utc <= LATEST_MS ? utc : undefined;
}
