/**
 * The one event model every source format is normalized into.
 *
 * A SecretEvent never carries a secret value: normalizers copy only identifiers, times,
 * actors and error texts out of the cloud's payload.
 */

export type Provider = 'aws' | 'alibaba';

/** How the event reached us; part of the dedup key and shown in "why am I seeing this". */
export type EventSource =
  | 'aws.eventbridge' // EventBridge event (API destination, forwarder, or inside SNS)
  | 'aws.cloudwatch-alarm' // CloudWatch alarm notification delivered through SNS
  | 'alibaba.cloudmonitor' // CloudMonitor system event (JSON or form-encoded URL callback)
  | 'alibaba.eventbridge' // Alibaba EventBridge CloudEvent (CloudMonitor or ActionTrail data)
  | 'aws.reconcile' // found by the bot listing Secrets Manager: no event arrived (alerting/reconcile.ts)
  | 'alibaba.reconcile'; // found by the bot listing KMS secrets: no event arrived

export const EVENT_KINDS = [
  'rotation.started',
  'rotation.succeeded',
  'rotation.failed',
  'rotation.abandoned',
  'rotation.requested', // someone called RotateSecret
  'rotation.cancelled', // CancelRotateSecret: automatic rotation turned off
  'rotation.label-updated', // native "Secret Label Updated" (AWSCURRENT moved: rotation took effect)
  'rotation.overdue', // found by reconciliation: past its next rotation date with no success seen
  'test-rotation.started',
  'test-rotation.succeeded',
  'test-rotation.failed',
  'deletion.scheduled', // DeleteSecret with a recovery window
  'deletion.forced', // DeleteSecret with ForceDeleteWithoutRecovery: gone, nothing to cancel
  'deletion.cancelled', // RestoreSecret / CancelSecretVersionDelete
  'deletion.started', // StartSecretVersionDelete: the purge began
  'deletion.completed', // EndSecretVersionDelete: permanently deleted
  'access.pending-deletion', // a read of a secret that is pending deletion (someone still uses it)
  'access.pending-deletion-cleared', // the CloudWatch alarm for such reads went back to OK
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export type Severity = 'critical' | 'warning' | 'info';

export interface SecretEvent {
  provider: Provider;
  source: EventSource;
  /** AWS 12-digit account id, Alibaba 16-digit UID; '' when the source does not say. */
  account: string;
  /** Region code (`eu-west-1`, `cn-hangzhou`). */
  region: string;
  /** Full ARN when the source gives one (`arn:aws:secretsmanager:…`, `acs:kms:…:secret/…`), else the name. */
  secretId: string;
  /** Human name of the secret (`prod/pg`); for AWS the ARN without its 6-character suffix. */
  secretName: string;
  /** Alibaba secret type (`Generic`, `Rds`, `ECS`, `RAMCredentials`, …) or AWS owning service, when known. */
  secretType?: string;
  kind: EventKind;
  severity: Severity;
  /** When it happened at the source, ISO-8601 UTC. */
  occurredAt: string;
  /** Who acted, for API calls: an ARN, a RAM user, `alice`. Absent for service events. */
  actor?: string;
  /** The cloud's own failure code and message (rotation failures, refused reads). */
  failure?: { code?: string; message?: string };
  /**
   * The secret's tags, only when the source carries them: events found by reconciliation (from
   * ListSecrets) and API calls whose request names tags. Cloud rotation and deletion events carry
   * none, so route and mute `tags` matchers never match those.
   */
  tags?: Record<string, string>;
  /** For scheduled deletions: when the secret becomes unrecoverable, ISO-8601 UTC. */
  deletionDate?: string;
  recoveryWindowDays?: number;
  /** The source's own event name (`RotationFailed`, `Secret:RotateSecret:Failure`, alarm name). */
  sourceEventName: string;
  /**
   * The source's id for this delivery, unique per event (EventBridge `id`, CloudMonitor `content.eventId`
   * or a stable hash, CloudEvents `source`+`id`). Dedup claims this; a redelivery carries the same value.
   */
  sourceId: string;
}

/**
 * What a normalizer decided. Pure: no I/O, no clock.
 * - `event`: the bot acts on it.
 * - `ignored`: a valid event of a known format that the bot does not act on (recorded, answered 2xx).
 * - `invalid`: not an event this bot understands (answered 400 with `error`).
 */
export type NormalizeResult =
  | { outcome: 'event'; event: SecretEvent }
  | { outcome: 'ignored'; sourceId: string; reason: string }
  | { outcome: 'invalid'; error: string };

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
