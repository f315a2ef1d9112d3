import { register as registerBulkRemediation } from './actions/bulk-remediation';
import { register as registerCancelDeletion } from './actions/cancel-deletion';
import { register as registerMute } from './actions/mute';
import { register as registerRetryRotation } from './actions/retry-rotation';
import { register as registerSecretsCommand } from './commands/secrets';
import type { SlackApp, SlackDeps } from './deps';
import { register as registerAppHome } from './events/app-home-opened';
import { register as registerMuteDialog } from './views/mute-dialog';

export type { SlackApp, SlackDeps } from './deps';

/**
 * Every Slack listener, registered in one place (Bolt template layout: actions/ commands/ views/
 * events/, each with `register(app, deps)`). Listeners verify nothing themselves (Bolt checks the
 * signature), acknowledge first, call one use case in src/ and render its result.
 */
export interface SlackRegistrations {
  commands: string[];
  actions: string[];
  views: string[];
  events: string[];
}

/**
 * Bot scopes the listeners need: `chat:write` (chat.postMessage, chat.update, chat.postEphemeral)
 * and `commands` (/secrets). views.open and views.publish need no scope; app_home_opened needs none.
 */
export const SLACK_BOT_SCOPES = ['chat:write', 'commands'] as const;

export function registerSlack(app: SlackApp, deps: SlackDeps): SlackRegistrations {
  const seen: SlackRegistrations = { commands: [], actions: [], views: [], events: [] };
  const recording: SlackApp = {
    command: ((name: string, ...rest: unknown[]) => {
      seen.commands.push(name);
      return (app.command as (...a: unknown[]) => void)(name, ...rest);
    }) as SlackApp['command'],
    action: ((id: string, ...rest: unknown[]) => {
      seen.actions.push(id);
      return (app.action as (...a: unknown[]) => void)(id, ...rest);
    }) as SlackApp['action'],
    view: ((id: string, ...rest: unknown[]) => {
      seen.views.push(id);
      return (app.view as (...a: unknown[]) => void)(id, ...rest);
    }) as SlackApp['view'],
    event: ((name: string, ...rest: unknown[]) => {
      seen.events.push(name);
      return (app.event as (...a: unknown[]) => void)(name, ...rest);
    }) as SlackApp['event'],
  };
  registerRetryRotation(recording, deps);
  registerCancelDeletion(recording, deps);
  registerBulkRemediation(recording, deps);
  registerMute(recording, deps);
  registerMuteDialog(recording, deps);
  registerSecretsCommand(recording, deps);
  registerAppHome(recording, deps);
  return seen;
}
