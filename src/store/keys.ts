import { createHash } from 'node:crypto';

/**
 * Every Redis key the bot writes is built here. `prefix` (KEY_PREFIX, default `sb`) lets several
 * bots or test runs share one Redis; BullMQ queues live under the same prefix.
 */
export function hashId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export function createKeys(prefix: string) {
  return {
    prefix,
    /** Slack request signatures seen recently (replay guard). */
    slackSignature: (digest: string) => `${prefix}:slack:sig:${digest}`,
    /** The stored event (JSON), also the atomic dedup claim: SET NX. */
    event: (eventKey: string) => `${prefix}:evt:${eventKey}`,
    /** Outbox: events accepted but not yet shown (ZSET eventKey → accepted ms). */
    pendingEvents: `${prefix}:evt:pending`,
    /** Accepted events waiting to become notify jobs (LIST); filled by the accept script, drained by the worker. */
    readyEvents: `${prefix}:evt:ready`,
    /** Recent ignored events (capped list) for `/secrets status` and debugging. */
    ignoredEvents: `${prefix}:evt:ignored`,
    /** One incident (JSON) per secret and topic. */
    incident: (incidentKey: string) => `${prefix}:inc:${incidentKey}`,
    /** Open incidents (ZSET incidentKey → opened ms). */
    openIncidents: `${prefix}:inc:open`,
    /** Short lock serialising work on one incident across workers. */
    incidentLock: (incidentKey: string) => `${prefix}:lock:inc:${incidentKey}`,
    /** Alert (incident) id → incident key, so a button's alert id finds its incident. */
    incidentByAlert: (alertId: string) => `${prefix}:inc:alert:${alertId}`,
    /** Remediation claim (JSON): one per (action, secret, alert) while pending or recently done. */
    remediationClaim: (claimId: string) => `${prefix}:rem:claim:${claimId}`,
    /** How many remediation requests a claim id has had; part of the job id. */
    remediationGeneration: (claimId: string) => `${prefix}:rem:gen:${claimId}`,
    /** Button clicks acknowledged but not yet answered: click id → JSON (HASH), and click id → due ms (ZSET). */
    remediationInbox: `${prefix}:rem:inbox`,
    remediationInboxDue: `${prefix}:rem:inbox:due`,
    /** Mutes: id → JSON (HASH). */
    mutes: `${prefix}:mute:all`,
    /** Mutes by end time (ZSET id → ms; +inf for "until resolved"). */
    muteEnds: `${prefix}:mute:ends`,
    /** Audit trail of every chat action, all secrets (STREAM). */
    auditAll: `${prefix}:audit:all`,
    /** Audit trail of one secret (STREAM). */
    auditOfSecret: (secretKey: string) => `${prefix}:audit:sec:${secretKey}`,
    /** Secrets seen in events, by lower-cased name: HASH provider|account|region → JSON ref. */
    secretsByName: (nameKey: string) => `${prefix}:dir:name:${nameKey}`,
    /** Recent events of one secret (capped ZSET of JSON by when they happened). */
    secretEvents: (secretKey: string) => `${prefix}:dir:events:${secretKey}`,
    /** A reminder's or repeat's claim (`pending` while one worker shows it, then `done`), by its job id. */
    followUpClaim: (jobId: string) => `${prefix}:fu:claim:${jobId}`,
    /** Follow-up job ids scheduled for an incident (SET), so they can be removed when it resolves. */
    followUpJobs: (incidentId: string) => `${prefix}:fu:jobs:${incidentId}`,
    /** DingTalk robot send budget: sends in the current window (ZSET member → sent ms). `robotId` is a hash, never the token. */
    dingtalkSends: (robotId: string) => `${prefix}:dt:sends:${robotId}`,
    /** Present while DingTalk throttles the robot (errcode 130101); expires with the throttle period. */
    dingtalkBlock: (robotId: string) => `${prefix}:dt:block:${robotId}`,
    /** Slack posting budget of one channel (GCRA: the channel's theoretical arrival time, ms). */
    slackChannelBudget: (channel: string) => `${prefix}:sl:budget:${channel}`,
    /** Recent first alerts of one group (ZSET incident key → arrival ms), over the group's interval. */
    groupRecent: (groupId: string) => `${prefix}:grp:recent:${groupId}`,
    /** The group's summary id while the group is shown as one summary message (expires when it goes quiet). */
    groupActive: (groupId: string) => `${prefix}:grp:active:${groupId}`,
    /** One summary message's state (JSON). */
    summary: (summaryId: string) => `${prefix}:sum:${summaryId}`,
    /** Prefix of a summary's members key (ZSET incident key → arrival ms); see summaryMembers. */
    summaryMembersPrefix: `${prefix}:sum:members:`,
    /** Short lock serialising a summary's flushes across workers. */
    summaryLock: (summaryId: string) => `${prefix}:lock:sum:${summaryId}`,
    /** A DingTalk message already queued (its job id): a notify retried hours later does not queue it again. */
    dingtalkQueued: (jobId: string) => `${prefix}:dt:queued:${jobId}`,
    /** A robot callback already taken (its msgId, hashed): DingTalk's retries and replays run once. */
    dingtalkCallback: (msgIdHash: string) => `${prefix}:dt:cb:${msgIdHash}`,
    /** What an action link did (JSON), by its nonce (hashed); kept until the link expires. */
    actionLinkUse: (nonceHash: string) => `${prefix}:link:use:${nonceHash}`,
    /** A confirmation form already submitted (its one-time nonce, hashed). */
    actionPageForm: (nonceHash: string) => `${prefix}:link:form:${nonceHash}`,
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** Dedup key of a source event id. Job ids derived from it have no `:` and are never all digits. */
export function eventKeyOf(sourceId: string): string {
  return 'e' + hashId(sourceId);
}
