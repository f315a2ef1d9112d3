import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { addDays, toIsoUtc } from '../../../src/events/event-time';

describe('toIsoUtc: the times the clouds send, as ISO UTC', () => {
  it.each<[string, unknown, string]>([
    ['EventBridge time', '2026-03-01T10:15:30Z', '2026-03-01T10:15:30.000Z'],
    ['ISO with milliseconds', '2026-03-01T10:15:30.123Z', '2026-03-01T10:15:30.123Z'],
    ['ISO with microseconds (kept to ms)', '2026-03-01T10:15:30.123456Z', '2026-03-01T10:15:30.123Z'],
    ['CloudEvent time with +08:00', '2026-03-01T10:15:30+08:00', '2026-03-01T02:15:30.000Z'],
    ['CloudWatch StateChangeTime with +0000', '2026-03-01T10:15:30.123+0000', '2026-03-01T10:15:30.123Z'],
    ['a negative offset without colon', '2026-03-01T10:15:30.123-0500', '2026-03-01T15:15:30.123Z'],
    ['ISO without a zone (read as UTC)', '2026-03-01T10:15:30', '2026-03-01T10:15:30.000Z'],
    ['a date only', '2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['CloudMonitor compact time', '20180816T135935.689+0800', '2018-08-16T05:59:35.689Z'],
    ['CloudMonitor compact time without ms', '20260301T101530+0800', '2026-03-01T02:15:30.000Z'],
    ['CloudTrail 2018 human date', 'May 3, 2018 5:51:02 PM', '2018-05-03T17:51:02.000Z'],
    ['CloudTrail current human date', 'Mar 8, 2026, 10:15:30 AM', '2026-03-08T10:15:30.000Z'],
    ['a full month name', 'September 30, 2026 11:59:59 PM', '2026-09-30T23:59:59.000Z'],
    ['a 24-hour human date', 'Mar 8, 2026 22:15:30', '2026-03-08T22:15:30.000Z'],
    ['a human date marked UTC', 'Mar 8, 2026, 10:15:30 AM UTC', '2026-03-08T10:15:30.000Z'],
    ['epoch seconds', 1772964930, '2026-03-08T10:15:30.000Z'],
    ['fractional epoch seconds (SDK JSON)', 1772964930.5, '2026-03-08T10:15:30.500Z'],
    ['epoch milliseconds', 1772964930000, '2026-03-08T10:15:30.000Z'],
    ['epoch seconds as a string', '1772964930', '2026-03-08T10:15:30.000Z'],
    ['padded whitespace', '  2026-03-01T10:15:30Z  ', '2026-03-01T10:15:30.000Z'],
  ])('reads %s', (_name, input, expected) => {
    expect(toIsoUtc(input)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['an object', { time: '2026-03-01T10:15:30Z' }],
    ['an empty string', ''],
    ['words', 'yesterday'],
    ['February 30th', '2026-02-30T00:00:00Z'],
    ['hour 25', '2026-03-01T25:00:00Z'],
    ['a 13 PM human date', 'Mar 8, 2026, 13:15:30 PM'],
    ['a made-up month', 'Foo 8, 2026, 10:15:30 AM'],
    ['an offset beyond +14:00', '2026-03-01T10:15:30+15:00'],
    ['a small number (not a plausible event time)', 5],
    ['a negative number', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a huge string', `2026-03-01T10:15:30Z${' '.repeat(100_000)}`],
    ['a year beyond 9999', 1e17],
  ])('returns nothing for %s rather than a wrong date', (_name, input) => {
    expect(toIsoUtc(input)).toBeUndefined();
  });

  it('reads zone-less human dates as UTC whatever the server time zone', () => {
    // Jest gives each test its own process.env, so the time zone is changed in a child process.
    const source = readFileSync(join(__dirname, '../../../src/events/event-time.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS },
    });
    const script = `const m = {exports: {}}; new Function('module', 'exports', ${JSON.stringify(outputText)})(m, m.exports);
      console.log(JSON.stringify([
        new Date('May 3, 2018 5:51:02 PM').toISOString(),
        m.exports.toIsoUtc('May 3, 2018 5:51:02 PM'),
        m.exports.toIsoUtc('2026-03-01T10:15:30'),
      ]));`;
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, TZ: 'America/Los_Angeles' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const [naive, human, zoneless] = JSON.parse(run.stdout) as string[];
    // The naive parse moves the date by the server's offset; the bot must not.
    expect(naive).toBe('2018-05-04T00:51:02.000Z');
    expect(human).toBe('2018-05-03T17:51:02.000Z');
    expect(zoneless).toBe('2026-03-01T10:15:30.000Z');
  });

  it('adds whole days for a computed deletion date', () => {
    expect(addDays('2026-03-01T10:15:30.000Z', 7)).toBe('2026-03-08T10:15:30.000Z');
    expect(addDays('2026-02-27T00:00:00.000Z', 30)).toBe('2026-03-29T00:00:00.000Z');
  });
});
