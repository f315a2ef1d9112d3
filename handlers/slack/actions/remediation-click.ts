import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { renderSlackEphemeral } from '../../../src/chat/slack/render-slack-command';
import type { RemediationAction } from '../../../src/remediation/actions';
import { ClickIntake, type PendingClick } from '../../../src/remediation/click-intake';
import { requestRemediation, type RemediationRequest } from '../../../src/remediation/flow';
import { internalErrorText, staleButtonText } from '../../../src/remediation/replies';
import type { SlackDeps } from '../deps';
import { readButtonClick } from '../payload';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Retry rotation / Cancel deletion: acknowledge, store the click, and let the click intake run the
 * flow (authorize, claim, enqueue) behind the ack and tell the clicker what happened, only to them.
 * Without an intake (or when the click cannot be stored) the flow runs right after the ack instead.
 */
export function remediationClick(action: RemediationAction, deps: SlackDeps) {
  return async ({ ack, body, respond }: ButtonArgs): Promise<void> => {
    const click = readButtonClick(body);
    if (!click.ref) {
      await ack();
      await respond(renderSlackEphemeral(staleButtonText(deps.locale)));
      return;
    }
    const request: RemediationRequest = {
      action,
      ref: click.ref,
      user: click.user,
      channel: click.channel,
      via: 'button',
      ...(click.message ? { message: click.message } : {}),
    };
    const intake = deps.clickIntake;
    if (intake && body.response_url) {
      const pending: PendingClick = { id: ClickIntake.newId(), request, responseUrl: body.response_url };
      // Ack first: the write to the inbox then overlaps Slack's answer instead of delaying it. A
      // process that dies in the millisecond between the two loses the click, and the clicker sees
      // no answer and can click again; once stored, a click survives any crash (lease takeover).
      await ack();
      const stored = await intake.accept(pending).then(
        () => true,
        (err: unknown) => {
          deps.logger.warn({ err, action }, 'could not store the click; handling it right away');
          return false;
        },
      );
      if (stored) {
        intake.handle(pending);
        return;
      }
    } else {
      await ack();
    }
    try {
      await respond(renderSlackEphemeral((await requestRemediation(request, deps)).text));
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      deps.logger.error({ err, ref, action }, 'button click failed');
      await respond(renderSlackEphemeral(internalErrorText(ref, deps.locale))).catch(() => undefined);
    }
  };
}

/** Answers a click through its response URL, only to the clicker (what Bolt's `respond` does). */
export async function answerClick(responseUrl: string, text: string): Promise<void> {
  const res = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(renderSlackEphemeral(text)),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`the response URL answered ${res.status}`);
}
