import { actionLinkExpiry } from '../../../src/remediation/action-link';
import { robotCommandFor } from '../../../src/remediation/link-actions';
import { sessionWebhookAllowed } from '../../../src/chat/dingtalk/session-reply';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

describe('actionLinkExpiry', () => {
  it.each([
    ['no deletion date: the link lifetime', undefined, NOW + 7 * DAY],
    ['deletion in 2 days: then', '2026-03-03T12:00:00Z', NOW + 2 * DAY],
    ['deletion in 30 days: the link lifetime', '2026-03-31T12:00:00Z', NOW + 7 * DAY],
    [
      'deletion already past: the link lifetime (the card is about something else then)',
      '2026-02-01T00:00:00Z',
      NOW + 7 * DAY,
    ],
    ['an unreadable date: the link lifetime', 'soon', NOW + 7 * DAY],
  ])('%s', (_what, deletion, expected) => {
    expect(actionLinkExpiry(NOW, 7 * DAY, deletion)).toBe(expected);
  });
});

describe('robotCommandFor', () => {
  it.each([
    [
      'cancelDeletion',
      { provider: 'aws', account: '111122223333', region: 'eu-west-1', name: 'prod/pg' },
      '@secrets-bot restore aws:111122223333:eu-west-1:prod/pg',
    ],
    [
      'retryRotation',
      { provider: 'alibaba', account: '123', region: 'cn-hangzhou', name: 'rds' },
      '@secrets-bot rotate alibaba:123:cn-hangzhou:rds',
    ],
    ['mute', { provider: 'aws', account: '', region: '', name: 'prod/pg' }, '@secrets-bot mute prod/pg 1d'],
    ['mute', { provider: 'aws', account: '1', region: 'r', name: '' }, '@secrets-bot mute <secret> 1d'],
  ] as const)('%s %j', (action, s, expected) => {
    expect(robotCommandFor(action, s)).toBe(expected);
  });
});

describe('sessionWebhookAllowed', () => {
  const hosts = new Set(['oapi.dingtalk.com', '127.0.0.1']);
  it.each([
    ['https://oapi.dingtalk.com/robot/sendBySession?session=abc', true],
    ['http://oapi.dingtalk.com/robot/sendBySession?session=abc', false],
    ['https://evil.example.com/robot/sendBySession?session=abc', false],
    ['https://oapi.dingtalk.com.evil.example.com/x', false],
    ['https://user:pw@oapi.dingtalk.com/x', false],
    ['http://127.0.0.1:9999/robot/sendBySession?session=abc', true],
    ['http://169.254.169.254/latest/meta-data', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    expect(sessionWebhookAllowed(url, hosts)).toBe(ok);
  });
});
