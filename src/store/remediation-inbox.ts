import type { Redis } from 'ioredis';
import type { Keys } from './keys';

/**
 * Button clicks between Slack's ack and the clicker's answer. A click is written here before it is
 * acknowledged (one round trip) and removed once it has been answered, so a process that dies in
 * between leaves it behind: after `leaseMs` any process takes it over and handles it again (the
 * remediation claim knows the click by its id, so a half-done click resumes instead of running twice).
 */
export interface InboxEntry {
  id: string;
  json: string;
}

/** KEYS: data, due. ARGV: now ms, lease ms, max. Takes entries due before now and leases them for `lease` more. */
const TAKE_DUE_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
    table.insert(out, id)
    table.insert(out, json)
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out`;

/** KEYS: data, due. ARGV: id, json, due ms. */
const PUT_LUA = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;

type PutCommand = (dataKey: string, dueKey: string, id: string, json: string, due: number) => Promise<number>;

export class RemediationInbox {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** How long a click may stay unanswered before another process takes it over. */
    readonly leaseMs: number,
  ) {
    if (!(redis as unknown as { sbInboxPut?: unknown }).sbInboxPut) {
      redis.defineCommand('sbInboxPut', { numberOfKeys: 2, lua: PUT_LUA });
    }
  }

  /**
   * Records a click, due for takeover `leaseMs` after `now`. One script (EVALSHA), so with
   * auto-pipelining the clicks of one tick share one write to Redis with everything else.
   */
  async put(entry: InboxEntry, now: number): Promise<void> {
    const put = (this.redis as unknown as { sbInboxPut: PutCommand }).sbInboxPut.bind(this.redis);
    await put(
      this.keys.remediationInbox,
      this.keys.remediationInboxDue,
      entry.id,
      entry.json,
      now + this.leaseMs,
    );
  }

  /** The click has been answered (two commands, auto-pipelined; takeDue drops a due entry without data). */
  async remove(id: string): Promise<void> {
    await Promise.all([
      this.redis.hdel(this.keys.remediationInbox, id),
      this.redis.zrem(this.keys.remediationInboxDue, id),
    ]);
  }
  /** Clicks left unanswered past their lease (their process died), leased anew to the caller. */
  async takeDue(now: number, max = 100): Promise<InboxEntry[]> {
    const flat = (await this.redis.eval(
      TAKE_DUE_LUA,
      2,
      this.keys.remediationInbox,
      this.keys.remediationInboxDue,
      String(now),
      String(this.leaseMs),
      String(max),
    )) as string[];
    const out: InboxEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, json: flat[i + 1]! });
    return out;
  }
}
