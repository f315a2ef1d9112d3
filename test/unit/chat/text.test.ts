import { EVENT_KINDS, type EventKind } from '../../../src/events/secret-event';
import type { NotifyReason } from '../../../src/chat/message';
import { consoleUrl } from '../../../src/chat/console-url';
import {
  describeEvent,
  escapeAndTruncate,
  escapeSlackMrkdwn,
  formatCountdown,
  formatUtc,
  kindLabel,
  MUTE_CHOICES,
  reasonLabel,
  truncate,
  truncateMrkdwn,
} from '../../../src/chat/text';
import fc from 'fast-check';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('describeEvent', () => {
  const expected: Record<EventKind, string> = {
    'rotation.started': 'Rotation started for prod/pg',
    'rotation.succeeded': 'Rotation succeeded for prod/pg',
    'rotation.failed': 'Rotation failed for prod/pg',
    'rotation.abandoned': 'Rotation abandoned for prod/pg',
    'rotation.requested': 'Rotation requested for prod/pg',
    'rotation.cancelled': 'Automatic rotation turned off for prod/pg',
    'rotation.label-updated': 'New version of prod/pg became current',
    'rotation.overdue': 'Rotation overdue for prod/pg',
    'test-rotation.started': 'Test rotation started for prod/pg',
    'test-rotation.succeeded': 'Test rotation succeeded for prod/pg',
    'test-rotation.failed': 'Test rotation failed for prod/pg',
    'deletion.scheduled': 'Deletion scheduled for prod/pg',
    'deletion.forced': 'prod/pg was deleted immediately, without a recovery window',
    'deletion.cancelled': 'Deletion cancelled for prod/pg (secret restored)',
    'deletion.started': 'Permanent deletion started for prod/pg',
    'deletion.completed': 'prod/pg was permanently deleted',
    'access.pending-deletion': 'prod/pg was read while pending deletion',
    'access.pending-deletion-cleared': 'No more reads of prod/pg while pending deletion',
  };

  it.each(EVENT_KINDS.map((k) => [k, expected[k]]))('%s: "%s"', (kind, headline) => {
    expect(describeEvent({ kind, secretName: 'prod/pg' })).toBe(headline);
  });

  it('gives every kind its own headline and short label', () => {
    expect(new Set(EVENT_KINDS.map((kind) => describeEvent({ kind, secretName: 'x' }))).size).toBe(
      EVENT_KINDS.length,
    );
    expect(new Set(EVENT_KINDS.map(kindLabel)).size).toBe(EVENT_KINDS.length);
  });

  it.each(EVENT_KINDS)('%s: reads well without a secret name (CloudWatch alarm)', (kind) => {
    const h = describeEvent({ kind, secretName: '' });
    expect(h).toMatch(/^[A-Z]/);
    expect(h).not.toMatch(/ for $| {2}|^ /);
  });

  it('names an unnamed secret "A secret"', () => {
    expect(describeEvent({ kind: 'access.pending-deletion', secretName: '' })).toBe(
      'A secret was read while pending deletion',
    );
  });
});

describe('formatCountdown', () => {
  it.each([
    ['2026-03-08T11:59:00Z', 'in 6 days 23 hours'],
    ['2026-03-08T12:00:00Z', 'in 7 days'],
    ['2026-03-02T12:00:00Z', 'in 1 day'],
    ['2026-03-01T12:47:30Z', 'in 47 minutes'],
    ['2026-03-01T13:01:00Z', 'in 1 hour 1 minute'],
    ['2026-03-01T14:00:00Z', 'in 2 hours'],
    ['2026-03-01T12:00:20Z', 'in less than a minute'],
    ['2026-03-01T12:00:00Z', 'in less than a minute'],
    ['2026-03-01T10:00:00Z', '2 hours ago'],
    ['2026-03-01T11:59:00Z', '1 minute ago'],
    ['2026-02-27T09:00:00Z', '2 days 3 hours ago'],
  ])('%s → "%s"', (deadline, text) => {
    expect(formatCountdown(deadline, NOW)).toBe(text);
  });

  it('rounds down, so a deadline never looks further away than it is', () => {
    expect(formatCountdown('2026-03-01T12:59:59Z', NOW)).toBe('in 59 minutes');
  });

  it('returns an empty string for a date it cannot read', () => {
    expect(formatCountdown('not a date', NOW)).toBe('');
  });
});

describe('formatUtc', () => {
  it('formats to the minute in UTC and leaves unreadable input alone', () => {
    expect(formatUtc('2026-03-08T11:59:42.123Z')).toBe('2026-03-08 11:59 UTC');
    expect(formatUtc('2026-03-08T13:59:00+02:00')).toBe('2026-03-08 11:59 UTC');
    expect(formatUtc('soon')).toBe('soon');
  });
});

describe('truncate', () => {
  it('leaves short text alone and cuts long text with an ellipsis within the limit', () => {
    expect(truncate('prod/pg', 10)).toBe('prod/pg');
    expect(truncate('prod/pg', 7)).toBe('prod/pg');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('abcdefghij', 5)).toHaveLength(5);
    expect(truncate('abc', 0)).toBe('');
  });

  it('never splits an emoji (surrogate pair)', () => {
    const cut = truncate('ab😀cd', 4); // 'ab' + 2-unit emoji would leave half of it
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe('escapeSlackMrkdwn', () => {
  it('escapes &, < and > so text cannot form mentions or links', () => {
    expect(escapeSlackMrkdwn('<!channel> & <@U123> <https://evil.example|x>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil.example|x&gt;',
    );
  });

  it('escapes & first, so existing entities are shown as typed', () => {
    expect(escapeSlackMrkdwn('&lt;')).toBe('&amp;lt;');
  });

  it('escapeAndTruncate never cuts inside an entity', () => {
    const out = escapeAndTruncate('a<<<<<<<<', 8);
    expect(out).toBe('a&lt;…');
    expect(out.length).toBeLessThanOrEqual(8);
    expect(escapeAndTruncate('a&b', 10)).toBe('a&amp;b');
  });
});

describe('truncateMrkdwn', () => {
  it('keeps text that fits as it is', () => {
    expect(truncateMrkdwn('<@U0OPS> rotated', 16)).toBe('<@U0OPS> rotated');
  });

  it('never cuts a mention, link or date token in two', () => {
    // The cut at 11 would fall inside <@U0OPS>: it moves before the token.
    expect(truncateMrkdwn('rotated by <@U0OPS> at noon', 15)).toBe('rotated by …');
    expect(truncateMrkdwn('see <https://x.example|the log> now', 20)).toBe('see …');
  });

  it('never cuts an entity in two', () => {
    expect(truncateMrkdwn('id &lt;@U0VICTIM&gt; tail', 7)).toBe('id …');
  });

  it('ends at a line break when one falls near the cut, so lists lose whole lines', () => {
    const text = `${'a'.repeat(90)}\n${'b'.repeat(50)}`;
    expect(truncateMrkdwn(text, 100)).toBe(`${'a'.repeat(90)}\n…`);
  });

  it('for any escaped text with our own tokens: within the limit, no raw < or > outside whole tokens', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 30 }).map(escapeSlackMrkdwn),
      fc.constantFrom('<@U0OPS>', '<#C0OPS>', '<https://x.example|log>', '\n', '&lt;@U0VICTIM&gt;', '😀'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 2, max: 300 }), (pieces, max) => {
        const out = truncateMrkdwn(pieces.join(''), max);
        expect(out.length).toBeLessThanOrEqual(max);
        const rest = out.replace(/<(@U0OPS|#C0OPS|https:\/\/x\.example\|log)>/g, '');
        expect(rest).not.toMatch(/[<>]|&[a-z]*…$/);
        expect(out).not.toMatch(/[\ud800-\udbff]…$/);
      }),
    );
  });
});

describe('reasonLabel', () => {
  it.each<[NotifyReason, string]>([
    ['first', 'New alert'],
    ['changed', 'Updated'],
    ['resolved', 'Resolved'],
    ['reminder', 'Reminder'],
    ['repeat-due', 'Still unresolved'],
  ])('%s → %s', (reason, label) => {
    expect(reasonLabel(reason)).toBe(label);
  });
});

describe('MUTE_CHOICES', () => {
  it('offers 1 hour, 1 day, 1 week and until resolved', () => {
    expect(MUTE_CHOICES.map((c) => c.value)).toEqual(['1h', '1d', '1w', 'resolved']);
  });
});

describe('consoleUrl', () => {
  it.each([
    [
      'AWS secret',
      { provider: 'aws' as const, region: 'eu-west-1', secretName: 'prod/pg' },
      'https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fpg&region=eu-west-1',
    ],
    [
      'AWS China region',
      { provider: 'aws' as const, region: 'cn-north-1', secretName: 'prod/pg' },
      'https://cn-north-1.console.amazonaws.cn/secretsmanager/secret?name=prod%2Fpg&region=cn-north-1',
    ],
    [
      "AWS alarm without a secret name: the region's secret list",
      { provider: 'aws' as const, region: 'us-east-1', secretName: '' },
      'https://us-east-1.console.aws.amazon.com/secretsmanager/listsecrets?region=us-east-1',
    ],
    [
      'Alibaba secret',
      { provider: 'alibaba' as const, region: 'cn-hangzhou', secretName: 'rds orders/1' },
      'https://kms.console.aliyun.com/cn-hangzhou/secret/detail?secretName=rds%20orders%2F1',
    ],
    [
      'Alibaba without a secret name',
      { provider: 'alibaba' as const, region: 'cn-shanghai', secretName: '' },
      'https://kms.console.aliyun.com/cn-shanghai/secret',
    ],
    [
      'name with link/mention syntax is percent-encoded',
      { provider: 'aws' as const, region: 'eu-west-1', secretName: 'a&b|<!channel>' },
      'https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=a%26b%7C%3C!channel%3E&region=eu-west-1',
    ],
    [
      'a region that is not a region code cannot change the host',
      { provider: 'aws' as const, region: 'evil.example/x?', secretName: 'prod/pg' },
      'https://console.aws.amazon.com/secretsmanager/secret?name=prod%2Fpg',
    ],
  ])('%s', (_label, event, url) => {
    expect(consoleUrl(event)).toBe(url);
  });
});
