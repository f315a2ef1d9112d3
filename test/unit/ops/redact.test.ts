import { redactText } from '../../../src/ops/redact';

describe('redactText', () => {
  it.each([
    ['a Slack bot token', 'failed with xoxb-1234567890-abcdefghij', 'xoxb-'],
    ['a DingTalk webhook URL', 'POST https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef failed', '0123456789abcdef'],
    ['a bearer header', 'Authorization: Bearer s3cr3t-ingest-token', 's3cr3t-ingest-token'],
    ['a signed query', 'GET /x?timestamp=1&sign=abcDEF%2B123', 'abcDEF'],
    ['an AWS access key id', 'credentials AKIAIOSFODNN7EXAMPLE rejected', 'AKIAIOSFODNN7EXAMPLE'],
  ])('removes %s', (_what, text, leaked) => {
    expect(redactText(text)).not.toContain(leaked);
    expect(redactText(text)).toContain('[redacted]');
  });

  it('removes configured secrets verbatim wherever they appear', () => {
    expect(redactText('the secret is hunter2-long-value!', ['hunter2-long-value'])).toBe('the secret is [redacted]!');
  });

  it('leaves ordinary text alone', () => {
    expect(redactText('Rotation failed for prod/pg in 111122223333')).toBe('Rotation failed for prod/pg in 111122223333');
  });
});
