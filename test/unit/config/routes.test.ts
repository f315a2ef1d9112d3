import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRoutes, routeEvent } from '../../../src/alerting/route';
import { loadConfig } from '../../../src/config/load-config';
import type { SecretEvent } from '../../../src/events/secret-event';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_CHANNEL: 'C0DEFAULT' };
const DINGTALK = {
  DINGTALK_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=x',
  DINGTALK_SECRET: 'SECx',
  ACTION_LINK_SECRET: 'a-link-secret-of-16+',
};

function withYaml(yaml: string, env: Record<string, string> = { ...SLACK, ...DINGTALK }) {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-routes-')), 'c.yml');
  writeFileSync(file, yaml);
  return () => loadConfig({ ...env, CONFIG_FILE: file });
}

const EXAMPLE = `
repeat_interval: 2h
route:
  slack_channels: [C0DEFAULT]
  dingtalk_robots: [default]
  group_by: [provider, account, region, kind]
  group_wait: 0s
  group_interval: 10s
  group_threshold: 5
  routes:
    - name: prod-db
      match:
        provider: aws
        account: 111122223333
        region: eu-west-1
        secret: "prod/*"
        secret_regex: "^prod/(pg|mysql)"
        secret_type: RDS
        kind: [rotation.failed, rotation.abandoned]
        severity: [critical]
        tags: { team: db }
      slack_channels: [C0DB]
      group_by: [account, secret_type]
      continue: false
      routes:
        - match: { secret: prod/mysql }
          slack_channels: [C0MYSQL]
    - match: { kind: "deletion.*" }
      slack_channels: [C0DEL]
      repeat_interval: 30m
`;

describe('the `route` config', () => {
  it('reads the README example: lists from scalars, accounts from numbers, durations, group_by names', () => {
    const config = withYaml(EXAMPLE)();
    const prodDb = config.route!.routes![0]!;
    expect(prodDb.match).toEqual({
      provider: ['aws'],
      account: ['111122223333'],
      region: ['eu-west-1'],
      secret: ['prod/*'],
      secret_regex: '^prod/(pg|mysql)',
      secret_type: ['RDS'],
      kind: ['rotation.failed', 'rotation.abandoned'],
      severity: ['critical'],
      tags: { team: 'db' },
    });
    expect(prodDb.group_by).toEqual(['account', 'secretType']);
    expect(config.route!.group_interval).toBe(10_000);
    expect(config.route!.routes![1]!.repeat_interval).toBe(30 * 60_000);

    const tree = compileRoutes(config.route, {
      defaultSlackChannel: 'C0DEFAULT',
      dingtalkRobot: 'r',
      repeatInterval: config.repeat_interval,
    });
    const e: SecretEvent = {
      provider: 'aws',
      source: 'aws.reconcile',
      account: '111122223333',
      region: 'eu-west-1',
      secretId: 'prod/mysql',
      secretName: 'prod/mysql',
      secretType: 'Rds',
      kind: 'rotation.failed',
      severity: 'critical',
      occurredAt: '2026-03-01T00:00:00Z',
      sourceEventName: 'ListSecrets',
      sourceId: 'x',
      tags: { team: 'db' },
    };
    expect(routeEvent(e, tree).map((d) => (d.platform === 'slack' ? d.channel : d.robot))).toEqual([
      'C0MYSQL',
      'r',
    ]);
    const del = routeEvent({ ...e, kind: 'deletion.scheduled', severity: 'warning' }, tree);
    expect(del[0]).toMatchObject({
      channel: 'C0DEL',
      route: 'root.1',
      grouping: { repeatInterval: 30 * 60_000 },
    });
  });

  it('no `route`: undefined, and the tree is SLACK_CHANNEL and the robot', () => {
    const config = loadConfig({ ...SLACK });
    expect(config.route).toBeUndefined();
    expect(
      routeEvent(
        { kind: 'rotation.failed' } as SecretEvent,
        compileRoutes(config.route, { defaultSlackChannel: 'C0DEFAULT', repeatInterval: 1 }),
      ),
    ).toHaveLength(1);
  });

  const BOTH = { ...SLACK, ...DINGTALK };
  it.each<[string, string, RegExp, Record<string, string>]>([
    [
      'an unknown field in a route',
      'route:\n  routes:\n    - match: { kind: rotation.failed }\n      channel: C1',
      /^route\.routes\.0\.channel: is not a known setting$/,
      BOTH,
    ],
    [
      'an unknown field in a match',
      'route:\n  routes:\n    - match: { secret_name: prod/* }',
      /^route\.routes\.0\.match\.secret_name: is not a known setting$/,
      BOTH,
    ],
    [
      '`match` on the root',
      'route:\n  match: { kind: rotation.failed }',
      /^route\.match: is not a known setting$/,
      BOTH,
    ],
    [
      'a bad regex',
      'route:\n  routes:\n    - match: { secret_regex: "^prod/(pg" }',
      /^route\.routes\.0\.match\.secret_regex: is not a valid regular expression \(/,
      BOTH,
    ],
    [
      'a bad glob',
      'route:\n  routes:\n    - match: { secret: "prod/[ab]" }',
      /^route\.routes\.0\.match\.secret\.0: "prod\/\[ab\]" is not a supported glob/,
      BOTH,
    ],
    [
      'an unknown kind',
      'route:\n  routes:\n    - match: { kind: [rotation.failed, rotation.exploded] }',
      /^route\.routes\.0\.match\.kind\.1: "rotation\.exploded" is not an event kind/,
      BOTH,
    ],
    [
      'an unknown severity',
      'route:\n  routes:\n    - match: { severity: page }',
      /^route\.routes\.0\.match\.severity\.0: "page" is not a severity \(critical, warning, info\)$/,
      BOTH,
    ],
    [
      'an unknown group_by field',
      'route:\n  group_by: [team]',
      /^route\.group_by\.0: "team" cannot be grouped by \(use provider, account/,
      BOTH,
    ],
    ['a bad duration', 'route:\n  group_wait: soon', /^route\.group_wait: "soon" is not a duration/, BOTH],
    [
      'an account too long for a YAML number',
      'route:\n  routes:\n    - match: { account: 99999999999999999 }',
      /is too long to be read as a number: quote it/,
      BOTH,
    ],
    [
      'a DingTalk robot that is not configured',
      'route:\n  routes:\n    - match: { kind: rotation.failed }\n      dingtalk_robots: [ops]',
      /^route\.routes\.0\.dingtalk_robots: DingTalk robot "ops" is not configured: the one robot is named "default"/,
      BOTH,
    ],
    [
      'a DingTalk robot when DingTalk is off',
      'route:\n  dingtalk_robots: [default]',
      /^route\.dingtalk_robots: DingTalk robot "default" is not configured \(DINGTALK_WEBHOOK_URL is unset\)$/,
      SLACK,
    ],
    [
      'Slack channels when Slack is off',
      'route:\n  routes:\n    - match: { kind: rotation.failed }\n      slack_channels: [C1]',
      /^route\.routes\.0\.slack_channels: Slack is not configured \(SLACK_BOT_TOKEN is unset\)$/,
      DINGTALK,
    ],
    [
      'two routes with one name',
      'route:\n  routes:\n    - { name: a, match: { kind: rotation.failed } }\n    - { name: a, match: { kind: rotation.overdue } }',
      /^route\.routes\.1\.name: "a" is already the name of route\.routes\.0$/,
      BOTH,
    ],
    [
      'a route after one with an empty match',
      'route:\n  routes:\n    - { slack_channels: [C1] }\n    - { match: { kind: rotation.failed }, slack_channels: [C2] }',
      /^route\.routes\.1: is unreachable: route\.routes\.0 comes first, matches every event this route matches, and has no "continue: true"$/,
      BOTH,
    ],
    [
      'a route after one with the same match',
      'route:\n  routes:\n    - { name: db, match: { secret: "prod/*" } }\n    - { match: { secret: "prod/*" } }',
      /^route\.routes\.1: is unreachable: route\.routes\.0 \(db\) comes first/,
      BOTH,
    ],
    [
      'a route after a broader one, deep in the tree',
      'route:\n  routes:\n    - match: { provider: aws }\n      routes:\n        - match: { kind: "rotation.*" }\n        - match: { kind: rotation.failed, account: "111122223333" }',
      /^route\.routes\.0\.routes\.1: is unreachable: route\.routes\.0\.routes\.0 comes first/,
      BOTH,
    ],
  ])('refuses %s with one line naming the setting', (_name, yaml, message, env) => {
    const load = withYaml(yaml, env);
    expect(load).toThrow(message);
    try {
      load();
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as { code?: string }).code).toBe('CONFIG.INVALID');
    }
  });

  it.each([
    [
      'a broader route after a narrower one',
      'route:\n  routes:\n    - match: { kind: rotation.failed }\n    - match: { kind: "rotation.*" }',
    ],
    [
      'a covered route after one that continues',
      'route:\n  routes:\n    - { continue: true, slack_channels: [C1] }\n    - match: { kind: rotation.failed }',
    ],
  ])('accepts %s', (_name, yaml) => {
    expect(withYaml(yaml)().route!.routes).toHaveLength(2);
  });
});
