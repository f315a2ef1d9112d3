import { randomBytes } from 'node:crypto';
import { describeFilters, isPattern } from '../alerting/matcher';
import { parseMuteFilters, type Mute, type MuteMatch } from '../alerting/mute';
import { MUTE_CHOICES, formatUtc, stripRefMarkers, type MuteChoice } from '../chat/text';
import { secretDisplayName } from '../clouds/classify-cloud-error';
import { parseDuration } from '../config/duration';
import type { AuditEntry, AuditSecret, AuditStore } from '../store/audit-store';
import type { MuteStore } from '../store/mute-store';
import type { SecretDirectory } from '../store/secret-directory';
import type { ActionRef } from './actions';
import { authorize, type AuthorizationPolicy } from './authorize';
import type { ProgressDeps } from './progress';
import { sentenceWords } from '../chat/i18n/sentence-words';
import type { Locale } from '../chat/i18n/locale';
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
  /** Announces a timed mute's end where it was made (alerting/mute-expiry.ts); absent: no notice. */
  muteExpiry?: { schedule(mute: Mute): Promise<void> };
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
    return { allowed: false, text: refusalText('mute', decision, deps.locale) };
  }
  const incident = req.ref.alertId ? await deps.incidents.getByAlertId(req.ref.alertId) : undefined;
  // Not found yet: a click can come a moment before the new alert's incident is saved; it is open.
  const open = incident === undefined || (incident.id === req.ref.alertId && incident.status === 'open');
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
    return { ok: false, text: refusalText('mute', decision, deps.locale) };
  }
  const incident = req.ref.alertId ? await deps.incidents.getByAlertId(req.ref.alertId) : undefined;
  const alert = incident && incident.id === req.ref.alertId ? incident : undefined;
  let duration: number | 'until-resolved';
  if (req.choice === 'resolved') {
    if (!alert || alert.status !== 'open') return { ok: false, field: 'duration', text: sentenceWords(deps.locale).mute.notOpen };
    duration = 'until-resolved';
  } else {
    const ms = MUTE_CHOICES.some((c) => c.value === req.choice) ? parseDuration(req.choice) : undefined;
    if (ms === undefined) return { ok: false, field: 'duration', text: sentenceWords(deps.locale).mute.pickDuration };
    duration = ms;
  }
  if (!alert && secret.name === '') return { ok: false, text: sentenceWords(deps.locale).mute.nothingToMute };
  await audit({ phase: 'allowed' });
  const match: MuteMatch = alert
    ? { secret: secret.name, provider: secret.provider, account: secret.account, region: secret.region, incidentKey: alert.key }
    : { secret: secret.name, provider: secret.provider, account: secret.account, region: secret.region };
  const label = alert ? `${secret.name || alert.event.sourceEventName} ${alert.topic} alerts` : secret.name;
  const mute = await deps.mutes.create({ match, label, duration, createdBy: req.user, channel: req.channel, ...(req.reason ? { reason: req.reason } : {}) });
  await scheduleExpiryNotice(mute, deps);
  await audit({ phase: 'succeeded', muteId: mute.id, result: untilText(mute, deps.locale) });
  if (alert?.message && deps.chat) {
    await deps.chat
      .replyNote(alert.message, { kind: 'mute', mute })
      .catch((err) => deps.logger.warn({ err, muteId: mute.id }, 'could not note the mute in the alert thread'));
  }
  return { ok: true, mute, text: mutedText(mute, deps.locale) };
}

export interface CommandRequest {
  user: string;
  channel: string;
}

/**
 * `/secrets mute <secret or pattern> <duration> [filters] [reason]`; filters narrow the mute like a
 * route's match: `kind=rotation.failed,rotation.abandoned account=1111 region=eu-west-1
 * severity=critical type=Rds regex=^prod/ tag.team=db provider=aws` (parseMuteFilters).
 */
export async function muteByCommand(req: CommandRequest & { target: string; durationMs: number; reason?: string }, deps: MuteDeps): Promise<string> {
  const spec = parseSecretSpec(req.target, deps.locale);
  if ('error' in spec) return sentenceWords(deps.locale).mute.cannotMute(spec.error);
  const parsed = parseMuteFilters(req.reason?.split(/\s+/).filter(Boolean) ?? []);
  if ('error' in parsed) return sentenceWords(deps.locale).mute.cannotMute(parsed.error);
  const { filters } = parsed;
  const reason = parsed.rest.join(' ');
  const place: MuteMatch =
    spec.kind === 'qualified'
      ? {
          secret: spec.name,
          provider: spec.provider,
          ...(spec.account !== '*' ? { account: spec.account } : {}),
          ...(spec.region !== '*' ? { region: spec.region } : {}),
        }
      : { secret: spec.name };
  const twice = (['provider', 'account', 'region'] as const).find((f) => place[f] !== undefined && filters[f] !== undefined && place[f] !== filters[f]);
  if (twice) return sentenceWords(deps.locale).mute.cannotMute(`${twice} is given twice, as ${place[twice]} and ${filters[twice]}`);
  const match: MuteMatch = { ...filters, ...place };
  const secret = await auditSecretOf(match, deps);
  const audit = (e: Pick<AuditEntry, 'phase'> & Partial<AuditEntry>) =>
    deps.audit.record({ actor: req.user, action: 'mute', secret, via: 'command', channel: req.channel, ...e });
  const decision = authorize({ user: req.user, action: 'mute', channel: req.channel }, deps.policy);
  if (!decision.allowed) {
    await audit({ phase: 'refused', result: decision.reason });
    return refusalText('mute', decision, deps.locale);
  }
  await audit({ phase: 'allowed' });
  const label = [spec.kind === 'qualified' ? req.target : spec.name, describeFilters(filters)].filter(Boolean).join(' ');
  const mute = await deps.mutes.create({ match, label, duration: req.durationMs, createdBy: req.user, channel: req.channel, ...(reason ? { reason } : {}) });
  await scheduleExpiryNotice(mute, deps);
  await audit({ phase: 'succeeded', muteId: mute.id, result: untilText(mute, deps.locale) });
  return mutedText(mute, deps.locale) + (isPattern(spec.name) ? sentenceWords(deps.locale).mute.patternNote : '');
}

/** `/secrets unmute <mute id or secret>`. */
export async function unmuteByCommand(req: CommandRequest & { target: string }, deps: MuteDeps): Promise<string> {
  const secret = await auditSecretOf({ secret: secretDisplayName(req.target) }, deps);
  const decision = authorize({ user: req.user, action: 'mute', channel: req.channel }, deps.policy);
  if (!decision.allowed) {
    await deps.audit.record({ actor: req.user, action: 'unmute', phase: 'refused', result: decision.reason, secret, via: 'command', channel: req.channel });
    return refusalText('mute', decision, deps.locale);
  }
  try {
    const ended = await deps.mutes.unmute(req.target);
    if (ended.length === 0) return sentenceWords(deps.locale).mute.noSuchMute(req.target);
    for (const m of ended) {
      await deps.audit.record({ actor: req.user, action: 'unmute', phase: 'succeeded', muteId: m.id, secret: await auditSecretOf(m.match, deps), via: 'command', channel: req.channel });
    }
    return sentenceWords(deps.locale).mute.endedMutes(ended.map((m) => ({ id: m.id, label: stripRefMarkers(m.label) })));
  } catch (err) {
    const ref = randomBytes(4).toString('hex');
    deps.logger.error({ err, ref }, 'unmute failed');
    return internalErrorText(ref, deps.locale);
  }
}

/** A timed mute's end is announced once; failing to plan that never fails the mute itself. */
async function scheduleExpiryNotice(mute: Mute, deps: MuteDeps): Promise<void> {
  if (!mute.endsAt || !deps.muteExpiry) return;
  await deps.muteExpiry
    .schedule(mute)
    .catch((err) => deps.logger.warn({ err, muteId: mute.id }, 'could not plan the notice of the mute’s end'));
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

export function untilText(m: Mute, locale?: Locale): string {
  const w = sentenceWords(locale).mute;
  return m.untilResolved ? w.untilResolved : w.until(formatUtc(m.endsAt!));
}

function mutedText(m: Mute, locale?: Locale): string {
  return sentenceWords(locale).mute.muted(stripRefMarkers(m.label), untilText(m, locale), m.id);
}
