import { authorize, isOperatorFor, type AuthorizationPolicy } from '../../../src/remediation/authorize';
import type { PolicyAction } from '../../../src/remediation/actions';

const OPS = ['U1', 'U2'];
const base: AuthorizationPolicy = { operators: OPS, actions: {} };

type Row = [string, AuthorizationPolicy, { user: string; action: PolicyAction; channel: string }, ReturnType<typeof authorize>];

const table: Row[] = [
  ['an operator may rotate anywhere', base, { user: 'U1', action: 'rotate', channel: 'C9' }, { allowed: true }],
  ['an operator may cancel deletions', base, { user: 'U2', action: 'cancel_deletion', channel: 'C9' }, { allowed: true }],
  ['by default muting needs an operator too', base, { user: 'U3', action: 'mute', channel: 'C9' }, { allowed: false, reason: 'not-operator', whoCan: OPS }],
  ['a stranger may not rotate, and hears who can', base, { user: 'U3', action: 'rotate', channel: 'C9' }, { allowed: false, reason: 'not-operator', whoCan: OPS }],
  [
    'nobody configured: refused for everyone',
    { operators: [], actions: {} },
    { user: 'U1', action: 'rotate', channel: 'C9' },
    { allowed: false, reason: 'no-operators', whoCan: [] },
  ],
  [
    'a policy user list replaces the operators for that action (narrower)',
    { operators: OPS, actions: { cancel_deletion: { users: ['U9'] } } },
    { user: 'U1', action: 'cancel_deletion', channel: 'C9' },
    { allowed: false, reason: 'action-policy', whoCan: ['U9'] },
  ],
  [
    'a policy user list replaces the operators for that action (wider)',
    { operators: OPS, actions: { rotate: { users: ['U1', 'U2', 'U7'] } } },
    { user: 'U7', action: 'rotate', channel: 'C9' },
    { allowed: true },
  ],
  [
    'the policy of one action does not change another',
    { operators: OPS, actions: { cancel_deletion: { users: ['U9'] } } },
    { user: 'U1', action: 'rotate', channel: 'C9' },
    { allowed: true },
  ],
  ['"*" lets anyone mute', { operators: OPS, actions: { mute: { users: ['*'] } } }, { user: 'U3', action: 'mute', channel: 'C9' }, { allowed: true }],
  ['"*" works with no operators at all', { operators: [], actions: { mute: { users: ['*'] } } }, { user: 'U3', action: 'mute', channel: 'C9' }, { allowed: true }],
  [
    'a channel policy holds for operators too',
    { operators: OPS, actions: { rotate: { channels: ['C1'] } } },
    { user: 'U1', action: 'rotate', channel: 'C9' },
    { allowed: false, reason: 'channel-policy', whoCan: OPS, where: ['C1'] },
  ],
  ['…and allows its channels', { operators: OPS, actions: { rotate: { channels: ['C1'] } } }, { user: 'U1', action: 'rotate', channel: 'C1' }, { allowed: true }],
  [
    'a stranger in the right channel is still refused as a stranger',
    { operators: OPS, actions: { rotate: { channels: ['C1'] } } },
    { user: 'U3', action: 'rotate', channel: 'C1' },
    { allowed: false, reason: 'not-operator', whoCan: OPS },
  ],
  [
    'anyone, but only in some channels',
    { operators: [], actions: { mute: { users: ['*'], channels: ['C1'] } } },
    { user: 'U3', action: 'mute', channel: 'C2' },
    { allowed: false, reason: 'channel-policy', whoCan: ['*'], where: ['C1'] },
  ],
];

describe('authorize', () => {
  it.each(table)('%s', (_name, policy, req, expected) => {
    expect(authorize(req, policy)).toEqual(expected);
  });

  it('help shows rotate/restore to whoever may run a remediation', () => {
    expect(isOperatorFor('U1', base)).toBe(true);
    expect(isOperatorFor('U3', base)).toBe(false);
    expect(isOperatorFor('U9', { operators: [], actions: { cancel_deletion: { users: ['U9'] } } })).toBe(true);
  });
});
