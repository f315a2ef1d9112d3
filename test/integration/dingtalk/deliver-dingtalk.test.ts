import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { DingTalkBudget } from '../../../src/chat/dingtalk/dingtalk-budget';
import { DingTalkSender } from '../../../src/chat/dingtalk/dingtalk-sender';
import { QueuedDingTalkOutbox } from '../../../src/queue/dingtalk-outbox';
import {
  createDeliverDingTalkQueue,
  dingTalkAlertJobId,
  type DeliverDingTalkJob,
} from '../../../src/queue/queues';
import { createKeys } from '../../../src/store/keys';
import { createDeliverDingTalkWorker } from '../../../handlers/jobs/deliver-dingtalk-worker';
import { FakeDingTalk } from '../../fakes/fake-dingtalk';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../../e2e/harness';
import { aws, message } from '../../unit/chat/dingtalk/cases';

/**
 * The deliver-dingtalk queue with real Redis and BullMQ, the real sender and the fake robot: the
 * outbox queues a message once even after its job is gone, and an incident's follow-up is sent
 * after its card even when the budget makes both wait.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deliver-dingtalk', () => {
  const prefix = uniquePrefix();
  const keys = createKeys(prefix);
  const redis = new Redis(REDIS_URL);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let robot: FakeDingTalk;
  let queue: Queue<DeliverDingTalkJob>;
  let worker: Worker<DeliverDingTalkJob> | undefined;

  beforeAll(async () => {
    robot = await new FakeDingTalk({ windowMs: 1000 }).start();
    queue = createDeliverDingTalkQueue(connection, prefix);
  });

  afterAll(async () => {
    await worker?.close();
    await queue.close();
    await robot.stop();
    redis.disconnect();
    connection.disconnect();
    await cleanupPrefix(prefix);
  });

  it('the outbox queues a message once, even after its job was removed', async () => {
    const outbox = new QueuedDingTalkOutbox('rTEST', queue, redis, keys, 60_000);
    const jobId = dingTalkAlertJobId('rTEST', 'eONCE');
    const delivery = {
      kind: 'alert' as const,
      mode: 'card' as const,
      message: message(aws('rotation.failed')),
    };
    await outbox.enqueue(jobId, delivery);
    expect(await queue.getJobState(jobId)).toBe('waiting');
    await (await queue.getJob(jobId))!.remove();
    await outbox.enqueue(jobId, delivery); // a notify retried long after
    expect(await queue.getJobState(jobId)).toBe('unknown');
  });

  it('a follow-up goes out after its card, one message per budget window, none refused', async () => {
    const sender = new DingTalkSender({
      webhookUrl: robot.webhookUrl,
      secret: robot.secret,
      locale: 'en',
      budget: new DingTalkBudget(redis, keys, { perMinute: 1, windowMs: 1100 }),
      timeoutMs: 2000,
    });
    const outbox = new QueuedDingTalkOutbox(sender.robotId, queue, redis, keys, 60_000);
    const card = dingTalkAlertJobId(sender.robotId, 'eCARD');
    const update = dingTalkAlertJobId(sender.robotId, 'eUPDATE');
    const failed = message(aws('rotation.failed', { secretName: 'order/first' }));
    const resolved = message(aws('rotation.succeeded', { secretName: 'order/first' }), {
      status: 'resolved',
    });
    // The update is queued first, so the worker meets it before the card it must follow.
    await outbox.enqueue(update, { kind: 'alert', mode: 'update', message: resolved, after: card });
    await outbox.enqueue(card, { kind: 'alert', mode: 'card', message: failed });
    worker = createDeliverDingTalkWorker(
      {
        sender,
        isPending: async (id) =>
          ['waiting', 'delayed', 'active', 'prioritized'].includes(await queue.getJobState(id)),
        clock: { now: () => Date.now() },
        logger: pino({ level: 'silent' }),
      },
      { connection, prefix, concurrency: 4 },
    );
    const deadline = Date.now() + 10_000;
    while (robot.messages.length < 2 && Date.now() < deadline) await sleep(50);
    expect(robot.messages.map((m) => m.body.msgtype)).toEqual(['actionCard', 'markdown']);
    expect(robot.messages[1]!.at - robot.messages[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(robot.errcodes().filter((c) => c !== 0)).toEqual([]);
    // The robot has the message a moment before BullMQ records the job as completed.
    let state = await queue.getJobState(update);
    for (let i = 0; i < 40 && state === 'active'; i++) {
      await sleep(50);
      state = await queue.getJobState(update);
    }
    expect(state).toBe('completed');
  });
});
