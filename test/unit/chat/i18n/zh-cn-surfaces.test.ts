import * as path from 'node:path';
import type { Incident } from '../../../../src/alerting/lifecycle';
import type { Mute } from '../../../../src/alerting/mute';
import { renderActionPage } from '../../../../src/chat/dingtalk/render-action-page';
import {
  renderDingTalkCommandReply,
  renderDingTalkNote,
} from '../../../../src/chat/dingtalk/render-dingtalk-command';
import type { Locale } from '../../../../src/chat/i18n/locale';
import type { RemediationNote } from '../../../../src/chat/message';
import { renderSlackFollowUpReply } from '../../../../src/chat/slack/render-slack-alert';
import { renderSlackCommandReply, renderSlackHome } from '../../../../src/chat/slack/render-slack-command';
import { renderSlackMuteModal } from '../../../../src/chat/slack/render-slack-mute-modal';
import { renderSlackNote } from '../../../../src/chat/slack/render-slack-remediation';
import type { SecretDescription } from '../../../../src/clouds/secrets-provider';
import type { ActionRef, RemediationStatus } from '../../../../src/remediation/actions';
import type { CommandReply } from '../../../../src/remediation/command-runner';
import type { LinkTarget } from '../../../../src/remediation/link-actions';
import { parseSecretsCommand } from '../../../../src/remediation/commands';
import { summarize } from '../../../../src/remediation/overview';
import {
  alreadyDoneText,
  inProgressText,
  internalErrorText,
  queuedText,
  refusalText,
  resolvedAlertText,
  staleButtonText,
} from '../../../../src/remediation/replies';
import { parseSecretSpec } from '../../../../src/remediation/resolve-secret';
import { sentenceWords } from '../../../../src/chat/i18n/sentence-words';
import type { AuditEntry } from '../../../../src/store/audit-store';
import type { Claim } from '../../../../src/store/remediation-claims';
import type { KnownSecret, SecretEventEntry } from '../../../../src/store/secret-directory';
import { alibaba, aws, message, NOW } from '../alert-cases';
import { expectGolden, listGoldens, updatingGoldens } from '../golden';

/**
 * LOCALE=zh-CN on every chat surface besides the alert itself (covered by ../slack-zh and
 * ../dingtalk): slash-command replies, the App Home tab, the Mute dialog, remediation and mute
 * notes, reminder and repeat notes, refusals and errors, DingTalk robot replies and notes, and the
 * action pages. Each is a golden file in ./__golden__ (UPDATE_GOLDEN=1 rewrites them), and each
 * is also rendered in English to check that nothing English leaks into the Chinese one.
 */
const DIR = path.join(__dirname, '__golden__');

const OPERATOR = 'U0OPS0';
const secret: KnownSecret = {
  provider: 'aws',
  account: '111122223333',
  region: 'eu-west-1',
  secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pg-AbCdEf',
  name: 'prod/pg',
  lastSeenAt: '2026-03-01T11:58:00Z',
};
const ref: ActionRef = {
  alertId: 'al-1',
  provider: 'aws',
  account: secret.account,
  region: secret.region,
  secretId: secret.secretId,
  secretName: secret.name,
};
const incident = (id: string, event: Incident['event'], topic: Incident['topic']): Incident => ({
  id,
  key: `k-${id}`,
  topic,
  status: 'open',
  openedAt: event.occurredAt,
  updatedAt: event.occurredAt,
  event,
  timeline: [],
  sourceIds: [],
});
const mute: Mute = {
  id: 'm0a1b2c3d',
  match: { secret: 'prod/*' },
  label: 'prod/*',
  startsAt: '2026-03-01T11:00:00Z',
  endsAt: '2026-03-01T14:00:00Z',
  createdBy: OPERATOR,
  reason: 'planned failover',
  createdAt: '2026-03-01T11:00:00Z',
};
const overview = summarize(
  [
    incident('i1', aws('rotation.failed', { failure: { code: 'InternalServiceError' } }), 'rotation'),
    incident('i2', alibaba('deletion.scheduled', { deletionDate: '2026-03-08T12:00:00Z' }), 'deletion'),
  ],
  [mute],
  NOW,
  {
    notify: { waiting: 1, delayed: 0, active: 2, failed: 0 },
    remediate: { waiting: 0, delayed: 0, active: 0, failed: 1 },
    outboxPending: 3,
  },
);
const events: SecretEventEntry[] = [
  {
    sourceId: 'e2',
    kind: 'rotation.failed',
    occurredAt: '2026-03-01T11:58:00Z',
    sourceEventName: 'RotationFailed',
    failureCode: 'InternalServiceError',
  },
  {
    sourceId: 'e1',
    kind: 'rotation.started',
    occurredAt: '2026-03-01T11:50:00Z',
    sourceEventName: 'RotationStarted',
    actor: 'arn:aws:iam::111122223333:user/alice',
  },
];
const audit: AuditEntry[] = [
  {
    at: '2026-03-01T11:59:00Z',
    actor: OPERATOR,
    action: 'rotate',
    phase: 'queued',
    via: 'button',
    jobId: 'j1',
  },
  {
    at: '2026-03-01T11:59:30Z',
    actor: 'bot',
    action: 'rotate',
    phase: 'succeeded',
    via: 'job',
    result: 'rotation started',
    cloudRequestId: 'req-1',
  },
  {
    at: '2026-03-01T11:40:00Z',
    actor: 'U0STRANGER',
    action: 'mute',
    phase: 'refused',
    via: 'command',
    result: 'not-operator',
  },
];
const description: SecretDescription = {
  provider: 'aws',
  account: secret.account,
  region: secret.region,
  name: secret.name,
  type: 'Generic',
  rotationEnabled: true,
  rotationSchedule: 'every 30 days',
  lastRotatedAt: '2026-01-02T03:04:00Z',
  nextRotationAt: '2026-03-02T03:04:00Z',
  deletionDate: '2026-03-06T12:00:00Z',
  tags: {},
  pendingRotation: { versionId: 'v-pending' },
} as SecretDescription;

const REPLIES: Record<string, CommandReply> = {
  'help-operator': { kind: 'help', operator: true, share: false },
  'help-other': { kind: 'help', operator: false, share: false },
  status: { kind: 'overview', overview, share: false },
  mutes: {
    kind: 'mutes',
    mutes: [mute, { ...mute, id: 'm9', endsAt: undefined, untilResolved: true, reason: undefined }],
    now: NOW,
    share: true,
  },
  'no-mutes': { kind: 'mutes', mutes: [], now: NOW, share: false },
  history: { kind: 'history', secret, events, audit, now: NOW, share: false },
  secret: {
    kind: 'secret',
    secret,
    description,
    events,
    ref: { ...ref, alertId: '' },
    actions: ['retryRotation', 'cancelDeletion', 'mute'],
    now: NOW,
    share: false,
  },
};

const status = (over: Partial<RemediationStatus>): RemediationStatus => ({
  action: 'retryRotation',
  state: 'requested',
  jobId: 'remediate-rotate-x-1',
  requestedBy: OPERATOR,
  requestedAt: '2026-03-01T12:00:00Z',
  updatedAt: '2026-03-01T12:00:05Z',
  forEvent: 'e2',
  ...over,
});
const remediationNote = (
  over: Partial<RemediationStatus>,
  retrying?: RemediationNote['retrying'],
): RemediationNote => ({
  kind: 'remediation',
  status: status(over),
  secret: { provider: 'aws', account: secret.account, region: secret.region, name: secret.name },
  ...(retrying ? { retrying } : {}),
});
const NOTES = {
  requested: remediationNote({}),
  running: remediationNote({ state: 'running' }),
  retrying: remediationNote(
    { state: 'running' },
    { message: 'Throttling: rate exceeded.', attempt: 0, maxAttempts: 5 },
  ),
  succeeded: remediationNote({
    state: 'succeeded',
    detail: 'rotation started, new version v2',
    cloudRequestId: 'req-1',
  }),
  failed: remediationNote({
    action: 'cancelDeletion',
    state: 'failed',
    error: { code: 'CLOUD.ACCESS_DENIED', cloudCode: 'AccessDeniedException', message: 'not allowed' },
  }),
} as const;

const claim: Claim = {
  claimId: 'c1',
  jobId: 'j1',
  gen: 1,
  action: 'cancelDeletion',
  target: {
    provider: 'aws',
    account: secret.account,
    region: secret.region,
    secretId: secret.secretId,
    name: secret.name,
  },
  alertId: 'al-1',
  forEvent: 'e1',
  requestedBy: OPERATOR,
  requestedAt: '2026-03-01T11:59:00Z',
  state: 'done',
  doneAt: '2026-03-01T11:59:40Z',
  detail: 'deletion cancelled',
};
const where = { provider: 'aws' as const, account: secret.account, region: secret.region, name: secret.name };

/** Every sentence the bot says to one person, for one locale. */
function sentences(locale: Locale): Record<string, string> {
  const usage = (text: string) => {
    const p = parseSecretsCommand(text, locale);
    return p.ok ? '' : p.usage;
  };
  const spec = (text: string) => {
    const s = parseSecretSpec(text, locale);
    return 'error' in s ? s.error : '';
  };
  return {
    'refusal-no-operators': refusalText(
      'retryRotation',
      { allowed: false, reason: 'no-operators', whoCan: [] },
      locale,
    ),
    'refusal-not-operator': refusalText(
      'cancelDeletion',
      { allowed: false, reason: 'not-operator', whoCan: ['U1', 'U2'] },
      locale,
    ),
    'refusal-action-policy': refusalText(
      'mute',
      { allowed: false, reason: 'action-policy', whoCan: Array.from({ length: 12 }, (_, i) => `U${i}`) },
      locale,
    ),
    'refusal-channel-policy': refusalText(
      'retryRotation',
      { allowed: false, reason: 'channel-policy', whoCan: ['U1'], where: ['C0OPS'] },
      locale,
    ),
    'queued-on-alert': queuedText('retryRotation', where, { onAlert: true }, locale),
    'queued-in-channel': queuedText('cancelDeletion', where, { onAlert: false, channel: 'C0ALERTS' }, locale),
    'queued-dingtalk': queuedText('cancelDeletion', where, { onAlert: false, dingtalk: true }, locale),
    'in-progress': inProgressText({ ...claim, state: 'pending' }, locale),
    'already-done': alreadyDoneText(claim, locale),
    resolved: resolvedAlertText('retryRotation', 'prod/pg', locale),
    'internal-error': internalErrorText('ab12cd34', locale),
    'stale-button': staleButtonText(locale),
    'bulk-done': sentenceWords(locale).bulk.done(137, {
      queued: 120,
      busy: 10,
      notApplicable: 4,
      refused: 0,
      unavailable: 3,
    }),
    'bulk-gone': sentenceWords(locale).bulk.gone,
    'usage-mute': usage('mute prod/pg'),
    'usage-unknown': usage('frobnicate'),
    'spec-needs-place': spec('aws:111122223333::prod/pg'),
    'spec-not-arn': spec('arn:aws:s3:::bucket'),
  };
}

/** Every surface, rendered in one locale: name → what the platform receives. */
function surfaces(locale: Locale): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, reply] of Object.entries(REPLIES)) {
    out[`slack-command-${name}`] = renderSlackCommandReply(reply, { locale });
    out[`dingtalk-command-${name}`] = renderDingTalkCommandReply(reply, { locale });
  }
  out['slack-command-usage'] = renderSlackCommandReply(
    { kind: 'usage', text: sentences(locale)['usage-mute']!, share: false },
    { locale },
  );
  out['slack-home'] = renderSlackHome(overview, { locale });
  out['slack-mute-modal'] = renderSlackMuteModal({
    ref,
    channel: 'C0ALERTS',
    choices: ['1h', '1d', '1w', 'resolved'],
    locale,
  });
  for (const [name, note] of Object.entries(NOTES)) out[`slack-note-${name}`] = renderSlackNote(note, locale);
  out['slack-note-mute'] = renderSlackNote({ kind: 'mute', mute }, locale);
  out['slack-note-mute-ended'] = renderSlackNote({ kind: 'mute', mute, ended: true }, locale);
  out['dingtalk-note-succeeded'] = renderDingTalkNote(NOTES.succeeded, { locale });
  out['dingtalk-note-running'] = renderDingTalkNote(NOTES.running, { locale });
  const deletion = alibaba('deletion.scheduled', { deletionDate: '2026-03-02T11:00:00Z' });
  out['slack-reminder'] = renderSlackFollowUpReply(message(deletion, { reason: 'reminder' }), { locale });
  out['slack-repeat'] = renderSlackFollowUpReply(message(aws('rotation.failed'), { reason: 'repeat-due' }), {
    locale,
  });
  out['sentences'] = sentences(locale);
  const target: LinkTarget = {
    action: 'cancelDeletion',
    provider: 'aws',
    account: secret.account,
    region: secret.region,
    name: secret.name,
    secretId: secret.secretId,
    alertId: 'al-1',
    expiresAt: Date.parse('2026-03-08T12:00:00Z'),
    deletionDate: '2026-03-08T12:00:00Z',
    command: '@secrets-bot restore aws:111122223333:eu-west-1:prod/pg',
  };
  out['action-page-refused'] = renderActionPage(
    { kind: 'result', target, state: 'refused', text: sentences(locale)['refusal-not-operator']! },
    { locale },
  ).html;
  const bulk = {
    action: 'retryRotation' as const,
    summaryId: 's0123456789abcdef0123456789abcdef',
    expiresAt: Date.parse('2026-03-08T12:00:00Z'),
    count: 137,
    provider: 'alibaba' as const,
    account: '1234567890123456',
    region: 'cn-shanghai',
  };
  out['action-page-bulk-confirm'] = renderActionPage({ kind: 'bulk-confirm', target: bulk, form: 'f.sig' }, { locale }).html;
  out['action-page-bulk-queued'] = renderActionPage(
    { kind: 'bulk-result', target: bulk, state: 'queued', at: '2026-03-01T12:00:00Z', text: sentences(locale)['bulk-done']! },
    { locale },
  ).html;
  out['action-page-bulk-disabled'] = renderActionPage({ kind: 'bulk-result', target: bulk, state: 'disabled' }, { locale }).html;
  return out;
}

const ZH = surfaces('zh-CN');
const EN = surfaces('en');

describe('zh-CN on every chat surface (golden)', () => {
  it.each(Object.keys(ZH))('%s', (name) => {
    expectGolden(`zh-cn-${name}`, ZH[name], DIR);
  });

  it('has no golden file that no case writes', () => {
    if (updatingGoldens()) return;
    expect(listGoldens('', DIR).filter((g) => !(g.replace(/^zh-cn-/, '') in ZH))).toEqual([]);
  });
});

/** Words of the English rendering that must not appear in the Chinese one (names and commands aside). */
const ENGLISH =
  /\b(?:the|is|of|and|by|was|will|with|until|only|may|not|you|requested|queued|succeeded|failed|running|Usage|Retry rotation|Cancel deletion|Mute alert|Open alerts|Pending deletion|Reminder|Still unresolved|History|Events|Rotation|Deletion|Active mutes|Queues)\b/;
/** What is the same in both languages: ids, names, commands, code, links and markup. */
const NEUTRAL =
  /`[^`]*`|<[^>]*>|https?:\/\/\S+|\/secrets[^\n，。]*|@secrets-bot[^\n，。]*|(?:aws|alibaba):<[^>]*>:[^\s，。）]*|policies\.\S+|OPERATORS=\S+|AWSPENDING|Secrets Manager|EventBridge|CONFIG_FILE|YAML|arn:aws:\S+|acs:kms:\S+|prod\/\S*|planned failover|rotation started, new version v2|deletion cancelled|Throttling: rate exceeded\.|not allowed|every 30 days|AccessDeniedException|CLOUD\.ACCESS_DENIED|InternalServiceError|RotationFailed|RotationStarted|not-operator|via (?:button|job|command)|\b(?:notify|remediate|outbox|rotate|cancel deletion|mute)\b|--share/g;

/** The text people read in a payload: strings under `text`, `title` or `placeholder`; a page's html. */
const VISIBLE_KEYS = new Set(['text', 'title', 'placeholder']);
function visible(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(visible);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      typeof v === 'string' ? (VISIBLE_KEYS.has(k) ? [v] : []) : visible(v),
    );
  return [];
}

describe('zh-CN says it in Chinese', () => {
  it.each(Object.keys(ZH))('%s has no English sentence left', (name) => {
    const shown = (
      name === 'sentences' ? Object.values(ZH[name] as Record<string, string>) : visible(ZH[name])
    )
      .join('\n')
      .replace(NEUTRAL, ' ');
    expect(shown.match(ENGLISH)?.[0]).toBeUndefined();
    expect(JSON.stringify(ZH[name])).not.toEqual(JSON.stringify(EN[name]));
  });
});
