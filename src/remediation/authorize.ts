import type { PolicyAction } from './actions';

/**
 * Who may act from chat. Pure: a decision with its reason, never a bare boolean.
 *
 * Policy semantics:
 * - `OPERATORS` is the base: the people who may rotate, cancel deletions and mute.
 * - `policies.<action>.users` (YAML), when given, *replaces* the base for that action: a narrower
 *   list (only the DBAs may cancel deletions) or a wider one; `"*"` means anyone in the workspace.
 * - `policies.<action>.channels`, when given, allows the action only in those channels (for
 *   everyone, operators included).
 * - Muting needs the same rights as the other actions unless `policies.mute.users: "*"`: a mute
 *   silences alerts for the whole channel, so by default only operators may create or end one.
 * - Nobody configured for an action (no OPERATORS, no policy users): refused for everyone, with a
 *   message that says how to configure it.
 * Read-only commands (status, mutes, history, help) are open to everyone and never come here.
 */
export interface ActionPolicy {
  /** Replaces the operators for this action; may contain '*'. */
  users?: readonly string[];
  channels?: readonly string[];
}

export interface AuthorizationPolicy {
  operators: readonly string[];
  actions: Partial<Record<PolicyAction, ActionPolicy>>;
}

export interface AuthorizationRequest {
  /** Chat user id. */
  user: string;
  action: PolicyAction;
  /** Channel id the request came from ('' when unknown). */
  channel: string;
}

export type RefusalReason = 'no-operators' | 'not-operator' | 'action-policy' | 'channel-policy';

export type AuthorizationDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: RefusalReason;
      /** Who may do it instead (empty for no-operators; ['*'] when anyone may, elsewhere). */
      whoCan: string[];
      /** For channel-policy: where it may be done. */
      where?: string[];
    };

export function authorize(req: AuthorizationRequest, policy: AuthorizationPolicy): AuthorizationDecision {
  const specific = policy.actions[req.action];
  const users = [...(specific?.users ?? policy.operators)];
  const anyone = users.includes('*');
  if (!anyone && users.length === 0) return { allowed: false, reason: 'no-operators', whoCan: [] };
  if (!anyone && !users.includes(req.user)) {
    return { allowed: false, reason: specific?.users ? 'action-policy' : 'not-operator', whoCan: users };
  }
  const channels = specific?.channels ?? [];
  if (channels.length > 0 && !channels.includes(req.channel)) {
    return { allowed: false, reason: 'channel-policy', whoCan: anyone ? ['*'] : users, where: [...channels] };
  }
  return { allowed: true };
}

/** True when the user may run at least one remediation action (for `help`). */
export function isOperatorFor(user: string, policy: AuthorizationPolicy): boolean {
  return (['rotate', 'cancel_deletion'] as const).some((action) => {
    const users = policy.actions[action]?.users ?? policy.operators;
    return users.includes(user) || users.includes('*');
  });
}
