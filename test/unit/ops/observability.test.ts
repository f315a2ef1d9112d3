import { jobLatencySeconds } from '../../../src/queue/queue-metrics';
import { requestIdFor } from '../../../handlers/http/server';
import { basicCredentials } from '../../../handlers/http/admin-routes';

describe('jobLatencySeconds: from when a job was due to when it finished', () => {
  it.each([
    ['a job finished 250 ms after it was added', { timestamp: 1000, opts: {}, finishedOn: 1250 }, 0.25],
    [
      'a reminder added with a 1 h delay, finished 2 s after its due time',
      { timestamp: 0, opts: { delay: 3_600_000 }, finishedOn: 3_602_000 },
      2,
    ],
    [
      'a job not marked finished yet uses the time now',
      { timestamp: 1000, opts: {}, finishedOn: undefined },
      4,
    ],
    [
      'a delayed job promoted early never counts negative time',
      { timestamp: 0, opts: { delay: 60_000 }, finishedOn: 500 },
      0,
    ],
  ])('%s', (_what, job, seconds) => {
    expect(jobLatencySeconds(job, 5000)).toBe(seconds);
  });
});

describe('requestIdFor: the caller’s X-Request-Id when sane, else a fresh UUID', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it.each(['abc', 'req-1.2:3_x', 'A'.repeat(64), '0f8fad5b-d9cb-469f-a165-70867728950e'])(
    'keeps %s',
    (id) => {
      expect(requestIdFor(id)).toBe(id);
    },
  );
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['too long', 'A'.repeat(65)],
    ['with spaces', 'a b'],
    ['with a newline (log injection)', 'ok\n{"level":50}'],
    ['starting with punctuation', '-abc'],
    ['repeated header', ['a', 'b']],
  ])('replaces one %s', (_what, header) => {
    expect(requestIdFor(header)).toMatch(uuid);
  });
});

describe('basicCredentials', () => {
  it.each([
    ['Basic YWRtaW46cEBzczp3b3Jk', 'admin:p@ss:word'],
    ['basic   YWRtaW46eA==  ', 'admin:x'],
    ['Bearer YWRtaW46eA==', undefined],
    ['Basic not base64!', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(basicCredentials(header)).toBe(expected);
  });
});
