import {
  deliverToDingTalk,
  ORDER_WAIT_MS,
  type DingTalkDeliverySender,
} from '../../../../src/chat/dingtalk/deliver-dingtalk';
import type { AlertMessage, MessageRef } from '../../../../src/chat/message';
import { BotError } from '../../../../src/ops/errors';
import type { DeliverDingTalkJob } from '../../../../src/queue/queues';
import { aws, message } from './cases';

class RecordingSender implements DingTalkDeliverySender {
  readonly calls: Array<{ method: string; now?: number }> = [];
  fail?: BotError;
  async post(_c: string, msg: AlertMessage): Promise<MessageRef> {
    this.record('post', msg);
    return { platform: 'dingtalk', robot: 'r1', msgKey: 'k' };
  }
  async update(_r: MessageRef, msg: AlertMessage): Promise<void> {
    this.record('update', msg);
  }
  async reply(_r: MessageRef, msg: AlertMessage): Promise<void> {
    this.record('reply', msg);
  }
  async send(): Promise<void> {
    this.record('send');
  }
  private record(method: string, msg?: AlertMessage): void {
    if (this.fail) throw this.fail;
    this.calls.push({ method, now: msg?.now });
  }
}

const NOW = Date.parse('2026-03-02T00:00:00Z');
const msg = message(aws('rotation.failed'));
const job = (delivery: DeliverDingTalkJob['delivery']): DeliverDingTalkJob => ({ robot: 'r1', delivery });

function deps(sender: RecordingSender, pending: string[] = []) {
  return { sender, isPending: async (id: string) => pending.includes(id), clock: { now: () => NOW } };
}

describe('deliverToDingTalk', () => {
  it.each([
    ['card', 'post'],
    ['update', 'update'],
    ['note', 'reply'],
  ] as const)('an alert %s is sent with %s, rendered as of sending', async (mode, method) => {
    const sender = new RecordingSender();
    expect(await deliverToDingTalk(job({ kind: 'alert', mode, message: msg }), deps(sender))).toEqual({
      outcome: 'sent',
    });
    expect(sender.calls).toEqual([{ method, now: NOW }]);
  });

  it('a prepared body is sent as is', async () => {
    const sender = new RecordingSender();
    await deliverToDingTalk(
      job({
        kind: 'body',
        what: 'command reply',
        body: { msgtype: 'markdown', markdown: { title: 't', text: 'x' } },
      }),
      deps(sender),
    );
    expect(sender.calls).toEqual([{ method: 'send', now: undefined }]);
  });

  it('a follow-up waits while the message before it is still to be sent', async () => {
    const sender = new RecordingSender();
    const d = job({ kind: 'alert', mode: 'update', message: msg, after: 'dingtalk-r1-eA' });
    expect(await deliverToDingTalk(d, deps(sender, ['dingtalk-r1-eA']))).toEqual({
      outcome: 'wait',
      ms: ORDER_WAIT_MS,
      reason: 'order',
    });
    expect(sender.calls).toEqual([]);
    expect(await deliverToDingTalk(d, deps(sender, []))).toEqual({ outcome: 'sent' });
  });

  it('no budget left (or DingTalk throttles): wait the time the sender says; nothing is lost', async () => {
    const sender = new RecordingSender();
    sender.fail = new BotError('CHAT.RATE_LIMITED', 'no send budget left', {
      retryable: true,
      retryAfterMs: 4200,
    });
    expect(await deliverToDingTalk(job({ kind: 'alert', mode: 'card', message: msg }), deps(sender))).toEqual(
      { outcome: 'wait', ms: 4200, reason: 'budget' },
    );
  });

  it('other failures are thrown as classified (permanent or retryable)', async () => {
    const sender = new RecordingSender();
    sender.fail = new BotError('CHAT.REJECTED', 'sign not match', { retryable: false });
    await expect(
      deliverToDingTalk(job({ kind: 'alert', mode: 'card', message: msg }), deps(sender)),
    ).rejects.toBe(sender.fail);
  });
});
