import type { Redis } from 'ioredis';
import { hashId, type Keys } from './keys';

/** Robot callbacks already taken, by msgId: DingTalk's retries (and replays of a signed callback) run once. */
export class DingTalkCallbackLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<Keys, 'dingtalkCallback'>,
    /** Longer than the hour a signed callback stays acceptable. */
    private readonly ttlMs = 2 * 3_600_000,
  ) {}

  /** True the first time a msgId is seen. */
  async firstTime(msgId: string): Promise<boolean> {
    return (
      (await this.redis.set(
        this.keys.dingtalkCallback(hashId('dingtalk-callback', msgId)),
        '1',
        'PX',
        this.ttlMs,
        'NX',
      )) === 'OK'
    );
  }
}
