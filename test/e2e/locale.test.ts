/**
 * End to end: LOCALE=zh-CN. The built bot, with the real Bolt against the fake Slack, answers
 * slash commands in Chinese — help, the status overview (with an open alert in it), a refusal and a
 * usage line — and posts its alerts in Chinese too, with the Chinese button labels.
 */
import type { BotProcess } from './harness';
import {
  ALERT_CHANNEL,
  OPERATOR,
  STRANGER,
  answerText,
  buttonLabels,
  postAlert,
  seedAwsSecret,
  slash,
  threadText,
  uniqueName,
  type Peers,
} from './remediation-kit';
import { useBotAndPeers } from './bot-and-peers';

jest.setTimeout(60_000);

let peers: Peers;
let bot: BotProcess & { prefix: string };
useBotAndPeers((p, b) => {
  peers = p;
  bot = b;
}, { LOCALE: 'zh-CN' });

const run = async (user: string, text: string) => {
  const answer = await slash(bot, peers, user, text);
  expect(answer.status).toBe(200);
  return answerText(peers, answer.rid);
};

it('/secrets help answers in Chinese, with the commands as they are typed', async () => {
  const forOperator = await run(OPERATOR, 'help');
  expect(forOperator).toContain('向机器人查询凭据和告警');
  expect(forOperator).toContain('/secrets status <凭据>');
  expect(forOperator).toContain('/secrets rotate <凭据>');
  expect(forOperator).not.toMatch(/ask the bot|Naming a secret/);
  expect(await run(STRANGER, 'help')).toContain('运维人员还可以执行 `rotate` 和 `restore`');
});

it('/secrets status answers in Chinese, naming the open alert in Chinese', async () => {
  const name = uniqueName('zh/pg');
  const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
  expect(alert.channel).toBe(ALERT_CHANNEL);
  expect(alert.text).toContain(`凭据 ${name} 轮转失败`);
  expect(buttonLabels(alert.blocks)).toEqual(['重试轮转', '静音']);

  // The incident is saved just after its message is posted: ask until the overview lists it.
  let status = '';
  for (let i = 0; i < 50 && !status.includes(name); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    status = await run(STRANGER, 'status');
  }
  expect(status).toContain('凭据状态');
  expect(status).toMatch(/\*未解决的告警\*：严重 \d+ · 警告 \d+ · 提示 \d+/);
  expect(status).toContain(`凭据 ${name} 轮转失败 — 严重`);
  expect(status).toContain('*待删除*');
  expect(status).toContain('*生效中的静音*');
  expect(status).not.toMatch(/Open alerts|Pending deletion|Active mutes|Secrets status/);
});

it('refusals and usage lines are in Chinese too', async () => {
  const name = uniqueName('zh/refused');
  expect(await run(STRANGER, `rotate aws:111122223333:eu-west-1:${name}`)).toMatch(
    /只有运维人员可以重试轮转。你不是运维人员；请联系 <@U0OPS0>/,
  );
  expect(await run(OPERATOR, 'mute prod/pg')).toMatch(/^用法：\/secrets mute <凭据或通配模式> <时长>/);
});

it('what the cloud answered is explained in Chinese, with the cloud’s own words kept', async () => {
  const name = uniqueName('zh/gone');
  await postAlert(bot, peers, 'aws-rotation-failed', name); // known to the bot, never seeded in the fake Secrets Manager
  let answer = '';
  for (let i = 0; i < 50 && !answer.includes('已不存在'); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    answer = await run(STRANGER, `status aws:111122223333:eu-west-1:${name}`);
  }
  expect(answer).toContain(`凭据 ${name} 已不存在于账号 111122223333（eu-west-1）。AWS 返回：ResourceNotFoundException`);
  expect(answer).not.toMatch(/no longer exists|AWS said/);
});

it('what the cloud did is said in Chinese in the alert’s thread', async () => {
  const name = uniqueName('zh/rot');
  seedAwsSecret(peers, name);
  const alert = await postAlert(bot, peers, 'aws-rotation-failed', name);
  // The incident is saved just after its message is posted: ask until the rotation is queued.
  let queued = '';
  for (let i = 0; i < 50 && !queued.includes('已排队'); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    queued = await run(OPERATOR, `rotate aws:111122223333:eu-west-1:${name}`);
  }
  expect(queued).toContain('已排队');
  await peers.slack.waitFor(
    () => (threadText(peers, alert).includes('已开始轮转，新版本') ? true : undefined),
    15_000,
    'the success note in Chinese',
  );
  expect(threadText(peers, alert)).not.toMatch(/rotation started|new version/);
});
