import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackMessageRef } from '../../src/chat/message';
import { decodeActionRef, type ActionRef } from '../../src/remediation/actions';

/** What a button click says, read from Slack's block_actions payload. Transport parsing only. */
export interface ButtonClick {
  user: string;
  channel: string;
  /** Undefined when the value is not one of ours (tampered or from an older version). */
  ref?: ActionRef;
  /** The message the button sits on; absent for ephemeral messages, which cannot be updated. */
  message?: SlackMessageRef;
  triggerId: string;
}

export function readButtonClick(body: BlockAction<ButtonAction>): ButtonClick {
  const action = body.actions[0];
  const container = (body.container ?? {}) as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  const channel = body.channel?.id ?? container.channel_id ?? '';
  const ts = body.message?.ts ?? container.message_ts;
  return {
    user: body.user.id,
    channel,
    ref: action?.value ? decodeActionRef(action.value) : undefined,
    ...(ts && channel && !container.is_ephemeral ? { message: { platform: 'slack' as const, channel, ts } } : {}),
    triggerId: body.trigger_id,
  };
}
