import { randomBytes } from 'node:crypto';
import { renderSlackEphemeral } from '../../../src/chat/slack/render-slack-command';
import { renderSlackMuteModal } from '../../../src/chat/slack/render-slack-mute-modal';
import { ACTION_IDS } from '../../../src/remediation/actions';
import { checkMuteDialog } from '../../../src/remediation/mute-requests';
import { internalErrorText, staleButtonText } from '../../../src/remediation/replies';
import type { SlackApp, SlackDeps } from '../deps';
import { readButtonClick } from '../payload';
import type { ButtonArgs } from './remediation-click';

/**
 * The Mute button: acknowledge, check the user may mute, and open the dialog (views.open must use
 * the trigger id within 3 s, so nothing slow happens before it). Refusals are told only to them.
 */
export function register(app: SlackApp, deps: SlackDeps): void {
  app.action(ACTION_IDS.mute, async (args) => {
    const { ack, body, respond, client } = args as ButtonArgs;
    await ack();
    const click = readButtonClick(body);
    try {
      if (!click.ref) {
        await respond(renderSlackEphemeral(staleButtonText(deps.locale)));
        return;
      }
      const outcome = await checkMuteDialog({ user: click.user, channel: click.channel, ref: click.ref }, deps);
      if (!outcome.allowed) {
        await respond(renderSlackEphemeral(outcome.text));
        return;
      }
      await client.views.open({ trigger_id: click.triggerId, view: renderSlackMuteModal({ ref: click.ref, channel: click.channel, choices: outcome.choices, locale: deps.locale }) });
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      deps.logger.error({ err, ref }, 'mute button failed');
      await respond(renderSlackEphemeral(internalErrorText(ref, deps.locale))).catch(() => undefined);
    }
  });
}
