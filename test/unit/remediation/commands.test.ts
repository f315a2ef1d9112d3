import { parseSecretsCommand } from '../../../src/remediation/commands';
import { parseSecretSpec } from '../../../src/remediation/resolve-secret';

describe('parseSecretsCommand', () => {
  it.each([
    ['', { name: 'help' }],
    ['help', { name: 'help' }],
    ['status', { name: 'status' }],
    ['  STATUS  ', { name: 'status' }],
    ['status prod/pg', { name: 'status-secret', secret: 'prod/pg' }],
    ['mutes', { name: 'mutes' }],
    ['mute prod/* 2h', { name: 'mute', target: 'prod/*', durationMs: 7_200_000 }],
    ['mute prod/pg 2s', { name: 'mute', target: 'prod/pg', durationMs: 2000 }],
    ['mute prod/pg 1d12h planned failover, see OPS-1', { name: 'mute', target: 'prod/pg', durationMs: 129_600_000, reason: 'planned failover, see OPS-1' }],
    ['unmute m0a1b2c3d', { name: 'unmute', target: 'm0a1b2c3d' }],
    ['history aws:111122223333:eu-west-1:prod/pg', { name: 'history', secret: 'aws:111122223333:eu-west-1:prod/pg' }],
    ['rotate prod/pg', { name: 'rotate', secret: 'prod/pg' }],
    ['restore prod/pg', { name: 'restore', secret: 'prod/pg' }],
  ])('%j', (text, command) => {
    expect(parseSecretsCommand(text)).toEqual({ ok: true, command, share: false });
  });

  it('a trailing --share posts the answer in the channel', () => {
    expect(parseSecretsCommand('status --share')).toEqual({ ok: true, command: { name: 'status' }, share: true });
  });

  it.each([
    ['frobnicate', /^Unknown subcommand "frobnicate"\. Try one of: status, mute, unmute, mutes, history, rotate, restore, help/],
    ['mute prod/pg', /^Usage: \/secrets mute <secret or pattern> <duration>/],
    ['mute prod/pg soon', /^Usage: \/secrets mute/],
    ['mute prod/pg 0', /^Usage: \/secrets mute/],
    ['mute prod/pg 91d', /^Usage: \/secrets mute/],
    ['unmute', /^Usage: \/secrets unmute/],
    ['history', /^Usage: \/secrets history <secret>/],
    ['rotate a b', /^Usage: \/secrets rotate <secret>/],
    ['status a b', /^Usage: \/secrets status/],
    ['help me', /^Usage: \/secrets help/],
  ])('%j gets a one-line usage hint', (text, hint) => {
    const parsed = parseSecretsCommand(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.usage).toMatch(hint);
      expect(parsed.usage).not.toContain('\n');
    }
  });

  it('drops the chat mention marker from input', () => {
    expect(parseSecretsCommand('status a\u0001@U1\u0001')).toEqual({ ok: true, command: { name: 'status-secret', secret: 'a@U1' }, share: false });
  });
});

describe('parseSecretSpec', () => {
  it.each([
    ['prod/pg', { kind: 'name', name: 'prod/pg' }],
    [
      'aws:111122223333:eu-west-1:prod/pg',
      { kind: 'qualified', provider: 'aws', account: '111122223333', region: 'eu-west-1', name: 'prod/pg', secretId: 'prod/pg' },
    ],
    [
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123',
      { kind: 'qualified', provider: 'aws', account: '111122223333', region: 'eu-west-1', name: 'prod/pg', secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123' },
    ],
    [
      'acs:kms:cn-hangzhou:1234567890123456:secret/rds-app',
      { kind: 'qualified', provider: 'alibaba', account: '1234567890123456', region: 'cn-hangzhou', name: 'rds-app', secretId: 'acs:kms:cn-hangzhou:1234567890123456:secret/rds-app' },
    ],
    [
      'alibaba:1234567890123456:cn-hangzhou:rds-app',
      { kind: 'qualified', provider: 'alibaba', account: '1234567890123456', region: 'cn-hangzhou', name: 'rds-app', secretId: 'rds-app' },
    ],
  ])('%s', (text, spec) => {
    expect(parseSecretSpec(text)).toEqual(spec);
  });

  it.each(['', 'aws::eu-west-1:x', 'arn:aws:s3:::bucket', 'acs:ram::1:role/x'])('refuses %j with a reason', (text) => {
    expect(parseSecretSpec(text)).toHaveProperty('error');
  });
});
