import fc from 'fast-check';
import { normalizeAlibabaEvent } from '../../../src/events/normalize-alibaba-event';
import { normalizeAwsEvent } from '../../../src/events/normalize-aws-event';
import { normalizeCloudWatchAlarm } from '../../../src/events/normalize-cloudwatch-alarm';
import { EVENT_KINDS, type NormalizeResult, SEVERITY_ORDER } from '../../../src/events/secret-event';
import { loadFixture, loadFormFixture } from '../../fixtures';
import { edited } from './outcome';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Normalizers face whatever the internet posts: they must answer invalid/ignored, never throw, and
 * never carry a secret value into what the bot stores, logs or posts.
 */
const NORMALIZERS: [string, (body: unknown) => NormalizeResult][] = [
  ['normalizeAwsEvent', (b) => normalizeAwsEvent(b)],
  ['normalizeCloudWatchAlarm', (b) => normalizeCloudWatchAlarm(b, 'aws:sns:m-1')],
  ['normalizeAlibabaEvent', (b) => normalizeAlibabaEvent(b)],
];

const AWS_FIXTURES = [
  'rotation-started',
  'rotation-succeeded',
  'rotation-failed',
  'rotation-abandoned',
  'test-rotation-started',
  'test-rotation-succeeded',
  'test-rotation-failed',
  'start-secret-version-delete',
  'cancel-secret-version-delete',
  'end-secret-version-delete',
  'delete-secret',
  'delete-secret-arn',
  'delete-secret-force',
  'restore-secret',
  'rotate-secret',
  'cancel-rotate-secret',
  'get-secret-value-pending-deletion',
  'secret-label-updated',
  'create-secret',
  'failed-delete-secret',
].map((f): [string, unknown, (b: unknown) => NormalizeResult] => [
  `aws/${f}.json`,
  loadFixture(`aws/${f}.json`),
  NORMALIZERS[0][1],
]);
const ALARM_FIXTURES = [
  'cloudwatch-alarm-deleted-secret-access',
  'cloudwatch-alarm-deleted-secret-access-ok',
].map((f): [string, unknown, (b: unknown) => NormalizeResult] => [
  `aws/${f}.json`,
  loadFixture(`aws/${f}.json`),
  NORMALIZERS[1][1],
]);
const ALIBABA_FIXTURES = [
  'cloudmonitor-rotate-failure',
  'cloudmonitor-rotate-success',
  'cloudevent-rotate-failure',
  'cloudevent-actiontrail-delete-secret',
  'cloudevent-actiontrail-delete-secret-force',
  'cloudevent-actiontrail-restore-secret',
  'cloudevent-actiontrail-rotate-secret',
].map((f): [string, unknown, (b: unknown) => NormalizeResult] => [
  `alibaba/${f}.json`,
  loadFixture(`alibaba/${f}.json`),
  NORMALIZERS[2][1],
]);
const ALL_FIXTURES = [
  ...AWS_FIXTURES,
  ...ALARM_FIXTURES,
  ...ALIBABA_FIXTURES,
  [
    'alibaba/cloudmonitor-rotate-failure.form',
    loadFormFixture('alibaba/cloudmonitor-rotate-failure.form'),
    NORMALIZERS[2][1],
  ] as const,
];

/** What every result must look like, so a half-built event never reaches the pipeline. */
function expectWellFormed(result: NormalizeResult): void {
  switch (result.outcome) {
    case 'invalid':
      expect(result.error).toEqual(expect.any(String));
      expect(result.error.length).toBeLessThan(400);
      return;
    case 'ignored':
      expect(result.sourceId.length).toBeGreaterThan(0);
      expect(result.reason.length).toBeLessThan(400);
      return;
    case 'event': {
      const e = result.event;
      expect(EVENT_KINDS).toContain(e.kind);
      expect(Object.keys(SEVERITY_ORDER)).toContain(e.severity);
      expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
      if (e.deletionDate !== undefined) expect(new Date(e.deletionDate).toISOString()).toBe(e.deletionDate);
      expect(e.sourceId.length).toBeGreaterThan(0);
      for (const text of [e.actor, e.failure?.code, e.failure?.message]) {
        if (text !== undefined) expect(text.length).toBeLessThanOrEqual(1000);
      }
      for (const id of [e.account, e.region, e.secretId, e.secretName, e.sourceEventName]) {
        expect(typeof id).toBe('string');
        expect(id.length).toBeLessThanOrEqual(2048);
      }
      return;
    }
  }
}

function nested(depth: number, key: string, leaf: unknown = {}): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = { [key]: value };
  return value;
}

const HUGE = 'A'.repeat(2_000_000);

describe.each(NORMALIZERS)('%s never throws', (_name, normalize) => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['[]', []],
    ["'x'", 'x'],
    ['0', 0],
    ['NaN', Number.NaN],
    ['true', true],
    ['{}', {}],
    ['{detail: 5}', { detail: 5 }],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', BigInt(1)],
    ['an object without a prototype', Object.create(null)],
    ['1000 nested details', nested(1000, 'detail')],
    ['1000 nested contents', nested(1000, 'content')],
    ['1000 nested arrays', JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`)],
    ['a 2 MB string', HUGE],
    ['a JSON string of 1000 nested objects', `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`],
  ])('on %s', (_label, body) => {
    const result = normalize(body);
    expect(['invalid', 'ignored']).toContain(result.outcome);
    expectWellFormed(result);
  });

  it('on anything fast-check can think of', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 6 }), (body) => {
        expectWellFormed(normalize(body));
      }),
      { numRuns: 500 },
    );
  });
});

describe.each(ALL_FIXTURES)('%s with any one field replaced by junk', (_file, fixture, normalize) => {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    }
  };
  walk(fixture, []);

  const junk = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.constantFrom(HUGE, '', ' ', 'constructor', '__proto__', nested(1000, 'x'), [], {}, null, -1, 1e308),
  );

  it('still answers a well-formed result', () => {
    fc.assert(
      fc.property(fc.nat({ max: paths.length - 1 }), junk, (index, value) => {
        const path = paths[index];
        // The empty path replaces the whole body.
        const body =
          path.length === 0
            ? value
            : edited<Body>(fixture, (copy) => {
                let parent: Body = copy;
                for (const key of path.slice(0, -1)) parent = parent[key];
                parent[path[path.length - 1]] = value;
              });
        expectWellFormed(normalize(body));
      }),
      { numRuns: 300 },
    );
  });

  it('still answers a well-formed result with a 2 MB string in every field', () => {
    for (const p of paths.filter((x) => x.length > 0)) {
      const body = edited<Body>(fixture, (copy) => {
        let parent: Body = copy;
        for (const key of p.slice(0, -1)) parent = parent[key];
        parent[p[p.length - 1]] = HUGE;
      });
      expectWellFormed(normalize(body));
    }
  });
});

describe('secret values never leave the normalizer', () => {
  const VALUE = 'hunter2-THIS-IS-THE-SECRET-VALUE';
  const aws = (file: string, edit: (e: Body) => void) => edited<Body>(loadFixture(`aws/${file}.json`), edit);
  const ali = (file: string, edit: (e: Body) => void) =>
    edited<Body>(loadFixture(`alibaba/${file}.json`), edit);

  it.each<[string, unknown, (b: unknown) => NormalizeResult]>([
    [
      'CreateSecret with SecretString',
      aws('create-secret', (e) => (e.detail.requestParameters.secretString = VALUE)),
      NORMALIZERS[0][1],
    ],
    [
      'PutSecretValue with SecretString and SecretBinary',
      aws('rotate-secret', (e) => {
        e.detail.eventName = 'PutSecretValue';
        e.detail.requestParameters = {
          secretId: 'prod/pg',
          secretString: VALUE,
          secretBinary: Buffer.from(VALUE).toString('base64'),
        };
      }),
      NORMALIZERS[0][1],
    ],
    [
      'a DeleteSecret carrying a SecretString anyway',
      aws('delete-secret-arn', (e) => {
        e.detail.requestParameters.SecretString = VALUE;
        e.detail.responseElements.SecretString = VALUE;
      }),
      NORMALIZERS[0][1],
    ],
    [
      'a RotateSecret with the value in additionalEventData',
      aws(
        'rotate-secret',
        (e) => (e.detail.additionalEventData = { SecretString: VALUE, SecretBinary: VALUE }),
      ),
      NORMALIZERS[0][1],
    ],
    [
      'a rotation failure whose Lambda returned the value',
      aws('rotation-failed', (e) => (e.detail.additionalEventData.SecretString = VALUE)),
      NORMALIZERS[0][1],
    ],
    [
      'an Alibaba PutSecretValue with SecretData',
      ali('cloudevent-actiontrail-rotate-secret', (e) => {
        e.data.eventName = 'PutSecretValue';
        e.data.requestParameters.SecretData = VALUE;
      }),
      NORMALIZERS[2][1],
    ],
    [
      'an Alibaba DeleteSecret carrying SecretData anyway',
      ali('cloudevent-actiontrail-delete-secret', (e) => (e.data.requestParameters.SecretData = VALUE)),
      NORMALIZERS[2][1],
    ],
    [
      'a CloudMonitor event carrying SecretData in content',
      ali('cloudmonitor-rotate-failure', (e) => (e.content.SecretData = VALUE)),
      NORMALIZERS[2][1],
    ],
  ])('%s', (_name, body, normalize) => {
    const result = normalize(body);
    expect(['event', 'ignored']).toContain(result.outcome);
    expect(JSON.stringify(result)).not.toContain(VALUE);
    expect(JSON.stringify(result)).not.toContain(Buffer.from(VALUE).toString('base64'));
  });
});
