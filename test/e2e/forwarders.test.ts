/**
 * The compiled forwarders, deployed the way the README says (the handler file and relay.js alone in
 * a directory, as in the zip), invoked in this process with the payloads their clouds hand them,
 * relaying to the real bot process, which posts to a fake Slack.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as AlibabaFc from '../../handlers/forwarders/alibaba-fc';
import type * as AwsLambda from '../../handlers/forwarders/aws-lambda';
import type { SnsMessage } from '../../src/events/sns/sns-message';
import { FakeSlack, type FakeSlackMessage } from '../fakes/fake-slack';
import { FakeSns } from '../fakes/fake-sns';
import { loadFixture, loadFixtureText } from '../fixtures';
import {
  cleanupPrefix,
  INGEST_TOKEN,
  ROOT,
  rotationFailedEvent,
  slackBotEnv,
  startBotProcess,
  uniquePrefix,
  withFreshId,
  type BotProcess,
} from './harness';

jest.setTimeout(60_000);

const CHANNEL = 'CFORWARD';
const COMPILED = join(ROOT, 'dist', 'handlers', 'forwarders');

/** Copies the files a deployment zip holds into an empty directory and loads the handler from there. */
function loadDeployed<T>(dir: string, handlerFile: string): T {
  for (const file of [handlerFile, 'relay.js']) copyFileSync(join(COMPILED, file), join(dir, file));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(dir, handlerFile)) as T;
}

const visibleText = (m: FakeSlackMessage) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const base64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

/** Lambda's SNS event: the signed message in Lambda's own spelling (SigningCertUrl, Subject null). */
function lambdaSnsEvent(message: SnsMessage): Record<string, unknown> {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${message.TopicArn}:3f2b1c0d-0000-4000-8000-000000000001`,
        Sns: {
          Type: message.Type,
          MessageId: message.MessageId,
          TopicArn: message.TopicArn,
          Subject: message.Subject ?? null,
          Message: message.Message,
          Timestamp: message.Timestamp,
          SignatureVersion: message.SignatureVersion,
          Signature: message.Signature,
          SigningCertUrl: message.SigningCertURL,
          UnsubscribeUrl: message.UnsubscribeURL,
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** FC's MNS queue trigger event around one message body. */
function mnsQueueEvent(messageBody: string): Record<string, unknown> {
  return {
    id: randomBytes(8).toString('hex'),
    source: 'MNS-Function-secrets-bot',
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    datacontenttype: 'application/json; charset=utf-8',
    subject: 'acs:mns:cn-hangzhou:1234567890123456:queues/secrets-bot',
    time: new Date().toISOString(),
    aliyunaccountid: '1234567890123456',
    data: {
      requestId: randomBytes(12).toString('hex'),
      messageId: randomBytes(16).toString('hex'),
      messageBody,
    },
  };
}

/** An Alibaba CloudEvent fixture for a secret of its own, with a fresh id. */
function alibabaCloudEvent(fixture: string, secret: string): Record<string, unknown> {
  return withFreshId(
    JSON.parse(loadFixtureText(`alibaba/${fixture}.json`).replace(/prod-rds-app/g, secret)) as Record<
      string,
      unknown
    >,
  );
}

describe('forwarders relay cloud events to the bot (compiled handlers, real bot, fake Slack)', () => {
  const prefix = uniquePrefix();
  const savedEnv = { BOT_URL: process.env.BOT_URL, INGEST_TOKEN: process.env.INGEST_TOKEN };
  const deployDir = mkdtempSync(join(tmpdir(), 'forwarder-zip-'));
  let slack: FakeSlack;
  let sns: FakeSns;
  let bot: BotProcess;
  let lambda: typeof AwsLambda;
  let fc: typeof AlibabaFc;
  /** What the forwarders logged (Lambda and FC keep stdout): checked for the token. */
  const logged: string[] = [];

  beforeAll(async () => {
    jest
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    slack = await new FakeSlack().start();
    sns = await FakeSns.start({});
    bot = await startBotProcess(
      slackBotEnv(slack, prefix, CHANNEL, {
        SNS_TRUSTED_URL_PATTERN: sns.trustedUrlPattern,
        NODE_EXTRA_CA_CERTS: sns.caPath,
      }),
    );
    lambda = loadDeployed<typeof AwsLambda>(deployDir, 'aws-lambda.js');
    fc = loadDeployed<typeof AlibabaFc>(deployDir, 'alibaba-fc.js');
    process.env.BOT_URL = bot.url;
    process.env.INGEST_TOKEN = INGEST_TOKEN;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await bot?.stop();
    await slack?.close();
    await sns?.close();
    await cleanupPrefix(prefix);
    rmSync(deployDir, { recursive: true, force: true });
  });

  const alertsFor = (secret: string) => slack.alerts(CHANNEL).filter((m) => visibleText(m).includes(secret));
  const waitForAlert = (secret: string) =>
    slack.waitFor(() => alertsFor(secret)[0], 10_000, `an alert about ${secret}`);
  const lambdaContext = { getRemainingTimeInMillis: () => 30_000 };

  it('Lambda as an EventBridge target: one alert, and a retried invocation adds none', async () => {
    const secret = uniqueName('fwd/eventbridge');
    const event = rotationFailedEvent(secret);

    const first = await lambda.handler(event, lambdaContext);
    expect(first.delivered.map((d) => d.outcome)).toEqual(['accepted']);
    const alert = await waitForAlert(secret);
    expect(visibleText(alert)).toMatch(/Rotation failed/);

    const retried = await lambda.handler(event, lambdaContext);
    expect(retried.delivered.map((d) => d.outcome)).toEqual(['duplicate']);
    expect(alertsFor(secret)).toHaveLength(1);
  });

  it('Lambda subscribed to SNS: the signed EventBridge event inside raises one alert', async () => {
    const secret = uniqueName('fwd/sns');
    const message = sns.notification(rotationFailedEvent(secret), { version: '2' });

    const result = await lambda.handler(lambdaSnsEvent(message), lambdaContext);
    expect(result.delivered.map((d) => d.outcome)).toEqual(['accepted']);
    await waitForAlert(secret);
    expect(alertsFor(secret)).toHaveLength(1);
  });

  it('Lambda subscribed to SNS: a CloudWatch alarm on reads of a deleted secret raises one alert', async () => {
    const secret = uniqueName('fwd/alarm');
    const alarm = loadFixture('aws/cloudwatch-alarm-deleted-secret-access.json') as {
      Trigger: Record<string, unknown>;
    };
    alarm.Trigger.Dimensions = [
      { name: 'SecretId', value: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${secret}-AbC123` },
    ];

    const result = await lambda.handler(
      lambdaSnsEvent(sns.notification(alarm, { version: '1' })),
      lambdaContext,
    );
    expect(result.delivered.map((d) => d.outcome)).toEqual(['accepted']);
    await waitForAlert(secret);
    expect(alertsFor(secret)).toHaveLength(1);
  });

  it('Function Compute: a CloudMonitor event (a Buffer, as FC passes it) raises one alert', async () => {
    const secret = uniqueName('fwd-cloudmonitor');
    const text = loadFixtureText('alibaba/cloudmonitor-rotate-failure.json')
      .replace(/"SecretName"/g, `"${secret}"`)
      .replace(/secret\/secretName/g, `secret/${secret}`);
    const event = withFreshId(JSON.parse(text) as Record<string, unknown>);

    const result = await fc.handler(Buffer.from(JSON.stringify(event)), {
      requestId: 'fc-1',
      function: { timeout: 30 },
    });
    expect(result.delivered.map((d) => d.outcome)).toEqual(['accepted']);
    await waitForAlert(secret);
    expect(alertsFor(secret)).toHaveLength(1);
  });

  it('Function Compute: a batch of MNS queue messages (base64 CloudEvents) raises one alert per event', async () => {
    const deleted = uniqueName('fwd-mns-delete');
    const rotated = uniqueName('fwd-mns-rotate');
    const batch = [
      mnsQueueEvent(base64(alibabaCloudEvent('cloudevent-actiontrail-delete-secret', deleted))),
      mnsQueueEvent(base64(alibabaCloudEvent('cloudevent-rotate-failure', rotated))),
    ];

    const result = await fc.handler(Buffer.from(JSON.stringify(batch)), { function: { timeout: 30 } });
    expect(result.delivered.map((d) => d.outcome)).toEqual(['accepted', 'accepted']);
    expect(visibleText(await waitForAlert(deleted))).toMatch(/Deletion scheduled/i);
    await waitForAlert(rotated);
    expect([alertsFor(deleted).length, alertsFor(rotated).length]).toEqual([1, 1]);
  });

  it('Function Compute: an MNS topic notification (JSON format) carrying an EventBridge CloudEvent raises one alert', async () => {
    const secret = uniqueName('fwd-mns-topic');
    const notification = {
      TopicOwner: '1234567890123456',
      TopicName: 'kms-events',
      Subscriber: '1234567890123456',
      SubscriptionName: 'secrets-bot',
      MessageId: randomBytes(16).toString('hex'),
      Message: JSON.stringify(alibabaCloudEvent('cloudevent-actiontrail-restore-secret', secret)),
      MessageMD5: 'BA4BA9B48AC81F0F9C66F6C909C30000',
      PublishTime: Date.now(),
    };

    const result = await fc.handler(Buffer.from(JSON.stringify(notification)));
    expect(result.delivered.map((d) => d.outcome)).toEqual(['accepted']);
    await waitForAlert(secret);
    expect(alertsFor(secret)).toHaveLength(1);
  });

  it('a wrong token fails the invocation at once (no retry), without repeating the token, and raises nothing', async () => {
    const secret = uniqueName('fwd/wrong-token');
    const wrongToken = `wrong-${randomBytes(12).toString('hex')}`;
    process.env.INGEST_TOKEN = wrongToken;
    try {
      const error = await lambda.handler(rotationFailedEvent(secret), lambdaContext).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'RelayError',
        code: 'FORWARD.REJECTED',
        retryable: false,
        status: 403,
      });
      expect(`${(error as Error).message}\n${(error as Error).stack}\n${logged.join('\n')}`).not.toContain(
        wrongToken,
      );
    } finally {
      process.env.INGEST_TOKEN = INGEST_TOKEN;
    }
    // A correctly authenticated event sent afterwards arrives; the refused one never did.
    const later = uniqueName('fwd/after-refusal');
    await lambda.handler(rotationFailedEvent(later), lambdaContext);
    await waitForAlert(later);
    expect(alertsFor(secret)).toHaveLength(0);
  });

  it('logs one line per relayed event and never the ingest token', () => {
    expect(logged.filter((l) => l.includes('"msg":"event relayed"')).length).toBeGreaterThanOrEqual(8);
    expect(logged.join('\n')).not.toContain(INGEST_TOKEN);
  });
});
