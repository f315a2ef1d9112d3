import type { Provider } from '../events/secret-event';
import { sentenceWords } from '../chat/i18n/sentence-words';
import type { BulkLinkClaims } from './action-link';
import { createFormToken, FORM_TTL_MS, verifyFormToken } from './action-form';
import { bulkTargets, requestBulkRemediation } from './bulk';
import { LINK_HOLDER, linkPolicy } from './link-identity';
import type { LinkActionDeps, LinkPage } from './link-actions';
import type { RemediationAction } from './actions';

/**
 * The bulk buttons of a DingTalk summary card ("Retry rotation (137)"), behind the same signed,
 * expiring links as single actions (action-link.ts, payload version 2) and the same page rules:
 * GET shows what would happen and changes nothing; POST needs the page's one-time form token,
 * takes it once, then runs requestBulkRemediation as the link holder (the same authorization,
 * once, and one ordinary request per open member, each with its own claim, so a member already
 * handled still runs once); a used link says what it did. DINGTALK_LINK_ACTIONS=off: links do not
 * act, and the page says to use the robot commands.
 */

export interface BulkTarget {
  action: RemediationAction;
  summaryId: string;
  /** When the link stops working (ms epoch). */
  expiresAt: number;
  /** Open members the action applies to now (undefined: the summary is gone). */
  count?: number;
  /** What the members share, when they share it. */
  provider?: Provider;
  account?: string;
  region?: string;
}

export type BulkPage =
  | { kind: 'bulk-confirm'; target: BulkTarget; form: string }
  | {
      kind: 'bulk-result';
      target: BulkTarget;
      state: 'queued' | 'refused' | 'unavailable' | 'bad-form' | 'disabled';
      /** What the people were told (counts, a refusal): neutral text with user markers. */
      text?: string;
      at?: string;
      /** POST of a link or form already used: nothing was done now. */
      replay?: boolean;
    };

/** What the page says about the summary (its shared labels); how many members only where counted. */
async function targetOf(claims: BulkLinkClaims, deps: LinkActionDeps): Promise<BulkTarget> {
  const base: BulkTarget = {
    action: claims.action,
    summaryId: claims.summaryId,
    expiresAt: claims.expiresAt,
  };
  const summary = deps.summaries ? await deps.summaries.get(claims.summaryId) : undefined;
  if (!summary) return base;
  const labels = summary.labels;
  return {
    ...base,
    ...(labels.provider === 'aws' || labels.provider === 'alibaba' ? { provider: labels.provider } : {}),
    ...(labels.account ? { account: labels.account } : {}),
    ...(labels.region ? { region: labels.region } : {}),
  };
}

export type BulkResult = Extract<BulkPage, { kind: 'bulk-result' }>;

async function usedPage(
  claims: BulkLinkClaims,
  target: BulkTarget,
  deps: LinkActionDeps,
): Promise<BulkResult | undefined> {
  const use = await deps.linkStore.getUse(claims.nonce);
  return use ? { kind: 'bulk-result', target, state: 'queued', at: use.at, text: use.text } : undefined;
}

/** GET of a bulk link: changes nothing. */
export async function inspectBulkLink(
  token: string,
  claims: BulkLinkClaims,
  deps: LinkActionDeps,
): Promise<LinkPage> {
  const target = await targetOf(claims, deps);
  if (!deps.linkActions) return { kind: 'bulk-result', target, state: 'disabled' };
  const used = await usedPage(claims, target, deps);
  if (used) return used;
  const members = await bulkTargets(claims.summaryId, claims.action, deps);
  if (members === undefined)
    return { kind: 'bulk-result', target, state: 'unavailable', text: sentenceWords(deps.locale).bulk.gone };
  return {
    kind: 'bulk-confirm',
    target: { ...target, count: members.length },
    form: createFormToken(token, deps.formKey, deps.clock.now()),
  };
}

/** POST from a bulk link's confirmation page. */
export async function confirmBulkLink(
  token: string,
  claims: BulkLinkClaims,
  input: { form?: string },
  deps: LinkActionDeps,
): Promise<LinkPage> {
  const now = deps.clock.now();
  const target = await targetOf(claims, deps);
  if (!deps.linkActions) return { kind: 'bulk-result', target, state: 'disabled' };
  const used = await usedPage(claims, target, deps);
  if (used) return { ...used, replay: true };
  const form = verifyFormToken(input.form, token, deps.formKey, now);
  if (!form.ok) return { kind: 'bulk-result', target, state: 'bad-form' };
  if (!(await deps.linkStore.takeForm(form.nonce, FORM_TTL_MS + 60_000))) {
    const again: BulkResult = (await usedPage(claims, target, deps)) ?? {
      kind: 'bulk-result',
      target,
      state: 'bad-form',
    };
    return { ...again, replay: true };
  }
  const outcome = await requestBulkRemediation(
    { action: claims.action, summaryId: claims.summaryId, user: LINK_HOLDER, channel: deps.linkChannel },
    { ...deps, policy: linkPolicy(deps.policy) },
  );
  if (outcome.status !== 'done')
    return { kind: 'bulk-result', target, state: outcome.status, text: outcome.text };
  const at = new Date(now).toISOString();
  await deps.linkStore.markUsed(
    claims.nonce,
    { at, kind: 'bulk', text: outcome.text },
    claims.expiresAt,
    now,
  );
  return { kind: 'bulk-result', target, state: 'queued', at, text: outcome.text };
}
