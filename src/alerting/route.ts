import type { SecretEvent } from '../events/secret-event';

export interface Destination {
  platform: 'slack';
  channel: string;
}

/**
 * Where an event's message goes. Until routing rules exist (issue 4) every event goes to the
 * default Slack channel (SLACK_CHANNEL), when Slack is configured.
 */
export function routeEvent(_event: SecretEvent, opts: { defaultSlackChannel?: string }): Destination[] {
  return opts.defaultSlackChannel ? [{ platform: 'slack', channel: opts.defaultSlackChannel }] : [];
}
