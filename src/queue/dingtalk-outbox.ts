import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DingTalkOutbox } from '../alerting/pipeline';
import type { Keys } from '../store/keys';
import type { DeliverDingTalkJob, DingTalkDelivery } from './queues';

/**
 * The DingTalk outbox on the deliver-dingtalk queue. Job ids are derived, so BullMQ adds a message
 * once while its job exists; completed jobs are removed after an hour, though, and the notify step
 * queues DingTalk before Slack — a notify retried after a long Slack outage would queue the message
 * again. So a queued message also leaves a mark, kept as long as events are (`ttlMs`), and a marked
 * job id is not queued again. The mark is written after the job is added: a crash in between
 * leaves the job, and the retry's add is then a no-op.
 */
export class QueuedDingTalkOutbox implements DingTalkOutbox {
  constructor(
    readonly robot: string,
    private readonly queue: Queue<DeliverDingTalkJob>,
    private readonly redis: Redis,
    private readonly keys: Pick<Keys, 'dingtalkQueued'>,
    private readonly ttlMs: number,
  ) {}

  async enqueue(jobId: string, delivery: DingTalkDelivery): Promise<void> {
    const mark = this.keys.dingtalkQueued(jobId);
    if ((await this.redis.exists(mark)) === 1) return;
    await this.queue.add('deliver', { robot: this.robot, delivery }, { jobId });
    await this.redis.set(mark, '1', 'PX', Math.max(60_000, this.ttlMs));
  }
}
