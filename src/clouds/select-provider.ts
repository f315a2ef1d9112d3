/**
 * Picks the SecretsProvider for an alert's provider. A cloud whose credentials are not configured
 * is disabled: asking for it fails with CLOUD.UNSUPPORTED and a message saying how to turn it on.
 */
import { cloudError } from './classify-cloud-error';
import type { Provider } from '../events/secret-event';
import type { SecretsProvider } from './secrets-provider';
import { AwsSecretsProvider, type AwsSecretsProviderOptions } from './aws/aws-secrets-provider';
import {
  AlibabaSecretsProvider,
  type AlibabaSecretsProviderOptions,
} from './alibaba/alibaba-secrets-provider';

export const ALIBABA_DISABLED_MESSAGE =
  'Alibaba actions are disabled: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET';

export class CloudProviders {
  constructor(private readonly providers: Partial<Record<Provider, SecretsProvider>>) {}

  get(provider: Provider): SecretsProvider {
    const p = this.providers[provider];
    if (p) return p;
    const message = provider === 'alibaba' ? ALIBABA_DISABLED_MESSAGE : `${provider} actions are disabled`;
    throw cloudError('provider-disabled', message, { provider });
  }

  has(provider: Provider): boolean {
    return this.providers[provider] !== undefined;
  }

  /** Closes the providers' connections (graceful shutdown). */
  destroy(): void {
    for (const p of Object.values(this.providers)) (p as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

export interface CloudSettings {
  /** AWS is always on: with no explicit credentials the SDK's default chain is used. */
  aws: AwsSecretsProviderOptions;
  /** Absent (no Alibaba access key configured): Alibaba actions are disabled. */
  alibaba?: AlibabaSecretsProviderOptions;
}

/** For the composition root: builds both providers from settings. */
export function createCloudProviders(settings: CloudSettings): CloudProviders {
  return new CloudProviders({
    aws: new AwsSecretsProvider(settings.aws),
    ...(settings.alibaba ? { alibaba: new AlibabaSecretsProvider(settings.alibaba) } : {}),
  });
}
