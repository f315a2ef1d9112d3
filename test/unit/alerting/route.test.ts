import {
  compileRoutes,
  defaultRouteTree,
  matchingRoutes,
  routeEvent,
  type Destination,
  type RouteConfig,
  type RouteDefaults,
} from '../../../src/alerting/route';
import type { SecretEvent } from '../../../src/events/secret-event';
import { awsEvent } from '../../fixtures/secret-events';

const HOUR = 3_600_000;
const DEFAULTS: RouteDefaults = {
  defaultSlackChannel: 'C0DEFAULT',
  dingtalkRobot: 'robot1',
  repeatInterval: 4 * HOUR,
};

const event = (over: Partial<SecretEvent> = {}): SecretEvent =>
  awsEvent('rotation.failed', { occurredAt: '2026-03-01T11:00:00Z', sourceId: 'aws:1', ...over });

/** Where it goes, as "platform:target@route". */
const where = (ds: Destination[]) =>
  ds.map((d) => `${d.platform === 'slack' ? d.channel : d.robot}@${d.route}`);

describe('the default route (no `route` in the config) behaves as before routing existed', () => {
  it.each<[string, Omit<RouteDefaults, 'repeatInterval'>, string[]]>([
    ['no chat configured', {}, []],
    ['Slack only: SLACK_CHANNEL', { defaultSlackChannel: 'C1' }, ['C1@root']],
    ['DingTalk only: the robot', { dingtalkRobot: 'r1' }, ['r1@root']],
    ['both', { defaultSlackChannel: 'C1', dingtalkRobot: 'r1' }, ['C1@root', 'r1@root']],
  ])('%s', (_name, opts, expected) => {
    expect(where(routeEvent(event(), defaultRouteTree(opts)))).toEqual(expected);
    expect(
      where(
        routeEvent(
          event({ kind: 'deletion.scheduled' }),
          compileRoutes(undefined, { ...opts, repeatInterval: HOUR }),
        ),
      ),
    ).toEqual(expected);
  });

  it('carries the default grouping: by provider, account, region and kind; shown at once; repeat from repeat_interval', () => {
    const [slack] = routeEvent(
      event(),
      compileRoutes(undefined, { ...DEFAULTS, repeatInterval: 30 * 60_000 }),
    );
    expect(slack).toEqual({
      platform: 'slack',
      channel: 'C0DEFAULT',
      route: 'root',
      grouping: {
        groupBy: ['provider', 'account', 'region', 'kind'],
        groupWait: 0,
        groupInterval: 10_000,
        repeatInterval: 30 * 60_000,
        threshold: 5,
      },
    });
  });
});

describe('routeEvent over a tree', () => {
  const tree = compileRoutes(
    {
      group_interval: 30_000,
      routes: [
        {
          name: 'prod-db',
          match: {
            account: ['111122223333'],
            secret: ['prod/*'],
            kind: ['rotation.failed', 'rotation.abandoned'],
          },
          slack_channels: ['C0DB'],
          group_threshold: 3,
          routes: [
            { match: { secret_regex: '^prod/mysql' }, slack_channels: ['C0MYSQL'], dingtalk_robots: [] },
          ],
        },
        { name: 'audit', match: { kind: ['deletion.*'] }, slack_channels: ['C0AUDIT'], continue: true },
        { match: { kind: ['deletion.scheduled'] }, slack_channels: ['C0DEL'], dingtalk_robots: [] },
        { match: { provider: ['alibaba'], secret_type: ['RDS'] }, slack_channels: ['C0ALI'] },
        { match: { tags: { team: 'payments' } }, slack_channels: ['C0PAY'], dingtalk_robots: [] },
        { match: { severity: ['info'] }, slack_channels: [], dingtalk_robots: [] },
      ],
    },
    DEFAULTS,
  );

  it.each<[string, Partial<SecretEvent>, string[]]>([
    ['a matching child takes it; the DingTalk robot is inherited', {}, ['C0DB@prod-db', 'robot1@prod-db']],
    [
      'a grandchild takes it; `dingtalk_robots: []` stops inheriting',
      { secretName: 'prod/mysql', secretId: 'prod/mysql' },
      ['C0MYSQL@root.0.0'],
    ],
    [
      'no child matches: the root handles it',
      { kind: 'rotation.started', severity: 'warning' },
      ['C0DEFAULT@root', 'robot1@root'],
    ],
    [
      'another account falls through to the root',
      { account: '999999999999' },
      ['C0DEFAULT@root', 'robot1@root'],
    ],
    [
      '`continue: true` lets the next matching sibling take it too',
      { kind: 'deletion.scheduled', severity: 'warning' },
      ['C0AUDIT@audit', 'robot1@audit', 'C0DEL@root.2'],
    ],
    [
      '`continue` and no other sibling matches',
      { kind: 'deletion.started', severity: 'warning' },
      ['C0AUDIT@audit', 'robot1@audit'],
    ],
    [
      'secret type, ignoring case',
      { provider: 'alibaba', secretType: 'Rds', kind: 'rotation.overdue', severity: 'warning' },
      ['C0ALI@root.3', 'robot1@root.3'],
    ],
    [
      'tags known on the event',
      { tags: { team: 'payments' }, kind: 'rotation.overdue', severity: 'warning' },
      ['C0PAY@root.4'],
    ],
    [
      'tags unknown: the root',
      { kind: 'rotation.overdue', severity: 'warning' },
      ['C0DEFAULT@root', 'robot1@root'],
    ],
    [
      'a route with no destination tracks without posting',
      { kind: 'rotation.started', severity: 'info' },
      [],
    ],
  ])('%s', (_name, over, expected) => {
    expect(where(routeEvent(event(over), tree))).toEqual(expected);
  });

  it('children inherit grouping and timing they do not set, and override what they set', () => {
    const [db] = routeEvent(event(), tree);
    expect(db!.grouping).toEqual({
      groupBy: ['provider', 'account', 'region', 'kind'],
      groupWait: 0,
      groupInterval: 30_000,
      repeatInterval: 4 * HOUR,
      threshold: 3,
    });
    const [mysql] = routeEvent(event({ secretName: 'prod/mysql', secretId: 'prod/mysql' }), tree);
    expect(mysql!.grouping.threshold).toBe(3);
    expect(mysql!.grouping.groupInterval).toBe(30_000);
  });

  it('a channel two routes name gets the event once', () => {
    const twice = compileRoutes(
      {
        routes: [
          { match: { kind: ['rotation.failed'] }, continue: true, slack_channels: ['C1'] },
          { slack_channels: ['C1', 'C2'] },
        ],
      },
      { defaultSlackChannel: 'C0', repeatInterval: HOUR },
    );
    expect(where(routeEvent(event(), twice))).toEqual(['C1@root.0', 'C2@root.1']);
  });

  it('the first matching child wins without continue; matchingRoutes names the routes', () => {
    const first = compileRoutes(
      {
        routes: [
          { match: { region: ['eu-west-1'] }, slack_channels: ['C1'] },
          { match: { provider: ['aws'] }, slack_channels: ['C2'] },
        ],
      },
      { repeatInterval: HOUR },
    );
    expect(matchingRoutes(event(), first).map((r) => r.id)).toEqual(['root.0']);
    expect(matchingRoutes(event({ region: 'us-east-1' }), first).map((r) => r.id)).toEqual(['root.1']);
  });

  it('a robot name is resolved to the robot id; it is dropped when DingTalk is off', () => {
    const raw: RouteConfig = {
      routes: [{ match: { provider: ['aws'] }, dingtalk_robots: ['default'], slack_channels: [] }],
    };
    expect(where(routeEvent(event(), compileRoutes(raw, DEFAULTS)))).toEqual(['robot1@root.0']);
    expect(where(routeEvent(event(), compileRoutes(raw, { repeatInterval: HOUR })))).toEqual([]);
  });
});
