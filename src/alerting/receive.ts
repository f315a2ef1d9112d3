import { normalizeAlibabaEvent } from '../events/normalize-alibaba-event';
import { normalizeAwsEvent } from '../events/normalize-aws-event';
import { normalizeCloudWatchAlarm } from '../events/normalize-cloudwatch-alarm';
import type { NormalizeResult } from '../events/secret-event';
import { parseSnsEnvelope, type SnsMessage } from '../events/sns/sns-message';
import type { SnsVerifier } from '../events/sns/sns-verifier';
import { BotError } from '../ops/errors';
import { ingest, type IngestDeps, type IngestOutcome } from './pipeline';

/**
 * What arrived on an event endpoint, decided in one place: SNS control messages, authentication
 * by token or SNS signature, normalization, then ingest. The HTTP handler maps the outcome to a
 * status code and does nothing else.
 */
export type DeliveryOutcome =
  | IngestOutcome
  | { status: 'unauthorized'; error: string }
  | { status: 'forbidden'; error: string }
  | { status: 'subscription-confirmed' }
  | { status: 'unsubscribed' };

export interface DeliveryContext {
  /** `valid`: the ingest token matched; `missing`: none was given. (A wrong token is refused by the handler.) */
  token: 'valid' | 'missing';
  requestId: string;
  receivedAt: string;
}

export interface ReceiveDeps extends IngestDeps {
  sns: SnsVerifier;
}

/** `/events/aws`: an EventBridge event (token), or an SNS message (signature). */
export async function receiveAwsDelivery(body: unknown, ctx: DeliveryContext, deps: ReceiveDeps): Promise<DeliveryOutcome> {
  const sns = parseSnsEnvelope(body);
  if (!sns) {
    if (ctx.token !== 'valid') return { status: 'unauthorized', error: 'missing ingest token (Authorization: Bearer or ?token=) or SNS signature' };
    return ingest(normalizeAwsEvent(body, ctx.receivedAt), deps, ctx.requestId);
  }
  try {
    await deps.sns.verify(sns);
  } catch (e) {
    if (e instanceof BotError && !e.retryable) return { status: 'forbidden', error: e.message };
    throw e; // certificate unreachable: 5xx so SNS retries
  }
  switch (sns.Type) {
    case 'SubscriptionConfirmation':
      await deps.sns.confirmSubscription(sns);
      deps.logger.info({ topicArn: sns.TopicArn, requestId: ctx.requestId }, 'SNS subscription confirmed');
      return { status: 'subscription-confirmed' };
    case 'UnsubscribeConfirmation':
      deps.logger.warn({ topicArn: sns.TopicArn, requestId: ctx.requestId }, 'SNS subscription removed; events from this topic will stop');
      return { status: 'unsubscribed' };
    default:
      return ingest(normalizeSnsNotification(sns, ctx.receivedAt), deps, ctx.requestId);
  }
}

/** An SNS Notification carries an EventBridge event or a CloudWatch alarm, as a JSON string. */
export function normalizeSnsNotification(sns: SnsMessage, receivedAt: string): NormalizeResult {
  let inner: unknown;
  try {
    inner = JSON.parse(sns.Message);
  } catch {
    return { outcome: 'ignored', sourceId: `aws:sns:${sns.MessageId}`, reason: 'SNS message is not JSON' };
  }
  if (inner && typeof inner === 'object' && 'detail-type' in inner) return normalizeAwsEvent(inner, receivedAt);
  if (inner && typeof inner === 'object' && 'AlarmName' in inner) return normalizeCloudWatchAlarm(inner, `aws:sns:${sns.MessageId}`);
  return { outcome: 'ignored', sourceId: `aws:sns:${sns.MessageId}`, reason: 'SNS message is neither an EventBridge event nor a CloudWatch alarm' };
}

/** `/events/alibaba`: CloudMonitor (JSON or form fields) or an Alibaba EventBridge CloudEvent; token only. */
export async function receiveAlibabaDelivery(body: unknown, ctx: DeliveryContext, deps: IngestDeps): Promise<DeliveryOutcome> {
  if (ctx.token !== 'valid') return { status: 'unauthorized', error: 'missing ingest token (Authorization: Bearer or ?token=)' };
  return ingest(normalizeAlibabaEvent(body, ctx.receivedAt), deps, ctx.requestId);
}
