import { alertWords } from '../chat/i18n/alert-words';
import type { Locale } from '../chat/i18n/locale';
import { sentenceWords } from '../chat/i18n/sentence-words';
import { channelRef, formatUtc, stripRefMarkers as plain, userRef } from '../chat/text';
import type { Provider } from '../events/secret-event';
import type { Claim } from '../store/remediation-claims';
import { POLICY_OF, type ActionName } from './actions';
import type { AuthorizationDecision } from './authorize';

/**
 * What the bot tells the person who asked, in neutral words (user and channel markers, no markup)
 * and in LOCALE (`locale`, English by default; the words are in chat/i18n/sentence-words.ts); each
 * chat platform renders them. Never contains a secret value.
 */

function people(ids: readonly string[], locale?: Locale): string {
  const shown = ids.slice(0, 10).map(userRef);
  return sentenceWords(locale).people(shown, ids.length - shown.length);
}

/** An action's name in sentences, as its button says it. */
function actionName(action: ActionName, locale?: Locale): string {
  return alertWords(locale).button[action];
}

export function refusalText(
  action: ActionName,
  d: Extract<AuthorizationDecision, { allowed: false }>,
  locale?: Locale,
): string {
  const w = sentenceWords(locale);
  const verb = w.verb[action];
  const key = POLICY_OF[action];
  switch (d.reason) {
    case 'no-operators':
      return w.refusal.noOperators(verb, key);
    case 'not-operator':
      return w.refusal.notOperator(verb, people(d.whoCan, locale));
    case 'action-policy':
      return w.refusal.actionPolicy(verb, people(d.whoCan, locale), key);
    case 'channel-policy':
      return (
        w.refusal.channelPolicy(verb, w.channels((d.where ?? []).map(channelRef)), key) +
        (d.whoCan.includes('*') ? '' : w.refusal.allowed(people(d.whoCan, locale)))
      );
  }
}

export interface SecretWords {
  provider: Provider;
  account: string;
  region: string;
  name: string;
}

export function whereText(s: SecretWords, locale?: Locale): string {
  return plain(sentenceWords(locale).where(alertWords(locale).cloud(s.provider), s.account, s.region));
}

export function inProgressText(claim: Claim, locale?: Locale): string {
  return sentenceWords(locale).inProgress(
    actionName(claim.action, locale),
    plain(claim.target.name),
    userRef(claim.requestedBy),
    formatUtc(claim.requestedAt),
  );
}

export function alreadyDoneText(claim: Claim, locale?: Locale): string {
  return sentenceWords(locale).alreadyDone(
    actionName(claim.action, locale),
    plain(claim.target.name),
    formatUtc(claim.doneAt ?? claim.requestedAt),
    userRef(claim.requestedBy),
    claim.detail ? plain(claim.detail) : undefined,
  );
}

export function queuedText(
  action: ActionName,
  s: SecretWords,
  where: { onAlert: boolean; channel?: string; dingtalk?: boolean },
  locale?: Locale,
): string {
  const w = sentenceWords(locale);
  const progress = where.dingtalk
    ? w.progress.dingtalk
    : where.onAlert
      ? w.progress.onAlert
      : where.channel
        ? w.progress.inChannel(channelRef(where.channel))
        : '';
  return w.queued(actionName(action, locale), plain(s.name), whereText(s, locale), progress);
}

export function resolvedAlertText(action: ActionName, name: string, locale?: Locale): string {
  return sentenceWords(locale).resolvedAlert(actionName(action, locale), plain(name));
}

export function internalErrorText(ref: string, locale?: Locale): string {
  return sentenceWords(locale).internalError(ref);
}

/** A button whose value is not one of ours (changed, or from an older version). */
export function staleButtonText(locale?: Locale): string {
  return sentenceWords(locale).staleButton;
}
