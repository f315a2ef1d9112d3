/**
 * What each forwarder posts for the invocation payloads its cloud hands it (pure unwrapping; the
 * end-to-end test posts the results to the real bot).
 */
import { eventsFromInvocation } from '../../../handlers/forwarders/alibaba-fc';
import { eventsToRelay } from '../../../handlers/forwarders/aws-lambda';
import { loadFixture } from '../../fixtures';

const cloudMonitor = loadFixture('alibaba/cloudmonitor-rotate-failure.json') as Record<string, unknown>;
const cloudEvent = loadFixture('alibaba/cloudevent-actiontrail-delete-secret.json') as Record<
  string,
  unknown
>;
const base64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

/** FC's MNS queue trigger event (CloudEvents, wire shape from the Function Compute trigger docs). */
function mnsQueueEvent(messageBody: string): Record<string, unknown> {
  return {
    id: 'c2g71017-6f65-fhcf-a814-a396fc8d0001',
    source: 'MNS-Function-mnstrigger',
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    datacontenttype: 'application/json; charset=utf-8',
    subject: 'acs:mns:cn-hangzhou:1234567890123456:queues/secrets-bot',
    time: '2026-03-01T02:15:31.093Z',
    aliyunaccountid: '1234567890123456',
    data: {
      requestId: '606EA3074344430D4C810001',
      messageId: 'C6DB60D1574661357FA2272774450001',
      messageBody,
    },
  };
}

describe('aws-lambda eventsToRelay', () => {
  it('posts an EventBridge event as it came', () => {
    const event = loadFixture('aws/rotation-failed.json');
    expect(eventsToRelay(event)).toEqual([event]);
  });

  it('posts each SNS record’s message, in Lambda’s own spelling, for the bot to verify', () => {
    const sns = {
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t',
      Subject: null,
      Message: '{}',
      Timestamp: '2026-03-01T10:15:31.123Z',
      SignatureVersion: '2',
      Signature: 'c2ln',
      SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/x.pem',
      UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
      MessageAttributes: {},
    };
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:t:sub',
          Sns: sns,
        },
      ],
    };
    expect(eventsToRelay(event)).toEqual([sns]);
  });
});

describe('alibaba-fc eventsFromInvocation', () => {
  it.each([
    [
      'a CloudMonitor event as FC passes it (a Buffer)',
      Buffer.from(JSON.stringify(cloudMonitor)),
      [cloudMonitor],
    ],
    ['an EventBridge CloudEvent as a string', JSON.stringify(cloudEvent), [cloudEvent]],
    [
      'a batch of CloudEvents',
      Buffer.from(JSON.stringify([cloudEvent, cloudEvent])),
      [cloudEvent, cloudEvent],
    ],
    [
      'an MNS queue message holding a CloudMonitor event',
      Buffer.from(JSON.stringify(mnsQueueEvent(JSON.stringify(cloudMonitor)))),
      [cloudMonitor],
    ],
    [
      'a batch of MNS queue messages in base64',
      Buffer.from(JSON.stringify([mnsQueueEvent(base64(cloudEvent)), mnsQueueEvent(base64(cloudMonitor))])),
      [cloudEvent, cloudMonitor],
    ],
    [
      'an MNS topic notification (JSON format)',
      Buffer.from(
        JSON.stringify({
          TopicOwner: '1234567890123456',
          Message: base64(cloudEvent),
          Subscriber: '1234567890123456',
          PublishTime: 1772331331000,
          SubscriptionName: 'secrets-bot',
          MessageMD5: 'BA4B',
          TopicName: 'kms-events',
          MessageId: '2F5B3C08',
        }),
      ),
      [cloudEvent],
    ],
    ['an MNS topic message (STREAM format) in base64', Buffer.from(base64(cloudMonitor)), [cloudMonitor]],
    [
      'an MNS topic message with attributes (STREAM format)',
      Buffer.from(JSON.stringify({ body: JSON.stringify(cloudMonitor), attrs: { Extend: '{"k":"v"}' } })),
      [cloudMonitor],
    ],
  ])('unwraps %s', (_label, input, expected) => {
    expect(eventsFromInvocation(input)).toEqual(expected);
  });

  it.each([
    ['plain text', Buffer.from('TEST')],
    ['an MNS message whose body is not JSON', Buffer.from(JSON.stringify(mnsQueueEvent('TEST')))],
    ['a number', Buffer.from('42')],
  ])('refuses %s as permanent bad input instead of dropping it', (_label, input) => {
    expect(() => eventsFromInvocation(input)).toThrow(
      expect.objectContaining({ code: 'FORWARD.BAD_INPUT', retryable: false }),
    );
  });
});
