/**
 * AWS Lambda forwarder (Node.js 20 runtime, handler `aws-lambda.handler`): relays Secrets Manager
 * events to the bot's `POST /events/aws` when the bot is not reachable from the internet.
 *
 * - Target of an EventBridge rule: the event is the EventBridge event; it is posted as is.
 * - Subscribed to an SNS topic: each `Records[].Sns` is posted as the SNS message the bot accepts
 *   (Lambda's `SigningCertUrl`/`UnsubscribeUrl` spellings included); the bot checks its signature.
 *
 * Environment: BOT_URL (base URL of the bot), INGEST_TOKEN. Whatever the bot does not acknowledge
 * with a 2xx makes the invocation fail, so Lambda's async retries and the function's on-failure
 * destination / DLQ keep the event. Zip this file with relay.js (see README).
 */
import { isObject, readForwarderConfig, relayEvents, type Delivery } from './relay';

/** The part of Lambda's context this handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

/** Stop starting new tries this long before Lambda would stop the function. */
const SAFETY_MARGIN_MS = 1000;

export async function handler(event: unknown, context?: LambdaContext): Promise<{ delivered: Delivery[] }> {
  const config = readForwarderConfig();
  const remaining = context?.getRemainingTimeInMillis?.();
  const delivered = await relayEvents(eventsToRelay(event), {
    ...config,
    path: '/events/aws',
    deadline: remaining === undefined ? undefined : Date.now() + remaining - SAFETY_MARGIN_MS,
  });
  return { delivered };
}

/** The bodies to post: the SNS messages of an SNS invocation, otherwise the event itself. */
export function eventsToRelay(event: unknown): unknown[] {
  const records = isObject(event) && Array.isArray(event.Records) ? event.Records : undefined;
  if (records !== undefined && records.length > 0 && records.every((r) => isObject(r) && isObject(r.Sns))) {
    return records.map((r) => (r as { Sns: unknown }).Sns);
  }
  return [event];
}
