import { z } from 'zod';
import { globProblem, kindProblem, regexProblem, severityProblem } from '../alerting/matcher';
import { GROUP_FIELDS, routeProblems, type RouteConfig } from '../alerting/route';
import type { Severity } from '../events/secret-event';
import { parseDuration } from './duration';

/**
 * One schema for the whole configuration: runtime validation and the TypeScript type come from
 * here. The YAML file (CONFIG_FILE) uses these keys; every environment variable of CONTRACT.md maps
 * onto one of them (see ENV_KEYS in load-config.ts) and wins over the file.
 */

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({ code: 'custom', message: `"${String(v)}" is not a duration (use e.g. 72h, 15m, 59m30s, 0)` });
    return z.NEVER;
  }
  return ms;
});

const durationList = z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).transform((v, ctx) => {
  const items = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v;
  const out: number[] = [];
  for (const item of items) {
    const ms = typeof item === 'number' ? item : parseDuration(item);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${String(item)}" is not a positive duration (use e.g. 72h,24h,1h)` });
      return z.NEVER;
    }
    out.push(ms);
  }
  return out.sort((a, b) => b - a);
});

const idList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean));

const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

const regex = z.string().transform((s, ctx) => {
  try {
    return new RegExp(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression (${(e as Error).message})` });
    return z.NEVER;
  }
});

/**
 * Who may run one remediation action from chat. `users`: chat user ids, replacing OPERATORS for this
 * action (`"*"`: anyone); `channels`: the action is allowed only in these channel ids.
 */
const actionPolicy = z
  .object({
    users: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean))
      .optional(),
    channels: idList.optional(),
  })
  .strict();

/** `"<account>:<region>"` entries (reconciliation scopes) → `{ account, region }`. */
function scopeList(account: RegExp, accountHint: string) {
  return z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
    const items = (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean);
    const out: Array<{ account: string; region: string }> = [];
    for (const item of items) {
      const m = /^([^:]+):([a-z]{2}(?:-[a-z0-9]+)+)$/.exec(item);
      if (!m || !account.test(m[1]!)) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not <account>:<region> (${accountHint}; e.g. 111122223333:eu-west-1)` });
        return z.NEVER;
      }
      if (!out.some((o) => o.account === m[1] && o.region === m[2])) out.push({ account: m[1]!, region: m[2]! });
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Routing (issue 4): the `route` tree, modelled on Alertmanager's (README "Routing", alerting/route.ts)

/** A scalar or a non-empty list of them → a list (errors name the item: `kind.1`). */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(item).min(1));
}

/** Checks a string with one of matcher.ts's `…Problem` functions. */
function checked(problem: (s: string) => string | undefined) {
  return z.string().superRefine((s, ctx) => {
    const p = problem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

/** Account ids as YAML writes them unquoted (numbers) or quoted. */
const accountId = z.union([z.string().min(1), z.number().nonnegative()]).transform((v, ctx) => {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    // 1234567890123456789 in YAML is already rounded: the digits written are lost.
    ctx.addIssue({ code: 'custom', message: `${v} is too long to be read as a number: quote it ("…")` });
    return z.NEVER;
  }
  return String(v);
});

const routeMatch = z
  .object({
    provider: oneOrMany(z.enum(['aws', 'alibaba'])).optional(),
    account: oneOrMany(accountId).optional(),
    region: oneOrMany(z.string().min(1)).optional(),
    secret: oneOrMany(checked(globProblem)).optional(),
    secret_regex: checked(regexProblem).optional(),
    secret_type: oneOrMany(z.string().min(1)).optional(),
    kind: oneOrMany(checked(kindProblem)).optional(),
    severity: oneOrMany(checked(severityProblem).transform((s) => s as Severity)).optional(),
    tags: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  })
  .strict();

const groupBy = oneOrMany(
  checked((f) => (f in GROUP_FIELDS ? undefined : `"${f}" cannot be grouped by (use ${Object.keys(GROUP_FIELDS).join(', ')})`)),
).transform((fields) => [...new Set(fields.map((f) => GROUP_FIELDS[f]!))]);

const routeFields = {
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . and - only').optional(),
  slack_channels: z.array(z.string().regex(/^[^\s,]+$/, 'a channel id such as C0123ABCD')).optional(),
  dingtalk_robots: z.array(z.string().min(1)).optional(),
  group_by: groupBy.optional(),
  group_wait: duration.optional(),
  group_interval: duration.optional(),
  repeat_interval: duration.optional(),
  /** More new alerts of one group than this within group_interval become one summary message; 0: never. */
  group_threshold: z.coerce.number().int().min(0).optional(),
};

const childRoute: z.ZodType<RouteConfig, unknown> = z.lazy(() =>
  z
    .object({
      ...routeFields,
      match: routeMatch.optional(),
      continue: z.boolean().optional(),
      routes: z.array(childRoute).optional(),
    })
    .strict(),
);

/** The root receives every event: no `match`, no `continue`. */
const rootRoute = z
  .object({ ...routeFields, routes: z.array(childRoute).optional() })
  .strict() satisfies z.ZodType<RouteConfig, unknown>;

const onOff = z.union([z.boolean(), z.enum(['on', 'off', 'true', 'false'])]).transform((v) => v === true || v === 'on' || v === 'true');

/** `600/s`, `100/10s`, `1000/m`, a bare number (per second); `0` or `off`: no limit (null). */
const rate = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const s = String(v).trim();
  if (s === '0' || s === 'off') return null;
  const m = /^(\d+)(?:\s*\/\s*(\d*)(ms|s|m|h))?$/.exec(s);
  const events = m ? Number(m[1]) : NaN;
  const windowMs = m?.[3] === undefined ? 1000 : parseDuration(`${m[2] || '1'}${m[3]}`);
  if (!m || !(events > 0) || windowMs === undefined || windowMs <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a rate (use e.g. 600/s, 100/10s, 1000/m; 0 or off disables)` });
    return z.NEVER;
  }
  return { events, windowMs };
});

export const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(3000),
    host: z.string().min(1).default('0.0.0.0'),
    public_url: httpUrl.optional(),
    redis_url: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    /** Prefix of every Redis key and BullMQ queue; lets several bots (or tests) share one Redis. */
    key_prefix: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,32}$/, 'letters, digits, _ and - only')
      .default('sb'),
    role: z.enum(['all', 'web', 'worker']).default('all'),
    log_level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    ingest_token: z.string().min(16, 'must be at least 16 characters').optional(),
    operators: idList.default([]),
    locale: z.enum(['en', 'zh-CN']).default('en'),
    admin_password: z.string().min(8, 'must be at least 8 characters').optional(),
    /** Before a scheduled deletion's date: one reminder at each point; the last one is never muted. */
    reminders: durationList.default([72 * 3_600_000, 24 * 3_600_000, 3_600_000]),
    /** An unresolved rotation failure is announced again this long after it was last shown (YAML only); 0: never. */
    repeat_interval: duration.default(4 * 3_600_000),
    /** How often every `aws.regions` / `alibaba.regions` scope is listed to catch missed events; 0 disables. */
    reconcile_interval: duration.default(15 * 60_000),
    sns_trusted_url_pattern: regex.default(new RegExp('^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/')),
    /** How long an event id is remembered for dedup, and events are kept. */
    retention: duration.default(14 * 86_400_000),
    /** How long the audit trail of chat actions (requests, refusals, outcomes) is kept. */
    audit_retention: duration.default(90 * 86_400_000),
    /** Per-action authorization on top of OPERATORS (YAML only). See authorize.ts. */
    policies: z
      .object({ rotate: actionPolicy.optional(), cancel_deletion: actionPolicy.optional(), mute: actionPolicy.optional() })
      .strict()
      .default({}),
    remediation: z
      .object({
        /** After a remediation succeeded, repeated requests for the same alert are answered "already done" this long. */
        recently_done: duration.default(15 * 60_000),
        /** Attempts per remediation job for retryable cloud errors (throttling, 5xx), with backoff. */
        attempts: z.coerce.number().int().min(1).max(20).default(5),
      })
      .strict()
      .default({ recently_done: 15 * 60_000, attempts: 5 }),
    /**
     * Requests per source address on `/events/*`, `/dingtalk/events` and `/actions/*`, per web
     * process (N replicas allow N×); beyond it 429 with Retry-After. `burst`: bucket size, default
     * one window's worth. 600/s is twice an EventBridge API destination's highest invocation rate.
     */
    rate_limit: z
      .object({ per_source: rate.default({ events: 600, windowMs: 1000 }), burst: z.coerce.number().int().min(1).optional() })
      .strict()
      .default({ per_source: { events: 600, windowMs: 1000 } })
      .transform(({ per_source, burst }) => (per_source === null ? undefined : { ...per_source, burst: burst ?? per_source.events })),
    /**
     * Proxies in front of the bot whose X-Forwarded-For is believed (`true` = 1); 0/false: the
     * socket's peer address is the source (X-Forwarded-For ignored).
     */
    trust_proxy: z
      .union([z.boolean(), z.enum(['true', 'false']), z.coerce.number().int().min(0).max(10)])
      .transform((v) => (v === true || v === 'true' ? 1 : v === false || v === 'false' ? 0 : v))
      .default(0),
    /** Where events go, with grouping and timing (YAML only); unset: SLACK_CHANNEL and the DingTalk robot. */
    route: rootRoute.optional(),
    /** Largest accepted request body, bytes (CONTRACT: 1 MiB). */
    body_limit: z.coerce.number().int().positive().default(1024 * 1024),
    slack: z
      .object({
        bot_token: z.string().regex(/^xoxb-/, 'must start with xoxb-').optional(),
        signing_secret: z.string().min(1).optional(),
        app_token: z.string().regex(/^xapp-/, 'must start with xapp-').optional(),
        channel: z.string().min(1).optional(),
        api_url: httpUrl.optional(),
        /**
         * New messages per second per channel, shared by every process (YAML only): Slack allows about
         * 1 with short bursts; 0 turns the bot's own budget off (Slack's 429s are still honoured).
         */
        channel_rate: z.coerce.number().min(0).max(100).default(1),
        /**
         * Messages a quiet channel may receive at once before `channel_rate` applies (YAML only). Slack
         * allows "short bursts" without saying how long; 1 never relies on them.
         */
        channel_burst: z.coerce.number().int().min(1).max(50).default(1),
      })
      .strict()
      .default({ channel_rate: 1, channel_burst: 1 }),
    dingtalk: z
      .object({
        webhook_url: httpUrl.optional(),
        secret: z.string().min(1).optional(),
        app_secret: z.string().min(1).optional(),
        link_actions: onOff.default(true),
        /** Messages the bot sends through the robot per window (YAML only); DingTalk allows 20 a minute. */
        per_minute: z.coerce.number().int().min(1).max(20).default(20),
        /** Length of the send-budget window (YAML only): a second longer than DingTalk's minute by default. */
        window: duration.default(61_000),
        /** How long to hold messages after DingTalk answered 130101 "send too fast" (YAML only). */
        throttle: duration.default(10 * 60_000),
        /** How long action links in cards work (YAML only); a deletion date that comes sooner ends them sooner. */
        link_ttl: duration.default(7 * 86_400_000),
      })
      .strict()
      .default({ link_actions: true, per_minute: 20, window: 61_000, throttle: 10 * 60_000, link_ttl: 7 * 86_400_000 }),
    action_link_secret: z.string().min(16, 'must be at least 16 characters').optional(),
    aws: z
      .object({
        /** account id → role ARN to assume for actions in that account. */
        roles: z.record(z.string().regex(/^\d{12}$/, 'account ids are 12 digits'), z.string().startsWith('arn:')).default({}),
        /**
         * Accounts and regions to reconcile, each `"<12-digit account>:<region>"`, e.g.
         * `"111122223333:eu-west-1"` (a list, or one comma-separated string). Listed with the
         * account's role from `roles` when it has one, else the SDK's own credentials.
         */
        regions: scopeList(/^\d{12}$/, 'an AWS account id is 12 digits').default([]),
      })
      .strict()
      .default({ roles: {}, regions: [] }),
    alibaba: z
      .object({
        access_key_id: z.string().min(1).optional(),
        access_key_secret: z.string().min(1).optional(),
        kms_endpoint: z.string().min(1).optional(),
        /** Accounts and regions to reconcile, each `"<account UID>:<region>"`, e.g. `"1234567890123456:cn-hangzhou"`. */
        regions: scopeList(/^\d{1,20}$/, 'an Alibaba Cloud account UID is digits').default([]),
      })
      .strict()
      .default({ regions: [] }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const need = (cond: boolean, path: (string | number)[], message: string) => {
      if (cond) ctx.addIssue({ code: 'custom', path, message });
    };
    if (c.slack.bot_token) {
      need(!c.slack.channel, ['slack', 'channel'], 'is required when SLACK_BOT_TOKEN is set');
      need(!c.slack.signing_secret && !c.slack.app_token, ['slack', 'signing_secret'], 'is required when SLACK_BOT_TOKEN is set');
    } else {
      need(!!c.slack.app_token, ['slack', 'bot_token'], 'is required when SLACK_APP_TOKEN is set');
    }
    if (c.dingtalk.webhook_url) {
      need(!c.dingtalk.secret, ['dingtalk', 'secret'], 'is required when DINGTALK_WEBHOOK_URL is set');
      need(!c.action_link_secret, ['action_link_secret'], 'is required when DINGTALK_WEBHOOK_URL is set');
    }
    need(c.dingtalk.window < 1_000, ['dingtalk', 'window'], 'must be at least 1s');
    need(c.dingtalk.link_ttl < 60_000, ['dingtalk', 'link_ttl'], 'must be at least 1m');
    for (const p of routeProblems(c.route, { slack: !!c.slack.bot_token, dingtalk: !!c.dingtalk.webhook_url }))
      need(true, ['route', ...p.path], p.message);
    need(
      c.alibaba.regions.length > 0 && !c.alibaba.access_key_id,
      ['alibaba', 'access_key_id'],
      'is required when alibaba.regions is set (reconciliation lists secrets with it)',
    );
    need(
      !!c.alibaba.access_key_id !== !!c.alibaba.access_key_secret,
      ['alibaba', c.alibaba.access_key_id ? 'access_key_secret' : 'access_key_id'],
      'must be set together with its pair',
    );
  });

export type RawConfig = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & { public_url: string };
