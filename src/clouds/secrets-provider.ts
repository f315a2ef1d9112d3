/**
 * What remediation and `/secrets status` need from a cloud's secret store, and nothing more.
 *
 * Every method either resolves or rejects with a `CloudError` (a `BotError` with a `CLOUD.*`
 * code), whose `retryable` flag tells the job worker whether attempts+backoff can help.
 * No method ever reads or returns a secret value.
 */
import type { Provider } from '../events/secret-event';
import { cloudWords, type CloudOutcome } from '../chat/i18n/cloud-words';

/** Which secret, where. `secretId` is an ARN (`arn:aws:…`, `acs:kms:…:secret/…`) or a name. */
export interface SecretTarget {
  provider: Provider;
  /** AWS 12-digit account id, Alibaba UID; picks the AWS role to assume. */
  account: string;
  region: string;
  secretId: string;
}

/** An account and region to list, without a particular secret. */
export interface SecretScope {
  account: string;
  region: string;
}

export interface CloudResult {
  /** The cloud's request id, for the audit log and for support cases. */
  requestId?: string;
  /** What the cloud did, as data: chat says it in its LOCALE (chat/i18n/cloud-words.ts). */
  outcome: CloudOutcome;
  /** The same in English, one short line (logs, tests): "rotation started, new version v2". */
  detail: string;
}

/** A CloudResult for `outcome`, with its English `detail`. */
export function cloudResult(outcome: CloudOutcome, requestId: string | undefined): CloudResult {
  return { ...(requestId !== undefined ? { requestId } : {}), detail: cloudWords('en').did(outcome), outcome };
}

export interface RotateOptions {
  /**
   * Derived from (action, secret, alert) by the caller, never random. The provider turns it into
   * the cloud's own idempotency token (AWS ClientRequestToken, Alibaba VersionId), so a retried
   * job cannot rotate twice.
   */
  idempotencyKey: string;
}

export interface ListOptions {
  /** Include secrets that are scheduled for deletion (AWS hides them by default). */
  includePlannedDeletion: boolean;
}

/** A normalized DescribeSecret. Every date is an ISO-8601 UTC string. */
export interface SecretDescription {
  provider: Provider;
  account: string;
  region: string;
  name: string;
  arn?: string;
  /** Alibaba `SecretType` (`Generic`, `Rds`, `RAMCredentials`, `ECS`, …); AWS `Type` or owning service. */
  type?: string;
  description?: string;
  /** Automatic rotation turned on. False when never configured. */
  rotationEnabled: boolean;
  /** The cloud's own rotation state word when it has one (Alibaba `Enabled` | `Disabled` | `Invalid`). */
  rotationState?: string;
  /** Alibaba `RotationInterval` (`604800s`) or AWS `AutomaticallyAfterDays`/`ScheduleExpression`. */
  rotationSchedule?: string;
  lastRotatedAt?: string;
  /** "On or before"; can be in the past after failed rotations. */
  nextRotationAt?: string;
  lastChangedAt?: string;
  createdAt?: string;
  /** Set only while the secret is scheduled for deletion: when it becomes unrecoverable. */
  deletionDate?: string;
  tags: Record<string, string>;
  /**
   * A rotation that has not finished: AWS `AWSPENDING` on a version that is not `AWSCURRENT`.
   * While it is there, RotateSecret fails with "A previous rotation isn't complete".
   */
  pendingRotation?: { versionId: string };
  requestId?: string;
}

/** One row of ListSecrets. Every date is an ISO-8601 UTC string. */
export interface SecretSummary {
  name: string;
  arn?: string;
  type?: string;
  rotationEnabled?: boolean;
  lastRotatedAt?: string;
  nextRotationAt?: string;
  deletionDate?: string;
  tags: Record<string, string>;
}

export interface SecretsProvider {
  readonly provider: Provider;
  /** Start a rotation now with the secret's configured rotation. Rotation is asynchronous. */
  rotateSecret(target: SecretTarget, opts: RotateOptions): Promise<CloudResult>;
  /** Cancel a scheduled deletion. A secret that is not pending deletion is left alone. */
  restoreSecret(target: SecretTarget): Promise<CloudResult>;
  describeSecret(target: SecretTarget): Promise<SecretDescription>;
  /** Every secret in the account and region (all pages). */
  listSecrets(scope: SecretScope, opts: ListOptions): Promise<SecretSummary[]>;
}
