import type { AlertMessage } from '../../../../src/chat/message';
import { actionLinkUrl, createActionLinkToken } from '../../../../src/remediation/action-link';
import type { DingTalkCardLinks } from '../../../../src/chat/dingtalk/render-dingtalk-card';
import { BASE_CASES, NOW, alibaba, aws, message } from '../alert-cases';

export { NOW, alibaba, aws, message, HUGE_MESSAGE, HUGE_NAME } from '../alert-cases';

/** Alert messages the DingTalk renderer tests share (the same situations as the Slack goldens). */

/** Real signed links (fixed key, expiry and nonce, so goldens are stable), as the caller would build them. */
export const LINK_SECRET = 'test-action-link-secret-0123456789';
export function linksFor(msg: AlertMessage): DingTalkCardLinks {
  const links: DingTalkCardLinks = {};
  for (const action of ['retryRotation', 'cancelDeletion', 'mute'] as const)
    links[action] = actionLinkUrl(
      'https://bot.example.com',
      createActionLinkToken(
        { action, ref: msg.ref, expiresAt: NOW + 7 * 86_400_000, nonce: 'n0' },
        LINK_SECRET,
      ),
    );
  return links;
}

export const HOSTILE =
  'team/[click](https://evil.example) ![x](https://evil.example/p.png) <font color=red>x</font> **bold** _it_ `code` \\*esc\\* & <@all>';

/** Every card case: its golden files are __golden__/card-<locale>-<name>.md. */
export const CASES: Record<string, AlertMessage> = {
  ...BASE_CASES,
  'alibaba-chinese-name': message(
    alibaba('rotation.failed', {
      secretName: '订单库_主账号',
      secretId: 'acs:kms:cn-hangzhou:1234567890123456:secret/订单库_主账号',
      actor: '运维-张三',
      failure: { code: 'Rds.RotateFailed', message: '实例 rm-bp1xxxx 未运行。' },
    }),
  ),
  'aws-hostile-text': message(
    aws('deletion.scheduled', {
      secretName: HOSTILE,
      secretId: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${HOSTILE}-AbCdEf`,
      actor: '# heading\n> quote\n- item [x](https://evil.example)',
      sourceEventName: 'DeleteSecret <font>',
      failure: {
        code: '`[c](https://evil.example)`',
        message: 'see ![img](https://evil.example/t.png)\n\n### injected & <b>x</b>',
      },
      deletionDate: '2026-03-08T11:59:00Z',
    }),
  ),
};

/** Follow-up cases: __golden__/followup-<mode>-<locale>-<name>.md. */
export const FOLLOW_UP_CASES: Record<string, AlertMessage> = {
  'aws-rotation-succeeded-resolved': CASES['aws-rotation-succeeded-resolved']!,
  'aws-deletion-cancelled-resolved': CASES['aws-deletion-cancelled-resolved']!,
  'aws-rotation-failed': CASES['aws-rotation-failed']!,
  'alibaba-deletion-scheduled-reminder': CASES['alibaba-deletion-scheduled-reminder']!,
};
