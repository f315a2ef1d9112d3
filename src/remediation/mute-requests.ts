import { randomBytes } from 'node:crypto';
import { isPattern, type Mute, type MuteMatch } from '../alerting/mute';
import { MUTE_CHOICES, formatUtc, stripRefMarkers, type MuteChoice } from '../chat/text';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import { parseDuration } from '../config/duration';
import type { AuditEntry, AuditSecret, AuditStore } from '../store/audit-store';
import type { MuteStore } from '../store/mute-store';
import type { SecretDirectory } from '../store/secret-directory';
import type { ActionRef } from './actions';
import { authorize, type AuthorizationPolicy } from './authorize';
import type { ProgressDeps } from './progress';
import { internalErrorText, refusalText } from './replies';
import { parseSecretSpec } from './resolve-secret';

/**
 * Mutes asked for from chat: the Mute button (a dialog with MUTE_CHOICES and a reason) and the
 * `mute` / `unmute` commands. Muting is authorized like the other actions (policy `mute`).
 */
export interface MuteDeps extends ProgressDeps {
  policy: AuthorizationPolicy;
  audit: AuditStore;
  mutes: MuteStore;
  /** To file a command's mute of a plain name under that secret's history. */
  directory?: SecretDirectory;
}

export interface MuteButtonRequest {
  user: string;
  channel: string;
  ref: ActionRef;
  /** How it was asked, for the audit trail: Slack's dialog (default) or a DingTalk action link. */
  via?: 'modal' | 'link';
}

export type MuteDialogOutcome = { allowed: true; choices: MuteChoice[] } | { allowed: false; text: string };

/** The Mute button: may this user mute, and which durations apply ("until resolved" needs an open alert). */
export async function checkMuteDialog(req: MuteButtonRequest, deps: MuteDeps): Promise<MuteDialogOutcome> {
  const decision = authorize({ user: req.user, action: 'mute', channel: req.channel }, deps.policy);
  if (!decision.allowed) {
    await deps.audit.record({ actor: req.user, action: 'mute', phase: 'refused', result: decision.reason, secret: secretOf(req.ref), via: 'button', channel: req.channel, alertId: req.ref.alertId || undefined });
    return { allowed: false, text: refusalText('mute', decision) };
  }
  const incident = req.ref.alertId ? await deps.incidents.getByAlertId(req.ref.alertId) : undefined;
  const open = incident?.id === req.ref.alertId && incident.status === 'open';
  return { allowed: true, choices: MUTE_CHOICES.map((c) => c.value).filter((v) => v !== 'resolved' || open) };
}

export type MuteSubmitOutcome = { ok: true; text: string; mute: Mute } | { ok: false; text: string; field?: 'duration' };

/** The dialog was submitted: create the mute, note it in the alert's thread. */
export async function submitMuteDialog(req: MuteButtonRequest & { choice: string; reason?: string }, deps: MuteDeps): Promise<MuteSubmitOutcome> {
  const secret = secretOf(req.ref);
  const audit = (e: Pick<AuditEntry, 'phase'> & Partial<AuditEntry>) =>
    deps.audit.record({ actor: req.user, action: 'mute', secret, via: req.via ?? 'modal', channel: req.channel, alertId: req.ref.alertId || undefined, ...e });
  const decision = authorize({ user: req.user, action: 'mute', channel: req.channel }, deps.policy);
  if (!decision.allowed) {
    await audit({ phase: 'refused', result: decision.reason });
    return { ok: false, text: refusalText('mute', decision) };
  }
  const incident = req.ref.alertId ? await deps.incidents.getByAlertId(req.ref.alertId) : undefined;
  const alert = incident && incident.id === req.ref.alertId ? incident : undefined;
  let duration: number | 'until-resolved';
  if (req.choice === 'resolved') {
    if (!alert || alert.status !== 'open') return { ok: false, field: 'duration', text: 'This alert is not open, so "until resolved" does not apply; pick a duration.' };
    duration = 'until-resolved';
  } else {
    const ms = MUTE_CHOICES.some((c) => c.value === req.choice) ? parseDuration(req.choice) : undefined;
    if (ms === undefined) return { ok: false, field: 'duration', text: 'Pick how long to mute.' };
    duration = ms;
  }
  if (!alert && secret.name === '') return { ok: false, text: 'This alert names no secret and has no incident to mute.' };
  await audit({ phase: 'allowed' });
  const match: MuteMatch = alert
    ? { secret: secret.name, provider: secret.provider, account: secret.account, region: secret.region, incidentKey: alert.key }
    : { secret: secret.name, provider: secret.provider, account: secret.account, region: secret.region };
  const label = alert ? `${secret.name || alert.event.sourceEventName} ${alert.topic} alerts` : secret.name;
  const mute = await deps.mutes.create({ match, label, duration, createdBy: req.user, ...(req.reason ? { reason: req.reason } : {}) });
  await audit({ phase: 'succeeded', muteId: mute.id, result: untilText(mute) });
  if (alert?.message && deps.chat) {
    await deps.chat
      .replyNote(alert.message, { kind: 'mute', mute })
      .catch((err) => deps.logger.warn({ err, muteId: mute.id }, 'could not note the mute in the alert thread'));
  }
  return { ok: true, mute, text: mutedText(mute) };
}

export interface CommandRequest {
  user: string;
  channel: string;
}

/** `/secrets mute <secret or pattern> <duration> [reason]`. */
export async function muteByCommand(req: CommandRequest & { target: string; durationMs: number; reason?: string }, deps: MuteDeps): Promise<string> {
  const spec = parseSecretSpec(req.target);
  if ('error' in spec) return `Cannot mute: ${spec.error}.`;
  const match: MuteMatch =
    spec.kind === 'qualified'
      ? {
          secret: spec.name,
          provider: spec.provider,
          ...(spec.account !== '*' ? { account: spec.account } : {}),
          ...(spec.region !== '*' ? { region: spec.region } : {}),
        }
      : { secret: spec.name };
  const secret = await auditSecretOf(match, deps);
  const audit = (e: Pick<AuditEntry, 'phase'> & Partial<AuditEntry>) =>
    deps.audit.record({ actor: req.user, action: 'mute', secret, via: 'command', channel: req.channel, ...e });
  const decision = authorize({ user: req.user, action: 'mute', channel: req.channel }, deps.policy);
  if (!decision.allowed) {
    await audit({ phase: 'refused', result: decision.reason });
    return refusalText('mute', decision);
  }
  await audit({ phase: 'allowed' });
  const label = spec.kind === 'qualified' ? req.target : spec.name;
  const mute = await deps.mutes.create({ match, label, duration: req.durationMs, createdBy: req.user, ...(req.reason ? { reason: req.reason } : {}) });
  await audit({ phase: 'succeeded', muteId: mute.id, result: untilText(mute) });
  return mutedText(mute) + (isPattern(spec.name) ? ' The pattern matches secret names (* any characters, ? one character).' : '');
}

/** `/secrets unmute <mute id or secret>`. */
export async function unmuteByCommand(req: CommandRequest & { target: string }, deps: MuteDeps): Promise<string> {
  const secret = await auditSecretOf({ secret: secretDisplayName(req.target) }, deps);
  const decision = authorize({ user: req.user, action: 'mute', channel: req.channel }, deps.policy);
  if (!decision.allowed) {
    await deps.audit.record({ actor: req.user, action: 'unmute', phase: 'refused', result: decision.reason, secret, via: 'command', channel: req.channel });
    return refusalText('mute', decision);
  }
  try {
    const ended = await deps.mutes.unmute(req.target);
    if (ended.length === 0) return `No active mute has the id or secret ${req.target}. See /secrets mutes.`;
    for (const m of ended) {
      await deps.audit.record({ actor: req.user, action: 'unmute', phase: 'succeeded', muteId: m.id, secret: await auditSecretOf(m.match, deps), via: 'command', channel: req.channel });
    }
    return `Ended ${ended.map((m) => `mute ${m.id} of ${stripRefMarkers(m.label)}`).join(', ')}. Its alerts are shown again.`;
  } catch (err) {
    const ref = randomBytes(4).toString('hex');
    deps.logger.error({ err, ref }, 'unmute failed');
    return internalErrorText(ref);
  }
}

/**
 * Which secret's history a mute belongs to: the place the mute names, else the one secret the bot
 * knows by that exact name; a pattern, or a name known in several places, only goes to the global trail.
 */
async function auditSecretOf(match: MuteMatch, deps: MuteDeps): Promise<AuditSecret> {
  if (match.provider && match.account && match.region) return { provider: match.provider, account: match.account, region: match.region, name: match.secret };
  const known = isPattern(match.secret) || !deps.directory ? [] : await deps.directory.findByName(match.secret);
  if (known.length === 1) return { provider: known[0]!.provider, account: known[0]!.account, region: known[0]!.region, name: known[0]!.name };
  return { provider: match.provider ?? 'aws', account: match.account ?? '*', region: match.region ?? '*', name: match.secret };
}

function secretOf(ref: ActionRef) {
  return { provider: ref.provider, account: ref.account, region: ref.region, name: ref.secretName || secretDisplayName(ref.secretId), secretId: ref.secretId };
}

export function untilText(m: Mute): string {
  return m.untilResolved ? 'until resolved' : `until ${formatUtc(m.endsAt!)}`;
}

function mutedText(m: Mute): string {
  return `Muted ${stripRefMarkers(m.label)} ${untilText(m)} (mute ${m.id}). New alerts for it are tracked but not posted; /secrets unmute ${m.id} ends it.`;
}
