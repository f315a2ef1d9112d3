import type { DingTalkOutbox } from '../alerting/pipeline';
import type { DingTalkCallback } from '../chat/dingtalk/dingtalk-callback';
import type { Locale } from '../chat/i18n/locale';
import { sentenceWords } from '../chat/i18n/sentence-words';
import { renderDingTalkCommandReply } from '../chat/dingtalk/render-dingtalk-command';
import type { DingTalkMessage } from '../chat/dingtalk/render-dingtalk-card';
import { BotError } from '../ops/errors';
import { dingTalkJobId } from '../queue/queues';
import { runSecretsCommand, type CommandDeps, type CommandReply } from './command-runner';

/**
 * A command sent to the bot in DingTalk (`@secrets-bot status`), after the handler verified the
 * callback's signature and acknowledged it:
 *
 *   1. once per msgId (DingTalk retries callbacks)
 *   2. run it with the shared command runner, as the sender's staff id (what OPERATORS lists for
 *      DingTalk) in the conversation: read-only commands for everyone, rotate/restore/mute through
 *      the same authorization, claim, job and audit as Slack
 *   3. reply through the callback's session webhook while it is valid, else through the robot
 *      (the deliver-dingtalk queue, within the robot's send budget)
 */

export interface RobotCommandDeps extends CommandDeps {
  locale: Locale;
  callbacks: { firstTime(msgId: string): Promise<boolean> };
  session: { reply(sessionWebhook: string, body: DingTalkMessage): Promise<void> };
  /** The robot, for replies the session webhook cannot take (unset without DINGTALK_WEBHOOK_URL). */
  robot?: DingTalkOutbox;
}

export type RobotCommandOutcome = 'session' | 'robot' | 'duplicate' | 'undelivered';

/** A session webhook this close to its end is not used. */
const SESSION_MARGIN_MS = 10_000;

export async function runRobotCommand(
  cb: DingTalkCallback,
  deps: RobotCommandDeps,
): Promise<RobotCommandOutcome> {
  if (!(await deps.callbacks.firstTime(cb.msgId))) return 'duplicate'; // 1
  const reply: CommandReply =
    cb.senderStaffId === ''
      ? {
          kind: 'text',
          share: false,
          text: sentenceWords(deps.locale).noSender,
        }
      : await runSecretsCommand(
          cb.command,
          { user: cb.senderStaffId, channel: cb.conversationId, origin: 'dingtalk' },
          deps,
        ); // 2
  const body = renderDingTalkCommandReply(reply, { locale: deps.locale });

  const now = deps.clock.now(); // 3
  if (cb.sessionWebhook && (cb.sessionWebhookExpiredTime ?? 0) > now + SESSION_MARGIN_MS) {
    try {
      await deps.session.reply(cb.sessionWebhook, body);
      return 'session';
    } catch (e) {
      deps.logger.warn(
        { code: e instanceof BotError ? e.code : 'INTERNAL', msg: e instanceof Error ? e.message : '' },
        'session webhook refused the reply; using the robot',
      );
    }
  }
  if (deps.robot) {
    await deps.robot.enqueue(dingTalkJobId(deps.robot.robot, 'reply', cb.msgId), {
      kind: 'body',
      body,
      what: 'command reply',
    });
    return 'robot';
  }
  deps.logger.warn(
    { msgId: cb.msgId },
    'cannot reply to a DingTalk command: the session webhook expired and DINGTALK_WEBHOOK_URL is not set',
  );
  return 'undelivered';
}
