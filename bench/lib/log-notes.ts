import { logProblems } from './process';

/**
 * The AWS SDK's one-off process warning on Node < 22 (NodeVersionSupportWarning), printed by Node
 * as several plain lines when the SDK is first used: a notice about future SDK versions, not a
 * problem of the run.
 */
const SDK_NODE_NOTICE = [
  /^\(node:\d+\) Warning: NodeVersionSupportWarning/,
  /^versions published after/,
  /^will require node >=/,
  /^To continue receiving updates/,
  /^and security updates please upgrade/,
  /^More information can be found at/,
  /^\(Use `node --trace-warnings/,
];

/** Log lines at warn or above (logProblems), without the AWS SDK's Node-version notice. */
export function realLogProblems(output: string): { problems: string[]; sdkNotice: boolean } {
  const all = logProblems(output);
  const problems = all.filter((l) => !SDK_NODE_NOTICE.some((p) => p.test(l)));
  return { problems, sdkNotice: problems.length < all.length };
}

/** One note about what the bot logged at warn or above. */
export function botLogNote(output: string, who = 'The bot'): string {
  const { problems, sdkNotice } = realLogProblems(output);
  const notice = sdkNotice
    ? ' (besides the AWS SDK’s notice that its 2027 releases will need Node ≥ 22)'
    : '';
  return problems.length
    ? `${who} logged ${problems.length} line(s) at warn or above${notice}; first: ${problems
        .slice(0, 3)
        .map((l) => '`' + l.slice(0, 300) + '`')
        .join(' ')}`
    : `${who} logged nothing at warn or above${notice}.`;
}
