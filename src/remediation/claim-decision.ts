import type { Claim } from '../store/remediation-claims';

/**
 * A request found the claim taken. Pure:
 * - `in-progress`: the job is pending or running — say so, start nothing;
 * - `done`: it succeeded recently — say so, start nothing;
 * - `stale`: it succeeded, but the alert has moved on since (a newer event, e.g. the rotation failed
 *   again) and the action applies again — the caller may take the claim over for a new request.
 */
export type ClaimDecision = 'in-progress' | 'done' | 'stale';

export function claimDecision(existing: Claim, current: { forEvent: string; actionApplies: boolean }): ClaimDecision {
  if (existing.state === 'pending') return 'in-progress';
  const movedOn = existing.forEvent !== '' && current.forEvent !== '' && current.forEvent !== existing.forEvent;
  return movedOn && current.actionApplies ? 'stale' : 'done';
}
