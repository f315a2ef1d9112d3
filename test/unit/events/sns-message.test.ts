import { isSnsEnvelope, parseSnsEnvelope, SnsMessage } from '../../../src/events/sns/sns-message';
import { DEFAULT_SNS_TRUSTED_URL_PATTERN, snsStringToSign } from '../../../src/events/sns/sns-verifier';

const notification = {
  Type: 'Notification',
  MessageId: '8a6c1f0e-2b7d-5c4e-9f3a-0d1e2f3a4b5c',
  TopicArn: 'arn:aws:sns:eu-west-1:111122223333:secrets-alerts',
  Subject: 'ALARM: "AttemptsToAccessDeletedSecretsAlarm" in EU (Ireland)',
  Message: '{"AlarmName":"AttemptsToAccessDeletedSecretsAlarm"}',
  Timestamp: '2026-03-01T10:15:31.123Z',
  SignatureVersion: '2',
  Signature: 'c2ln',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
  UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x',
};

const confirmation = (type: string) => ({
  Type: type,
  MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
  Token:
    '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
  TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
  Message:
    'You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message.',
  SubscribeURL:
    'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336',
  Timestamp: '2012-04-26T20:45:04.751Z',
  SignatureVersion: '1',
  Signature: 'c2ln',
  SigningCertURL:
    'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
});

describe('parseSnsEnvelope', () => {
  it('accepts each of the three SNS message types, as an object or as the text/plain JSON body', () => {
    expect(parseSnsEnvelope(notification)).toEqual(notification);
    expect(parseSnsEnvelope(JSON.stringify(notification))).toEqual(notification);
    expect(parseSnsEnvelope(confirmation('SubscriptionConfirmation'))).toEqual(
      confirmation('SubscriptionConfirmation'),
    );
    expect(parseSnsEnvelope(confirmation('UnsubscribeConfirmation'))).toEqual(
      confirmation('UnsubscribeConfirmation'),
    );
  });

  it('renames the Lambda-style key spellings', () => {
    const { SigningCertURL, UnsubscribeURL, ...rest } = notification;
    const parsed = parseSnsEnvelope({
      ...rest,
      SigningCertUrl: SigningCertURL,
      UnsubscribeUrl: UnsubscribeURL,
      MessageAttributes: {},
    });
    expect(parsed).toEqual(notification);
    const { SubscribeURL, ...c } = confirmation('SubscriptionConfirmation');
    expect(parseSnsEnvelope({ ...c, SubscribeUrl: SubscribeURL })?.SubscribeURL).toBe(SubscribeURL);
  });

  it('treats a null Subject (Lambda spelling of "none") as absent', () => {
    const parsed = parseSnsEnvelope({ ...notification, Subject: null });
    expect(parsed).toBeDefined();
    expect(parsed).not.toHaveProperty('Subject');
  });

  it.each([
    [
      'an EventBridge event',
      {
        version: '0',
        id: 'x',
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.secretsmanager',
        detail: {},
      },
    ],
    ['an unknown Type', { ...notification, Type: 'Publish' }],
    ['a missing Signature', { ...notification, Signature: undefined }],
    ['a missing SigningCertURL', { ...notification, SigningCertURL: undefined }],
    ['a numeric Message', { ...notification, Message: 42 }],
    ['a non-string Subject', { ...notification, Subject: ['x'] }],
    ['an array', [notification]],
    ['malformed JSON text', '{"Type":"Notification"'],
    ['null', null],
  ])('rejects %s', (_name, body) => {
    expect(parseSnsEnvelope(body)).toBeUndefined();
    expect(isSnsEnvelope(body)).toBe(false);
  });
});

describe('snsStringToSign', () => {
  it('signs Notification fields with Subject when present', () => {
    expect(snsStringToSign(notification as SnsMessage)).toBe(
      'Message\n{"AlarmName":"AttemptsToAccessDeletedSecretsAlarm"}\n' +
        'MessageId\n8a6c1f0e-2b7d-5c4e-9f3a-0d1e2f3a4b5c\n' +
        'Subject\nALARM: "AttemptsToAccessDeletedSecretsAlarm" in EU (Ireland)\n' +
        'Timestamp\n2026-03-01T10:15:31.123Z\n' +
        'TopicArn\narn:aws:sns:eu-west-1:111122223333:secrets-alerts\n' +
        'Type\nNotification\n',
    );
  });

  it('leaves Subject out of a Notification without one', () => {
    const { Subject: _s, ...noSubject } = notification;
    expect(snsStringToSign(noSubject as SnsMessage)).not.toContain('Subject');
  });

  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'])(
    'signs SubscribeURL and Token for %s',
    (type) => {
      const m = confirmation(type) as SnsMessage;
      expect(snsStringToSign(m)).toBe(
        `Message\n${m.Message}\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\n` +
          `Timestamp\n${m.Timestamp}\nToken\n${m.Token}\nTopicArn\n${m.TopicArn}\nType\n${type}\n`,
      );
    },
  );

  it('refuses a confirmation without Token as a bad signature', () => {
    const { Token: _t, ...m } = confirmation('UnsubscribeConfirmation');
    expect(() => snsStringToSign(m as SnsMessage)).toThrow(
      expect.objectContaining({ code: 'INGEST.BAD_SIGNATURE' }),
    );
  });
});

describe('DEFAULT_SNS_TRUSTED_URL_PATTERN', () => {
  const re = new RegExp(DEFAULT_SNS_TRUSTED_URL_PATTERN);
  it.each([
    ['https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem', true],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0123.pem', true],
    ['https://sns.eu-west-1.amazonaws.com.evil.example/x.pem', false],
    ['https://evil.example/sns.eu-west-1.amazonaws.com/x.pem', false],
    ['http://sns.eu-west-1.amazonaws.com/x.pem', false],
    ['https://sns.eu-west-1.amazonaws.com:8443/x.pem', false],
  ])('%s -> %s', (url, trusted) => {
    expect(re.test(url)).toBe(trusted);
  });
});
