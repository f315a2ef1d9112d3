import fc from 'fast-check';
import { remediationClaimId, remediationJobIdStem } from '../../../src/queue/queues';
import { claimDecision } from '../../../src/remediation/claim-decision';
import type { Claim } from '../../../src/store/remediation-claims';

const target = { provider: 'aws' as const, account: '111122223333', region: 'eu-west-1', secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123', name: 'prod/pg' };
const jobId = (action: 'retryRotation' | 'cancelDeletion', t = target, alert = 'i1') => `${remediationJobIdStem(action, remediationClaimId(action, t, alert))}-1`;

describe('remediation job ids', () => {
  it('are stable: the same action, secret and alert always give the same id', () => {
    expect(jobId('retryRotation')).toBe(jobId('retryRotation'));
    expect(jobId('retryRotation')).toMatch(/^remediate-rotate-[0-9a-f]{32}-1$/);
    expect(jobId('cancelDeletion')).toMatch(/^remediate-restore-[0-9a-f]{32}-1$/);
  });

  it('differ by action, secret, place and alert', () => {
    const ids = new Set([
      jobId('retryRotation'),
      jobId('cancelDeletion'),
      jobId('retryRotation', { ...target, name: 'prod/mysql', secretId: 'prod/mysql' }),
      jobId('retryRotation', { ...target, account: '999999999999' }),
      jobId('retryRotation', { ...target, region: 'us-east-1' }),
      jobId('retryRotation', { ...target, provider: 'alibaba' as never }),
      jobId('retryRotation', target, 'i2'),
      jobId('retryRotation', target, ''),
    ]);
    expect(ids.size).toBe(8);
  });

  it('name the same secret the same way whether an ARN or its name is given (a button and a command meet)', () => {
    expect(jobId('retryRotation', { ...target, name: '' })).toBe(jobId('retryRotation', { ...target, secretId: 'prod/pg', name: 'prod/pg' }));
  });

  it('never contain ":" and are never all digits, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), fc.constantFrom('retryRotation' as const, 'cancelDeletion' as const), (account, region, name, alert, action) => {
        const id = jobId(action, { provider: 'aws', account, region, secretId: name, name }, alert);
        expect(id).not.toContain(':');
        expect(id).not.toMatch(/^\d+$/);
      }),
    );
  });
});

describe('claimDecision', () => {
  const claim = (over: Partial<Claim> = {}): Claim => ({
    claimId: 'c',
    jobId: 'remediate-rotate-c-1',
    gen: 1,
    action: 'retryRotation',
    target,
    alertId: 'i1',
    forEvent: 'aws:e1',
    requestedBy: 'U1',
    requestedAt: '2026-03-01T00:00:00Z',
    state: 'done',
    ...over,
  });
  it.each([
    ['pending is in progress', claim({ state: 'pending' }), { forEvent: 'aws:e2', actionApplies: true }, 'in-progress'],
    ['done for the same event', claim(), { forEvent: 'aws:e1', actionApplies: true }, 'done'],
    ['done, but the rotation failed again since: may run again', claim(), { forEvent: 'aws:e2', actionApplies: true }, 'stale'],
    ['done, a newer event but the action does not apply (our own RotateSecret event)', claim(), { forEvent: 'aws:e2', actionApplies: false }, 'done'],
    ['done, from a command without an alert', claim({ forEvent: '' }), { forEvent: 'aws:e2', actionApplies: true }, 'done'],
  ] as const)('%s', (_n, existing, current, expected) => {
    expect(claimDecision(existing, current)).toBe(expected);
  });
});
