import type { App } from '@slack/bolt';
import type { CommandDeps } from '../../src/remediation/command-runner';

/** What the Slack listeners need: the use cases in src/ and a logger. */
export type SlackDeps = CommandDeps;

/** The part of Bolt's App the listeners register on (a recording stand-in in the manifest test). */
export type SlackApp = Pick<App, 'action' | 'command' | 'view' | 'event'>;
