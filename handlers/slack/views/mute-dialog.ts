import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { sentenceWords } from '../../../src/chat/i18n/sentence-words';
import { MUTE_MODAL_BLOCKS, readSlackMuteModal } from '../../../src/chat/slack/render-slack-mute-modal';
import { MUTE_VIEW_ID } from '../../../src/remediation/actions';
import { submitMuteDialog } from '../../../src/remediation/mute-requests';
import { internalErrorText } from '../../../src/remediation/replies';
import type { SlackApp, SlackDeps } from '../deps';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The Mute dialog was submitted: acknowledge (closing it), create the mute, and tell the user in
 * the alert's channel, only to them; the alert's thread gets a note everyone sees.
 */
export function register(app: SlackApp, deps: SlackDeps): void {
  app.view(MUTE_VIEW_ID, async (args) => {
    const { ack, body, view } = args as ViewArgs;
    const submission = readSlackMuteModal(view);
    if (!submission) {
      await ack({ response_action: 'errors', errors: { [MUTE_MODAL_BLOCKS.duration]: sentenceWords(deps.locale).mute.staleDialog } });
      return;
    }
    if (!submission.choice) {
      await ack({ response_action: 'errors', errors: { [MUTE_MODAL_BLOCKS.duration]: sentenceWords(deps.locale).mute.pickDuration } });
      return;
    }
    await ack();
    const user = body.user.id;
    try {
      const outcome = await submitMuteDialog({ user, channel: submission.channel, ref: submission.ref, choice: submission.choice, ...(submission.reason ? { reason: submission.reason } : {}) }, deps);
      await deps.chat?.postEphemeral(submission.channel, user, outcome.text);
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      deps.logger.error({ err, ref }, 'mute dialog failed');
      await deps.chat?.postEphemeral(submission.channel, user, internalErrorText(ref, deps.locale)).catch(() => undefined);
    }
  });
}
