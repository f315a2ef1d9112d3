import type { ActionName } from '../../remediation/actions';
import type { MuteChoice } from '../text';
import { wordsFor, type Catalog, type Locale } from './locale';

/**
 * What the bot tells people about remediation, mutes and commands, in English and Simplified
 * Chinese: refusals, "queued", "already done", progress notes, mute notes, usage lines and errors.
 * These are neutral texts (src/remediation builds them; each platform's renderer escapes them and
 * turns user/channel markers into mentions), so every value passed in is plain text and nothing
 * here adds markup. Action names come from the alert words' button labels, so a sentence names an
 * action exactly as its button does. `/secrets` stays as it is (the DingTalk renderer shows the
 * robot mention in its place).
 */
export type UsageName = 'status' | 'mute' | 'unmute' | 'mutes' | 'history' | 'rotate' | 'restore' | 'help';

export interface SentenceWords {
  /** What an action lets people do, after "may": "retry rotations". */
  verb: Record<ActionName, string>;
  /** A list of people (already user markers), with how many more were left out. */
  people(shown: string[], more: number): string;
  /** A list of channels (already channel markers). */
  channels(shown: string[]): string;
  refusal: {
    noOperators(verb: string, policyKey: string): string;
    notOperator(verb: string, people: string): string;
    actionPolicy(verb: string, people: string, policyKey: string): string;
    channelPolicy(verb: string, channels: string, policyKey: string): string;
    /** Appended to channelPolicy when only some people may act there. */
    allowed(people: string): string;
  };
  /** "AWS account 1111, eu-west-1" (account and region may be empty). */
  where(cloud: string, account: string, region: string): string;
  inProgress(action: string, name: string, by: string, at: string): string;
  alreadyDone(action: string, name: string, at: string, by: string, detail?: string): string;
  queued(action: string, name: string, where: string, progress: string): string;
  progress: { dingtalk: string; onAlert: string; inChannel(channel: string): string };
  resolvedAlert(action: string, name: string): string;
  internalError(ref: string): string;
  /** What a bulk action on a summary message did ("137 secrets: 130 queued, 7 already in progress or done."). */
  bulk: {
    gone: string;
    done(
      total: number,
      counts: { queued: number; busy: number; notApplicable: number; refused: number; unavailable: number },
    ): string;
  };
  /** How a remediation is going, without emoji. */
  outcome: {
    requested: string;
    running: string;
    succeeded(detail?: string): string;
    failed(code: string, message: string): string;
    unknownError: string;
  };
  /** The line on an alert about its remediation. */
  statusLine(action: string, by: string, at: string, outcome: string): string;
  /** Thread notes for each step of a remediation. */
  note: {
    /** "Retry rotation of prod/pg (AWS account 1111, eu-west-1)" */
    what(action: string, name: string, cloud: string, account: string, region: string): string;
    retrying(what: string, message: string, attempt: number, maxAttempts: number): string;
    requested(what: string, by: string): string;
    running(what: string, by: string): string;
    succeeded(what: string, by: string, detail?: string, cloudRequestId?: string): string;
    failed(what: string, by: string, outcome: string, cloudRequestId?: string): string;
  };
  mute: {
    /** The durations offered by the Mute dialog and the Mute link's page (MUTE_CHOICES). */
    choice: Record<MuteChoice, string>;
    /** How long a mute lasts, for replies and the audit trail. */
    untilResolved: string;
    until(date: string): string;
    /** The same in a thread note ("until it is resolved"). */
    untilItIsResolved: string;
    /** Thread note: "<@U1> muted prod/pg until … (mute m1): reason". */
    created(by: string, label: string, until: string, id: string, reason?: string): string;
    ended(id: string, label: string): string;
    /** A timed mute ran out: "Mute m1 of prod/* by <@U1> expired; 12 events were muted meanwhile." */
    expired(id: string, label: string, by: string, mutedEvents: number): string;
    /** Reply to whoever muted. */
    muted(label: string, until: string, id: string): string;
    patternNote: string;
    notOpen: string;
    pickDuration: string;
    nothingToMute: string;
    cannotMute(error: string): string;
    noSuchMute(target: string): string;
    endedMutes(mutes: Array<{ id: string; label: string }>): string;
    staleDialog: string;
  };
  staleButton: string;
  usage: Record<UsageName, string>;
  unknownSubcommand(sub: string, subcommands: string): string;
  secretSpec: {
    missing: string;
    needsPlace(spec: string, provider: string): string;
    notArn(spec: string): string;
    noSpaces: string;
    seeHelp(error: string): string;
    notSeen(name: string): string;
    several(name: string, places: string): string;
  };
  /** A DingTalk robot command without a sender id. */
  noSender: string;
}

const EN: SentenceWords = {
  verb: {
    retryRotation: 'retry rotations',
    cancelDeletion: 'cancel deletions',
    mute: 'mute or unmute alerts',
  },
  people: (shown, more) => (more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')),
  channels: (shown) => shown.join(', '),
  refusal: {
    noOperators: (verb, key) =>
      `Nobody may ${verb} from chat yet: no operators are configured. ` +
      `Set OPERATORS to the chat user ids allowed to act (for example OPERATORS=U123,U456), ` +
      `or policies.${key}.users in the YAML config file (CONFIG_FILE).`,
    notOperator: (verb, people) => `Only operators may ${verb}. You are not one; ask ${people}.`,
    actionPolicy: (verb, people, key) =>
      `Only ${people} may ${verb} (policies.${key}). You are not among them.`,
    channelPolicy: (verb, channels, key) =>
      `You may ${verb} only in ${channels} (policies.${key}.channels), not in this channel.`,
    allowed: (people) => ` Allowed: ${people}.`,
  },
  where: (cloud, account, region) =>
    `${cloud}${account ? ` account ${account}` : ''}${region ? `, ${region}` : ''}`,
  inProgress: (a, n, by, at) =>
    `${a} of ${n} is already in progress (requested by ${by} at ${at}). Nothing more was started.`,
  alreadyDone: (a, n, at, by, d) =>
    `${a} of ${n} was already done at ${at} (requested by ${by})${d ? `: ${d}` : ''}. Nothing more was started.`,
  queued: (a, n, w, p) => `${a} of ${n} (${w}) is queued. ${p}`.trim(),
  progress: {
    dingtalk: 'The result will be posted in the DingTalk group.',
    onAlert: 'Progress is shown on the alert and in its thread.',
    inChannel: (c) => `Progress will be posted in ${c}.`,
  },
  resolvedAlert: (a, n) => `This alert is already resolved, so ${a} of ${n} was not started.`,
  internalError: (ref) =>
    `Internal error, ref ${ref}. Nothing was changed; the details are in the bot's log.`,
  bulk: {
    gone: 'This summary is no longer available; use the buttons on each alert or /secrets rotate.',
    done: (total, c) =>
      `${total} secrets: ${[
        `${c.queued} queued`,
        ...(c.busy > 0 ? [`${c.busy} already in progress or done`] : []),
        ...(c.notApplicable > 0 ? [`${c.notApplicable} no longer apply`] : []),
        ...(c.refused > 0 ? [`${c.refused} refused`] : []),
        ...(c.unavailable > 0 ? [`${c.unavailable} could not be queued`] : []),
      ].join(', ')}. Progress shows in the summary.`,
  },
  outcome: {
    requested: 'waiting to run',
    running: 'running',
    succeeded: (d) => (d ? `succeeded: ${d}` : 'succeeded'),
    failed: (code, message) => `failed — ${code}: ${message}`,
    unknownError: 'unknown error',
  },
  statusLine: (a, by, at, o) => `${a} requested by ${by} at ${at} · ${o}`,
  note: {
    what: (a, n, cloud, account, region) =>
      `${a} of ${n} (${cloud}${account ? ` account ${account}` : ''}, ${region})`,
    retrying: (what, m, attempt, max) => `${what}: ${m} Retrying (attempt ${attempt} of ${max}).`,
    requested: (what, by) => `${what} requested by ${by}.`,
    running: (what, by) => `${what}, requested by ${by}: running.`,
    succeeded: (what, by, d, id) =>
      `${what}, requested by ${by}: succeeded${d ? ` — ${d}` : ''}.${id ? ` Cloud request id ${id}.` : ''}`,
    failed: (what, by, o, id) => `${what}, requested by ${by}: ${o}${id ? ` (cloud request id ${id})` : ''}`,
  },
  mute: {
    choice: { '1h': '1 hour', '1d': '1 day', '1w': '1 week', resolved: 'Until resolved' },
    untilResolved: 'until resolved',
    until: (d) => `until ${d}`,
    untilItIsResolved: 'until it is resolved',
    created: (by, label, until, id, reason) =>
      `${by} muted ${label} ${until} (mute ${id})${reason ? `: ${reason}` : '.'}`,
    ended: (id, label) => `Mute ${id} of ${label} ended.`,
    expired: (id, label, by, n) =>
      `Mute ${id} of ${label} by ${by} expired; ${n === 1 ? '1 event was' : `${n} events were`} muted meanwhile. Its alerts are shown again.`,
    muted: (label, until, id) =>
      `Muted ${label} ${until} (mute ${id}). New alerts for it are tracked but not posted; /secrets unmute ${id} ends it.`,
    patternNote: ' The pattern matches secret names (* any characters, ? one character).',
    notOpen: 'This alert is not open, so "until resolved" does not apply; pick a duration.',
    pickDuration: 'Pick how long to mute.',
    nothingToMute: 'This alert names no secret and has no incident to mute.',
    cannotMute: (e) => `Cannot mute: ${e}.`,
    noSuchMute: (t) => `No active mute has the id or secret ${t}. See /secrets mutes.`,
    endedMutes: (ms) =>
      `Ended ${ms.map((m) => `mute ${m.id} of ${m.label}`).join(', ')}. Its alerts are shown again.`,
    staleDialog: 'This dialog is no longer valid; click Mute on the alert again.',
  },
  staleButton:
    'This button is not valid any more (it was changed or comes from an older version). Use /secrets status <secret> instead.',
  usage: {
    status: 'Usage: /secrets status [secret]',
    mute: 'Usage: /secrets mute <secret or pattern> <duration> [reason] — e.g. /secrets mute prod/* 2h deploy (durations: 30s, 15m, 2h, 1d, 1w; at most 90d)',
    unmute: 'Usage: /secrets unmute <mute id or secret> — see /secrets mutes for ids',
    mutes: 'Usage: /secrets mutes',
    history: 'Usage: /secrets history <secret>',
    rotate:
      'Usage: /secrets rotate <secret> — e.g. /secrets rotate prod/pg or aws:111122223333:eu-west-1:prod/pg',
    restore: 'Usage: /secrets restore <secret> — cancels its scheduled deletion',
    help: 'Usage: /secrets help',
  },
  unknownSubcommand: (sub, list) => `Unknown subcommand "${sub}". Try one of: ${list} — or /secrets help.`,
  secretSpec: {
    missing: 'a secret name is missing',
    needsPlace: (s, p) => `"${s}" needs an account and a region: ${p}:<account>:<region>:<name>`,
    notArn: (s) => `"${s}" is not a Secrets Manager or KMS secret ARN`,
    noSpaces: 'a secret name has no spaces',
    seeHelp: (e) => `${e}. See /secrets help for how to name a secret.`,
    notSeen: (n) =>
      `The bot has not seen a secret named ${n} in any event. ` +
      `Name it with its cloud, account and region: aws:<account>:<region>:${n} or alibaba:<uid>:<region>:${n}, or give its ARN.`,
    several: (n, places) => `${n} exists in several places; say which: ${places}.`,
  },
  noSender:
    'DingTalk did not say who sent this (no senderStaffId), so only an enterprise robot of your organisation can take commands.',
};

const ZH: SentenceWords = {
  verb: { retryRotation: '重试轮转', cancelDeletion: '取消删除', mute: '静音或取消静音告警' },
  people: (shown, more) => (more > 0 ? `${shown.join('、')} 等另外 ${more} 人` : shown.join('、')),
  channels: (shown) => shown.join('、'),
  refusal: {
    noOperators: (verb, key) =>
      `目前还没有人可以在聊天中${verb}：未配置运维人员。` +
      `请把允许操作的聊天用户 id 设为 OPERATORS（例如 OPERATORS=U123,U456），` +
      `或在 YAML 配置文件（CONFIG_FILE）中设置 policies.${key}.users。`,
    notOperator: (verb, people) => `只有运维人员可以${verb}。你不是运维人员；请联系 ${people}。`,
    actionPolicy: (verb, people, key) => `只有 ${people} 可以${verb}（policies.${key}）。你不在其中。`,
    channelPolicy: (verb, channels, key) =>
      `只能在 ${channels} 中${verb}（policies.${key}.channels），不能在此频道。`,
    allowed: (people) => `允许的人：${people}。`,
  },
  where: (cloud, account, region) =>
    `${cloud}${account ? ` 账号 ${account}` : ''}${region ? `，${region}` : ''}`,
  inProgress: (a, n, by, at) => `${n} 的${a}已在进行中（由 ${by} 于 ${at} 发起），未再启动新的操作。`,
  alreadyDone: (a, n, at, by, d) =>
    `${n} 的${a}已于 ${at} 完成（由 ${by} 发起）${d ? `：${d}` : ''}。未再启动新的操作。`,
  queued: (a, n, w, p) => `${n}（${w}）的${a}已排队。${p}`,
  progress: {
    dingtalk: '结果会发到钉钉群里。',
    onAlert: '进度显示在告警及其消息串中。',
    inChannel: (c) => `进度将发到 ${c}。`,
  },
  resolvedAlert: (a, n) => `此告警已经解决，因此没有启动 ${n} 的${a}。`,
  internalError: (ref) => `内部错误，编号 ${ref}。未做任何更改；详情见机器人日志。`,
  bulk: {
    gone: '这条汇总已不可用；请使用各条告警上的按钮，或 /secrets rotate。',
    done: (total, c) =>
      `共 ${total} 个凭据：${[
        `${c.queued} 个已排队`,
        ...(c.busy > 0 ? [`${c.busy} 个已在进行或已完成`] : []),
        ...(c.notApplicable > 0 ? [`${c.notApplicable} 个不再适用`] : []),
        ...(c.refused > 0 ? [`${c.refused} 个被拒绝`] : []),
        ...(c.unavailable > 0 ? [`${c.unavailable} 个无法排队`] : []),
      ].join('，')}。进度显示在汇总消息中。`,
  },
  outcome: {
    requested: '等待执行',
    running: '执行中',
    succeeded: (d) => (d ? `成功：${d}` : '成功'),
    failed: (code, message) => `失败 — ${code}：${message}`,
    unknownError: '未知错误',
  },
  statusLine: (a, by, at, o) => `${a}由 ${by} 于 ${at} 发起 · ${o}`,
  note: {
    what: (a, n, cloud, account, region) =>
      `${n}（${cloud}${account ? ` 账号 ${account}` : ''}，${region}）的${a}`,
    retrying: (what, m, attempt, max) => `${what}：${m} 正在重试（第 ${attempt} 次，共 ${max} 次）。`,
    requested: (what, by) => `${what}，由 ${by} 发起。`,
    running: (what, by) => `${what}（由 ${by} 发起）：执行中。`,
    succeeded: (what, by, d, id) =>
      `${what}（由 ${by} 发起）：成功${d ? ` — ${d}` : ''}。${id ? `云请求 id ${id}。` : ''}`,
    failed: (what, by, o, id) => `${what}（由 ${by} 发起）：${o}${id ? `（云请求 id ${id}）` : ''}`,
  },
  mute: {
    choice: { '1h': '1 小时', '1d': '1 天', '1w': '1 周', resolved: '直到告警解决' },
    untilResolved: '直到告警解决',
    until: (d) => `至 ${d}`,
    untilItIsResolved: '直到告警解决',
    created: (by, label, until, id, reason) =>
      `${by} 静音了 ${label}，${until}（静音 ${id}）${reason ? `：${reason}` : '。'}`,
    ended: (id, label) => `${label} 的静音 ${id} 已结束。`,
    expired: (id, label, by, n) =>
      `${by} 对 ${label} 的静音 ${id} 已到期；期间静音了 ${n} 条事件。相关告警将重新显示。`,
    muted: (label, until, id) =>
      `已静音 ${label}，${until}（静音 ${id}）。其新告警仍会被记录，但不会发出；/secrets unmute ${id} 可结束静音。`,
    patternNote: '该模式匹配凭据名称（* 匹配任意字符，? 匹配一个字符）。',
    notOpen: '此告警已不是未解决状态，“直到告警解决”不适用；请选择一个时长。',
    pickDuration: '请选择静音时长。',
    nothingToMute: '此告警没有指明凭据，也没有可以静音的告警。',
    cannotMute: (e) => `无法静音：${e}。`,
    noSuchMute: (t) => `没有 id 或凭据为 ${t} 的生效静音。请查看 /secrets mutes。`,
    endedMutes: (ms) =>
      `已结束 ${ms.map((m) => `${m.label} 的静音 ${m.id}`).join('、')}。相关告警将重新显示。`,
    staleDialog: '此对话框已失效；请再次点击告警上的“静音”。',
  },
  staleButton: '此按钮已失效（已被更改或来自旧版本）。请改用 /secrets status <凭据>。',
  usage: {
    status: '用法：/secrets status [凭据]',
    mute: '用法：/secrets mute <凭据或通配模式> <时长> [原因] — 例如 /secrets mute prod/* 2h deploy（时长：30s、15m、2h、1d、1w；最长 90d）',
    unmute: '用法：/secrets unmute <静音 id 或凭据> — id 见 /secrets mutes',
    mutes: '用法：/secrets mutes',
    history: '用法：/secrets history <凭据>',
    rotate:
      '用法：/secrets rotate <凭据> — 例如 /secrets rotate prod/pg 或 aws:111122223333:eu-west-1:prod/pg',
    restore: '用法：/secrets restore <凭据> — 取消其计划删除',
    help: '用法：/secrets help',
  },
  unknownSubcommand: (sub, list) => `未知的子命令“${sub}”。可用的有：${list}，或见 /secrets help。`,
  secretSpec: {
    missing: '缺少凭据名称',
    needsPlace: (s, p) => `“${s}”需要写明账号和地域：${p}:<账号>:<地域>:<名称>`,
    notArn: (s) => `“${s}”不是 Secrets Manager 或 KMS 凭据的 ARN`,
    noSpaces: '凭据名称不能包含空格',
    seeHelp: (e) => `${e}。凭据的写法见 /secrets help。`,
    notSeen: (n) =>
      `机器人没有在任何事件中见过名为 ${n} 的凭据。` +
      `请写明云、账号和地域：aws:<账号>:<地域>:${n} 或 alibaba:<uid>:<地域>:${n}，或给出其 ARN。`,
    several: (n, places) => `${n} 存在于多处，请指明是哪一个：${places}。`,
  },
  noSender: '钉钉没有告知发送者（缺少 senderStaffId），因此只有贵组织的企业内部机器人才能接收命令。',
};

export const SENTENCE_WORDS: Catalog<SentenceWords> = { en: EN, 'zh-CN': ZH };

export function sentenceWords(locale?: Locale): SentenceWords {
  return wordsFor(SENTENCE_WORDS, locale);
}
