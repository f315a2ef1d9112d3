import { randomBytes } from 'node:crypto';
import { FakeDingTalk } from '../test/fakes/fake-dingtalk';
import { startFakeKms, type FakeKms, type FakeKmsCall } from '../test/fakes/fake-kms';
import {
  startFakeSecretsManager,
  type FakeAwsCall,
  type FakeSecretsManager,
} from '../test/fakes/fake-secrets-manager';
import { FakeSlack } from '../test/fakes/fake-slack';
import { ALI_ACCOUNT, ALI_REGION, AWS_ACCOUNT, AWS_REGION } from '../test/e2e/remediation-kit';

/**
 * The local stand-ins for everything outside the machine, the same HTTP fakes the end-to-end tests
 * use: a Slack Web API, a DingTalk custom robot, AWS Secrets Manager and Alibaba Cloud KMS (both
 * checking the SDKs' request signatures). The bot reaches them only through the endpoint settings
 * it has anyway (SLACK_API_URL, DINGTALK_WEBHOOK_URL, AWS_ENDPOINT_URL_SECRETS_MANAGER,
 * ALIBABA_KMS_ENDPOINT); nothing in src/ or handlers/ knows they exist.
 */
export interface StandIns {
  slack: FakeSlack;
  robot: FakeDingTalk;
  sm: FakeSecretsManager;
  kms: FakeKms;
  close(): Promise<void>;
}

export async function startStandIns(hooks: {
  onAwsCall: (call: FakeAwsCall) => void;
  onKmsCall: (call: FakeKmsCall) => void;
}): Promise<StandIns> {
  const slack = await new FakeSlack(`xoxb-demo-${randomBytes(12).toString('hex')}`).start();
  const robot = await new FakeDingTalk().start();
  const sm = await startFakeSecretsManager({
    account: AWS_ACCOUNT,
    region: AWS_REGION,
    onCall: hooks.onAwsCall,
  });
  const kms = await startFakeKms({ account: ALI_ACCOUNT, region: ALI_REGION, onCall: hooks.onKmsCall });
  return {
    slack,
    robot,
    sm,
    kms,
    close: async () => {
      await Promise.allSettled([slack.close(), robot.stop(), sm.close(), kms.close()]);
    },
  };
}
