import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderSlackCommandReply, renderSlackEphemeral } from '../../../src/chat/slack/render-slack-command';
import { runSecretsCommand } from '../../../src/remediation/command-runner';
import { internalErrorText } from '../../../src/remediation/replies';
import type { SlackApp, SlackDeps } from '../deps';

export const COMMAND = '/secrets';

/**
 * `/secrets …`: acknowledge at once with an empty body, then answer through the response URL —
 * some subcommands ask the cloud (status <secret>) and could take longer than Slack's 3 s.
 */
export function register(app: SlackApp, deps: SlackDeps): void {
  app.command(COMMAND, async (args) => {
    const { ack, command, respond } = args as SlackCommandMiddlewareArgs & AllMiddlewareArgs;
    await ack();
    try {
      const reply = await runSecretsCommand(command.text ?? '', { user: command.user_id, channel: command.channel_id }, deps);
      await respond(renderSlackCommandReply(reply, { locale: deps.locale }));
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      deps.logger.error({ err, ref }, '/secrets failed');
      await respond(renderSlackEphemeral(internalErrorText(ref, deps.locale))).catch(() => undefined);
    }
  });
}
