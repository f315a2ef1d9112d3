/**
 * The Amazon SNS HTTP/HTTPS delivery envelope (wire-formats.md §2.2), and a parser that recognises it.
 *
 * Parsing says nothing about authenticity: run the result through SnsVerifier before trusting it.
 */

export const SNS_MESSAGE_TYPES = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
] as const;
export type SnsMessageType = (typeof SNS_MESSAGE_TYPES)[number];

export interface SnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  /** Notification: the published message (often JSON to parse again); confirmations: fixed text. */
  Message: string;
  /** Notification only, and only when the publisher set one. */
  Subject?: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  /** SubscriptionConfirmation and UnsubscribeConfirmation. */
  SubscribeURL?: string;
  /** SubscriptionConfirmation and UnsubscribeConfirmation. */
  Token?: string;
  /** Notification only. */
  UnsubscribeURL?: string;
}

const REQUIRED = ['MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature'] as const;
const OPTIONAL = ['Subject', 'SubscribeURL', 'Token', 'UnsubscribeURL'] as const;

/** Lambda's SNS event record spells these keys differently; sns-validator renames them too. */
const LAMBDA_SPELLINGS: Record<string, string> = {
  SigningCertUrl: 'SigningCertURL',
  SubscribeUrl: 'SubscribeURL',
  UnsubscribeUrl: 'UnsubscribeURL',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Returns the SNS envelope in `body` (an object, or the JSON text SNS posts as text/plain), or
 * undefined when it does not have the SNS shape. Unknown keys (MessageAttributes, …) are dropped;
 * a null Subject (Lambda's spelling of "no subject") counts as absent.
 */
export function parseSnsEnvelope(body: unknown): SnsMessage | undefined {
  let obj = body;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!isRecord(obj)) return undefined;

  const src: Record<string, unknown> = { ...obj };
  for (const [lambdaKey, key] of Object.entries(LAMBDA_SPELLINGS)) {
    if (src[key] === undefined && src[lambdaKey] !== undefined) src[key] = src[lambdaKey];
  }

  const type = src.Type;
  if (typeof type !== 'string' || !(SNS_MESSAGE_TYPES as readonly string[]).includes(type)) return undefined;
  if (typeof src.SigningCertURL !== 'string') return undefined;
  for (const key of REQUIRED) if (typeof src[key] !== 'string') return undefined;

  const msg: SnsMessage = {
    Type: type as SnsMessageType,
    MessageId: src.MessageId as string,
    TopicArn: src.TopicArn as string,
    Message: src.Message as string,
    Timestamp: src.Timestamp as string,
    SignatureVersion: src.SignatureVersion as string,
    Signature: src.Signature as string,
    SigningCertURL: src.SigningCertURL,
  };
  for (const key of OPTIONAL) {
    const v = src[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return undefined;
    msg[key] = v;
  }
  return msg;
}

export function isSnsEnvelope(body: unknown): boolean {
  return parseSnsEnvelope(body) !== undefined;
}
