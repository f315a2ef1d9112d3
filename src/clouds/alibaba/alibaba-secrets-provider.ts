/**
 * SecretsProvider over Alibaba Cloud KMS secrets (`@alicloud/kms20160120@1.2.0`, API 2016-01-20).
 *
 * Package quirks handled here (wire-formats §6.3):
 * - it has no `rotateSecret`, and its typed DescribeSecret/ListSecrets responses drop SecretType,
 *   AutomaticRotation, NextRotationDate…: those three go through the public `doRequest`, which
 *   returns the raw JSON;
 * - it never sets its product id, so without `endpoint` it would call `undefined.<region>…`:
 *   we always pass one (`kms.<region>.aliyuncs.com` over HTTPS unless overridden);
 * - its error codes carry an appended "Error"; classify-cloud-error matches the body's `Code`.
 */
import { createHash } from 'node:crypto';
import Kms, { RestoreSecretRequest } from '@alicloud/kms20160120';
import { RuntimeOptions } from '@alicloud/tea-util';
import {
  classifyCloudError,
  cloudError,
  secretDisplayName,
  type CloudOperation,
} from '../classify-cloud-error';
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

export interface AlibabaCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** For STS credentials. */
  securityToken?: string;
}

export interface AlibabaSecretsProviderOptions {
  credentials: AlibabaCredentials;
  /**
   * `ALIBABA_KMS_ENDPOINT`: `http://127.0.0.1:9998`, `https://kms-vpc.cn-hangzhou.aliyuncs.com` or a bare
   * host (HTTPS). Used for every region. Unset: `kms.<region>.aliyuncs.com` over HTTPS.
   */
  endpoint?: string;
  /** Default 5000 ms. */
  readTimeoutMs?: number;
  /** Default 3000 ms. */
  connectTimeoutMs?: number;
}

const API_VERSION = '2016-01-20';
const PAGE_SIZE = 100; // ListSecrets PageSize upper bound

/** RotateSecret's VersionId (its idempotency key) from the caller's idempotency key. */
export function versionIdFor(idempotencyKey: string): string {
  return `bot-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

/** `http://127.0.0.1:9998` → { protocol: 'http', host: '127.0.0.1:9998' }; a bare host means HTTPS. */
export function parseKmsEndpoint(endpoint: string): { protocol: 'http' | 'https'; host: string } {
  const m = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint.trim());
  if (m) return { protocol: m[1].toLowerCase() as 'http' | 'https', host: m[2] };
  return { protocol: 'https', host: endpoint.trim().replace(/\/+$/, '') };
}

/** `acs:kms:<region>:<uid>:secret/<name>` → `<name>`; KMS takes names everywhere. */
export function alibabaSecretName(secretId: string): string {
  return secretDisplayName(secretId);
}

type KmsConfig = ConstructorParameters<typeof Kms>[0];
type Raw = Record<string, unknown>;

export class AlibabaSecretsProvider implements SecretsProvider {
  readonly provider = 'alibaba' as const;
  private readonly clients = new Map<string, Kms>();

  constructor(private readonly opts: AlibabaSecretsProviderOptions) {}

  async rotateSecret(target: SecretTarget, opts: RotateOptions): Promise<CloudResult> {
    const name = alibabaSecretName(target.secretId);
    const current = await this.describeSecret(target);
    const about = {
      provider: 'alibaba' as const,
      operation: 'RotateSecret' as const,
      account: target.account,
      region: target.region,
      name,
    };
    if (current.type === 'Generic') {
      throw cloudError(
        'generic-secret',
        `alibaba RotateSecret not attempted: ${name} is a Generic secret, which KMS RotateSecret does not support`,
        about,
        { requestId: current.requestId },
      );
    }
    if (current.deletionDate) {
      throw cloudError(
        'rotate-while-deleting',
        `alibaba RotateSecret not attempted: ${name} is scheduled for deletion at ${current.deletionDate}`,
        about,
        { requestId: current.requestId },
      );
    }
    const versionId = versionIdFor(opts.idempotencyKey);
    // VersionId is KMS's idempotency key: a version that already exists makes the call a no-op success.
    const res = await this.rpc(
      target,
      'RotateSecret',
      { SecretName: name, VersionId: versionId },
      target.secretId,
    );
    return cloudResult({ kind: 'rotation-started', versionId: str(res.VersionId) ?? versionId }, str(res.RequestId));
  }

  async restoreSecret(target: SecretTarget): Promise<CloudResult> {
    const name = alibabaSecretName(target.secretId);
    // RestoreSecret on a secret that is not pending deletion is undocumented (wire-formats U7): look first.
    const current = await this.describeSecret(target);
    if (!current.deletionDate) {
      return cloudResult({ kind: 'nothing-to-restore' }, current.requestId);
    }
    const res = await this.guard(target, 'RestoreSecret', target.secretId, () =>
      this.clientFor(target.region).restoreSecretEx(
        new RestoreSecretRequest({ secretName: name }),
        this.runtime(),
      ),
    );
    return cloudResult({ kind: 'deletion-cancelled', name: res.secretName ?? name }, res.requestId);
  }

  async describeSecret(target: SecretTarget): Promise<SecretDescription> {
    const name = alibabaSecretName(target.secretId);
    const r = await this.rpc(
      target,
      'DescribeSecret',
      { SecretName: name, FetchTags: 'true' },
      target.secretId,
    );
    const automatic = str(r.AutomaticRotation);
    return {
      provider: 'alibaba',
      account: target.account,
      region: target.region,
      name: str(r.SecretName) ?? name,
      arn: str(r.Arn),
      type: str(r.SecretType),
      description: str(r.Description),
      rotationEnabled: automatic === 'Enabled',
      rotationState: automatic,
      rotationSchedule: str(r.RotationInterval),
      lastRotatedAt: alibabaIso(r.LastRotationDate),
      nextRotationAt: alibabaIso(r.NextRotationDate),
      lastChangedAt: alibabaIso(r.UpdateTime),
      createdAt: alibabaIso(r.CreateTime),
      deletionDate: alibabaIso(r.PlannedDeleteTime),
      tags: tagsToRecord(r.Tags),
      requestId: str(r.RequestId),
    };
  }

  async listSecrets(scope: SecretScope, opts: ListOptions): Promise<SecretSummary[]> {
    const result: SecretSummary[] = [];
    for (let page = 1; ; page++) {
      const r = await this.rpc(scope, 'ListSecrets', {
        PageNumber: String(page),
        PageSize: String(PAGE_SIZE),
        FetchTags: 'true',
      });
      const list = (r.SecretList as { Secret?: unknown } | undefined)?.Secret;
      const items = Array.isArray(list) ? (list as Raw[]) : [];
      for (const s of items) {
        const summary: SecretSummary = {
          name: str(s.SecretName) ?? '',
          arn: str(s.Arn),
          type: str(s.SecretType),
          ...(str(s.AutomaticRotation) ? { rotationEnabled: s.AutomaticRotation === 'Enabled' } : {}),
          nextRotationAt: alibabaIso(s.NextRotationDate),
          deletionDate: alibabaIso(s.PlannedDeleteTime),
          tags: tagsToRecord(s.Tags),
        };
        // KMS lists secrets pending deletion together with the others [P]; drop them unless asked.
        if (summary.deletionDate && !opts.includePlannedDeletion) continue;
        result.push(summary);
      }
      const total = Number(r.TotalCount);
      const seen = page * PAGE_SIZE;
      if (items.length === 0 || items.length < PAGE_SIZE || (Number.isFinite(total) && seen >= total)) break;
    }
    return result;
  }

  private runtime(): RuntimeOptions {
    return new RuntimeOptions({
      readTimeout: this.opts.readTimeoutMs ?? 5000,
      connectTimeout: this.opts.connectTimeoutMs ?? 3000,
      autoretry: false, // the job queue retries, with backoff
    });
  }

  private rpc(
    scope: SecretScope,
    action: CloudOperation,
    query: Record<string, string>,
    secretId?: string,
  ): Promise<Raw> {
    return this.guard(scope, action, secretId, () =>
      // The protocol argument is overridden by the client's configured protocol; no body (the
      // parameters travel in the signed query string), which the package's types do not allow for.
      this.clientFor(scope.region).doRequest(
        action,
        'HTTPS',
        'POST',
        API_VERSION,
        'AK',
        query,
        null as never,
        this.runtime(),
      ),
    );
  }

  private async guard<T>(
    scope: SecretScope,
    operation: CloudOperation,
    secretId: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyCloudError(err, {
        provider: 'alibaba',
        operation,
        account: scope.account,
        region: scope.region,
        secretId,
      });
    }
  }

  private clientFor(region: string): Kms {
    let client = this.clients.get(region);
    if (!client) {
      const { protocol, host } = parseKmsEndpoint(this.opts.endpoint ?? `kms.${region}.aliyuncs.com`);
      const config = {
        accessKeyId: this.opts.credentials.accessKeyId,
        accessKeySecret: this.opts.credentials.accessKeySecret,
        ...(this.opts.credentials.securityToken
          ? { securityToken: this.opts.credentials.securityToken }
          : {}),
        regionId: region,
        endpoint: host, // always: 1.2.0 would build `undefined.<region>.aliyuncs.com` otherwise
        protocol,
        readTimeout: this.opts.readTimeoutMs ?? 5000,
        connectTimeout: this.opts.connectTimeoutMs ?? 3000,
        userAgent: 'secrets-bot',
      };
      // rpc-client's Config is a tea Model class; its constructor reads plain objects the same way.
      client = new Kms(config as unknown as KmsConfig);
      this.clients.set(region, client);
    }
    return client;
  }
}

// ---------------------------------------------------------------------------------------------
// Normalization

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;
}

function tagsToRecord(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = (tags as { Tag?: unknown } | undefined)?.Tag;
  if (!Array.isArray(list)) return out;
  for (const t of list as Raw[]) {
    const k = str(t.TagKey);
    if (k !== undefined) out[k] = str(t.TagValue) ?? '';
  }
  return out;
}

/**
 * KMS times look like `2020-02-21T23:36:07.713703651+08:00` (nanoseconds and an offset) or
 * `2019-02-21T15:39:26Z`. Returns ISO-8601 UTC; an unparseable value is returned as it came rather
 * than dropped (a PlannedDeleteTime must not vanish).
 */
export function alibabaIso(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const normalized = s
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T')
    .replace(/(\.\d{3})\d+/, '$1')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  // No zone at all: read as UTC rather than as this machine's local time [U].
  const zoned = /(Z|[+-]\d{2}:\d{2})$/i.test(normalized) ? normalized : `${normalized}Z`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}
