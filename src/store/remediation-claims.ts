import type { Redis } from 'ioredis';
import type { Provider } from '../events/secret-event';
import type { RemediationAction } from '../remediation/actions';
import type { Keys } from './keys';

/**
 * The atomic claim behind "exactly one cloud call": one key per (action, secret, alert). The first
 * request creates it with SET-if-absent semantics (in one script that also takes the next
 * generation number, which ends the job id); every other request, from any user or replica, reads
 * who holds it. It stays while the job is pending, turns "done" for a short while after success,
 * and is released after a failure so the operator can try again.
 */
export interface ClaimTarget {
  provider: Provider;
  account: string;
  region: string;
  secretId: string;
  name: string;
}

export interface Claim {
  claimId: string;
  jobId: string;
  gen: number;
  action: RemediationAction;
  target: ClaimTarget;
  alertId: string;
  /** Source id of the alert's latest event when requested ('' without an alert). */
  forEvent: string;
  requestedBy: string;
  requestedAt: string;
  /** The click that took the claim (click-intake.ts), so that click, handled again, resumes it. */
  requestId?: string;
  state: 'pending' | 'done';
  doneAt?: string;
  detail?: string;
}

export type NewClaim = Omit<Claim, 'jobId' | 'gen' | 'state' | 'doneAt' | 'detail'>;

export type ClaimOutcome = { won: true; claim: Claim } | { won: false; existing: Claim; raw: string };

/**
 * KEYS: claim, generation. ARGV: record JSON, ttl ms, job id stem, generation ttl ms, expected raw
 * ('' = the key must be absent). Returns {1, record} when claimed, {0, current} otherwise.
 */
const CLAIM_LUA = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[5] then return {0, cur} end
if (not cur) and ARGV[5] ~= '' then return {0, ''} end
local gen = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local rec = cjson.decode(ARGV[1])
rec['gen'] = gen
rec['jobId'] = ARGV[3] .. '-' .. gen
rec['state'] = 'pending'
local out = cjson.encode(rec)
redis.call('SET', KEYS[1], out, 'PX', ARGV[2])
return {1, out}`;

/** KEYS: claim. ARGV: job id, new record JSON ('' = delete), ttl ms. Only the holder's job may change it. */
const UPDATE_LUA = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur)['jobId'] ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

export class RemediationClaims {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly opts: { pendingTtlMs: number; generationTtlMs: number },
  ) {}

  /** Claims `claimId` if nobody holds it (or, with `replacing`, if it still holds exactly that raw value). */
  async claim(record: NewClaim, jobIdStem: string, replacing?: string): Promise<ClaimOutcome> {
    const res = (await this.redis.eval(
      CLAIM_LUA,
      2,
      this.keys.remediationClaim(record.claimId),
      this.keys.remediationGeneration(record.claimId),
      JSON.stringify(record),
      String(this.opts.pendingTtlMs),
      jobIdStem,
      String(this.opts.generationTtlMs),
      replacing ?? '',
    )) as [number, string | null];
    const raw = res[1] ?? '';
    if (res[0] === 1) return { won: true, claim: JSON.parse(raw) as Claim };
    if (raw === '') return this.claim(record, jobIdStem); // it vanished meanwhile: claim afresh
    return { won: false, existing: JSON.parse(raw) as Claim, raw };
  }

  async get(claimId: string): Promise<Claim | undefined> {
    const raw = await this.redis.get(this.keys.remediationClaim(claimId));
    return raw ? (JSON.parse(raw) as Claim) : undefined;
  }

  /** Success: later requests are told "already done" for `ttlMs`. */
  async markDone(claim: Claim, detail: string | undefined, at: string, ttlMs: number): Promise<void> {
    const done: Claim = { ...claim, state: 'done', doneAt: at, ...(detail ? { detail } : {}) };
    await this.redis.eval(UPDATE_LUA, 1, this.keys.remediationClaim(claim.claimId), claim.jobId, JSON.stringify(done), String(ttlMs));
  }

  /** Failure: free the claim so the next request runs anew (with the next generation). */
  async release(claim: Pick<Claim, 'claimId' | 'jobId'>): Promise<void> {
    await this.redis.eval(UPDATE_LUA, 1, this.keys.remediationClaim(claim.claimId), claim.jobId, '', '0');
  }
}
