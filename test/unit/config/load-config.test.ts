import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config';
import { formatDuration, parseDuration } from '../../../src/config/duration';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  const file = join(dir, 'config.yml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('gives the CONTRACT.md defaults with no settings at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', redis_url: 'redis://127.0.0.1:6379', role: 'all', log_level: 'info', locale: 'en', operators: [] });
    expect(c.public_url).toBe('http://localhost:3000');
    expect(c.reminders).toEqual([72 * 3_600_000, 24 * 3_600_000, 3_600_000]);
    expect(c.reconcile_interval).toBe(15 * 60_000);
    expect(c.sns_trusted_url_pattern.test('https://sns.eu-west-1.amazonaws.com/x.pem')).toBe(true);
    expect(c.sns_trusted_url_pattern.test('https://sns.cn-north-1.amazonaws.com.cn/x.pem')).toBe(true);
    expect(c.sns_trusted_url_pattern.test('https://evil.com/sns.eu-west-1.amazonaws.com/')).toBe(false);
    expect(c.ingest_token).toBeUndefined();
  });

  it('reads the YAML file and lets each environment variable win over it', () => {
    const file = yamlFile(['port: 4000', 'operators: [U1, U2]', 'slack:', '  bot_token: xoxb-file', '  signing_secret: s', '  channel: CFILE', 'aws:', '  roles:', "    '111122223333': arn:aws:iam::111122223333:role/bot"].join('\n'));
    const c = loadConfig({ CONFIG_FILE: file, SLACK_CHANNEL: 'CENV', OPERATORS: 'U9, U8', REDIS_URL: 'redis://127.0.0.1:6379/5' });
    expect(c.port).toBe(4000);
    expect(c.slack.channel).toBe('CENV');
    expect(c.slack.bot_token).toBe('xoxb-file');
    expect(c.operators).toEqual(['U9', 'U8']);
    expect(c.redis_url).toBe('redis://127.0.0.1:6379/5');
    expect(c.aws.roles['111122223333']).toBe('arn:aws:iam::111122223333:role/bot');
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, /^SLACK_CHANNEL \(slack\.channel\): is required when SLACK_BOT_TOKEN is set$/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: 'C1' }, /^SLACK_SIGNING_SECRET \(slack\.signing_secret\): is required/],
    [{ SLACK_BOT_TOKEN: 'nope', SLACK_CHANNEL: 'C1', SLACK_SIGNING_SECRET: 's' }, /^SLACK_BOT_TOKEN \(slack\.bot_token\): must start with xoxb-$/],
    [{ DINGTALK_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=x' }, /^DINGTALK_SECRET \(dingtalk\.secret\): is required/],
    [{ ROLE: 'both' }, /^ROLE \(role\): /],
    [{ PORT: '70000' }, /^PORT \(port\): /],
    [{ INGEST_TOKEN: 'short' }, /^INGEST_TOKEN \(ingest_token\): must be at least 16 characters$/],
    [{ RECONCILE_INTERVAL: 'sometimes' }, /^RECONCILE_INTERVAL \(reconcile_interval\): "sometimes" is not a duration/],
    [{ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI1234567890' }, /^ALIBABA_CLOUD_ACCESS_KEY_SECRET \(alibaba\.access_key_secret\): must be set together/],
    [{ LOCALE: 'fr' }, /^LOCALE \(locale\): /],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL \(public_url\): must be an http\(s\) URL$/],
  ])('refuses %j with one line naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as Error).message.split('\n')).toHaveLength(1);
      expect((e as { code?: string }).code).toBe('CONFIG.INVALID');
    }
  });

  it('names unknown YAML keys and bad YAML', () => {
    expect(() => loadConfig({ CONFIG_FILE: yamlFile('slack:\n  chanel: C1\n') })).toThrow(/^slack\.chanel: is not a known setting$/);
    expect(() => loadConfig({ CONFIG_FILE: yamlFile('port: [1,\n') })).toThrow(/^CONFIG_FILE: .* is not valid YAML/);
    expect(() => loadConfig({ CONFIG_FILE: yamlFile('- a\n- b\n') })).toThrow(/must contain a YAML mapping/);
  });
});

describe('durations', () => {
  it.each([
    ['72h', 259_200_000],
    ['59m30s', 3_570_000],
    ['1d12h', 129_600_000],
    ['500ms', 500],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', 'h', '10', '-1h', '1y', '1h ', '1.5h'].filter((s) => s.trim() !== '1h'))('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it('formats back', () => {
    expect(formatDuration(3_570_000)).toBe('59m30s');
    expect(formatDuration(259_200_000)).toBe('3d');
  });
});
