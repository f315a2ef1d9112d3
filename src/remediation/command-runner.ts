import type { SummaryAccess } from './bulk';
import { randomBytes } from 'node:crypto';
import type { Mute } from '../alerting/mute';
import type { SecretDescription } from '../clouds/secrets-provider';
import { userMessageIn } from '../clouds/classify-cloud-error';
import { BotError } from '../ops/errors';
import type { AuditEntry } from '../store/audit-store';
import type { KnownSecret, SecretDirectory, SecretEventEntry } from '../store/secret-directory';
import { actionsForSecret, type ActionName, type ActionRef } from './actions';
import { isOperatorFor } from './authorize';
import { parseSecretsCommand } from './commands';
import { requestRemediation, type RemediationDeps } from './flow';
import { muteByCommand, unmuteByCommand, type MuteDeps } from './mute-requests';
import { collectOverview, type Overview, type OverviewDeps } from './overview';
import { sentenceWords } from '../chat/i18n/sentence-words';
import { internalErrorText } from './replies';
import { parseSecretSpec, resolveSecret } from './resolve-secret';

/**
 * Runs one `/secrets …` command and returns a platform-neutral reply; the chat handler renders it
 * (ephemeral unless `share`). Read-only subcommands are open to everyone; mute/unmute/rotate/restore
 * go through the same authorization (and, for rotate/restore, the same claim and job) as buttons.
 */
export type CommandReplyBody =
  | { kind: 'text'; text: string }
  | { kind: 'usage'; text: string }
  | { kind: 'help'; operator: boolean }
  | { kind: 'overview'; overview: Overview }
  | { kind: 'secret'; secret: KnownSecret; description: SecretDescription; events: SecretEventEntry[]; ref: ActionRef; actions: ActionName[]; now: number }
  | { kind: 'mutes'; mutes: Mute[]; now: number }
  | { kind: 'history'; secret: KnownSecret; events: SecretEventEntry[]; audit: AuditEntry[]; now: number };

export type CommandReply = CommandReplyBody & { share: boolean };

export interface CommandDeps extends RemediationDeps, MuteDeps, OverviewDeps {
  directory: SecretDirectory;
  /** Summary messages, for their bulk buttons (remediation/bulk.ts). */
  summaries?: SummaryAccess;
}

export interface CommandContext {
  user: string;
  channel: string;
  /** A DingTalk robot command: rotate/restore outcomes are posted in the DingTalk group too. */
  origin?: 'dingtalk';
}

export async function runSecretsCommand(text: string, ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  const parsed = parseSecretsCommand(text, deps.locale);
  if (!parsed.ok) return { kind: 'usage', text: parsed.usage, share: false };
  const { command, share } = parsed;
  const reply = (r: CommandReplyBody): CommandReply => ({ ...r, share });
  const textReply = (t: string) => reply({ kind: 'text', text: t });
  try {
    switch (command.name) {
      case 'help':
        return reply({ kind: 'help', operator: isOperatorFor(ctx.user, deps.policy) });
      case 'status':
        return reply({ kind: 'overview', overview: await collectOverview(deps) });
      case 'mutes':
        return reply({ kind: 'mutes', mutes: await deps.mutes.listActive(), now: deps.clock.now() });
      case 'mute':
        return textReply(
          await muteByCommand({ user: ctx.user, channel: ctx.channel, target: command.target, durationMs: command.durationMs, reason: command.reason }, deps),
        );
      case 'unmute':
        return textReply(await unmuteByCommand({ user: ctx.user, channel: ctx.channel, target: command.target }, deps));
      case 'status-secret':
      case 'history':
      case 'rotate':
      case 'restore': {
        const spec = parseSecretSpec(command.secret, deps.locale);
        if ('error' in spec) return reply({ kind: 'usage', text: sentenceWords(deps.locale).secretSpec.seeHelp(spec.error) });
        const found = await resolveSecret(spec, deps.directory, deps.locale);
        if (!found.ok) return textReply(found.text);
        const secret = found.secret;
        const ref: ActionRef = { alertId: '', provider: secret.provider, account: secret.account, region: secret.region, secretId: secret.secretId, secretName: secret.name };
        if (command.name === 'rotate' || command.name === 'restore') {
          const action = command.name === 'rotate' ? 'retryRotation' : 'cancelDeletion';
          const outcome = await requestRemediation(
            { action, ref, user: ctx.user, channel: ctx.channel, via: 'command', ...(ctx.origin ? { origin: ctx.origin } : {}) },
            deps,
          );
          return textReply(outcome.text);
        }
        const events = await deps.directory.recentEvents(secret, command.name === 'history' ? 20 : 5);
        if (command.name === 'history') {
          return reply({ kind: 'history', secret, events, audit: await deps.audit.ofSecret(secret, 30), now: deps.clock.now() });
        }
        const description = await deps.clouds.get(secret.provider).describeSecret(secret);
        return reply({ kind: 'secret', secret, description, events, ref, actions: actionsForSecret(description), now: deps.clock.now() });
      }
    }
  } catch (e) {
    const said = e instanceof BotError ? userMessageIn(e, deps.locale) : undefined;
    if (said) return textReply(said);
    const ref = randomBytes(4).toString('hex');
    deps.logger.error({ err: e, ref, command: command.name }, 'secrets command failed');
    return textReply(internalErrorText(ref, deps.locale));
  }
}
