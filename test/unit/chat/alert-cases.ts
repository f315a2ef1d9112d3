import type { SecretEvent } from '../../../src/events/secret-event';
import type { AlertMessage, AlertStatus, AlertTimelineEntry, NotifyReason } from '../../../src/chat/message';
import { consoleUrl } from '../../../src/chat/console-url';
import { alibabaEvent as alibaba, awsEvent as aws } from '../../fixtures/secret-events';
import { actionsFor } from '../../../src/remediation/actions';

/** Alert messages shared by the Slack and DingTalk renderer tests (pure renderers, fixed clock). */

/** Fixed render time: renderers are pure and never read the clock. */
export const NOW = Date.parse('2026-03-01T12:00:00Z');

/** The shared test events (test/fixtures/secret-events.ts), by their short names here. */
export { aws, alibaba };

export function message(
  event: SecretEvent,
  opts: { status?: AlertStatus; reason?: NotifyReason; timeline?: AlertTimelineEntry[]; now?: number } = {},
): AlertMessage {
  const status = opts.status ?? 'open';
  const alertId = `al-${event.sourceId}`.slice(0, 40);
  return {
    alertId,
    status,
    reason: opts.reason ?? (status === 'resolved' ? 'resolved' : 'first'),
    event,
    timeline: opts.timeline ?? [],
    actions: actionsFor(event, status === 'open'),
    ref: {
      alertId,
      provider: event.provider,
      account: event.account,
      region: event.region,
      secretId: event.secretId,
      secretName: event.secretName,
    },
    consoleUrl: consoleUrl(event),
    now: opts.now ?? NOW,
  };
}

export const rotationFailure = {
  code: 'InvalidRequestException',
  message:
    'Lambda function arn:aws:lambda:eu-west-1:111122223333:function:rotate-pg failed at step setSecret: password authentication failed for user "app"',
};
export const HUGE_MESSAGE = 'connection refused; '.repeat(250); // 5000 chars
export const HUGE_NAME = 'n'.repeat(1200);

/** The alert situations every renderer is tested on; each renderer test adds its platform's own. */
export const BASE_CASES: Record<string, AlertMessage> = {
  'aws-rotation-failed': message(aws('rotation.failed', { failure: rotationFailure }), {
    timeline: [{ kind: 'rotation.started', occurredAt: '2026-03-01T11:57:00Z' }],
  }),
  'aws-rotation-abandoned': message(aws('rotation.abandoned', { sourceEventName: 'RotationAbandoned' }), {
    reason: 'changed',
    timeline: [
      { kind: 'rotation.started', occurredAt: '2026-03-01T11:50:00Z' },
      { kind: 'rotation.failed', occurredAt: '2026-03-01T11:52:00Z' },
    ],
  }),
  'aws-rotation-started': message(aws('rotation.started', { sourceEventName: 'RotationStarted' })),
  'aws-rotation-succeeded-resolved': message(
    aws('rotation.succeeded', { sourceEventName: 'RotationSucceeded' }),
    {
      status: 'resolved',
      timeline: [
        { kind: 'rotation.failed', occurredAt: '2026-03-01T10:00:00Z' },
        { kind: 'rotation.requested', occurredAt: '2026-03-01T11:55:00Z', actor: 'alice' },
      ],
    },
  ),
  'aws-rotation-requested': message(
    aws('rotation.requested', {
      sourceEventName: 'RotateSecret',
      actor: 'arn:aws:sts::111122223333:assumed-role/Ops/alice',
    }),
  ),
  'aws-rotation-cancelled': message(
    aws('rotation.cancelled', {
      sourceEventName: 'CancelRotateSecret',
      actor: 'arn:aws:iam::111122223333:user/bob',
    }),
  ),
  'aws-rotation-label-updated': message(
    aws('rotation.label-updated', { sourceEventName: 'Secret Label Updated' }),
  ),
  'aws-rotation-overdue-reconciled': message(
    aws('rotation.overdue', {
      source: 'aws.reconcile',
      sourceEventName: 'ListSecrets',
      failure: {
        message:
          'Rotation was due by 2026-02-27 10:00 UTC and has not happened (last rotated 2026-01-28 10:00 UTC).',
      },
    }),
  ),
  'aws-test-rotation-started': message(
    aws('test-rotation.started', { sourceEventName: 'TestRotationStarted' }),
  ),
  'aws-test-rotation-succeeded': message(
    aws('test-rotation.succeeded', { sourceEventName: 'TestRotationSucceeded' }),
  ),
  'aws-test-rotation-failed': message(
    aws('test-rotation.failed', {
      sourceEventName: 'TestRotationFailed',
      failure: {
        code: 'AccessDeniedException',
        message: 'not authorized to perform secretsmanager:PutSecretValue',
      },
    }),
  ),
  'aws-deletion-scheduled': message(
    aws('deletion.scheduled', {
      sourceEventName: 'DeleteSecret',
      actor: 'arn:aws:iam::111122223333:user/carol',
      occurredAt: '2026-03-01T11:59:00Z',
      deletionDate: '2026-03-08T11:59:00Z',
      recoveryWindowDays: 7,
    }),
  ),
  'aws-deletion-forced': message(
    aws('deletion.forced', {
      sourceEventName: 'DeleteSecret',
      actor: 'arn:aws:iam::111122223333:user/carol',
    }),
  ),
  'aws-deletion-cancelled-resolved': message(
    aws('deletion.cancelled', {
      sourceEventName: 'RestoreSecret',
      actor: 'arn:aws:iam::111122223333:user/dave',
    }),
    {
      status: 'resolved',
      timeline: [{ kind: 'deletion.scheduled', occurredAt: '2026-02-28T09:00:00Z', actor: 'carol' }],
    },
  ),
  'aws-deletion-started': message(aws('deletion.started', { sourceEventName: 'StartSecretVersionDelete' })),
  'aws-deletion-completed': message(aws('deletion.completed', { sourceEventName: 'EndSecretVersionDelete' })),
  'aws-access-pending-deletion': message(
    aws('access.pending-deletion', {
      sourceEventName: 'GetSecretValue',
      actor: 'arn:aws:sts::111122223333:assumed-role/billing-app/i-0abc',
      failure: {
        code: 'InvalidRequestException',
        message: 'You tried to perform the operation on a secret that is currently marked deleted.',
      },
      deletionDate: '2026-03-03T09:30:00Z',
    }),
    {
      reason: 'changed',
      timeline: [{ kind: 'deletion.scheduled', occurredAt: '2026-02-24T09:30:00Z', actor: 'carol' }],
    },
  ),
  'aws-alarm-access-pending-deletion': message(
    aws('access.pending-deletion', {
      source: 'aws.cloudwatch-alarm',
      account: '',
      secretId: '',
      secretName: '',
      sourceEventName: 'secrets-pending-deletion-reads',
    }),
  ),
  'aws-alarm-access-cleared-resolved': message(
    aws('access.pending-deletion-cleared', {
      source: 'aws.cloudwatch-alarm',
      account: '',
      secretId: '',
      secretName: '',
      sourceEventName: 'secrets-pending-deletion-reads',
    }),
    {
      status: 'resolved',
      timeline: [{ kind: 'access.pending-deletion', occurredAt: '2026-03-01T09:00:00Z' }],
    },
  ),
  'alibaba-rotation-failed': message(
    alibaba('rotation.failed', {
      failure: { code: 'Rds.RotateFailed', message: 'The RDS instance rm-bp1xxxx is not running.' },
    }),
  ),
  'alibaba-rotation-succeeded-resolved': message(
    alibaba('rotation.succeeded', { sourceEventName: 'Secret:RotateSecret:Success' }),
    { status: 'resolved', timeline: [{ kind: 'rotation.failed', occurredAt: '2026-03-01T08:00:00Z' }] },
  ),
  'alibaba-deletion-scheduled-reminder': message(
    alibaba('deletion.scheduled', {
      source: 'alibaba.eventbridge',
      secretType: 'Generic',
      secretId: 'acs:kms:cn-hangzhou:1234567890123456:secret/app-token',
      secretName: 'app-token',
      sourceEventName: 'DeleteSecret',
      actor: 'ram-user-erin',
      occurredAt: '2026-02-22T12:00:00Z',
      deletionDate: '2026-03-02T11:00:00Z',
      recoveryWindowDays: 30,
    }),
    { reason: 'reminder' },
  ),
  'alibaba-deletion-cancelled-resolved': message(
    alibaba('deletion.cancelled', {
      source: 'alibaba.eventbridge',
      secretName: 'app-token',
      secretId: 'acs:kms:cn-hangzhou:1234567890123456:secret/app-token',
      sourceEventName: 'RestoreSecret',
      actor: 'ram-user-erin',
    }),
    { status: 'resolved' },
  ),
  'aws-rotation-failed-huge-message': message(
    aws('rotation.failed', { failure: { code: 'InternalServiceError', message: HUGE_MESSAGE } }),
    { reason: 'repeat-due' },
  ),
  'aws-huge-name': message(
    aws('rotation.failed', {
      secretName: HUGE_NAME,
      secretId: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${HUGE_NAME}-AbCdEf`,
      failure: { code: 'InternalServiceError' },
    }),
  ),
  'aws-long-timeline': message(aws('rotation.failed', { failure: { code: 'InternalServiceError' } }), {
    reason: 'changed',
    timeline: Array.from({ length: 12 }, (_, i) => ({
      kind: i % 2 === 0 ? ('rotation.started' as const) : ('rotation.failed' as const),
      occurredAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 3_600_000).toISOString(),
    })),
  }),
};
