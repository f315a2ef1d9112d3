import { renderSlackNote, remediationLine, slackMrkdwn } from '../../../src/chat/slack/render-slack-remediation';
import { userRef, channelRef } from '../../../src/chat/text';
import type { RemediationStatus } from '../../../src/remediation/actions';

const status = (over: Partial<RemediationStatus> = {}): RemediationStatus => ({
  action: 'retryRotation',
  state: 'failed',
  jobId: 'remediate-rotate-x-1',
  requestedBy: 'U0ALICE',
  requestedAt: '2026-03-01T10:15:00Z',
  updatedAt: '2026-03-01T10:15:05Z',
  forEvent: 'aws:e1',
  error: { code: 'CLOUD.ACCESS_DENIED', cloudCode: 'AccessDeniedException', message: 'not allowed <!channel> & more' },
  ...over,
});

describe('Slack remediation text', () => {
  it('mentions the requester and shows the cloud code and plain words of a failure', () => {
    const line = remediationLine(status());
    expect(line).toContain('<@U0ALICE>');
    expect(line).toContain('failed — AccessDeniedException: not allowed &lt;!channel&gt; &amp; more');
    expect(line).not.toContain('<!channel>');
  });

  it('a hostile secret name cannot broadcast or mention anyone in a thread note', () => {
    const note = renderSlackNote({
      kind: 'remediation',
      status: status({ state: 'succeeded', detail: 'done <@U999> <!here>' }),
      secret: { provider: 'aws', account: '1', region: 'r', name: 'x<!channel>\u0001@U0EVIL\u0001' },
    });
    const all = JSON.stringify(note);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(all).not.toContain('<@U999>');
    expect(all).not.toContain('<@U0EVIL>');
    expect(all).toContain('<@U0ALICE>');
  });

  it('turns only well-formed user and channel ids into mentions', () => {
    expect(slackMrkdwn(`${userRef('U0OK')} ${userRef('not a user>')} ${channelRef('C0OK')}`)).toBe('<@U0OK> @not a user&gt; <#C0OK>');
  });
});
