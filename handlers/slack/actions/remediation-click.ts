import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { renderSlackEphemeral } from '../../../src/chat/slack/render-slack-command';
import type { RemediationAction } from '../../../src/remediation/actions';
import { requestRemediation } from '../../../src/remediation/flow';
import { internalErrorText } from '../../../src/remediation/replies';
import type { SlackDeps } from '../deps';
import { readButtonClick, STALE_BUTTON_TEXT } from '../payload';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Retry rotation / Cancel deletion: acknowledge at once (the cloud call happens in a job), then
 * authorize, claim and enqueue, and tell the clicker what happened, only to them.
 */
export function remediationClick(action: RemediationAction, deps: SlackDeps) {
  return async ({ ack, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const click = readButtonClick(body);
    try {
      if (!click.ref) {
        await respond(renderSlackEphemeral(STALE_BUTTON_TEXT));
        return;
      }
      const outcome = await requestRemediation(
        { action, ref: click.ref, user: click.user, channel: click.channel, via: 'button', ...(click.message ? { message: click.message } : {}) },
        deps,
      );
      await respond(renderSlackEphemeral(outcome.text));
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      deps.logger.error({ err, ref, action }, 'button click failed');
      await respond(renderSlackEphemeral(internalErrorText(ref))).catch(() => undefined);
    }
  };
}
