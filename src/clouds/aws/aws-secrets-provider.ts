/**
 * SecretsProvider over AWS Secrets Manager (`@aws-sdk/client-secrets-manager`).
 *
 * One SDK client per (account, region), created on first use. An account listed in `roles` is
 * reached through STS AssumeRole (`fromTemporaryCredentials`); any other account uses the given
 * credentials or the SDK's default chain. Endpoints: `endpoint` when given, else the SDK's own
 * resolution, which honours `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`
 * (and `AWS_ENDPOINT_URL_STS` for the STS client).
 *
 * The SDK retries little (`maxAttempts` 2): the job queue owns retrying, with backoff, and uses
 * each error's `retryable` flag to decide.
 */
import { createHash } from 'node:crypto';
import {
  DescribeSecretCommand,
  ListSecretsCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  type DescribeSecretCommandOutput,
  type RotationRulesType,
  type SecretListEntry,
  type SecretsManagerClientConfig,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { classifyCloudError, type CloudOperation } from '../classify-cloud-error';
import {
  cloudResult,
  type CloudResult,
  type ListOptions,
  type RotateOptions,
  type SecretDescription,
  type SecretScope,
  type SecretSummary,
  type SecretTarget,
  type SecretsProvider,
} from '../secrets-provider';

export type AwsCredentials = SecretsManagerClientConfig['credentials'];

export interface AwsSecretsProviderOptions {
  /** Account id → role ARN to assume for that account. */
  roles?: Record<string, string>;
  /** Secrets Manager endpoint override (`http://127.0.0.1:4566`). Unset: the SDK decides (env vars, AWS). */
  endpoint?: string;
  /** STS endpoint override for AssumeRole. Unset: the SDK decides (`AWS_ENDPOINT_URL_STS`, AWS). */
  stsEndpoint?: string;
  /**
   * Credentials for accounts without a role, and the source credentials for AssumeRole.
   * Unset: the SDK's default chain (env, shared config, SSO, container/instance metadata…).
   */
  credentials?: AwsCredentials;
  /** SDK attempts per call, including the first. Default 2. */
  maxAttempts?: number;
  /** Per-request timeout. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** TCP connect timeout. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Default `secrets-bot`; shows up in CloudTrail as the assumed-role session. */
  roleSessionName?: string;
}

/** RotateSecret's ClientRequestToken (32–64 chars) from the caller's idempotency key. */
export function clientRequestTokenFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex'); // 64 hex chars
}

const PAGE_SIZE = 100; // ListSecrets MaxResults upper bound

export class AwsSecretsProvider implements SecretsProvider {
  readonly provider = 'aws' as const;
  private readonly clients = new Map<string, SecretsManagerClient>();

  constructor(private readonly opts: AwsSecretsProviderOptions = {}) {}

  async rotateSecret(target: SecretTarget, opts: RotateOptions): Promise<CloudResult> {
    const token = clientRequestTokenFor(opts.idempotencyKey);
    const out = await this.call(
      target,
      'RotateSecret',
      (c) =>
        // No RotationLambdaARN / RotationRules: use whatever rotation the secret has configured.
        c.send(
          new RotateSecretCommand({
            SecretId: target.secretId,
            ClientRequestToken: token,
            RotateImmediately: true,
          }),
        ),
      target.secretId,
    );
    return cloudResult({ kind: 'rotation-started', versionId: out.VersionId ?? token }, out.$metadata.requestId);
  }

  async restoreSecret(target: SecretTarget): Promise<CloudResult> {
    // RestoreSecret on a secret that is not pending deletion is not documented (wire-formats U3):
    // look first, and treat "no DeletedDate" as already restored.
    const current = await this.describeSecret(target);
    if (!current.deletionDate) {
      return cloudResult({ kind: 'nothing-to-restore' }, current.requestId);
    }
    const out = await this.call(
      target,
      'RestoreSecret',
      (c) => c.send(new RestoreSecretCommand({ SecretId: target.secretId })),
      target.secretId,
    );
    return cloudResult({ kind: 'deletion-cancelled', name: out.Name ?? current.name }, out.$metadata.requestId);
  }

  async describeSecret(target: SecretTarget): Promise<SecretDescription> {
    const out = await this.call(
      target,
      'DescribeSecret',
      (c) => c.send(new DescribeSecretCommand({ SecretId: target.secretId })),
      target.secretId,
    );
    return describeToDescription(out, target);
  }

  async listSecrets(scope: SecretScope, opts: ListOptions): Promise<SecretSummary[]> {
    const result: SecretSummary[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.call(scope, 'ListSecrets', (c) =>
        c.send(
          new ListSecretsCommand({
            IncludePlannedDeletion: opts.includePlannedDeletion,
            MaxResults: PAGE_SIZE,
            NextToken: nextToken,
          }),
        ),
      );
      for (const entry of out.SecretList ?? []) result.push(entryToSummary(entry));
      nextToken = out.NextToken || undefined;
    } while (nextToken);
    return result;
  }

  /** Closes every cached client's sockets (for graceful shutdown and tests). */
  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private async call<T>(
    scope: SecretScope,
    operation: CloudOperation,
    fn: (client: SecretsManagerClient) => Promise<T>,
    secretId?: string,
  ): Promise<T> {
    try {
      return await fn(this.clientFor(scope));
    } catch (err) {
      throw classifyCloudError(err, {
        provider: 'aws',
        operation,
        account: scope.account,
        region: scope.region,
        secretId,
      });
    }
  }

  private clientFor(scope: SecretScope): SecretsManagerClient {
    const key = `${scope.account}|${scope.region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new SecretsManagerClient(this.clientConfig(scope));
      this.clients.set(key, client);
    }
    return client;
  }

  private clientConfig(scope: SecretScope): SecretsManagerClientConfig {
    const requestHandler = {
      requestTimeout: this.opts.requestTimeoutMs ?? 5000,
      connectionTimeout: this.opts.connectTimeoutMs ?? 3000,
      // Without this the Node handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    };
    const maxAttempts = this.opts.maxAttempts ?? 2;
    const roleArn = this.opts.roles?.[scope.account];
    const credentials: AwsCredentials = roleArn
      ? fromTemporaryCredentials({
          params: { RoleArn: roleArn, RoleSessionName: this.opts.roleSessionName ?? 'secrets-bot' },
          // undefined: the STS client uses the SDK's default chain
          masterCredentials: this.opts.credentials,
          clientConfig: {
            region: scope.region,
            maxAttempts,
            requestHandler,
            ...(this.opts.stsEndpoint ? { endpoint: this.opts.stsEndpoint } : {}),
          },
        })
      : this.opts.credentials;
    return {
      region: scope.region,
      maxAttempts,
      requestHandler,
      ...(this.opts.endpoint ? { endpoint: this.opts.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Normalization

function iso(d: Date | undefined): string | undefined {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

function tagsToRecord(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function schedule(rules: RotationRulesType | undefined): string | undefined {
  if (!rules) return undefined;
  if (rules.ScheduleExpression) return rules.ScheduleExpression;
  if (rules.AutomaticallyAfterDays) return `every ${rules.AutomaticallyAfterDays} days`;
  return undefined;
}

/** AWSPENDING on a version that is not AWSCURRENT: a rotation that has not finished. */
export function pendingVersionOf(stages: Record<string, string[]> | undefined): string | undefined {
  for (const [versionId, labels] of Object.entries(stages ?? {})) {
    if (labels.includes('AWSPENDING') && !labels.includes('AWSCURRENT')) return versionId;
  }
  return undefined;
}

function describeToDescription(out: DescribeSecretCommandOutput, target: SecretTarget): SecretDescription {
  const pending = pendingVersionOf(out.VersionIdsToStages);
  return {
    provider: 'aws',
    account: target.account,
    region: target.region,
    name: out.Name ?? target.secretId,
    arn: out.ARN,
    type: out.Type ?? out.OwningService,
    description: out.Description,
    rotationEnabled: out.RotationEnabled === true,
    rotationSchedule: schedule(out.RotationRules),
    lastRotatedAt: iso(out.LastRotatedDate),
    nextRotationAt: iso(out.NextRotationDate),
    lastChangedAt: iso(out.LastChangedDate),
    createdAt: iso(out.CreatedDate),
    // "The date the secret is scheduled for deletion" (API reference); present only while scheduled.
    deletionDate: iso(out.DeletedDate),
    tags: tagsToRecord(out.Tags),
    ...(pending ? { pendingRotation: { versionId: pending } } : {}),
    requestId: out.$metadata.requestId,
  };
}

function entryToSummary(e: SecretListEntry): SecretSummary {
  return {
    name: e.Name ?? e.ARN ?? '',
    arn: e.ARN,
    type: e.Type ?? e.OwningService,
    rotationEnabled: e.RotationEnabled === true,
    lastRotatedAt: iso(e.LastRotatedDate),
    nextRotationAt: iso(e.NextRotationDate),
    deletionDate: iso(e.DeletedDate),
    tags: tagsToRecord(e.Tags),
  };
}
