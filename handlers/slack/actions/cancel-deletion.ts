import { ACTION_IDS } from '../../../src/remediation/actions';
import type { SlackApp, SlackDeps } from '../deps';
import { remediationClick, type ButtonArgs } from './remediation-click';

/** The Cancel deletion button (its confirm dialog has been accepted by the time this runs). */
export function register(app: SlackApp, deps: SlackDeps): void {
  const listener = remediationClick('cancelDeletion', deps);
  app.action(ACTION_IDS.cancelDeletion, (args) => listener(args as ButtonArgs));
}
