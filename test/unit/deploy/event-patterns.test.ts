/**
 * The event wiring in deploy/ and the normalizers in src/events must agree exactly: an event the
 * bot turns into an alert must match a rule (or the user never sees it), and an event the bot
 * ignores for its kind must not (or the user pays for deliveries and noise). The lists of kinds are
 * read from the normalizers' own tables, so adding a kind there without adding it to a pattern
 * fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ACTION_TRAIL_TYPES,
  API_CALL_KINDS as ALIBABA_API_CALL_KINDS,
} from '../../../src/events/normalize-alibaba-cloudevent';
import { KMS_EVENT_KINDS } from '../../../src/events/normalize-alibaba-cloudmonitor';
import { normalizeAlibabaEvent } from '../../../src/events/normalize-alibaba-event';
import {
  API_CALL_KINDS as AWS_API_CALL_KINDS,
  normalizeAwsEvent,
  SERVICE_EVENT_KINDS,
} from '../../../src/events/normalize-aws-event';
import { loadFixture } from '../../fixtures';
import { matchesEventPattern, type EventPattern } from './event-pattern-matcher';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const RECEIVED_AT = '2026-03-01T10:00:00.000Z';

type Json = Record<string, unknown>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const fixtureFiles = (dir: string) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${dir}/${f}`);

/** Every eventName / type value a pattern names, wherever it sits. */
function valuesOf(patterns: EventPattern[], field: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === field && Array.isArray(v)) found.push(...v.filter((x): x is string => typeof x === 'string'));
      else walk(v);
    }
  };
  patterns.forEach(walk);
  return found;
}

// ---------------------------------------------------------------- AWS (CloudFormation)

interface CfnRule {
  name: string;
  state: string;
  pattern: EventPattern;
  targets: Json[];
}

const template = parse(readFileSync(join(ROOT, 'deploy', 'aws', 'eventbridge.yml'), 'utf8')) as {
  Parameters: Json;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Json }>;
};
const awsRules: CfnRule[] = Object.entries(template.Resources)
  .filter(([, r]) => r.Type === 'AWS::Events::Rule')
  .map(([name, r]) => ({
    name,
    state: r.Properties.State as string,
    pattern: r.Properties.EventPattern as EventPattern,
    targets: r.Properties.Targets as Json[],
  }));
const awsPatterns = awsRules.map((r) => r.pattern);

/** The rules an EventBridge event would match (their names, for readable failures). */
const awsRulesMatching = (event: unknown) =>
  awsRules.filter((r) => matchesEventPattern(r.pattern, event)).map((r) => r.name);
const awsBotActsOn = (event: unknown) => normalizeAwsEvent(event, RECEIVED_AT).outcome === 'event';

const PENDING_DELETION_MESSAGE =
  "You can't perform this operation on the secret because it was marked for deletion.";
const CLOUDTRAIL_DETAIL_TYPES = ['AWS Service Event via CloudTrail', 'AWS API Call via CloudTrail'];

describe('deploy/aws/eventbridge.yml', () => {
  it('defines the rules, each with a pattern on Secrets Manager events and a dead-letter queue on every target', () => {
    expect(awsRules.map((r) => r.name).sort()).toEqual([
      'ApiCallsRule',
      'LabelUpdatedRule',
      'ReadsOfDeletedSecretsRule',
      'ServiceEventsRule',
    ]);
    for (const rule of awsRules) {
      expect(rule.pattern.source).toEqual(['aws.secretsmanager']);
      expect(JSON.stringify(rule.pattern).length).toBeLessThanOrEqual(2048); // EventBridge's default pattern size limit
      for (const target of rule.targets) {
        const branches = (target['Fn::If'] as unknown[]).slice(1) as Json[];
        for (const branch of branches)
          expect(branch.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
      }
    }
  });

  it('lets the GetSecretValue rule see read-only management events, and only that rule', () => {
    const states = Object.fromEntries(awsRules.map((r) => [r.name, r.state]));
    expect(states).toEqual({
      ServiceEventsRule: 'ENABLED',
      ApiCallsRule: 'ENABLED',
      LabelUpdatedRule: 'ENABLED',
      ReadsOfDeletedSecretsRule: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    });
  });

  it('authenticates the API destination with the ingest token the bot expects, kept out of stack output', () => {
    const { Connection, ApiDestination } = template.Resources;
    expect(Connection!.Properties).toMatchObject({
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'Authorization',
          ApiKeyValue: { 'Fn::Sub': 'Bearer ${IngestToken}' },
        },
      },
    });
    expect(template.Parameters.IngestToken).toMatchObject({ NoEcho: true });
    expect(ApiDestination!.Properties).toMatchObject({
      HttpMethod: 'POST',
      InvocationEndpoint: { 'Fn::Sub': '${BotUrl}/events/aws' },
    });
  });

  it.each(fixtureFiles('aws').filter((f) => 'detail-type' in (loadFixture(f) as Json)))(
    '%s: matched by a rule exactly when the bot acts on it',
    (file) => {
      const event = loadFixture(file);
      expect({ file, matchedBy: awsRulesMatching(event).length > 0 }).toEqual({
        file,
        matchedBy: awsBotActsOn(event),
      });
    },
  );

  it('agrees with normalizeAwsEvent on every combination of source, detail-type, eventName and error', () => {
    const base = loadFixture('aws/rotation-failed.json') as Json;
    const labelBase = loadFixture('aws/secret-label-updated.json') as Json;
    const eventNames = new Set([
      ...SERVICE_EVENT_KINDS.keys(),
      ...AWS_API_CALL_KINDS.keys(),
      ...valuesOf(awsPatterns, 'eventName'),
      'GetSecretValue',
      'CreateSecret',
      'PutSecretValue',
      'UpdateSecretVersionStage',
      'ReplicationStarted',
    ]);
    const errors: Array<Json | undefined> = [
      undefined,
      { errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform this operation' },
      { errorCode: 'InvalidRequestException', errorMessage: PENDING_DELETION_MESSAGE },
      {
        errorCode: 'InvalidRequestException',
        errorMessage: 'You provided a parameter value that is not valid',
      },
    ];
    const mismatches: string[] = [];
    const check = (event: Json, label: string) => {
      const acts = awsBotActsOn(event);
      const rules = awsRulesMatching(event);
      if (acts !== rules.length > 0)
        mismatches.push(
          `${label}: bot ${acts ? 'acts' : 'does not act'}, rules matched: [${rules.join(', ')}]`,
        );
    };
    let cases = 0;
    for (const source of ['aws.secretsmanager', 'aws.kms']) {
      for (const detailType of [...CLOUDTRAIL_DETAIL_TYPES, 'AWS Console Sign In via CloudTrail']) {
        for (const eventName of eventNames) {
          for (const error of errors) {
            const event = clone(base);
            const detail = event.detail as Json;
            Object.assign(event, { source, 'detail-type': detailType });
            delete detail.errorCode;
            delete detail.errorMessage;
            Object.assign(detail, { eventName, ...error });
            check(
              event,
              `${source} / ${detailType} / ${eventName} / ${error?.errorCode ?? 'no error'}: ${String(error?.errorMessage ?? '')}`,
            );
            cases++;
          }
        }
      }
      for (const label of ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING', 'blue']) {
        const event = clone(labelBase);
        Object.assign(event, { source });
        (event.detail as Json).labelUpdated = label;
        check(event, `${source} / Secret Label Updated / ${label}`);
        cases++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBeGreaterThan(200);
  });

  it('names in its patterns only kinds the bot acts on, and every kind the bot acts on', () => {
    const inPatterns = new Set(valuesOf(awsPatterns, 'eventName'));
    const actedOn = new Set([...SERVICE_EVENT_KINDS.keys(), ...AWS_API_CALL_KINDS.keys(), 'GetSecretValue']);
    expect([...inPatterns].sort()).toEqual([...actedOn].sort());
  });
});

// ---------------------------------------------------------------- Alibaba (Terraform)

const ALIBABA_DIR = join(ROOT, 'deploy', 'alibaba');
const mainTf = readFileSync(join(ALIBABA_DIR, 'main.tf'), 'utf8');
/** The rules main.tf creates: the keys of local.rules, whose filter pattern is patterns/<key>.json. */
const alibabaRuleKeys = [...mainTf.matchAll(/"(kms-[a-z-]+)"\s*=\s*"/g)].map((m) => m[1]!);
const alibabaPatterns = alibabaRuleKeys.map((key) => ({
  key,
  pattern: JSON.parse(readFileSync(join(ALIBABA_DIR, 'patterns', `${key}.json`), 'utf8')) as EventPattern,
}));
const alibabaRulesMatching = (event: unknown) =>
  alibabaPatterns.filter((p) => matchesEventPattern(p.pattern, event)).map((p) => p.key);
const alibabaBotActsOn = (event: unknown) => normalizeAlibabaEvent(event, RECEIVED_AT).outcome === 'event';

/** `Secret:RotateSecret:Failure` -> `kms:CloudMonitor:Secret[RotateSecret:Failure]` (wire-formats §5.3). */
const cloudMonitorType = (name: string) => {
  const [resource, ...rest] = name.split(':');
  return `kms:CloudMonitor:${resource}[${rest.join(':')}]`;
};

describe('deploy/alibaba (Terraform)', () => {
  it('reads each EventBridge rule pattern from a JSON file and posts to the bot with the token', () => {
    expect(alibabaRuleKeys.sort()).toEqual(['kms-actiontrail', 'kms-cloudmonitor']);
    expect(mainTf).toContain('filter_pattern = file("${path.module}/patterns/${each.key}.json")');
    expect(mainTf).toMatch(
      /bot_endpoint\s*=\s*"\$\{var\.bot_url\}\/events\/alibaba\?token=\$\{urlencode\(var\.ingest_token\)\}"/,
    );
    expect(readFileSync(join(ALIBABA_DIR, 'variables.tf'), 'utf8')).toMatch(
      /variable "ingest_token" \{[^}]*sensitive\s*=\s*true/s,
    );
  });

  it('subscribes the CloudMonitor webhook to exactly the event names the bot acts on', () => {
    expect(mainTf).toContain(
      'name_list       = jsondecode(file("${path.module}/patterns/cloudmonitor-event-names.json"))',
    );
    const names = JSON.parse(
      readFileSync(join(ALIBABA_DIR, 'patterns', 'cloudmonitor-event-names.json'), 'utf8'),
    ) as string[];
    expect([...names].sort()).toEqual([...KMS_EVENT_KINDS.keys()].sort());
  });

  it.each(fixtureFiles('alibaba').filter((f) => 'specversion' in (loadFixture(f) as Json)))(
    '%s: matched by a rule exactly when the bot acts on it',
    (file) => {
      const event = loadFixture(file);
      expect({ file, matchedBy: alibabaRulesMatching(event).length > 0 }).toEqual({
        file,
        matchedBy: alibabaBotActsOn(event),
      });
    },
  );

  it('agrees with normalizeAlibabaEvent on every combination of type, eventName, CloudMonitor name and error', () => {
    const cloudMonitorBase = loadFixture('alibaba/cloudevent-rotate-failure.json') as Json;
    const actionTrailBase = loadFixture('alibaba/cloudevent-actiontrail-rotate-secret.json') as Json;
    const patterns = alibabaPatterns.map((p) => p.pattern);
    const cloudMonitorNames = new Set([
      ...KMS_EVENT_KINDS.keys(),
      'Secret:DeleteSecret:Success',
      'Key:RotateKey:Failure',
      'Instance:Expire:Warn',
    ]);
    const types = new Set([
      ...ACTION_TRAIL_TYPES,
      ...[...cloudMonitorNames].map(cloudMonitorType),
      ...valuesOf(patterns, 'type'),
      'kms:ActionTrail:AliyunServiceEvent',
      'kms:Config:ConfigurationItemChangeNotification',
      'ecs:ActionTrail:ApiCall',
    ]);
    const eventNames = new Set([
      ...ALIBABA_API_CALL_KINDS.keys(),
      ...valuesOf(patterns, 'eventName'),
      'CreateSecret',
      'GetSecretValue',
      'PutSecretValue',
    ]);
    const mismatches: string[] = [];
    const check = (event: Json, label: string) => {
      const acts = alibabaBotActsOn(event);
      const rules = alibabaRulesMatching(event);
      if (acts !== rules.length > 0)
        mismatches.push(
          `${label}: bot ${acts ? 'acts' : 'does not act'}, rules matched: [${rules.join(', ')}]`,
        );
    };
    let cases = 0;
    for (const source of ['acs.kms', 'acs.ecs']) {
      for (const type of types) {
        const cloudMonitor = /^kms:CloudMonitor:([A-Za-z]+)\[([A-Za-z:]+)\]$/.exec(type);
        if (cloudMonitor) {
          const event = clone(cloudMonitorBase);
          Object.assign(event, { source, type });
          (event.data as Json).name = `${cloudMonitor[1]}:${cloudMonitor[2]}`;
          check(event, `${source} / ${type}`);
          cases++;
          continue;
        }
        for (const eventName of eventNames) {
          for (const errorCode of [undefined, 'Forbidden.ResourceNotFound']) {
            const event = clone(actionTrailBase);
            Object.assign(event, { source, type });
            const data = event.data as Json;
            delete data.errorCode;
            Object.assign(
              data,
              { eventName },
              errorCode ? { errorCode, errorMessage: 'The resource does not exist' } : {},
            );
            check(event, `${source} / ${type} / ${eventName} / ${errorCode ?? 'no error'}`);
            cases++;
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBeGreaterThan(100);
  });
});

// ---------------------------------------------------------------- the matcher itself

describe('matchesEventPattern (the test matcher)', () => {
  const pattern = {
    source: ['aws.secretsmanager'],
    detail: {
      eventName: ['DeleteSecret'],
      errorCode: [{ exists: false }],
      errorMessage: [{ wildcard: '*marked*' }],
      region: [{ prefix: 'eu-' }],
      tag: [{ 'anything-but': ['x', 'y'] }],
    },
  };
  const event = {
    source: 'aws.secretsmanager',
    detail: {
      eventName: 'DeleteSecret',
      errorMessage: 'it was marked for deletion',
      region: 'eu-west-1',
      tag: ['z'],
    },
  };

  it('matches an event that meets every condition', () => {
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it.each([
    ['another source', { ...event, source: 'aws.kms' }],
    [
      'a field the pattern requires absent',
      { ...event, detail: { ...event.detail, errorCode: 'AccessDenied' } },
    ],
    ['a required field missing', { ...event, detail: { ...event.detail, eventName: undefined } }],
    ['no wildcard match', { ...event, detail: { ...event.detail, errorMessage: 'something else' } }],
    ['no prefix match', { ...event, detail: { ...event.detail, region: 'us-east-1' } }],
    ['an excluded value', { ...event, detail: { ...event.detail, tag: 'x' } }],
  ])('rejects %s', (_label, other) => {
    expect(matchesEventPattern(pattern, JSON.parse(JSON.stringify(other)))).toBe(false);
  });

  it('honours $or and refuses operators it does not implement', () => {
    const or = { $or: [{ a: ['1'] }, { b: ['2'] }] };
    expect(matchesEventPattern(or, { b: '2' })).toBe(true);
    expect(matchesEventPattern(or, { a: '2' })).toBe(false);
    expect(() => matchesEventPattern({ a: [{ numeric: ['>', 0] }] }, { a: 1 })).toThrow(/not supported/);
  });
});
