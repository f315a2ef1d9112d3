import type { Provider } from '../../events/secret-event';
import { wordsFor, type Catalog, type Locale } from './locale';

/**
 * What a cloud call did, in plain words, for the people in chat: why it failed ("The bot's
 * credentials are not allowed to rotate prod/pg in account 1111… — check the IAM policy in the
 * README.") or what it did ("rotation started, new version v2").
 *
 * src/clouds/classify-cloud-error.ts and the providers record what happened as plain data
 * (CloudExplanation, CloudOutcome); these catalogs say it in each locale. The English text is also
 * the error's `userMessage` and the result's `detail`, so logs and English chat read the same.
 */

export type CloudOperation = 'RotateSecret' | 'RestoreSecret' | 'DescribeSecret' | 'ListSecrets';

export type CloudFailureKind =
  | 'throttled'
  | 'unavailable'
  | 'not-found'
  | 'pending-deletion'
  | 'rotation-in-progress'
  | 'no-rotation-configured'
  | 'wrong-state'
  | 'access-denied'
  | 'bad-credentials'
  | 'no-credentials'
  | 'unsupported-type'
  | 'rejected'
  /** Checked before calling: an Alibaba Generic secret (KMS RotateSecret does not rotate those). */
  | 'generic-secret'
  /** Checked before calling: the secret is scheduled for deletion, so rotating it is not attempted. */
  | 'rotate-while-deleting'
  /** No credentials configured for the cloud at all: its actions are off. */
  | 'provider-disabled';

export interface CloudExplanation {
  kind: CloudFailureKind;
  provider: Provider;
  operation?: CloudOperation;
  account?: string;
  region?: string;
  /** The secret's display name, when the call was about one secret. */
  name?: string;
  /** What the cloud (or the network) said: its code and message, already scrubbed. */
  said?: string;
  /** `cloud` when an HTTP answer said it; `details` for our own (timeout, refused connection). */
  source?: 'cloud' | 'details';
}

/** What a successful cloud call did, as plain data (providers return it; chat says it per locale). */
export type CloudOutcome =
  | { kind: 'rotation-started'; versionId: string }
  | { kind: 'deletion-cancelled'; name: string }
  | { kind: 'nothing-to-restore' };

export interface CloudWords {
  explain(x: CloudExplanation): string;
  /** One short line about what the cloud did: "rotation started, new version v2". */
  did(o: CloudOutcome): string;
}

const EN_CLOUD: Record<Provider, string> = { aws: 'AWS Secrets Manager', alibaba: 'Alibaba Cloud KMS' };
const POLICY: Record<Provider, string> = { aws: 'IAM', alibaba: 'RAM' };
const EN_VERB: Record<CloudOperation, string> = {
  RotateSecret: 'rotate',
  RestoreSecret: 'restore',
  DescribeSecret: 'describe',
  ListSecrets: 'list the secrets in',
};

export const GENERIC_ROTATION_EXPLANATION =
  'Alibaba Cloud KMS cannot rotate Generic secrets through RotateSecret: it only rotates managed ' +
  'secrets (RDS, RAM, ECS, PolarDB, Redis). To rotate a Generic secret, write a new version with ' +
  'PutSecretValue, or switch it to a managed secret type.';

const EN: CloudWords = {
  did(o) {
    switch (o.kind) {
      case 'rotation-started':
        return `rotation started, new version ${o.versionId}`;
      case 'deletion-cancelled':
        return `deletion cancelled for ${o.name}`;
      case 'nothing-to-restore':
        return 'not scheduled for deletion; nothing to restore';
    }
  },
  explain(x) {
    const cloud = EN_CLOUD[x.provider];
    const where = `account ${x.account || '(unknown)'} (${x.region ?? ''})`;
    const name = x.name ?? '';
    const verb = EN_VERB[x.operation ?? 'DescribeSecret'];
    const target = x.name !== undefined ? `${verb} ${name} in ${where}` : `${verb} ${where}`;
    const subject =
      x.name !== undefined ? `The secret ${name}` : where.charAt(0).toUpperCase() + where.slice(1);
    const words = ((): string => {
      switch (x.kind) {
        case 'throttled':
          return `${cloud} is throttling the bot's requests right now; the bot will retry shortly.`;
        case 'unavailable':
          return `${cloud} could not be reached or failed on its side; the bot will retry shortly.`;
        case 'not-found':
          return x.name !== undefined
            ? `The secret ${name} no longer exists in ${where}.`
            : `${cloud} found nothing to list in ${where}.`;
        case 'pending-deletion':
          return `The secret ${name} is scheduled for deletion, so it cannot be changed; cancel the deletion first.`;
        case 'rotation-in-progress':
          return (
            `Rotation is already in progress for ${name}: a previous rotation isn't complete, and ${cloud} will ` +
            `reattempt it. If it stays stuck, remove the stale AWSPENDING label (see the README) and retry.`
          );
        case 'no-rotation-configured':
          return `${name} has no rotation configured (no rotation function), so it cannot be rotated on demand; configure rotation for it first.`;
        case 'wrong-state':
          return `${cloud} refused to ${target} because of the secret's current state.`;
        case 'access-denied':
          return `The bot's credentials are not allowed to ${target} — check the ${POLICY[x.provider]} policy in the README.`;
        case 'bad-credentials':
          return `${cloud} rejected the bot's credentials (unknown key, bad signature or expired token) while trying to ${target} — check the credentials the bot is configured with.`;
        case 'no-credentials':
          return `The bot has no usable ${x.provider === 'aws' ? 'AWS' : 'Alibaba Cloud'} credentials to ${target} — see the README for how to configure them.`;
        case 'unsupported-type':
          return `${subject} cannot be rotated this way. ${GENERIC_ROTATION_EXPLANATION}`;
        case 'rejected':
          return `${cloud} rejected the request to ${target}.`;
        case 'generic-secret':
          return `The secret ${name} is a Generic secret. ${GENERIC_ROTATION_EXPLANATION}`;
        case 'rotate-while-deleting':
          return `The secret ${name} is scheduled for deletion, so it cannot be rotated; cancel the deletion first.`;
        case 'provider-disabled':
          return x.provider === 'alibaba'
            ? 'Alibaba actions are disabled: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.'
            : `${x.provider} actions are disabled.`;
      }
    })();
    if (!x.said) return words;
    return `${words} ${x.source === 'cloud' ? `${x.provider === 'aws' ? 'AWS' : 'Alibaba Cloud'} said` : 'Details'}: ${x.said}`;
  },
};

const ZH_CLOUD: Record<Provider, string> = { aws: 'AWS Secrets Manager', alibaba: '阿里云 KMS' };
const ZH_VERB: Record<CloudOperation, string> = {
  RotateSecret: '轮转',
  RestoreSecret: '恢复',
  DescribeSecret: '查询',
  ListSecrets: '列出',
};
const ZH_GENERIC =
  '阿里云 KMS 的 RotateSecret 不能轮转通用凭据（Generic）：它只轮转托管凭据（RDS、RAM、ECS、PolarDB、Redis）。' +
  '要轮转通用凭据，请用 PutSecretValue 写入新版本，或改用托管凭据类型。';

const ZH: CloudWords = {
  did(o) {
    switch (o.kind) {
      case 'rotation-started':
        return `已开始轮转，新版本 ${o.versionId}`;
      case 'deletion-cancelled':
        return `已取消 ${o.name} 的删除`;
      case 'nothing-to-restore':
        return '未计划删除，无需恢复';
    }
  },
  explain(x) {
    const cloud = ZH_CLOUD[x.provider];
    const where = `账号 ${x.account || '（未知）'}（${x.region ?? ''}）`;
    const name = x.name ?? '';
    const verb = ZH_VERB[x.operation ?? 'DescribeSecret'];
    const target =
      x.name !== undefined
        ? `${verb}${where}中的凭据 ${name}`
        : x.operation === 'ListSecrets'
          ? `列出${where}中的凭据`
          : `${verb}${where}`;
    const subject = x.name !== undefined ? `凭据 ${name} ` : where;
    const words = ((): string => {
      switch (x.kind) {
        case 'throttled':
          return `${cloud} 正在对机器人的请求限流，机器人稍后会自动重试。`;
        case 'unavailable':
          return `无法连接 ${cloud}，或其服务端出错，机器人稍后会自动重试。`;
        case 'not-found':
          return x.name !== undefined
            ? `凭据 ${name} 已不存在于${where}。`
            : `${cloud} 在${where}中没有可列出的凭据。`;
        case 'pending-deletion':
          return `凭据 ${name} 已计划删除，无法修改；请先取消删除。`;
        case 'rotation-in-progress':
          return `凭据 ${name} 的轮转仍在进行：上一次轮转尚未完成，${cloud} 会再次尝试。如果一直卡住，请移除过期的 AWSPENDING 标签（见 README）后重试。`;
        case 'no-rotation-configured':
          return `${name} 未配置轮转（没有轮转函数），无法按需轮转；请先为它配置轮转。`;
        case 'wrong-state':
          return `由于凭据当前的状态，${cloud} 拒绝${target}。`;
        case 'access-denied':
          return `机器人的凭证无权${target}，请检查 README 中的 ${POLICY[x.provider]} 策略。`;
        case 'bad-credentials':
          return `${cloud} 拒绝了机器人的凭证（未知的密钥、签名错误或令牌已过期），无法${target}。请检查机器人配置的凭证。`;
        case 'no-credentials':
          return `机器人没有可用的${x.provider === 'aws' ? ' AWS ' : '阿里云'}凭证来${target}，配置方法见 README。`;
        case 'unsupported-type':
          return `${subject}不能这样轮转。${ZH_GENERIC}`;
        case 'rejected':
          return `${cloud} 拒绝了${target}的请求。`;
        case 'generic-secret':
          return `凭据 ${name} 是通用凭据（Generic）。${ZH_GENERIC}`;
        case 'rotate-while-deleting':
          return `凭据 ${name} 已计划删除，无法轮转；请先取消删除。`;
        case 'provider-disabled':
          return x.provider === 'alibaba'
            ? '阿里云操作已停用：请设置 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET。'
            : `${x.provider} 操作已停用。`;
      }
    })();
    if (!x.said) return words;
    return `${words}${x.source === 'cloud' ? (x.provider === 'aws' ? 'AWS 返回' : '阿里云返回') : '详情'}：${x.said}`;
  },
};

export const CLOUD_WORDS: Catalog<CloudWords> = { en: EN, 'zh-CN': ZH };

export function cloudWords(locale: Locale = 'en'): CloudWords {
  return wordsFor(CLOUD_WORDS, locale);
}
