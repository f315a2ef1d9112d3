import { findMute, globToRegExp, isActive, type Mute } from '../../../src/alerting/mute';
import { incidentKeyOf } from '../../../src/alerting/lifecycle';
import type { SecretEvent } from '../../../src/events/secret-event';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const event = (over: Partial<SecretEvent> = {}): SecretEvent => ({
  provider: 'aws',
  source: 'aws.eventbridge',
  account: '111122223333',
  region: 'eu-west-1',
  secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123',
  secretName: 'prod/pg',
  kind: 'rotation.failed',
  severity: 'critical',
  occurredAt: '2026-03-01T11:00:00Z',
  sourceEventName: 'RotationFailed',
  sourceId: 'aws:1',
  ...over,
});

const mute = (match: Mute['match'], over: Partial<Mute> = {}): Mute => ({
  id: 'm1',
  match,
  label: match.secret,
  startsAt: iso(NOW - 60_000),
  endsAt: iso(NOW + 3_600_000),
  createdBy: 'U1',
  createdAt: iso(NOW - 60_000),
  ...over,
});

describe('findMute', () => {
  const cases: Array<[string, Mute, SecretEvent, boolean]> = [
    ['exact name', mute({ secret: 'prod/pg' }), event(), true],
    ['another name', mute({ secret: 'prod/mysql' }), event(), false],
    ['the full ARN', mute({ secret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbC123' }), event(), true],
    ['the name when the event only has the ARN', mute({ secret: 'prod/pg' }), event({ secretName: '' }), true],
    ['glob * (across /)', mute({ secret: 'prod/*' }), event(), true],
    ['glob * does not match another prefix', mute({ secret: 'staging/*' }), event(), false],
    ['glob ? is one character', mute({ secret: 'prod/p?' }), event(), true],
    ['glob ? is not two', mute({ secret: 'prod/?' }), event(), false],
    ['dots are literal in globs', mute({ secret: 'prod.pg*' }), event({ secretName: 'prodXpg' }), false],
    ['provider filter', mute({ secret: 'prod/pg', provider: 'alibaba' }), event(), false],
    ['account filter', mute({ secret: 'prod/pg', account: '999999999999' }), event(), false],
    ['account *', mute({ secret: 'prod/pg', account: '*' }), event(), true],
    ['region filter', mute({ secret: 'prod/pg', region: 'us-east-1' }), event(), false],
    ['all filters matching', mute({ secret: 'prod/pg', provider: 'aws', account: '111122223333', region: 'eu-west-1' }), event(), true],
    ['expired', mute({ secret: 'prod/pg' }, { endsAt: iso(NOW - 1) }), event(), false],
    ['ends exactly now', mute({ secret: 'prod/pg' }, { endsAt: iso(NOW) }), event(), false],
    ['not started yet', mute({ secret: 'prod/pg' }, { startsAt: iso(NOW + 1000) }), event(), false],
    ['an alert mute matches its own alert', mute({ secret: 'prod/pg', incidentKey: incidentKeyOf(event()) }), event({ kind: 'rotation.abandoned' }), true],
    ['an alert mute does not match the same secret’s other topic', mute({ secret: 'prod/pg', incidentKey: incidentKeyOf(event()) }), event({ kind: 'deletion.scheduled' }), false],
    [
      'until resolved, no end time',
      mute({ secret: 'prod/pg', incidentKey: incidentKeyOf(event()) }, { endsAt: undefined, untilResolved: true }),
      event(),
      true,
    ],
    ['an empty pattern matches nothing', mute({ secret: '' }), event({ secretName: '', secretId: '' }), false],
  ];

  it.each(cases)('%s', (_name, m, e, matches) => {
    expect(findMute(e, [m], NOW)?.id).toBe(matches ? m.id : undefined);
  });

  it('returns the first mute in force among several', () => {
    const a = mute({ secret: 'other' }, { id: 'ma' });
    const b = mute({ secret: 'prod/*' }, { id: 'mb' });
    const c = mute({ secret: 'prod/pg' }, { id: 'mc' });
    expect(findMute(event(), [a, b, c], NOW)?.id).toBe('mb');
    expect(findMute(event(), [], NOW)).toBeUndefined();
  });

  it('a mute with neither end nor "until resolved" is never active', () => {
    expect(isActive(mute({ secret: 'x' }, { endsAt: undefined }), NOW)).toBe(false);
  });

  it('glob patterns escape regex syntax', () => {
    expect(globToRegExp('a+b(c)[d]').test('a+b(c)[d]')).toBe(true);
    expect(globToRegExp('a+b').test('aab')).toBe(false);
  });
});
