import { findMute, isActive, parseMuteFilters, type Mute } from '../../../src/alerting/mute';
import { incidentKeyOf } from '../../../src/alerting/lifecycle';
import type { SecretEvent } from '../../../src/events/secret-event';
import { AWS_SECRET_ARN, awsEvent } from '../../fixtures/secret-events';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const event = (over: Partial<SecretEvent> = {}): SecretEvent =>
  awsEvent('rotation.failed', { occurredAt: '2026-03-01T11:00:00Z', sourceId: 'aws:1', ...over });

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
    [
      'the full ARN',
      mute({ secret: AWS_SECRET_ARN }),
      event(),
      true,
    ],
    [
      'the name when the event only has the ARN',
      mute({ secret: 'prod/pg' }),
      event({ secretName: '' }),
      true,
    ],
    ['glob * (across /)', mute({ secret: 'prod/*' }), event(), true],
    ['glob * does not match another prefix', mute({ secret: 'staging/*' }), event(), false],
    ['glob ? is one character', mute({ secret: 'prod/p?' }), event(), true],
    ['glob ? is not two', mute({ secret: 'prod/?' }), event(), false],
    ['dots are literal in globs', mute({ secret: 'prod.pg*' }), event({ secretName: 'prodXpg' }), false],
    ['provider filter', mute({ secret: 'prod/pg', provider: 'alibaba' }), event(), false],
    ['account filter', mute({ secret: 'prod/pg', account: '999999999999' }), event(), false],
    ['account *', mute({ secret: 'prod/pg', account: '*' }), event(), true],
    ['region filter', mute({ secret: 'prod/pg', region: 'us-east-1' }), event(), false],
    [
      'all filters matching',
      mute({ secret: 'prod/pg', provider: 'aws', account: '111122223333', region: 'eu-west-1' }),
      event(),
      true,
    ],
    ['expired', mute({ secret: 'prod/pg' }, { endsAt: iso(NOW - 1) }), event(), false],
    ['ends exactly now', mute({ secret: 'prod/pg' }, { endsAt: iso(NOW) }), event(), false],
    ['not started yet', mute({ secret: 'prod/pg' }, { startsAt: iso(NOW + 1000) }), event(), false],
    [
      'an alert mute matches its own alert',
      mute({ secret: 'prod/pg', incidentKey: incidentKeyOf(event()) }),
      event({ kind: 'rotation.abandoned' }),
      true,
    ],
    [
      'an alert mute does not match the same secret’s other topic',
      mute({ secret: 'prod/pg', incidentKey: incidentKeyOf(event()) }),
      event({ kind: 'deletion.scheduled' }),
      false,
    ],
    [
      'until resolved, no end time',
      mute(
        { secret: 'prod/pg', incidentKey: incidentKeyOf(event()) },
        { endsAt: undefined, untilResolved: true },
      ),
      event(),
      true,
    ],
    [
      'an empty pattern matches nothing',
      mute({ secret: '' }),
      event({ secretName: '', secretId: '' }),
      false,
    ],
    ['kind filter', mute({ secret: 'prod/*', kind: ['rotation.failed'] }), event(), true],
    [
      'kind filter, another kind',
      mute({ secret: 'prod/*', kind: ['rotation.failed'] }),
      event({ kind: 'rotation.abandoned' }),
      false,
    ],
    ['kind glob', mute({ secret: '*', kind: ['deletion.*'] }), event({ kind: 'deletion.scheduled' }), true],
    ['severity filter', mute({ secret: '*', severity: ['warning'] }), event(), false],
    ['secret type filter', mute({ secret: '*', secretType: ['RDS'] }), event({ secretType: 'Rds' }), true],
    ['regex filter', mute({ secret: '*', secretRegex: '^prod/(pg|mysql)$' }), event(), true],
    ['regex filter, no match', mute({ secret: '*', secretRegex: '^staging/' }), event(), false],
    [
      'tag filter on a known tag',
      mute({ secret: '*', tags: { team: 'db' } }),
      event({ tags: { team: 'db' } }),
      true,
    ],
    ['tag filter, tags unknown', mute({ secret: '*', tags: { team: 'db' } }), event(), false],
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

  it('a mute stored before matchers had more fields (JSON from Redis) matches as it did', () => {
    const stored = JSON.parse(
      '{"id":"m0a1b2c3d","match":{"secret":"prod/*","provider":"aws","account":"111122223333"},"label":"aws:111122223333:*:prod/*",' +
        '"startsAt":"2026-03-01T11:00:00.000Z","endsAt":"2026-03-01T13:00:00.000Z","createdBy":"U1","createdAt":"2026-03-01T11:00:00.000Z"}',
    ) as Mute;
    expect(findMute(event(), [stored], NOW)?.id).toBe('m0a1b2c3d');
    expect(findMute(event({ account: '999999999999' }), [stored], NOW)).toBeUndefined();
    expect(findMute(event({ kind: 'deletion.scheduled' }), [stored], NOW)?.id).toBe('m0a1b2c3d');
  });
});

describe('parseMuteFilters: `/secrets mute prod/* 1d kind=rotation.failed account=1111 reason…`', () => {
  it('reads the filters before the reason', () => {
    expect(
      parseMuteFilters(
        'kind=rotation.failed,rotation.abandoned account=1111 region=eu-west-1 severity=critical type=Rds regex=^prod/ tag.team=db provider=aws deploy of pg'.split(
          ' ',
        ),
      ),
    ).toEqual({
      filters: {
        kind: ['rotation.failed', 'rotation.abandoned'],
        account: '1111',
        region: 'eu-west-1',
        severity: ['critical'],
        secretType: ['Rds'],
        secretRegex: '^prod/',
        tags: { team: 'db' },
        provider: 'aws',
      },
      rest: ['deploy', 'of', 'pg'],
    });
  });

  it('no filters: everything is the reason (the old syntax)', () => {
    expect(parseMuteFilters(['deploy', 'kind=rotation.failed'])).toEqual({
      filters: {},
      rest: ['deploy', 'kind=rotation.failed'],
    });
    expect(parseMuteFilters([])).toEqual({ filters: {}, rest: [] });
  });

  it.each([
    ['kind=rotation.exploded', /^kind: "rotation.exploded" is not an event kind/],
    ['severity=page', /^severity: "page" is not a severity/],
    ['regex=^prod/(', /^regex: is not a valid regular expression/],
    ['provider=gcp', /^provider: "gcp" is not aws or alibaba$/],
    ['account=', /^account= needs a value$/],
  ])('refuses %s with a reason', (word, message) => {
    const r = parseMuteFilters([word]);
    expect('error' in r && r.error).toMatch(message);
  });
});
