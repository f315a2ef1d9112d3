import fc from 'fast-check';
import type { Mute } from '../../../src/alerting/mute';
import {
  renderDingTalkCard,
  renderDingTalkFollowUp,
  DINGTALK_LIMITS,
  bodyBytes,
  type DingTalkMessage,
} from '../../../src/chat/dingtalk/render-dingtalk-card';
import {
  renderDingTalkCommandReply,
  renderDingTalkNote,
} from '../../../src/chat/dingtalk/render-dingtalk-command';
import type { Locale } from '../../../src/chat/dingtalk/dingtalk-i18n';
import type { AlertMessage, NotifyReason, RemediationNote } from '../../../src/chat/message';
import {
  renderSlackAlert,
  renderSlackFollowUpReply,
  renderSlackThreadReply,
  SLACK_LIMITS,
} from '../../../src/chat/slack/render-slack-alert';
import { renderSlackCommandReply } from '../../../src/chat/slack/render-slack-command';
import { renderSlackNote } from '../../../src/chat/slack/render-slack-remediation';
import { renderSlackSummary, renderSlackSummaryPage } from '../../../src/chat/slack/render-slack-summary';
import { renderDingTalkSummary } from '../../../src/chat/dingtalk/render-dingtalk-summary';
import type { SummaryEntry, SummaryMessage } from '../../../src/chat/summary-message';
import { EVENT_KINDS, type EventKind, type SecretEvent } from '../../../src/events/secret-event';
import { stripRefMarkers } from '../../../src/chat/text';
import type { CommandReply } from '../../../src/remediation/command-runner';
import type { OverviewAlert } from '../../../src/remediation/overview';
import type { RemediationStatus } from '../../../src/remediation/actions';
import type { AuditEntry } from '../../../src/store/audit-store';
import type { SecretEventEntry } from '../../../src/store/secret-directory';
import { alibaba, aws, message, NOW } from './alert-cases';

/**
 * Every string of an event reaches chat: the secret's name and id, account, region, type, actor,
 * failure code and message, the source's event name, times. Whatever a sender puts there (100 kB,
 * markup, mentions), the bot's Slack messages and DingTalk robot messages must stay within the
 * platforms' limits (or the message is rejected and the alert lost) and must not ping anyone.
 */

const HUGE = 100_000;
/** Markup and mentions in both platforms' syntax, characters that need escaping, and odd Unicode. */
const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S0TEAM>',
  '<@U0VICTIM>',
  '<#C0OTHER>',
  '@channel',
  '@here',
  '@all',
  '<http://evil.example|click>',
  '<https://evil.example>',
  '[click](http://evil.example)',
  '![img](http://evil.example/p.png)',
  '<font color=red>x</font>',
  '<a href="http://evil.example">x</a>',
  '*',
  '_',
  '~',
  '`',
  '```',
  '&',
  '&lt;',
  '>',
  '|',
  '\n# heading\n',
  '\n> quote',
  '\n- item',
  '\u0001@U0MARKER\u0001', // the renderers' own mention marker
  '\u202e',
  '\u200b',
  '😀',
  '订',
];

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20, unit: 'grapheme' })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));
/** A field as a hostile sender fills it: short and odd, or 100 kB of repeated markup. */
const field = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  {
    weight: 2,
    arbitrary: fc.noShrink(
      hostileText.map((s) =>
        (s || '<!channel>')
          .repeat(Math.ceil(HUGE / (s.length || 10)))
          .slice(0, HUGE)
          .replace(/[\ud800-\udbff]$/, ''),
      ),
    ),
  },
);
const optionalField = fc.option(field, { nil: undefined });
/** Times are ISO-8601 by the time they reach a renderer: every normalizer parses them (events/event-time.ts) or refuses the event. */
const time = fc
  .date({ min: new Date('2018-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const eventArb = fc
  .record({
    kind: fc.constantFrom(...EVENT_KINDS),
    provider: fc.constantFrom<'aws' | 'alibaba'>('aws', 'alibaba'),
    account: field,
    region: field,
    secretId: field,
    secretName: field,
    secretType: optionalField,
    actor: optionalField,
    code: optionalField,
    failureMessage: optionalField,
    sourceEventName: field,
    sourceId: fc.stringMatching(/^[0-9a-f]{8,32}$/), // alert ids are the bot's own hashes
    occurredAt: time,
    deletionDate: fc.option(time, { nil: undefined }),
  })
  .map(({ kind, provider, code, failureMessage, ...strings }): SecretEvent => ({
    ...(provider === 'aws' ? aws(kind) : alibaba(kind)),
    ...strings,
    failure:
      code === undefined && failureMessage === undefined ? undefined : { code, message: failureMessage },
    recoveryWindowDays: 7,
  }));

const statusArb = fc.record({
  action: fc.constantFrom<RemediationStatus['action']>('retryRotation', 'cancelDeletion'),
  state: fc.constantFrom<RemediationStatus['state']>('requested', 'running', 'succeeded', 'failed'),
  jobId: fc.constant('job1'),
  requestedBy: fc.oneof(fc.constant('U0OPS'), field),
  requestedAt: time,
  updatedAt: time,
  forEvent: fc.constant('e1'),
  detail: optionalField,
  error: fc.option(
    fc.record({ code: fc.constant('CLOUD.REJECTED'), cloudCode: optionalField, message: field }),
    { nil: undefined },
  ),
  cloudRequestId: optionalField,
}) as fc.Arbitrary<RemediationStatus>;

const alertArb = fc
  .record({
    event: eventArb,
    resolved: fc.boolean(),
    reason: fc.constantFrom<NotifyReason>('first', 'changed', 'resolved', 'repeat-due', 'reminder'),
    timeline: fc.array(
      fc.record({ kind: fc.constantFrom(...EVENT_KINDS), occurredAt: time, actor: optionalField }),
      { maxLength: 40 },
    ),
    remediation: fc.option(statusArb, { nil: undefined }),
  })
  .map(({ event, resolved, reason, timeline, remediation }): AlertMessage => {
    const msg = message(event, { status: resolved ? 'resolved' : 'open', reason, timeline, now: NOW });
    return remediation === undefined ? msg : { ...msg, remediation };
  });

// ----- Slack --------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const CONTEXT_TEXT = 3000; // a text object inside a context block
/** Slack rejects a message whose blocks hold more text than about this (msg_blocks_too_long), even within each block's limit. */
const SLACK_TOTAL_BLOCK_TEXT = 13_200;

/** Inputs are well-formed (JSON from a sender may carry a lone surrogate; that is passed on as sent), so any here is a cut pair. */
function expectNoCutPair(strings: string[]): void {
  for (const s of strings) {
    const at = s.search(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    if (at !== -1)
      throw new Error(`a surrogate pair was cut: ${JSON.stringify(s.slice(Math.max(0, at - 40), at + 40))}`);
  }
}

function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => stringsOf(x, out));
  else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => stringsOf(x, out));
  return out;
}

/** The mrkdwn strings of a payload: what Slack parses for links and mentions (plain_text is shown as is). */
function mrkdwnOf(p: { text: string; blocks?: unknown[] }): string[] {
  const out = [p.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Obj;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(p.blocks);
  return out;
}

/** Fails when a payload would be rejected by Slack, or could ping or link anything the bot did not mean to. */
function expectSlackAccepts(p: { text: string; blocks?: unknown[] }, mentions: string[] = []): void {
  expect(p.text.length).toBeGreaterThan(0);
  expect(p.text.length).toBeLessThanOrEqual(4000);
  const blocks = (p.blocks ?? []) as Obj[];
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  let total = 0;
  const text = (o: unknown, max: number) => {
    const t = (o as { text: string }).text;
    expect(t.length).toBeLessThanOrEqual(max);
    total += t.length;
  };
  for (const b of blocks) {
    if (b.block_id !== undefined) expect(String(b.block_id).length).toBeLessThanOrEqual(SLACK_LIMITS.blockId);
    if (b.type === 'header') text(b.text, SLACK_LIMITS.headerText);
    else if (b.type === 'section') {
      if (b.text !== undefined) text(b.text, SLACK_LIMITS.sectionText);
      const fields = (b.fields ?? []) as Obj[];
      expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
      fields.forEach((f) => text(f, SLACK_LIMITS.field));
    } else if (b.type === 'context') {
      const els = b.elements as Obj[];
      expect(els.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      els.forEach((e) => text(e, CONTEXT_TEXT));
    } else if (b.type === 'actions') {
      const els = b.elements as Obj[];
      expect(els.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of els) {
        text(e.text, SLACK_LIMITS.buttonText);
        expect(String(e.value).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        expect(String(e.action_id).length).toBeLessThanOrEqual(SLACK_LIMITS.blockId);
        const c = e.confirm as Obj | undefined;
        if (c) {
          text(c.title, SLACK_LIMITS.confirmTitle);
          text(c.text, SLACK_LIMITS.confirmText);
          text(c.confirm, SLACK_LIMITS.confirmButton);
          text(c.deny, SLACK_LIMITS.confirmButton);
        }
      }
    } else throw new Error(`unexpected block type ${String(b.type)}`);
  }
  expect(total).toBeLessThanOrEqual(SLACK_TOTAL_BLOCK_TEXT);
  expectNoCutPair(stringsOf(p));
  for (const t of mrkdwnOf(p)) {
    // What may remain between < and >: a date, an https link (to a console), a mention the bot meant.
    let rest = t.replace(/<!date\^\d+\^[^|<>]*\|[^<>]*>/g, '').replace(/<https:\/\/[^\s|<>]+\|[^<>]*>/g, '');
    for (const id of mentions) rest = rest.split(`<@${id}>`).join('');
    expect(rest).not.toMatch(/[<>]/);
  }
}

// ----- DingTalk ----------------------------------------------------------------------------------

/** Fails when DingTalk would refuse the message, or it could ping, link or format anything the bot did not mean to. */
function expectDingTalkAccepts(m: DingTalkMessage, links: string[] = []): void {
  expect(bodyBytes(m)).toBeLessThanOrEqual(DINGTALK_LIMITS.messageBytes);
  expect('at' in m).toBe(false); // no isAtAll, no atMobiles: a robot message pings nobody without it
  const { title, text } = m.msgtype === 'actionCard' ? m.actionCard : m.markdown;
  expect(title.length).toBeLessThanOrEqual(DINGTALK_LIMITS.title);
  if (m.msgtype === 'actionCard') {
    for (const b of m.actionCard.btns) {
      expect(b.title.length).toBeLessThanOrEqual(DINGTALK_LIMITS.buttonTitle);
      expect(b.actionURL.length).toBeLessThanOrEqual(DINGTALK_LIMITS.actionUrl);
      expect(b.actionURL).toMatch(/^https:\/\//);
    }
  }
  expectNoCutPair(stringsOf(m));
  expect(text).not.toMatch(/<\/?[a-z!]/i); // no HTML
  expect(text).not.toContain('!['); // no images
  for (const [, target] of text.matchAll(/\]\(([^)]*)\)/g)) {
    expect(links.some((l) => target!.startsWith(l))).toBe(true); // only the bot's own links
  }
  // Only the renderer's own first line is a heading: untrusted text never starts a line.
  expect(
    text
      .split('\n')
      .slice(1)
      .filter((l) => /^\s{0,3}#/.test(l)),
  ).toEqual([]);
}

const CARD_LINKS = {
  retryRotation: 'https://bot.example/actions/r1',
  cancelDeletion: 'https://bot.example/actions/c1',
  mute: 'https://bot.example/actions/m1',
};
const DT_LINKS = [
  'https://bot.example/actions/',
  'https://console.aws.amazon.com',
  'https://console.amazonaws.cn',
  'https://kms.console.aliyun.com',
  'https://yundun.console.aliyun.com',
];
const LOCALES: Locale[] = ['en', 'zh-CN'];

// ----- the worst case, spelled out --------------------------------------------------------------

const hugeHostile = (stem: string) =>
  `${stem} <!channel> *${stem}* <http://x|y> [y](http://x) @all `.repeat(HUGE / 40).slice(0, HUGE);

function worstEvent(kind: EventKind, provider: 'aws' | 'alibaba'): SecretEvent {
  return {
    ...(provider === 'aws' ? aws(kind) : alibaba(kind)),
    secretName: hugeHostile('name'),
    secretId: hugeHostile('id'),
    account: hugeHostile('account'),
    region: hugeHostile('region'),
    secretType: hugeHostile('type'),
    actor: hugeHostile('actor'),
    failure: { code: hugeHostile('code'), message: hugeHostile('message') },
    sourceEventName: hugeHostile('source'),
    sourceId: hugeHostile('sid'),
    deletionDate: '2026-03-08T11:59:00Z',
  };
}

/** The worst event of a kind, with a 30-entry timeline of its hostile actor. */
function worstAlert(kind: EventKind, provider: 'aws' | 'alibaba') {
  const event = worstEvent(kind, provider);
  const timeline = Array.from({ length: 30 }, () => ({
    kind,
    occurredAt: event.occurredAt,
    actor: event.actor,
  }));
  return { event, timeline };
}

describe('an event whose every string field is 100 kB of markup and mentions', () => {
  const cases = EVENT_KINDS.flatMap((kind) => (['aws', 'alibaba'] as const).map((p) => [kind, p] as const));

  it.each(cases)(
    '%s (%s): the Slack alert, thread reply and follow-up fit Slack and ping nobody',
    (kind, provider) => {
      const { event, timeline } = worstAlert(kind, provider);
      for (const status of ['open', 'resolved'] as const) {
        const msg = message(event, { status, timeline });
        expectSlackAccepts(renderSlackAlert(msg));
        expectSlackAccepts(renderSlackAlert(msg, { locale: 'zh-CN' }));
        expectSlackAccepts(renderSlackThreadReply(msg));
        expectSlackAccepts(renderSlackFollowUpReply({ ...msg, reason: 'reminder' }));
        expectSlackAccepts(renderSlackFollowUpReply({ ...msg, reason: 'repeat-due' }));
      }
    },
  );

  it.each(cases)(
    '%s (%s): the DingTalk card and follow-ups fit DingTalk and ping nobody',
    (kind, provider) => {
      const { event, timeline } = worstAlert(kind, provider);
      for (const locale of LOCALES)
        for (const status of ['open', 'resolved'] as const) {
          const msg = message(event, { status, timeline });
          expectDingTalkAccepts(renderDingTalkCard(msg, CARD_LINKS, { locale }), DT_LINKS);
          expectDingTalkAccepts(renderDingTalkFollowUp(msg, { locale, links: CARD_LINKS }), DT_LINKS);
          expectDingTalkAccepts(renderDingTalkFollowUp(msg, { locale, mode: 'note' }), DT_LINKS);
        }
    },
  );

  it('a remediation note about it fits both platforms and pings only the operator who asked', () => {
    const event = worstEvent('rotation.failed', 'aws');
    for (const state of ['requested', 'running', 'succeeded', 'failed'] as const) {
      const note: RemediationNote = {
        kind: 'remediation',
        secret: { provider: 'aws', account: event.account, region: event.region, name: event.secretName },
        status: {
          action: 'retryRotation',
          state,
          jobId: 'j',
          requestedBy: 'U0OPS',
          requestedAt: '2026-03-01T11:58:00Z',
          updatedAt: '2026-03-01T11:58:00Z',
          forEvent: 'e',
          detail: hugeHostile('detail'),
          error: { code: 'CLOUD.REJECTED', cloudCode: hugeHostile('cloud'), message: hugeHostile('error') },
          cloudRequestId: hugeHostile('request'),
        },
        retrying:
          state === 'running' ? { message: hugeHostile('retry'), attempt: 1, maxAttempts: 5 } : undefined,
      };
      expectSlackAccepts(renderSlackNote(note), ['U0OPS']);
      for (const locale of LOCALES) expectDingTalkAccepts(renderDingTalkNote(note, { locale }));
    }
  });
});

// ----- any event (property-based) ------------------------------------------------------------------

describe('any event, any text (property)', () => {
  it('the Slack alert, thread reply and follow-up fit Slack and ping nobody', () => {
    fc.assert(
      fc.property(alertArb, fc.constantFrom<Locale>(...LOCALES), (msg, locale) => {
        const mentions = msg.remediation ? [msg.remediation.requestedBy] : [];
        expectSlackAccepts(renderSlackAlert(msg, { locale }), mentions);
        expectSlackAccepts(renderSlackThreadReply(msg, { locale }));
        expectSlackAccepts(renderSlackFollowUpReply(msg));
      }),
      { numRuns: 150 },
    );
  });

  it('the DingTalk card and follow-ups fit DingTalk and ping nobody', () => {
    fc.assert(
      fc.property(alertArb, fc.constantFrom<Locale>(...LOCALES), (msg, locale) => {
        expectDingTalkAccepts(renderDingTalkCard(msg, CARD_LINKS, { locale }), DT_LINKS);
        expectDingTalkAccepts(renderDingTalkFollowUp(msg, { locale, links: CARD_LINKS }), DT_LINKS);
        expectDingTalkAccepts(renderDingTalkFollowUp(msg, { locale, mode: 'note' }), DT_LINKS);
      }),
      { numRuns: 150 },
    );
  });

  it('remediation notes fit both platforms; only a well-formed requester id becomes a mention', () => {
    fc.assert(
      fc.property(eventArb, statusArb, fc.option(field, { nil: undefined }), (event, status, retrying) => {
        const note: RemediationNote = {
          kind: 'remediation',
          secret: {
            provider: event.provider,
            account: event.account,
            region: event.region,
            name: event.secretName,
          },
          status,
          retrying: retrying === undefined ? undefined : { message: retrying, attempt: 1, maxAttempts: 5 },
        };
        expectSlackAccepts(
          renderSlackNote(note),
          /^U[A-Z0-9]+$/.test(status.requestedBy) ? [status.requestedBy] : [],
        );
        for (const locale of LOCALES) expectDingTalkAccepts(renderDingTalkNote(note, { locale }));
      }),
      { numRuns: 100 },
    );
  });

  /** `/secrets status` and `history` replies list what events said: names, accounts, actors, failure codes. */
  it('command replies that quote events fit both platforms and ping only the users the bot names', () => {
    const overviewAlert = (e: SecretEvent): OverviewAlert => ({
      alertId: e.sourceId,
      severity: e.severity,
      kind: e.kind,
      provider: e.provider,
      account: e.account,
      region: e.region,
      name: e.secretName,
      occurredAt: e.occurredAt,
      deletionDate: '2026-03-08T11:59:00Z',
      failureCode: e.failure?.code,
      mutedBy: e.actor,
    });
    const entry = (e: SecretEvent): SecretEventEntry => ({
      sourceId: e.sourceId,
      kind: e.kind,
      occurredAt: e.occurredAt,
      actor: e.actor,
      sourceEventName: e.sourceEventName,
      failureCode: e.failure?.code,
    });
    const mute = (e: SecretEvent): Mute => ({
      id: 'm1',
      match: { secret: e.secretName },
      label: e.secretName,
      startsAt: '2026-03-01T11:00:00Z',
      endsAt: '2026-03-01T13:00:00Z',
      createdBy: 'U0OPS',
      reason: e.actor,
      createdAt: '2026-03-01T11:00:00Z',
    });
    const audit = (e: SecretEvent): AuditEntry => ({
      at: '2026-03-01T11:00:00Z',
      actor: 'U0OPS',
      action: 'rotate',
      phase: 'failed',
      secret: { provider: e.provider, account: e.account, region: e.region, name: e.secretName },
      via: 'button',
      result: e.failure?.message,
      cloudRequestId: e.sourceEventName,
    });
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 20 }), fc.boolean(), (events, share) => {
        const first = events[0]!;
        const secret = {
          provider: first.provider,
          account: first.account,
          region: first.region,
          secretId: first.secretId,
          name: first.secretName,
          lastSeenAt: first.occurredAt,
        };
        const replies: CommandReply[] = [
          {
            kind: 'overview',
            share,
            overview: {
              now: NOW,
              counts: { critical: events.length, warning: 0, info: 0 },
              open: events.map(overviewAlert),
              pendingDeletions: events.map(overviewAlert),
              rotationFailures: events.map(overviewAlert),
              mutes: events.map(mute),
            },
          },
          { kind: 'history', share, secret, events: events.map(entry), audit: events.map(audit), now: NOW },
          { kind: 'mutes', share, mutes: events.map(mute), now: NOW },
          // Neutral sentences: their authors (src/remediation) strip mention markers from what they quote.
          {
            kind: 'text',
            share,
            text: `Muted ${stripRefMarkers(first.secretName)}: ${stripRefMarkers(first.failure?.message ?? '')}`,
          },
        ];
        for (const reply of replies) {
          expectSlackAccepts(renderSlackCommandReply(reply), ['U0OPS']);
          for (const locale of LOCALES) expectDingTalkAccepts(renderDingTalkCommandReply(reply, { locale }));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('summaries of many alerts fit both platforms and ping only the operator who asked', () => {
    const member = (e: SecretEvent, i: number): SummaryEntry => ({
      name: e.secretName,
      provider: e.provider,
      account: e.account,
      region: e.region,
      kind: e.kind,
      status: i % 3 === 0 ? 'resolved' : 'open',
    });
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        fc.boolean(),
        (events, resolved, bulk) => {
          const first = events[0]!;
          const entries = events.map(member);
          const msg: SummaryMessage = {
            summaryId: 's1',
            status: resolved ? 'resolved' : 'open',
            provider: first.provider,
            account: first.account,
            region: first.region,
            kind: first.kind,
            secretType: first.secretType,
            counts: { total: events.length, open: events.length, resolved: 0, muted: 0 },
            sample: entries.slice(0, 10),
            actions: ['retryRotation', 'cancelDeletion'],
            actionable: { retryRotation: events.length, cancelDeletion: events.length },
            ...(bulk
              ? { remediation: { requestedBy: 'U0OPS', requested: 1, running: 1, succeeded: 1, failed: 1 } }
              : {}),
            why: { threshold: 5, groupInterval: 60_000 },
            since: first.occurredAt,
            now: NOW,
          };
          for (const locale of LOCALES) {
            expectSlackAccepts(renderSlackSummary(msg, { locale }), ['U0OPS']);
            expectSlackAccepts(
              renderSlackSummaryPage({ summaryId: 's1', from: 1, entries }, entries.length, { locale }),
            );
            expectDingTalkAccepts(renderDingTalkSummary(msg, entries, { locale }));
            expectDingTalkAccepts(renderDingTalkSummary(msg, entries, { locale, added: 3 }));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
