/**
 * Alibaba Cloud Function Compute forwarder (Node.js 18/20 runtime, event function, handler
 * `alibaba-fc.handler`, signature `async (event, context)`; FC passes the event as a Buffer):
 * relays KMS events to the bot's `POST /events/alibaba` when the bot is not reachable.
 *
 * Accepted invocations, unwrapped to the events the bot understands:
 * - a CloudMonitor system event (CloudMonitor event subscription → Function Compute);
 * - an Alibaba EventBridge CloudEvent (`kms:*`), alone or as a batch (array);
 * - an MNS queue trigger (CloudEvents `mns:Queue:SendMessage`, `data.messageBody`), alone or batched;
 * - an MNS topic trigger: JSON format (`{TopicOwner, Message, …}`) or STREAM format (the message
 *   itself, or `{body, attrs}` when it carries attributes).
 * An MNS message body may be base64 (EventBridge targets with IsBase64Encode, most MNS SDKs).
 *
 * Environment: BOT_URL, INGEST_TOKEN. Whatever the bot does not acknowledge with a 2xx makes the
 * invocation fail, so FC's async retries and its failure destination keep the event.
 */
import {
  isObject,
  parseJsonText,
  readForwarderConfig,
  relayEvents,
  RelayError,
  type Delivery,
} from './relay';

/** The part of FC's context this handler uses (`function.timeout` is in seconds). */
export interface FcContext {
  requestId?: string;
  function?: { timeout?: number };
}

const SAFETY_MARGIN_MS = 1000;
/** MNS inside EventBridge inside a batch is three levels; more means a loop or a mistake. */
const MAX_DEPTH = 4;

export async function handler(
  event: Buffer | string | unknown,
  context?: FcContext,
): Promise<{ delivered: Delivery[] }> {
  const started = Date.now();
  const config = readForwarderConfig();
  const timeoutSeconds = context?.function?.timeout;
  const delivered = await relayEvents(eventsFromInvocation(event), {
    ...config,
    path: '/events/alibaba',
    deadline:
      typeof timeoutSeconds === 'number' && timeoutSeconds > 0
        ? started + timeoutSeconds * 1000 - SAFETY_MARGIN_MS
        : undefined,
  });
  return { delivered };
}

/** Pure: the events to post for one FC invocation payload. */
export function eventsFromInvocation(event: Buffer | string | unknown): unknown[] {
  const value = Buffer.isBuffer(event)
    ? parseJsonText(event.toString('utf8'))
    : typeof event === 'string'
      ? parseJsonText(event)
      : event;
  return unwrap(value, 0);
}

function unwrap(value: unknown, depth: number): unknown[] {
  if (depth > MAX_DEPTH)
    throw new RelayError('FORWARD.BAD_INPUT', `payload nests deeper than ${MAX_DEPTH} envelopes`);
  if (Array.isArray(value)) return value.flatMap((v) => unwrap(v, depth + 1));
  if (!isObject(value))
    throw new RelayError(
      'FORWARD.BAD_INPUT',
      `payload is a ${value === null ? 'null' : typeof value}, not an event object`,
    );
  const inner = mnsMessage(value);
  return inner === undefined ? [value] : unwrap(parseJsonText(inner), depth + 1);
}

/** The message text inside an MNS envelope, or undefined when `value` is not one. */
function mnsMessage(value: Record<string, unknown>): string | undefined {
  if (typeof value.type === 'string' && value.type.startsWith('mns:') && isObject(value.data)) {
    return stringField(value.data, 'messageBody', value.type);
  }
  if ('TopicOwner' in value && 'MessageId' in value && 'Message' in value)
    return stringField(value, 'Message', 'MNS topic notification');
  if ('body' in value && isObject(value.attrs) && Object.keys(value).length === 2)
    return stringField(value, 'body', 'MNS message with attributes');
  return undefined;
}

function stringField(record: Record<string, unknown>, key: string, what: string): string {
  const v = record[key];
  if (typeof v !== 'string') throw new RelayError('FORWARD.BAD_INPUT', `${what} without a string ${key}`);
  return v;
}
