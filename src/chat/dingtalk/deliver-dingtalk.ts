import { BotError } from '../../ops/errors';
import type { Clock } from '../../ops/clock';
import type { Metrics } from '../../ops/metrics';
import type { DeliverDingTalkJob } from '../../queue/queues';
import type { AlertMessage, DingTalkMessageRef, MessageRef } from '../message';
import type { DingTalkMessage } from './render-dingtalk-card';

/**
 * Sends one queued DingTalk message (a deliver-dingtalk job), in order:
 *
 *   1. order: an incident's follow-up waits until its previous message is out (`after`)
 *   2. render now (countdowns and signed links as of sending) and send through the robot, which
 *      first takes one message from the robot's shared budget
 *   3. no budget, or DingTalk said 130101 (the sender then blocks the robot): `wait` that long —
 *      the caller delays this one job; nothing is dropped and nothing else is paused
 *
 * Other failures are thrown as the sender classified them (BotError retryable or not).
 */

/** What delivery needs from the robot sender (DingTalkSender implements it). */
export interface DingTalkDeliverySender {
  post(channel: string, msg: AlertMessage): Promise<MessageRef>;
  update(ref: MessageRef, msg: AlertMessage): Promise<void>;
  reply(ref: MessageRef, msg: AlertMessage): Promise<void>;
  send(body: DingTalkMessage): Promise<void>;
}

export interface DeliverDeps {
  sender: DingTalkDeliverySender;
  /** True while the message job `jobId` is still to be sent (waiting, delayed or active). */
  isPending(jobId: string): Promise<boolean>;
  clock: Clock;
  metrics?: Metrics;
}

export type DeliverOutcome =
  { outcome: 'sent' } | { outcome: 'wait'; ms: number; reason: 'order' | 'budget' };

/** How long a follow-up waits before looking again for the message it must follow. */
export const ORDER_WAIT_MS = 500;

export async function deliverToDingTalk(job: DeliverDingTalkJob, deps: DeliverDeps): Promise<DeliverOutcome> {
  const d = job.delivery;
  if (d.kind === 'alert' && d.after !== undefined && (await deps.isPending(d.after))) {
    return { outcome: 'wait', ms: ORDER_WAIT_MS, reason: 'order' }; // 1
  }
  const action =
    d.kind === 'body' ? 'message' : d.mode === 'card' ? 'post' : d.mode === 'update' ? 'update' : 'reply';
  const count = (outcome: string) =>
    deps.metrics?.notifications.inc({ platform: 'dingtalk', action, outcome });
  try {
    if (d.kind === 'body') {
      await deps.sender.send(d.body); // 2
    } else {
      const msg: AlertMessage = { ...d.message, now: deps.clock.now() };
      const ref: DingTalkMessageRef = { platform: 'dingtalk', robot: job.robot, msgKey: '' };
      if (d.mode === 'card') await deps.sender.post('', msg);
      else if (d.mode === 'update') await deps.sender.update(ref, msg);
      else await deps.sender.reply(ref, msg);
    }
    count('sent');
    return { outcome: 'sent' };
  } catch (e) {
    if (e instanceof BotError && e.code === 'CHAT.RATE_LIMITED') {
      count('throttled');
      return { outcome: 'wait', ms: Math.max(1, e.retryAfterMs ?? 1000), reason: 'budget' }; // 3
    }
    count('failed');
    throw e;
  }
}
