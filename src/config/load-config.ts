import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BotError } from '../ops/errors';
import { configSchema, type Config } from './schema';

/** Environment variable → path in the config object (the YAML file uses the same paths). */
export const ENV_KEYS: Record<string, string[]> = {
  PORT: ['port'],
  HOST: ['host'],
  PUBLIC_URL: ['public_url'],
  REDIS_URL: ['redis_url'],
  KEY_PREFIX: ['key_prefix'],
  ROLE: ['role'],
  LOG_LEVEL: ['log_level'],
  INGEST_TOKEN: ['ingest_token'],
  OPERATORS: ['operators'],
  LOCALE: ['locale'],
  ADMIN_PASSWORD: ['admin_password'],
  REMINDERS: ['reminders'],
  RECONCILE_INTERVAL: ['reconcile_interval'],
  SNS_TRUSTED_URL_PATTERN: ['sns_trusted_url_pattern'],
  INGEST_RATE_LIMIT: ['rate_limit', 'per_source'],
  TRUST_PROXY: ['trust_proxy'],
  SLACK_BOT_TOKEN: ['slack', 'bot_token'],
  SLACK_SIGNING_SECRET: ['slack', 'signing_secret'],
  SLACK_APP_TOKEN: ['slack', 'app_token'],
  SLACK_CHANNEL: ['slack', 'channel'],
  SLACK_API_URL: ['slack', 'api_url'],
  DINGTALK_WEBHOOK_URL: ['dingtalk', 'webhook_url'],
  DINGTALK_SECRET: ['dingtalk', 'secret'],
  DINGTALK_APP_SECRET: ['dingtalk', 'app_secret'],
  DINGTALK_LINK_ACTIONS: ['dingtalk', 'link_actions'],
  ACTION_LINK_SECRET: ['action_link_secret'],
  ALIBABA_CLOUD_ACCESS_KEY_ID: ['alibaba', 'access_key_id'],
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: ['alibaba', 'access_key_secret'],
  ALIBABA_KMS_ENDPOINT: ['alibaba', 'kms_endpoint'],
};

const PATH_TO_ENV = new Map(Object.entries(ENV_KEYS).map(([env, path]) => [path.join('.'), env]));

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Names a setting the way the operator wrote it: the env var when there is one, else the YAML path. */
export function settingName(path: PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  const env = PATH_TO_ENV.get(dotted);
  return env ? `${env} (${dotted})` : dotted || 'configuration';
}

/**
 * Builds the configuration from CONFIG_FILE (optional YAML) overlaid with environment variables.
 * Throws BotError CONFIG.INVALID whose message is one line naming the setting and what is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw: Record<string, unknown> = {};
  const file = env.CONFIG_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new BotError('CONFIG.INVALID', `CONFIG_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      const first = (e as Error).message.split('\n')[0];
      throw new BotError('CONFIG.INVALID', `CONFIG_FILE: ${file} is not valid YAML (${first})`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new BotError('CONFIG.INVALID', `CONFIG_FILE: ${file} must contain a YAML mapping`);
      }
      raw = parsed as Record<string, unknown>;
    }
  }
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, value);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    let path = issue.path;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      path = [...issue.path, issue.keys[0]!];
      message = 'is not a known setting';
    }
    throw new BotError('CONFIG.INVALID', `${settingName(path)}: ${message}`);
  }
  const config = result.data;
  return { ...config, public_url: (config.public_url ?? `http://localhost:${config.port}`).replace(/\/+$/, '') };
}
