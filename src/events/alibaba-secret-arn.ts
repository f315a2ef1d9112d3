/** Reading and building Alibaba KMS secret ARNs: `acs:kms:<region>:<uid>:secret/<name>`. */

export interface AlibabaSecretArn {
  region: string;
  /** The 16-digit account UID, kept as given (CloudMonitor samples mask it: `188989715694****`). */
  account: string;
  name: string;
}

export function parseAlibabaSecretArn(value: string): AlibabaSecretArn | undefined {
  const text = value.trim();
  if (!text.startsWith('acs:kms:')) return undefined;
  const parts = text.split(':', 5);
  if (parts.length < 5) return undefined;
  const [, , region, account] = parts;
  const resource = text.slice(parts.slice(0, 4).join(':').length + 1);
  if (!resource.startsWith('secret/') || resource.length === 'secret/'.length) return undefined;
  return { region, account, name: resource.slice('secret/'.length) };
}

export function buildAlibabaSecretArn(region: string, account: string, name: string): string {
  return `acs:kms:${region}:${account}:secret/${name}`;
}
