import type { FakeKms } from '../test/fakes/fake-kms';
import type { FakeSecretsManager } from '../test/fakes/fake-secrets-manager';
import { sleep } from '../test/e2e/harness';
import type { ActivityLog } from './activity-log';
import type { SendEvent } from './cloud-events';
import { alibabaEvents, awsEvents } from './events';
import { rotatingAwsSecret, SECRETS, seedAwsSecret } from './sample-secrets';

/**
 * Incidents the demo replays: each puts the cloud stand-ins into the state the incident implies
 * and POSTs the events the cloud would send, in real wire format, to the bot's event endpoints
 * with its INGEST_TOKEN. What follows is the bot's doing; the console shows it.
 */

export interface ScenarioContext {
  send: SendEvent;
  sm: FakeSecretsManager;
  kms: FakeKms;
  log: ActivityLog;
}

export interface Scenario {
  id: string;
  title: string;
  /** What happens, and what to try. */
  summary: string;
  run(ctx: ScenarioContext): Promise<void>;
}

const DAY = 86_400_000;
const STORM_SIZE = 200;

/** Marks an AWS stand-in secret as scheduled for deletion in `days`. */
function scheduleAwsDeletion(sm: FakeSecretsManager, name: string, days: number): void {
  const secret = sm.get(name);
  if (secret) secret.deletedDate = new Date(Date.now() + days * DAY);
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'rotation-retry',
    title: 'Failed rotation, fixed by a retry',
    summary: `The rotation Lambda of ${SECRETS.rotation} failed. Click Retry rotation: the bot calls RotateSecret on the AWS stand-in, which then reports RotationSucceeded, and the alert turns green.`,
    async run({ send, sm }) {
      seedAwsSecret(sm, rotatingAwsSecret(SECRETS.rotation, 'Payments Postgres master password'));
      await send('aws', awsEvents.rotationFailed(SECRETS.rotation), `RotationFailed for ${SECRETS.rotation}`);
    },
  },
  {
    id: 'deletion-cancelled',
    title: 'Scheduled deletion, cancelled',
    summary: `Someone scheduled ${SECRETS.deletion} for deletion in 7 days. Click Cancel deletion and confirm: the bot calls RestoreSecret, the stand-in reports the RestoreSecret event, and the alert resolves.`,
    async run({ send, sm }) {
      seedAwsSecret(sm, { name: SECRETS.deletion, description: 'Reporting service API key (staging)' });
      scheduleAwsDeletion(sm, SECRETS.deletion, 7);
      await send(
        'aws',
        awsEvents.deletionScheduled(SECRETS.deletion, 7),
        `DeleteSecret for ${SECRETS.deletion}`,
      );
    },
  },
  {
    id: 'storm',
    title: `Storm: ${STORM_SIZE} rotation failures`,
    summary: `A shared rotation Lambda breaks and ${STORM_SIZE} secrets fail to rotate within seconds. Watch how the bot keeps the channel readable and DingTalk within its 20 messages a minute.`,
    async run({ send, sm, log }) {
      const names = Array.from(
        { length: STORM_SIZE },
        (_, i) => `${SECRETS.stormStem}-${String(i + 1).padStart(3, '0')}`,
      );
      for (const name of names) seedAwsSecret(sm, rotatingAwsSecret(name, 'ETL worker database credentials'));
      let next = 0;
      const worker = async () => {
        while (next < names.length) {
          const name = names[next++]!;
          await send('aws', awsEvents.rotationFailed(name), `RotationFailed for ${name}`, { quiet: true });
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      log.add('scenario', `storm: ${STORM_SIZE} RotationFailed events sent`, 'info');
    },
  },
  {
    id: 'read-pending-deletion',
    title: 'Secret read while pending deletion',
    summary: `${SECRETS.pendingRead} was scheduled for deletion, but the billing app still reads it: GetSecretValue is refused. The bot raises it as critical; Cancel deletion restores the secret before the app breaks for good.`,
    async run({ send, sm }) {
      seedAwsSecret(sm, { name: SECRETS.pendingRead, description: 'Legacy billing API token' });
      scheduleAwsDeletion(sm, SECRETS.pendingRead, 10);
      await send(
        'aws',
        awsEvents.deletionScheduled(SECRETS.pendingRead, 10),
        `DeleteSecret for ${SECRETS.pendingRead}`,
      );
      await sleep(1500);
      await send(
        'aws',
        awsEvents.readWhilePendingDeletion(SECRETS.pendingRead),
        `GetSecretValue refused for ${SECRETS.pendingRead}`,
      );
    },
  },
  {
    id: 'alibaba-rotation',
    title: 'Alibaba Cloud: RDS secret rotation failed',
    summary: `KMS could not rotate ${SECRETS.alibabaRotation} (the RDS account was not found). Retry rotation calls RotateSecret on the KMS stand-in, which then reports Secret:RotateSecret:Success.`,
    async run({ send }) {
      await send(
        'alibaba',
        alibabaEvents.rotationFailed(SECRETS.alibabaRotation),
        `Secret:RotateSecret:Failure for ${SECRETS.alibabaRotation}`,
      );
    },
  },
];
