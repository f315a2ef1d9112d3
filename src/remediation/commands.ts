import { formatDuration, parseDuration } from '../config/duration';
import type { Locale } from '../chat/i18n/locale';
import { sentenceWords, type UsageName } from '../chat/i18n/sentence-words';
import { stripRefMarkers } from '../chat/text';

/**
 * The `/secrets` command language, parsed without I/O. Shared by every chat platform.
 *
 *   status                               open alerts, pending deletions, failures, mutes, queues
 *   status <secret>                      live description from the cloud, recent events, buttons
 *   mute <secret or pattern> <duration> [reason…]
 *   unmute <mute id or secret>
 *   mutes
 *   history <secret>                     events and audit trail
 *   rotate <secret>                      operators: same checks and job as Retry rotation
 *   restore <secret>                     operators: same checks and job as Cancel deletion
 *   help
 * A trailing `--share` posts the answer in the channel instead of only to the asker.
 */
export type SecretsCommand =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'status-secret'; secret: string }
  | { name: 'mute'; target: string; durationMs: number; reason?: string }
  | { name: 'unmute'; target: string }
  | { name: 'mutes' }
  | { name: 'history'; secret: string }
  | { name: 'rotate'; secret: string }
  | { name: 'restore'; secret: string };

export type ParsedCommand = { ok: true; command: SecretsCommand; share: boolean } | { ok: false; usage: string };

/** Longest mute a command may set. */
export const MAX_MUTE_MS = 90 * 86_400_000;

const SUBCOMMANDS = 'status, mute, unmute, mutes, history, rotate, restore, help';

/** `locale`: the language of the usage text when the command is not understood. */
export function parseSecretsCommand(input: string, locale?: Locale): ParsedCommand {
  const w = sentenceWords(locale);
  let words = stripRefMarkers(input).trim().split(/\s+/).filter(Boolean);
  let share = false;
  if (words[words.length - 1]?.toLowerCase() === '--share') {
    share = true;
    words = words.slice(0, -1);
  }
  const [sub = 'help', ...args] = words;
  const ok = (command: SecretsCommand): ParsedCommand => ({ ok: true, command, share });
  const usage = (name: UsageName): ParsedCommand => ({ ok: false, usage: w.usage[name] });
  switch (sub.toLowerCase()) {
    case 'help':
      return args.length === 0 ? ok({ name: 'help' }) : usage('help');
    case 'status':
      if (args.length === 0) return ok({ name: 'status' });
      return args.length === 1 ? ok({ name: 'status-secret', secret: args[0]! }) : usage('status');
    case 'mutes':
      return args.length === 0 ? ok({ name: 'mutes' }) : usage('mutes');
    case 'unmute':
      return args.length === 1 ? ok({ name: 'unmute', target: args[0]! }) : usage('unmute');
    case 'history':
      return args.length === 1 ? ok({ name: 'history', secret: args[0]! }) : usage('history');
    case 'rotate':
      return args.length === 1 ? ok({ name: 'rotate', secret: args[0]! }) : usage('rotate');
    case 'restore':
      return args.length === 1 ? ok({ name: 'restore', secret: args[0]! }) : usage('restore');
    case 'mute': {
      if (args.length < 2) return usage('mute');
      const ms = parseDuration(args[1]!);
      if (ms === undefined || ms <= 0 || ms > MAX_MUTE_MS) return usage('mute');
      const reason = args.slice(2).join(' ').trim();
      return ok({ name: 'mute', target: args[0]!, durationMs: ms, ...(reason ? { reason: reason.slice(0, 500) } : {}) });
    }
    default:
      return { ok: false, usage: w.unknownSubcommand(sub.slice(0, 40), SUBCOMMANDS) };
  }
}

export function describeDuration(ms: number): string {
  return formatDuration(ms);
}
