/** Reading AWS ARNs: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. */

export interface AwsArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account, colons included (`secret:prod/pg-AbC123`, `alarm:NAME`). */
  resource: string;
}

export function parseAwsArn(value: string): AwsArn | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const parts = value.split(':', 6);
  if (parts.length < 6) return undefined;
  const [, partition, service, region, account] = parts;
  const resource = value.slice(parts.slice(0, 5).join(':').length + 1);
  if (!/^aws(-[a-z]+)*$/.test(partition) || service === '' || resource === '') return undefined;
  return { partition, service, region, account, resource };
}

/** True for `arn:aws…:secretsmanager:REGION:ACCOUNT:secret:NAME…`. */
export function isSecretsManagerArn(value: string): boolean {
  const arn = parseAwsArn(value);
  return arn !== undefined && arn.service === 'secretsmanager' && arn.resource.startsWith('secret:');
}

/**
 * The secret's name from its ARN: `arn:aws:secretsmanager:eu-west-1:1111:secret:prod/pg-AbC123` -> `prod/pg`.
 * Secrets Manager appends `-` and 6 random characters to the name; a partial ARN without that suffix
 * keeps its whole name. (A partial ARN whose name itself ends in `-` + 6 characters cannot be told
 * apart from a full one; AWS has the same ambiguity.)
 */
export function secretNameFromArn(value: string): string | undefined {
  const arn = parseAwsArn(value);
  if (arn === undefined || arn.service !== 'secretsmanager' || !arn.resource.startsWith('secret:')) {
    return undefined;
  }
  const withSuffix = arn.resource.slice('secret:'.length);
  const name = /-[A-Za-z0-9]{6}$/.test(withSuffix) ? withSuffix.slice(0, -7) : withSuffix;
  return name === '' ? undefined : name;
}
