import type { Incident } from '../alerting/lifecycle';
import { MUTE_CHOICES, type MuteChoice } from '../chat/text';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import type { EventKind, Provider } from '../events/secret-event';
import { remediationClaimId } from '../queue/queues';
import type { ActionLinkStore, ActionLinkUse } from '../store/action-link-store';
import { verifyLinkToken, type ActionLinkClaims, type ActionLinkKey } from './action-link';
import { confirmBulkLink, inspectBulkLink, type BulkPage } from './bulk-links';
import { createFormToken, FORM_TTL_MS, verifyFormToken, type FormKey } from './action-form';
import { actionsFor, type ActionName, type ActionRef, type RemediationAction } from './actions';
import type { CommandDeps } from './command-runner';
import { requestRemediation } from './flow';
import { submitMuteDialog, untilText } from './mute-requests';
import { LINK_HOLDER, linkPolicy, ROBOT_MENTION } from './link-identity';
import { qualifiedName } from './resolve-secret';

/**
 * What happens behind an action link from a DingTalk card (GET shows, POST acts):
 *
 *   1. verify the signed token: malformed | bad-signature | expired (nothing else is looked at)
 *   2. DINGTALK_LINK_ACTIONS=off: point to the robot command instead, where DingTalk says who asks
 *   3. a used link says what it did (and, for a remediation, how the job went)
 *   4. a settled one says what already happened: the alert was resolved or moved on, or someone
 *      already asked (claim pending or done)
 *   5. GET: the confirmation — what will happen to which secret where — with a one-time form token
 *      POST: check the form token, take its nonce once, then the same path as a Slack button:
 *      requestRemediation (authorize ▸ claim ▸ enqueue ▸ audit) or submitMuteDialog; remember the use
 *
 * Identity: the link holder. Whoever has the link got it in the DingTalk group, so by default they
 * are trusted as a member of that group (as AWS Chatbot trusts a channel's members with its channel
 * role): LINK_HOLDER is added to the operators for link requests. A per-action user list
 * (`policies.<action>.users`) still applies as written: add "DingTalk link holder" to it to allow
 * links there. DINGTALK_LINK_ACTIONS=off sends people to the robot command, authorized by staff id.
 *
 * A bulk link (a summary card's "Retry rotation (137)") carries a version-2 token and is handled
 * by bulk-links.ts under the same rules.
 */

export { LINK_HOLDER, linkPolicy, ROBOT_MENTION };

export interface LinkActionDeps extends CommandDeps {
  linkKey: ActionLinkKey;
  formKey: FormKey;
  linkStore: ActionLinkStore;
  /** DINGTALK_LINK_ACTIONS. */
  linkActions: boolean;
  /** The channel link requests are filed under (authorization, audit): the robot's id. */
  linkChannel: string;
}

/** What the link is about, for the page. */
export interface LinkTarget {
  action: ActionName;
  provider: Provider;
  account: string;
  region: string;
  /** The secret's name ('' when the alert names none). */
  name: string;
  secretId: string;
  alertId: string;
  /** When the link stops working (ms epoch). */
  expiresAt: number;
  /** The permanent deletion date the alert shows, if any. */
  deletionDate?: string;
  /** The robot command that does the same (`@secrets-bot restore aws:…:prod/pg`). */
  command: string;
}

export type LinkState =
  | 'queued'
  | 'in-progress'
  | 'done'
  | 'failed'
  | 'muted'
  | 'resolved'
  | 'moved-on'
  | 'refused'
  | 'unavailable'
  | 'bad-form'
  | 'bad-choice';

export type LinkPage =
  | { kind: 'invalid'; reason: 'malformed' | 'bad-signature' | 'expired' }
  | { kind: 'disabled'; target: LinkTarget }
  | { kind: 'confirm'; target: LinkTarget; form: string; muteChoices?: MuteChoice[] }
  | {
      kind: 'result';
      target: LinkTarget;
      state: LinkState;
      /** POST of a link or form already used: nothing was done now. */
      replay?: boolean;
      /** When it happened (ISO). */
      at?: string;
      /** Who asked (chat user id, or LINK_HOLDER). */
      by?: string;
      /** What the cloud did, why it failed, how long a mute lasts (plain text). */
      detail?: string;
      /** The kind of the alert's latest event (resolved / moved on). */
      eventKind?: EventKind;
      /** A sentence from the shared remediation flow (English, neutral text with user markers). */
      text?: string;
      /** The page should reload itself to show progress. */
      refresh?: boolean;
    }
  | BulkPage;

export type LinkResult = Extract<LinkPage, { kind: 'result' }>;
export type { BulkPage, BulkTarget } from './bulk-links';

/** GET: shows what the link would do; changes nothing. */
export async function inspectActionLink(token: string, deps: LinkActionDeps): Promise<LinkPage> {
  const verified = verifyLinkToken(token, deps.linkKey, deps.clock.now()); // 1
  if (!verified.ok) return { kind: 'invalid', reason: verified.reason };
  if (verified.bulk) return inspectBulkLink(token, verified.bulk, deps);
  const { claims } = verified;
  const incident = await alertOf(claims.ref, deps);
  const target = targetOf(claims, incident);
  if (!deps.linkActions) return { kind: 'disabled', target }; // 2
  const used = await usedPage(claims, target, deps); // 3
  if (used) return used;
  const settled = await settledPage(claims, target, incident, deps); // 4
  if (settled) return settled;
  return {
    kind: 'confirm', // 5
    target,
    form: createFormToken(token, deps.formKey, deps.clock.now()),
    ...(claims.action === 'mute' ? { muteChoices: muteChoicesFor(incident) } : {}),
  };
}

/** POST from the confirmation page: `form` is the form token, `duration` the chosen mute. */
export async function confirmActionLink(
  token: string,
  input: { form?: string; duration?: string },
  deps: LinkActionDeps,
): Promise<LinkPage> {
  const now = deps.clock.now();
  const verified = verifyLinkToken(token, deps.linkKey, now); // 1
  if (!verified.ok) return { kind: 'invalid', reason: verified.reason };
  if (verified.bulk) return confirmBulkLink(token, verified.bulk, input, deps);
  const { claims } = verified;
  const incident = await alertOf(claims.ref, deps);
  const target = targetOf(claims, incident);
  if (!deps.linkActions) return { kind: 'disabled', target }; // 2
  const used = await usedPage(claims, target, deps); // 3
  if (used) return { ...used, replay: true };

  const form = verifyFormToken(input.form, token, deps.formKey, now); // 5
  if (!form.ok) return { kind: 'result', target, state: 'bad-form' };
  if (claims.action === 'mute' && !MUTE_CHOICES.some((c) => c.value === input.duration)) {
    return { kind: 'result', target, state: 'bad-choice' }; // the form stays usable
  }
  const settled = await settledPage(claims, target, incident, deps); // 4, as the page showed it
  if (settled) return settled;
  if (!(await deps.linkStore.takeForm(form.nonce, FORM_TTL_MS + 60_000))) {
    const again =
      (await usedPage(claims, target, deps)) ?? (await settledPage(claims, target, incident, deps));
    return again ? { ...again, replay: true } : { kind: 'result', target, state: 'bad-form', replay: true };
  }

  const at = new Date(now).toISOString();
  const ref = claims.ref;
  const asLinkHolder = { ...deps, policy: linkPolicy(deps.policy) };
  if (claims.action === 'mute') {
    const outcome = await submitMuteDialog(
      { user: LINK_HOLDER, channel: deps.linkChannel, ref, choice: input.duration!, via: 'link' },
      asLinkHolder,
    );
    if (!outcome.ok)
      return { kind: 'result', target, state: outcome.field ? 'bad-choice' : 'refused', text: outcome.text };
    const detail = `${untilText(outcome.mute, deps.locale)} (mute ${outcome.mute.id})`;
    const use: ActionLinkUse = { at, kind: 'mute', muteId: outcome.mute.id, text: outcome.text, detail };
    await deps.linkStore.markUsed(claims.nonce, use, claims.expiresAt, now);
    return { kind: 'result', target, state: 'muted', at, by: LINK_HOLDER, detail };
  }

  const outcome = await requestRemediation(
    {
      action: claims.action,
      ref,
      user: LINK_HOLDER,
      channel: deps.linkChannel,
      via: 'button',
      origin: 'dingtalk',
    },
    asLinkHolder,
  );
  switch (outcome.status) {
    case 'queued':
      await deps.linkStore.markUsed(
        claims.nonce,
        { at, kind: 'remediation', jobId: outcome.jobId, text: outcome.text },
        claims.expiresAt,
        now,
      );
      return {
        kind: 'result',
        target,
        state: 'queued',
        at,
        by: LINK_HOLDER,
        text: outcome.text,
        refresh: true,
      };
    case 'in-progress':
    case 'done':
      return (
        (await settledPage(claims, target, incident, deps)) ?? {
          kind: 'result',
          target,
          state: outcome.status,
          text: outcome.text,
        }
      );
    case 'not-applicable':
      return {
        kind: 'result',
        target,
        state: 'resolved',
        text: outcome.text,
        ...(incident ? resolvedFields(incident) : {}),
      };
    case 'refused':
      return { kind: 'result', target, state: 'refused', text: outcome.text };
    case 'unavailable':
      return { kind: 'result', target, state: 'unavailable', text: outcome.text };
  }
}

// ---------------------------------------------------------------------------------------------

async function alertOf(ref: ActionRef, deps: LinkActionDeps): Promise<Incident | undefined> {
  if (!ref.alertId) return undefined;
  const incident = await deps.incidents.getByAlertId(ref.alertId);
  return incident?.id === ref.alertId ? incident : undefined;
}

function targetOf(claims: ActionLinkClaims, incident: Incident | undefined): LinkTarget {
  const { ref } = claims;
  const name = ref.secretName || (ref.secretId ? secretDisplayName(ref.secretId) : '');
  const deletionDate = incident?.event.deletionDate;
  return {
    action: claims.action,
    provider: ref.provider,
    account: ref.account,
    region: ref.region,
    name,
    secretId: ref.secretId,
    alertId: ref.alertId,
    expiresAt: claims.expiresAt,
    ...(deletionDate ? { deletionDate } : {}),
    command: robotCommandFor(claims.action, {
      provider: ref.provider,
      account: ref.account,
      region: ref.region,
      name,
    }),
  };
}

const COMMAND_OF: Record<ActionName, string> = {
  retryRotation: 'rotate',
  cancelDeletion: 'restore',
  mute: 'mute',
};

/** The robot command that does what a link does: `@secrets-bot restore aws:111122223333:eu-west-1:prod/pg`. */
export function robotCommandFor(
  action: ActionName,
  s: { provider: Provider; account: string; region: string; name: string },
): string {
  const secret = s.name === '' ? '<secret>' : s.account && s.region ? qualifiedName(s) : s.name;
  return `${ROBOT_MENTION} ${COMMAND_OF[action]} ${secret}${action === 'mute' ? ' 1d' : ''}`;
}

function muteChoicesFor(incident: Incident | undefined): MuteChoice[] {
  // Not found yet: the card can reach the group a moment before its incident is saved; it is open.
  const open = incident === undefined || incident.status === 'open';
  return MUTE_CHOICES.map((c) => c.value).filter((v) => v !== 'resolved' || open);
}

function auditSecret(claims: ActionLinkClaims) {
  const { ref } = claims;
  return {
    provider: ref.provider,
    account: ref.account,
    region: ref.region,
    name: ref.secretName || secretDisplayName(ref.secretId),
  };
}

/** Step 3: what a used link did, and how its job went (from the audit trail). */
async function usedPage(
  claims: ActionLinkClaims,
  target: LinkTarget,
  deps: LinkActionDeps,
): Promise<LinkResult | undefined> {
  const use = await deps.linkStore.getUse(claims.nonce);
  if (!use) return undefined;
  if (use.kind === 'mute')
    return {
      kind: 'result',
      target,
      state: 'muted',
      at: use.at,
      by: LINK_HOLDER,
      ...(use.detail ? { detail: use.detail } : { text: use.text }),
    };
  const steps = (await deps.audit.ofSecret(auditSecret(claims), 50)).filter(
    (e) => e.jobId === use.jobId && e.via === 'job',
  );
  const end = steps.find((e) => e.phase === 'succeeded' || e.phase === 'failed');
  if (end) {
    return {
      kind: 'result',
      target,
      state: end.phase === 'succeeded' ? 'done' : 'failed',
      at: end.at,
      by: LINK_HOLDER,
      ...(end.result ? { detail: end.result } : {}),
    };
  }
  const claim = claims.action === 'mute' ? undefined : await deps.claims.get(claimIdOf(claims));
  if (claim && claim.jobId === use.jobId && claim.state === 'done') {
    // Marked done on the claim just before the audit trail says so.
    return {
      kind: 'result',
      target,
      state: 'done',
      at: claim.doneAt ?? use.at,
      by: LINK_HOLDER,
      ...(claim.detail ? { detail: claim.detail } : {}),
    };
  }
  return { kind: 'result', target, state: 'in-progress', at: use.at, by: LINK_HOLDER, refresh: true };
}

/** The claim a remediation link's request takes (as requestRemediation derives it). */
function claimIdOf(claims: ActionLinkClaims): string {
  const { ref } = claims;
  const action = claims.action as RemediationAction;
  const name = ref.secretName || secretDisplayName(ref.secretId);
  return remediationClaimId(
    action,
    { provider: ref.provider, account: ref.account, region: ref.region, secretId: ref.secretId, name },
    ref.alertId,
  );
}

function resolvedFields(incident: Incident): { at?: string; eventKind: EventKind } {
  return { ...(incident.resolvedAt ? { at: incident.resolvedAt } : {}), eventKind: incident.event.kind };
}

/** Step 4: the alert was resolved or moved on, or someone already asked for this. */
async function settledPage(
  claims: ActionLinkClaims,
  target: LinkTarget,
  incident: Incident | undefined,
  deps: LinkActionDeps,
): Promise<LinkResult | undefined> {
  if (claims.action === 'mute') return undefined; // a mute still applies to a resolved alert's secret
  const claim = await deps.claims.get(claimIdOf(claims));
  if (claim?.state === 'pending')
    return {
      kind: 'result',
      target,
      state: 'in-progress',
      at: claim.requestedAt,
      by: claim.requestedBy,
      refresh: true,
    };
  if (claim?.state === 'done') {
    return {
      kind: 'result',
      target,
      state: 'done',
      at: claim.doneAt ?? claim.requestedAt,
      by: claim.requestedBy,
      ...(claim.detail ? { detail: claim.detail } : {}),
    };
  }
  if (incident?.status === 'resolved')
    return { kind: 'result', target, state: 'resolved', ...resolvedFields(incident) };
  if (incident && !actionsFor(incident.event, true).includes(claims.action)) {
    return { kind: 'result', target, state: 'moved-on', eventKind: incident.event.kind };
  }
  return undefined;
}
