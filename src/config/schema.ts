import { z } from 'zod';
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

const onOff = z.union([z.boolean(), z.enum(['on', 'off', 'true', 'false'])]).transform((v) => v === true || v === 'on' || v === 'true');

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
    reminders: durationList.default([72 * 3_600_000, 24 * 3_600_000, 3_600_000]),
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
    /** Largest accepted request body, bytes (CONTRACT: 1 MiB). */
    body_limit: z.coerce.number().int().positive().default(1024 * 1024),
    slack: z
      .object({
        bot_token: z.string().regex(/^xoxb-/, 'must start with xoxb-').optional(),
        signing_secret: z.string().min(1).optional(),
        app_token: z.string().regex(/^xapp-/, 'must start with xapp-').optional(),
        channel: z.string().min(1).optional(),
        api_url: httpUrl.optional(),
      })
      .strict()
      .default({}),
    dingtalk: z
      .object({
        webhook_url: httpUrl.optional(),
        secret: z.string().min(1).optional(),
        app_secret: z.string().min(1).optional(),
        link_actions: onOff.default(true),
      })
      .strict()
      .default({ link_actions: true }),
    action_link_secret: z.string().min(16, 'must be at least 16 characters').optional(),
    aws: z
      .object({
        /** account id → role ARN to assume for actions in that account. */
        roles: z.record(z.string().regex(/^\d{12}$/, 'account ids are 12 digits'), z.string().startsWith('arn:')).default({}),
        /** accounts/regions to reconcile: [{account, region}] */
        regions: z.array(z.string()).default([]),
      })
      .strict()
      .default({ roles: {}, regions: [] }),
    alibaba: z
      .object({
        access_key_id: z.string().min(1).optional(),
        access_key_secret: z.string().min(1).optional(),
        kms_endpoint: z.string().min(1).optional(),
        regions: z.array(z.string()).default([]),
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
    need(
      !!c.alibaba.access_key_id !== !!c.alibaba.access_key_secret,
      ['alibaba', c.alibaba.access_key_id ? 'access_key_secret' : 'access_key_id'],
      'must be set together with its pair',
    );
  });

export type RawConfig = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & { public_url: string };
