/**
 * End to end: a timed mute made with `/secrets mute … kind=…` holds back only the matching
 * events, and when it runs out the channel where it was made hears so, with how many events it
 * held back; a mute ended by hand is not announced. Real bot process, fake Slack Web API.
 */
import type { BotProcess } from './harness';
import { sleep } from './harness';
import {
  ALERT_CHANNEL,
  OPERATOR,
  answerText,
  postAlert,
  sendEvent,
  seedAwsSecret,
  slash,
  uniqueName,
  type Peers,
} from './remediation-kit';
import { useBotAndPeers } from './bot-and-peers';

jest.setTimeout(60_000);

const OPS_ROOM = 'C0OPSROOM';

let peers: Peers;
let bot: BotProcess & { prefix: string };
useBotAndPeers((p, b) => {
  peers = p;
  bot = b;
});

const run = async (text: string, channel = OPS_ROOM) => {
  const answer = await slash(bot, peers, OPERATOR, text, channel);
  expect(answer.status).toBe(200);
  return answerText(peers, answer.rid);
};

const noticesIn = (channel: string, about: string) =>
  peers.slack.alerts(channel).filter((m) => m.text.includes(about) && m.text.includes('expired'));

it('a mute with a kind filter holds back only that kind, and its end is announced where it was made, with the count', async () => {
  const stem = uniqueName('fleet');
  for (const s of ['a', 'b', 'c']) seedAwsSecret(peers, `${stem}/${s}`);
  const muted = await run(`mute ${stem}/* 4s kind=rotation.failed planned failover`);
  const id = /\(mute (m[0-9a-f]{8})\)/.exec(muted)?.[1];
  expect(muted).toContain(`Muted ${stem}/* kind=rotation.failed until`);
  expect(id).toBeDefined();

  // Two rotation failures are held back; a deletion of the same fleet is not (another kind).
  await sendEvent(bot, 'aws-rotation-failed', `${stem}/a`);
  await sendEvent(bot, 'aws-rotation-failed', `${stem}/b`);
  await postAlert(bot, peers, 'aws-deletion', `${stem}/c`);
  await sleep(500);
  expect(
    peers.slack
      .alerts(ALERT_CHANNEL)
      .filter((m) => m.text.includes(`${stem}/a`) || m.text.includes(`${stem}/b`)),
  ).toEqual([]);

  const notice = await peers.slack.waitFor(
    () => noticesIn(OPS_ROOM, id!)[0],
    15_000,
    'the mute expiry notice',
  );
  expect(notice.text).toContain(`Mute ${id} of ${stem}/* kind=rotation.failed by`);
  expect(notice.text).toContain('expired; 2 events were muted meanwhile');
  // Announced once, and only there.
  await sleep(1000);
  expect(noticesIn(OPS_ROOM, id!)).toHaveLength(1);
  expect(noticesIn(ALERT_CHANNEL, id!)).toHaveLength(0);
  // After the end, the next failure is shown again.
  await postAlert(bot, peers, 'aws-rotation-failed', `${stem}/a`);
});

it('a mute ended by hand is not announced when its time would have run out', async () => {
  const stem = uniqueName('handmade');
  const muted = await run(`mute ${stem}/* 2s`);
  const id = /\(mute (m[0-9a-f]{8})\)/.exec(muted)![1]!;
  expect(await run(`unmute ${id}`)).toContain(`Ended mute ${id}`);
  await sleep(3500);
  expect(noticesIn(OPS_ROOM, id)).toEqual([]);
  // The channel does hear about mutes that run out by themselves (the check above could see one).
  const timed = /\(mute (m[0-9a-f]{8})\)/.exec(await run(`mute ${stem}/* 1s`))![1]!;
  const notice = await peers.slack.waitFor(
    () => noticesIn(OPS_ROOM, timed)[0],
    15_000,
    'the second mute’s notice',
  );
  expect(notice.text).toContain('expired; 0 events were muted meanwhile');
});

it('a filter that cannot match is refused with the reason, and the old syntax still mutes', async () => {
  expect(await run('mute prod/* 1h kind=rotation.exploded')).toMatch(
    /^Cannot mute: kind: "rotation\.exploded" is not an event kind/,
  );
  expect(await run('mute aws:111122223333:eu-west-1:prod/* 1h account=999999999999')).toMatch(
    /^Cannot mute: account is given twice, as 111122223333 and 999999999999/,
  );
  const stem = uniqueName('plain');
  const muted = await run(`mute ${stem}/* 1h deploy kind=rotation.failed`);
  expect(muted).toContain(`Muted ${stem}/* until`);
  const id = /\(mute (m[0-9a-f]{8})\)/.exec(muted)![1]!;
  // Words after the reason begins are the reason, not filters.
  expect(await run('mutes')).toContain('deploy kind=rotation.failed');
  await run(`unmute ${id}`);
});
