import { actionsFor, actionsForSecret, advancesRemediation, type RemediationStatus } from '../../../src/remediation/actions';

const failed = { kind: 'rotation.failed' as const, secretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:prod/pg-AbC123', sourceId: 'aws:e1' };
const status = (over: Partial<RemediationStatus> = {}): RemediationStatus => ({
  action: 'retryRotation',
  state: 'running',
  jobId: 'remediate-rotate-x-1',
  requestedBy: 'U1',
  requestedAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-01T00:00:00Z',
  forEvent: 'aws:e1',
  ...over,
});

describe('actionsFor', () => {
  it('offers Retry rotation and Mute for a failed rotation, nothing once resolved', () => {
    expect(actionsFor(failed, true)).toEqual(['retryRotation', 'mute']);
    expect(actionsFor(failed, false)).toEqual([]);
  });

  it('offers Retry rotation for a rotation overdue (found by reconciliation) as for a failure', () => {
    expect(actionsFor({ ...failed, kind: 'rotation.overdue' }, true)).toEqual(['retryRotation', 'mute']);
  });

  it('offers Cancel deletion for a scheduled deletion or a read while pending deletion', () => {
    expect(actionsFor({ ...failed, kind: 'deletion.scheduled' }, true)).toEqual(['cancelDeletion', 'mute']);
    expect(actionsFor({ ...failed, kind: 'access.pending-deletion' }, true)).toEqual(['cancelDeletion', 'mute']);
  });

  it('offers only Mute when the event names no secret (a CloudWatch alarm)', () => {
    expect(actionsFor({ kind: 'access.pending-deletion', secretId: '', sourceId: 'a' }, true)).toEqual(['mute']);
  });

  it('hides a button while its remediation of this event is requested, running or done', () => {
    for (const state of ['requested', 'running', 'succeeded'] as const) {
      expect(actionsFor(failed, true, status({ state }))).toEqual(['mute']);
    }
  });

  it('shows it again after a failure, or when a newer event arrives', () => {
    expect(actionsFor(failed, true, status({ state: 'failed' }))).toEqual(['retryRotation', 'mute']);
    expect(actionsFor({ ...failed, sourceId: 'aws:e2' }, true, status({ state: 'succeeded' }))).toEqual(['retryRotation', 'mute']);
  });

  it('a remediation of another action does not hide this one', () => {
    expect(actionsFor({ ...failed, kind: 'deletion.scheduled' }, true, status())).toEqual(['cancelDeletion', 'mute']);
  });
});

describe('advancesRemediation', () => {
  it('a late "requested" never replaces "running" of the same job; a new job always shows', () => {
    expect(advancesRemediation(status({ state: 'running' }), status({ state: 'requested' }))).toBe(false);
    expect(advancesRemediation(status({ state: 'requested' }), status({ state: 'running' }))).toBe(true);
    expect(advancesRemediation(status({ state: 'running' }), status({ state: 'succeeded' }))).toBe(true);
    expect(advancesRemediation(status({ state: 'succeeded' }), status({ state: 'failed' }))).toBe(false);
    expect(advancesRemediation(status({ state: 'failed' }), status({ state: 'requested', jobId: 'remediate-rotate-x-2' }))).toBe(true);
    expect(advancesRemediation(undefined, status())).toBe(true);
  });
});

describe('actionsForSecret', () => {
  it('offers Cancel deletion while scheduled, Retry rotation when rotation is configured', () => {
    expect(actionsForSecret({ provider: 'aws', rotationEnabled: true, deletionDate: '2026-03-08T00:00:00Z' })).toEqual(['cancelDeletion', 'mute']);
    expect(actionsForSecret({ provider: 'aws', rotationEnabled: true })).toEqual(['retryRotation', 'mute']);
    expect(actionsForSecret({ provider: 'aws', rotationEnabled: false })).toEqual(['mute']);
    expect(actionsForSecret({ provider: 'alibaba', rotationEnabled: false, type: 'Rds' })).toEqual(['retryRotation', 'mute']);
    expect(actionsForSecret({ provider: 'alibaba', rotationEnabled: false, type: 'Generic' })).toEqual(['mute']);
  });
});
