import {
  renderDingTalkCommandReply,
  renderDingTalkNote,
} from '../../../../src/chat/dingtalk/render-dingtalk-command';
import { bodyBytes, DINGTALK_LIMITS } from '../../../../src/chat/dingtalk/render-dingtalk-card';
import { userRef } from '../../../../src/chat/text';
import type { CommandReply } from '../../../../src/remediation/command-runner';
import { summarize } from '../../../../src/remediation/overview';
import type { Incident } from '../../../../src/alerting/lifecycle';
import { LINK_HOLDER } from '../../../../src/remediation/link-identity';
import { aws, HOSTILE, NOW } from './cases';

const text = (r: CommandReply, locale: 'en' | 'zh-CN' = 'en') =>
  renderDingTalkCommandReply(r, { locale }).markdown.text;

describe('robot command replies', () => {
  it('help names the robot commands; rotate/restore only for operators', () => {
    const op = text({ kind: 'help', operator: true, share: false });
    expect(op).toContain('@secrets-bot status');
    expect(op).toContain('@secrets-bot rotate ＜secret＞');
    const other = text({ kind: 'help', operator: false, share: false });
    expect(other).not.toContain('@secrets-bot rotate');
    expect(other).toMatch(/Operators .* may also rotate and restore/);
    expect(text({ kind: 'help', operator: false, share: false }, 'zh-CN')).toContain(
      '向机器人查询凭据和告警',
    );
  });

  it('a neutral sentence: user markers become @id, Slack syntax becomes the robot mention, markup is inert', () => {
    const t = text({
      kind: 'text',
      share: false,
      text: `Only operators may retry rotations. You are not one; ask ${userRef('manager4711')}. Try /secrets help. ${HOSTILE}`,
    });
    expect(t).toContain('ask @manager4711.');
    expect(t).toContain('Try @secrets-bot help.');
    expect(t).not.toMatch(/\[[^\]]*\]\(/); // no link a hostile text could make
    expect(t).not.toContain('<');
  });

  it('the status overview, in both languages, within DingTalk size limits', () => {
    const incident = (i: number): Incident => ({
      id: `i${i}`,
      key: `k${i}`,
      topic: 'rotation',
      status: 'open',
      openedAt: '2026-03-01T11:58:00Z',
      updatedAt: '2026-03-01T11:58:00Z',
      event: aws('rotation.failed', {
        secretName: `prod/${i}-${HOSTILE}`,
        failure: { code: 'InternalServiceError' },
      }),
      timeline: [],
      sourceIds: [],
    });
    const overview = summarize(
      Array.from({ length: 40 }, (_, i) => incident(i)),
      [],
      NOW,
    );
    for (const locale of ['en', 'zh-CN'] as const) {
      const body = renderDingTalkCommandReply({ kind: 'overview', overview, share: false }, { locale });
      expect(bodyBytes(body)).toBeLessThanOrEqual(DINGTALK_LIMITS.targetBytes);
      expect(body.markdown.text).toContain(
        locale === 'en' ? '**Open alerts:** 40 critical' : '**未解决的告警**：严重 40',
      );
      expect(body.markdown.text).toContain(locale === 'en' ? '…and 25 more' : '另有 25 条');
    }
  });
});

describe('remediation outcome notes', () => {
  const note = (state: 'succeeded' | 'failed') =>
    renderDingTalkNote(
      {
        kind: 'remediation',
        status: {
          action: 'cancelDeletion',
          state,
          jobId: 'remediate-restore-x-1',
          requestedBy: LINK_HOLDER,
          requestedAt: '2026-03-01T12:00:00Z',
          updatedAt: '2026-03-01T12:00:05Z',
          forEvent: 'e1',
          ...(state === 'succeeded'
            ? { detail: 'deletion cancelled' }
            : { error: { code: 'CLOUD.ACCESS_DENIED', message: 'not allowed' } }),
          cloudRequestId: 'req-1',
        },
        secret: { provider: 'aws', account: '111122223333', region: 'eu-west-1', name: 'prod/pg' },
      },
      { locale: 'en' },
    ).markdown.text;
  it('says who asked, what happened and the cloud request id', () => {
    expect(note('succeeded')).toContain(
      'Cancel deletion of prod/pg (AWS 111122223333, eu-west-1), asked by a DingTalk link holder: succeeded — deletion cancelled.',
    );
    expect(note('succeeded')).toContain('cloud request id req-1');
    expect(note('failed')).toContain('failed — CLOUD.ACCESS_DENIED: not allowed');
  });
});
