import type { SecretEvent } from '../events/secret-event';

/**
 * Link to a secret in its cloud console, for the "Secret" field of alert messages.
 *
 * - AWS: `https://<region>.console.aws.amazon.com/secretsmanager/secret?name=<name>&region=<region>`;
 *   China regions (`cn-*`) live on `console.amazonaws.cn`, GovCloud (`us-gov-*`) on
 *   `console.amazonaws-us-gov.com` [U: GovCloud host form not checked against a live account].
 *   Without a secret name (a CloudWatch alarm names none): the region's secret list,
 *   `/secretsmanager/listsecrets?region=<region>`.
 * - Alibaba Cloud: `https://kms.console.aliyun.com/<region>/secret/detail?secretName=<name>`, and
 *   `https://kms.console.aliyun.com/<region>/secret` for the list. [U] This is the documented
 *   console path form as we understand it; not confirmed against a live console.
 *
 * The region comes from an event, so it is untrusted: anything that is not a plain region code
 * is dropped rather than allowed to change the link's host or path.
 */
export function consoleUrl(event: Pick<SecretEvent, 'provider' | 'region' | 'secretName'>): string {
  const region = /^[a-z0-9-]{1,40}$/.test(event.region) ? event.region : '';
  const name = event.secretName.trim();
  if (event.provider === 'aws') {
    const host = awsConsoleHost(region);
    const q = region === '' ? '' : `region=${region}`;
    if (name === '') return `https://${host}/secretsmanager/listsecrets${q === '' ? '' : `?${q}`}`;
    return `https://${host}/secretsmanager/secret?name=${encodeURIComponent(name)}${q === '' ? '' : `&${q}`}`;
  }
  const base = region === '' ? 'https://kms.console.aliyun.com' : `https://kms.console.aliyun.com/${region}`;
  if (name === '') return `${base}/secret`;
  return `${base}/secret/detail?secretName=${encodeURIComponent(name)}`;
}

function awsConsoleHost(region: string): string {
  if (region.startsWith('cn-')) return `${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `${region}.console.amazonaws-us-gov.com`;
  return region === '' ? 'console.aws.amazon.com' : `${region}.console.aws.amazon.com`;
}
