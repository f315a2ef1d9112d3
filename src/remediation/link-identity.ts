import type { AuthorizationPolicy } from './authorize';

/**
 * Who acts through a DingTalk action link, and how the group addresses the bot (a leaf module:
 * renderers and the remediation flow both use these).
 *
 * A link holder got the link in the DingTalk group, so by default they are trusted as a member of
 * that group, as AWS Chatbot trusts a channel's members with its channel role. This is the user id
 * their requests carry in authorization and the audit trail.
 */
export const LINK_HOLDER = 'DingTalk link holder';

/** How the DingTalk group addresses the bot in the commands the bot suggests. */
export const ROBOT_MENTION = '@secrets-bot';

/** The policy for requests from links: the link holder counts as an operator (per-action user lists still apply). */
export function linkPolicy(policy: AuthorizationPolicy): AuthorizationPolicy {
  return { operators: [...policy.operators, LINK_HOLDER], actions: policy.actions };
}
