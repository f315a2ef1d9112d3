import { randomBytes } from 'node:crypto';
import { renderSlackEphemeral } from '../../../src/chat/slack/render-slack-command';
import { BULK_ACTION_IDS, type RemediationAction } from '../../../src/remediation/actions';
import { requestBulkRemediation } from '../../../src/remediation/bulk';
import { internalErrorText, staleButtonText } from '../../../src/remediation/replies';
import type { SlackApp, SlackDeps } from '../deps';
import type { ButtonArgs } from './remediation-click';

/**
 * The bulk buttons of a summary message ("Retry rotation (137)", "Cancel deletion (12)"): their
 * confirm dialog has been accepted by the time this runs. Acknowledge at once, then one ordinary
 * request per member (src/remediation/bulk.ts), and tell the clicker the counts, only to them.
 */
export function register(app: SlackApp, deps: SlackDeps): void {
  for (const action of Object.keys(BULK_ACTION_IDS) as RemediationAction[]) {
    app.action(BULK_ACTION_IDS[action], async (args) => {
      const { ack, body, respond } = args as ButtonArgs;
      await ack();
      try {
        const summaryId = body.actions[0]?.value ?? '';
        const user = body.user.id;
        const channel = body.channel?.id ?? '';
        if (!/^s[a-f0-9]{32}$/.test(summaryId) || !channel) {
          await respond(renderSlackEphemeral(staleButtonText(deps.locale)));
          return;
        }
        const outcome = await requestBulkRemediation({ action, summaryId, user, channel }, deps);
        await respond(renderSlackEphemeral(outcome.text));
      } catch (err) {
        const ref = randomBytes(4).toString('hex');
        deps.logger.error({ err, ref, action }, 'bulk button click failed');
        await respond(renderSlackEphemeral(internalErrorText(ref, deps.locale))).catch(() => undefined);
      }
    });
  }
}
