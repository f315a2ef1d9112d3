import {
  coversMatcher,
  describeFilters,
  globProblem,
  globToRegExp,
  kindProblem,
  matchesEvent,
  regexProblem,
  severityProblem,
  type EventMatcher,
} from '../../../src/alerting/matcher';
import type { SecretEvent } from '../../../src/events/secret-event';
import { AWS_SECRET_ARN as ARN, awsEvent } from '../../fixtures/secret-events';

const event = (over: Partial<SecretEvent> = {}): SecretEvent =>
  awsEvent('rotation.failed', { occurredAt: '2026-03-01T11:00:00Z', sourceId: 'aws:1', ...over });

describe('matchesEvent: one matcher for routes and mutes', () => {
  const cases: Array<[string, EventMatcher, Partial<SecretEvent>, boolean]> = [
    ['an empty matcher takes every event', {}, {}, true],
    ['provider equal', { provider: 'aws' }, {}, true],
    ['provider other', { provider: 'alibaba' }, {}, false],
    ['provider in a list', { provider: ['alibaba', 'aws'] }, {}, true],
    ['account equal', { account: '111122223333' }, {}, true],
    ['account other', { account: '999999999999' }, {}, false],
    ['account *', { account: '*' }, {}, true],
    ['region equal', { region: 'eu-west-1' }, {}, true],
    ['region other', { region: 'us-east-1' }, {}, false],
    ['region in a list', { region: ['us-east-1', 'eu-west-1'] }, {}, true],
    ['secret by name', { secret: 'prod/pg' }, {}, true],
    ['secret by ARN', { secret: ARN }, {}, true],
    ['secret by name when the event has only the ARN', { secret: 'prod/pg' }, { secretName: '' }, true],
    ['secret other name', { secret: 'prod/mysql' }, {}, false],
    [
      'secret glob * crosses /',
      { secret: 'prod/*' },
      { secretName: 'prod/db/pg', secretId: 'prod/db/pg' },
      true,
    ],
    ['secret glob other prefix', { secret: 'staging/*' }, {}, false],
    ['secret glob ? is one character', { secret: 'prod/p?' }, {}, true],
    ['secret glob ? is not two', { secret: 'prod/?' }, {}, false],
    ['glob dots are literal', { secret: 'prod.pg*' }, { secretName: 'prodXpg', secretId: 'prodXpg' }, false],
    ['one of several secrets', { secret: ['dev/*', 'prod/pg'] }, {}, true],
    ['secret regex (not anchored)', { secretRegex: 'pg' }, {}, true],
    ['secret regex anchored', { secretRegex: '^prod/(pg|mysql)$' }, {}, true],
    ['secret regex no match', { secretRegex: '^staging/' }, {}, false],
    ['regex and glob both needed', { secret: 'prod/*', secretRegex: 'mysql' }, {}, false],
    ['secret type ignores case', { secretType: 'RDS' }, { provider: 'alibaba', secretType: 'Rds' }, true],
    ['secret type other', { secretType: 'ECS' }, { secretType: 'Rds' }, false],
    ['secret type unknown on the event', { secretType: 'Rds' }, {}, false],
    ['kind equal', { kind: 'rotation.failed' }, {}, true],
    ['kind other', { kind: 'deletion.scheduled' }, {}, false],
    [
      'kind in a list',
      { kind: ['rotation.failed', 'rotation.abandoned'] },
      { kind: 'rotation.abandoned' },
      true,
    ],
    ['kind glob', { kind: 'rotation.*' }, { kind: 'rotation.overdue' }, true],
    ['kind glob other topic', { kind: 'deletion.*' }, {}, false],
    ['severity equal', { severity: 'critical' }, {}, true],
    ['severity other', { severity: ['warning', 'info'] }, {}, false],
    ['tags known and equal', { tags: { team: 'db' } }, { tags: { team: 'db', env: 'prod' } }, true],
    ['tags known and different', { tags: { team: 'db' } }, { tags: { team: 'web' } }, false],
    ['tag * needs the key', { tags: { team: '*' } }, { tags: { env: 'prod' } }, false],
    ['tag * with the key', { tags: { team: '*' } }, { tags: { team: 'x' } }, true],
    ['tags unknown never match', { tags: { team: 'db' } }, {}, false],
    [
      'every field at once',
      {
        provider: 'aws',
        account: '111122223333',
        region: 'eu-west-1',
        secret: 'prod/*',
        secretRegex: '^prod/(pg|mysql)',
        secretType: 'rds',
        kind: ['rotation.failed', 'rotation.abandoned'],
        severity: 'critical',
        tags: { team: 'db' },
      },
      { secretType: 'RDS', tags: { team: 'db' } },
      true,
    ],
  ];
  it.each(cases)('%s', (_name, m, over, expected) => {
    expect(matchesEvent(m, event(over))).toBe(expected);
  });

  it('glob patterns escape regex syntax', () => {
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
    expect(globToRegExp('a+b').test('aab')).toBe(false);
  });
});

describe('validation of matcher values', () => {
  it.each<[string, string | undefined]>([
    ['prod/*', undefined],
    ['', 'is empty'],
    ['prod/[ab]', 'only * (any characters) and ? (one character)'],
    ['prod/{a,b}', 'only * (any characters) and ? (one character)'],
    ['prod pg', 'contains white space'],
  ])('glob %j', (glob, problem) => {
    const p = globProblem(glob);
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toContain(problem);
  });

  it('regexes, kinds and severities', () => {
    expect(regexProblem('^prod/(pg|mysql)')).toBeUndefined();
    expect(regexProblem('^prod/(pg')).toMatch(/^is not a valid regular expression \(/);
    expect(kindProblem('rotation.failed')).toBeUndefined();
    expect(kindProblem('rotation.*')).toBeUndefined();
    expect(kindProblem('rotation.exploded')).toMatch(/^"rotation.exploded" is not an event kind/);
    expect(severityProblem('critical')).toBeUndefined();
    expect(severityProblem('page')).toBe('"page" is not a severity (critical, warning, info)');
  });
});

describe('coversMatcher: does the first match every event the second matches?', () => {
  it.each<[string, EventMatcher, EventMatcher, boolean]>([
    ['empty covers anything', {}, { kind: 'rotation.failed', secret: 'x' }, true],
    ['identical', { kind: 'rotation.failed', account: '1' }, { kind: 'rotation.failed', account: '1' }, true],
    [
      'a broader list',
      { kind: ['rotation.failed', 'rotation.abandoned'] },
      { kind: 'rotation.failed' },
      true,
    ],
    [
      'a narrower list',
      { kind: 'rotation.failed' },
      { kind: ['rotation.failed', 'rotation.abandoned'] },
      false,
    ],
    ['a kind glob over a kind', { kind: 'rotation.*' }, { kind: 'rotation.failed' }, true],
    ['fewer fields', { provider: 'aws' }, { provider: 'aws', region: 'eu-west-1' }, true],
    ['a field the second leaves open', { region: 'eu-west-1' }, { provider: 'aws' }, false],
    ['account * covers any account', { account: '*' }, {}, true],
    ['secret prefix glob', { secret: 'prod/*' }, { secret: ['prod/db/*', 'prod/pg'] }, true],
    ['secret glob of another prefix', { secret: 'prod/*' }, { secret: 'staging/*' }, false],
    ['regex over literal names', { secretRegex: '^prod/' }, { secret: 'prod/pg' }, true],
    ['regex against a glob is unsure', { secretRegex: '^prod/' }, { secret: 'prod/*' }, false],
    ['tags subset', { tags: { team: 'db' } }, { tags: { team: 'db', env: 'prod' } }, true],
    ['tags the second lacks', { tags: { team: 'db' } }, {}, false],
    ['secret type ignores case', { secretType: 'RDS' }, { secretType: 'Rds' }, true],
  ])('%s', (_name, a, b, expected) => {
    expect(coversMatcher(a, b)).toBe(expected);
  });
});

it('describes filters the way /secrets mute takes them', () => {
  expect(
    describeFilters({
      secret: 'prod/*',
      kind: ['rotation.failed', 'rotation.abandoned'],
      account: '1111',
      secretType: 'Rds',
      tags: { team: 'db' },
    }),
  ).toBe('account=1111 kind=rotation.failed,rotation.abandoned type=Rds tag.team=db');
});
