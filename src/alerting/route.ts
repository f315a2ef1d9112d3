import type { SecretEvent } from '../events/secret-event';

export type Destination = { platform: 'slack'; channel: string } | { platform: 'dingtalk'; robot: string };

/**
 * Where an event's message goes. Until routing rules exist (issue 4) every event goes to the
 * default Slack channel (SLACK_CHANNEL) when Slack is configured, and to the DingTalk robot's group
 * (DINGTALK_WEBHOOK_URL; `dingtalkRobot` is its id, a hash, never the token) when DingTalk is.
 */
export function routeEvent(_event: SecretEvent, opts: { defaultSlackChannel?: string; dingtalkRobot?: string }): Destination[] {
  const out: Destination[] = [];
  if (opts.defaultSlackChannel) out.push({ platform: 'slack', channel: opts.defaultSlackChannel });
  if (opts.dingtalkRobot) out.push({ platform: 'dingtalk', robot: opts.dingtalkRobot });
  return out;
}
