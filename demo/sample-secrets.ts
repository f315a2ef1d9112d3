import type { FakeKms } from '../test/fakes/fake-kms';
import type { FakeAwsSecretSeed, FakeSecretsManager } from '../test/fakes/fake-secrets-manager';
import { AWS_ACCOUNT, AWS_REGION, awsArn } from '../test/e2e/remediation-kit';

/** The secrets the scenarios are about (names as the events and the chat show them). */
export const SECRETS = {
  rotation: 'prod/payments-db',
  deletion: 'staging/reporting-api-key',
  pendingRead: 'prod/legacy-billing-token',
  stormStem: 'batch/etl-worker',
  alibabaRotation: 'prod-rds-app',
} as const;

const DAY = 86_400_000;
const ROTATOR = `arn:aws:lambda:${AWS_REGION}:${AWS_ACCOUNT}:function:SecretsManagerPostgresRotation`;

/** An AWS secret with the ARN the fixtures' events carry for it (`…:secret:<name>-AbC123`). */
export function seedAwsSecret(sm: FakeSecretsManager, seed: FakeAwsSecretSeed): void {
  if (sm.get(seed.name)) return;
  sm.seed({ arn: awsArn(seed.name), ...seed });
}

export function rotatingAwsSecret(name: string, description: string): FakeAwsSecretSeed {
  return {
    name,
    description,
    rotationEnabled: true,
    rotationLambdaArn: ROTATOR,
    rotationRules: { AutomaticallyAfterDays: 30 },
    lastRotatedDate: new Date(Date.now() - 31 * DAY),
    nextRotationDate: new Date(Date.now() - DAY),
    tags: [{ Key: 'team', Value: 'payments' }],
  };
}

/** Seeds both cloud stand-ins with a small, plausible estate. */
export function seedSampleSecrets(sm: FakeSecretsManager, kms: FakeKms): void {
  seedAwsSecret(sm, rotatingAwsSecret(SECRETS.rotation, 'Payments Postgres master password'));
  seedAwsSecret(sm, rotatingAwsSecret('prod/orders-db', 'Orders Aurora credentials'));
  seedAwsSecret(sm, { name: SECRETS.deletion, description: 'Reporting service API key (staging)' });
  seedAwsSecret(sm, { name: SECRETS.pendingRead, description: 'Legacy billing API token' });
  seedAwsSecret(sm, { name: 'prod/stripe-webhook-secret', description: 'Stripe webhook signing secret' });
  for (const [name, type, description] of [
    [SECRETS.alibabaRotation, 'Rds', 'ApsaraDB RDS app account'],
    ['prod-ecs-deploy-key', 'ECS', 'ECS deploy SSH key'],
    ['app-config', 'Generic', 'Application configuration'],
  ] as const) {
    if (kms.secrets.has(name)) continue;
    kms.seed({
      name,
      type,
      description,
      ...(type === 'Generic'
        ? {}
        : {
            automaticRotation: 'Enabled' as const,
            rotationInterval: '604800s',
            lastRotationDate: new Date(Date.now() - 8 * DAY),
          }),
    });
  }
}
