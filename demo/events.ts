import { randomBytes } from 'node:crypto';
import { loadFixture } from '../test/fixtures';
import { awsDeletionEvent } from '../test/e2e/dingtalk-kit';
import { rotationFailedEvent, withFreshId } from '../test/e2e/harness';
import { ALI_ACCOUNT, ALI_REGION, AWS_ACCOUNT, fixtureFor } from '../test/e2e/remediation-kit';

/**
 * Real-format cloud events for the demo, built from the test fixtures (test/fixtures) with the
 * tests' own builders: a fresh event id each time, the demo's secret name, and "now" as the time
 * the thing happened (the fixtures are dated March 2026).
 */

type Event = Record<string, unknown>;

const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An EventBridge event (CloudTrail or service event) as if it happened just now. */
function awsNow(event: Event): Event {
  const at = isoNow();
  event.time = at;
  const detail = event.detail as Event | undefined;
  if (detail && typeof detail === 'object') detail.eventTime = at;
  return event;
}

/** The identity the bot's calls carry in CloudTrail (its access key's user). */
export const BOT_AWS_IDENTITY = `arn:aws:iam::${AWS_ACCOUNT}:user/secrets-bot-demo`;

export const awsEvents = {
  rotationFailed: (name: string): Event => awsNow(rotationFailedEvent(name)),
  rotationSucceeded: (name: string): Event =>
    awsNow(fixtureFor<Event>('aws/rotation-succeeded.json', 'prod/pg', name)),
  deletionScheduled: (name: string, days: number): Event => awsDeletionEvent(name, days),
  restored: (name: string, by = BOT_AWS_IDENTITY): Event => {
    const event = awsNow(fixtureFor<Event>('aws/restore-secret.json', 'prod/pg', name));
    (event.detail as Event).userIdentity = {
      type: 'IAMUser',
      arn: by,
      accountId: AWS_ACCOUNT,
      userName: by.split('/').pop(),
    };
    return event;
  },
  readWhilePendingDeletion: (name: string): Event =>
    awsNow(fixtureFor<Event>('aws/get-secret-value-pending-deletion.json', 'prod/pg', name)),
};

/** CloudMonitor's own time format: `20260301T101530.123+0800`. */
function cloudMonitorTime(d = new Date()): string {
  return `${d.toISOString().slice(0, 23).replace(/[-:]/g, '')}+0000`;
}

export const alibabaEvents = {
  /** An EventBridge CloudEvent carrying KMS's CloudMonitor `Secret:RotateSecret:Failure`. */
  rotationFailed: (name: string): Event => {
    const event = fixtureFor<Event>('alibaba/cloudevent-rotate-failure.json', 'prod-rds-app', name);
    event.time = isoNow();
    const data = event.data as Event;
    data.eventTime = cloudMonitorTime();
    (data.content as Event).failureTime = isoNow();
    return event;
  },
  /** CloudMonitor's `Secret:RotateSecret:Success` system event (the documented sample, filled in). */
  rotationSucceeded: (name: string, type: string): Event => {
    const event = loadFixture('alibaba/cloudmonitor-rotate-success.json') as Event;
    const arn = `acs:kms:${ALI_REGION}:${ALI_ACCOUNT}:secret/${name}`;
    event.resourceId = arn;
    event.instanceName = name;
    event.eventTime = cloudMonitorTime();
    const content = event.content as Event;
    Object.assign(content, {
      eventId: `e-${randomBytes(6).toString('hex')}`,
      secretName: name,
      secretType: type,
      RotationEntityArn: arn,
      successTime: isoNow(),
    });
    return withFreshId(event);
  },
  /** ActionTrail's RestoreSecret, as an EventBridge CloudEvent. */
  restored: (name: string): Event => {
    const event = fixtureFor<Event>(
      'alibaba/cloudevent-actiontrail-restore-secret.json',
      'prod-rds-app',
      name,
    );
    event.time = isoNow();
    const data = event.data as Event;
    data.eventTime = isoNow();
    data.userIdentity = {
      type: 'ram-user',
      principalId: '100200300400500600',
      accountId: ALI_ACCOUNT,
      userName: 'secrets-bot-demo',
    };
    return event;
  },
};
