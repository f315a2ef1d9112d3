import { ACTION_LABELS, channelRef, cloudLabel, formatUtc, stripRefMarkers as plain, userRef } from '../chat/text';
import type { Provider } from '../events/secret-event';
import type { Claim } from '../store/remediation-claims';
import { POLICY_OF, type ActionName } from './actions';
import type { AuthorizationDecision } from './authorize';

/**
 * What the bot tells the person who asked, in neutral words (user and channel markers, no markup);
 * each chat platform renders them. Never contains a secret value.
 */

const VERB: Record<ActionName, string> = {
  retryRotation: 'retry rotations',
  cancelDeletion: 'cancel deletions',
  mute: 'mute or unmute alerts',
};

function people(ids: readonly string[]): string {
  const shown = ids.slice(0, 10).map(userRef);
  const more = ids.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

export function refusalText(action: ActionName, d: Extract<AuthorizationDecision, { allowed: false }>): string {
  const verb = VERB[action];
  const key = POLICY_OF[action];
  switch (d.reason) {
    case 'no-operators':
      return (
        `Nobody may ${verb} from chat yet: no operators are configured. ` +
        `Set OPERATORS to the chat user ids allowed to act (for example OPERATORS=U123,U456), ` +
        `or policies.${key}.users in the YAML config file (CONFIG_FILE).`
      );
    case 'not-operator':
      return `Only operators may ${verb}. You are not one; ask ${people(d.whoCan)}.`;
    case 'action-policy':
      return `Only ${people(d.whoCan)} may ${verb} (policies.${key}). You are not among them.`;
    case 'channel-policy':
      return (
        `You may ${verb} only in ${(d.where ?? []).map(channelRef).join(', ')} (policies.${key}.channels), not in this channel.` +
        (d.whoCan.includes('*') ? '' : ` Allowed: ${people(d.whoCan)}.`)
      );
  }
}

export interface SecretWords {
  provider: Provider;
  account: string;
  region: string;
  name: string;
}

export function whereText(s: SecretWords): string {
  return plain(`${cloudLabel(s.provider)}${s.account ? ` account ${s.account}` : ''}${s.region ? `, ${s.region}` : ''}`);
}

export function inProgressText(claim: Claim): string {
  return (
    `${ACTION_LABELS[claim.action]} of ${plain(claim.target.name)} is already in progress ` +
    `(requested by ${userRef(claim.requestedBy)} at ${formatUtc(claim.requestedAt)}). Nothing more was started.`
  );
}

export function alreadyDoneText(claim: Claim): string {
  return (
    `${ACTION_LABELS[claim.action]} of ${plain(claim.target.name)} was already done at ${formatUtc(claim.doneAt ?? claim.requestedAt)} ` +
    `(requested by ${userRef(claim.requestedBy)})${claim.detail ? `: ${plain(claim.detail)}` : ''}. Nothing more was started.`
  );
}

export function queuedText(action: ActionName, s: SecretWords, where: { onAlert: boolean; channel?: string; dingtalk?: boolean }): string {
  const progress = where.dingtalk
    ? 'The result will be posted in the DingTalk group.'
    : where.onAlert
    ? 'Progress is shown on the alert and in its thread.'
    : where.channel
      ? `Progress will be posted in ${channelRef(where.channel)}.`
      : '';
  return `${ACTION_LABELS[action]} of ${plain(s.name)} (${whereText(s)}) is queued. ${progress}`.trim();
}

export function resolvedAlertText(action: ActionName, name: string): string {
  return `This alert is already resolved, so ${ACTION_LABELS[action]} of ${plain(name)} was not started.`;
}

export function internalErrorText(ref: string): string {
  return `Internal error, ref ${ref}. Nothing was changed; the details are in the bot's log.`;
}
