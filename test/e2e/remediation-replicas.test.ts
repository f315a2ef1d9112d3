/**
 * End to end: two bot processes sharing one Redis and KEY_PREFIX (replicas behind a load balancer),
 * configured with YAML policies instead of OPERATORS.
 */
import type { BotProcess } from './harness';
import {
  ACTION,
  ALERT_CHANNEL,
  OPERATORS,
  STRANGER,
  answerText,
  buttonValue,
  cleanupPrefix,
  click,
  current,
  postAlert,
  seedAwsSecret,
  slash,
  startBot,
  startPeers,
  uniqueName,
  uniquePrefix,
  visibleText,
  writeConfigFile,
  type Peers,
} from './remediation-kit';

jest.setTimeout(60_000);

let peers: Peers;
let bots: Array<BotProcess & { prefix: string }> = [];

const CONFIG = `
policies:
  rotate:
    users: [${OPERATORS.join(', ')}]
    channels: [${ALERT_CHANNEL}]
  mute:
    users: "*"
`;

beforeAll(async () => {
  peers = await startPeers();
  const prefix = uniquePrefix();
  const env = { OPERATORS: '', CONFIG_FILE: writeConfigFile(CONFIG) };
  bots = await Promise.all([startBot(peers, prefix, env), startBot(peers, prefix, env)]);
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  await peers?.close();
  if (bots[0]) await cleanupPrefix(bots[0].prefix);
});

it('10 concurrent clicks spread over two replicas make exactly one cloud call', async () => {
  const name = uniqueName('shared/pg');
  seedAwsSecret(peers, name);
  const alert = await postAlert(bots[0]!, peers, 'aws-rotation-failed', name);
  const value = buttonValue(alert.blocks, ACTION.retry);
  const answers = await Promise.all(OPERATORS.map((user, i) => click(bots[i % 2]!, peers, { user, actionId: ACTION.retry, value, message: alert })));
  const texts = await Promise.all(answers.map((a) => answerText(peers, a.rid)));
  expect(texts.filter((t) => /is queued/.test(t))).toHaveLength(1);
  expect(texts.filter((t) => /already in progress|already done/.test(t))).toHaveLength(9);
  await peers.slack.waitFor(() => /succeeded/.test(visibleText(current(peers, alert).blocks)), 10_000, 'succeeded');
  await new Promise((r) => setTimeout(r, 500));
  expect(peers.sm.callsOf('RotateSecret').filter((c) => String(c.params.SecretId).includes(name))).toHaveLength(1);
  expect(peers.sm.get(name)!.rotations).toBe(1);
  // The alert was posted once, by one of the two replicas.
  expect(peers.slack.alerts(ALERT_CHANNEL).filter((m) => m.text.includes(name))).toHaveLength(1);
});

it('policies: who may rotate and where; nobody configured for cancelling deletions; anyone may mute', async () => {
  const name = uniqueName('shared/db');
  seedAwsSecret(peers, name, { deletedDate: new Date(Date.now() + 7 * 86_400_000) });
  const alert = await postAlert(bots[1]!, peers, 'aws-deletion', name);

  const cancel = await click(bots[0]!, peers, { user: OPERATORS[0]!, actionId: ACTION.cancel, value: buttonValue(alert.blocks, ACTION.cancel), message: alert });
  expect(await answerText(peers, cancel.rid)).toMatch(
    /Nobody may cancel deletions from chat yet: no operators are configured\. Set OPERATORS to the chat user ids allowed to act \(for example OPERATORS=U123,U456\), or policies\.cancel_deletion\.users/,
  );

  const byStranger = await slash(bots[1]!, peers, STRANGER, `rotate ${name}`);
  expect(await answerText(peers, byStranger.rid)).toMatch(/Only <@U0OPS0>, .* may retry rotations \(policies\.rotate\)/);
  const elsewhere = await slash(bots[0]!, peers, OPERATORS[1]!, `rotate ${name}`, 'C0ELSEWHERE');
  expect(await answerText(peers, elsewhere.rid)).toMatch(new RegExp(`may retry rotations only in <#${ALERT_CHANNEL}> \\(policies\\.rotate\\.channels\\), not in this channel`));

  const mute = await slash(bots[1]!, peers, STRANGER, `mute ${name} 1h`);
  expect(await answerText(peers, mute.rid)).toMatch(/Muted .* \(mute m[0-9a-f]{8}\)/);

  await new Promise((r) => setTimeout(r, 300));
  expect(peers.sm.calls.filter((c) => ['RestoreSecret', 'RotateSecret'].includes(c.op) && String(c.params.SecretId).includes(name))).toEqual([]);
  const history = await answerText(peers, (await slash(bots[0]!, peers, STRANGER, `history ${name}`)).rid);
  expect(history).toMatch(/cancel deletion refused — <@U0OPS0> via button: no-operators/);
  expect(history).toMatch(/rotate refused — <@U0STRANGER> via command: action-policy/);
  expect(history).toMatch(/rotate refused — <@U0OPS1> via command: channel-policy/);
});
