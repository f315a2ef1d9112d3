import fc from 'fast-check';
import type { KnownBlock } from '@slack/types';
import { EVENT_KINDS, type SecretEvent } from '../../../src/events/secret-event';
import type { AlertMessage, AlertStatus } from '../../../src/chat/message';
import {
  renderSlackAlert,
  renderSlackFollowUpReply,
  renderSlackThreadReply,
  SLACK_LIMITS,
  type SlackAlertPayload,
} from '../../../src/chat/slack/render-slack-alert';
import { ACTION_IDS, actionsFor, decodeActionRef, type ActionName } from '../../../src/remediation/actions';
import { expectGolden, listGoldens, updatingGoldens } from './golden';
import { alibaba, aws, BASE_CASES, message, NOW } from './alert-cases';

const HOSTILE = 'team/<!channel> & <@U0123ABCD> <https://evil.example|click me> `x` *bold*';

/** Every rendered case: its golden file is __golden__/<name>.json. */
const CASES: Record<string, AlertMessage> = {
  ...BASE_CASES,
  'aws-cn-rotation-failed': message(
    aws('rotation.failed', {
      region: 'cn-north-1',
      account: '210987654321',
      secretId: 'arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:prod/mysql-Zy12Xw',
      secretName: 'prod/mysql',
      failure: { code: 'InternalServiceError' },
    }),
  ),
  'aws-hostile-text': message(
    aws('deletion.scheduled', {
      secretName: HOSTILE,
      secretId: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${HOSTILE}-AbCdEf`,
      actor: '<!here> mallory & co',
      sourceEventName: 'DeleteSecret <!everyone>',
      failure: { code: '`<!channel>`', message: 'see ```<https://evil.example|here>``` & <!subteam^S123>' },
      deletionDate: '2026-03-08T11:59:00Z',
    }),
  ),
};

const THREAD_CASES: Record<string, AlertMessage> = {
  'thread-aws-rotation-succeeded-resolved': CASES['aws-rotation-succeeded-resolved'],
  'thread-aws-deletion-cancelled-resolved': CASES['aws-deletion-cancelled-resolved'],
  'thread-aws-rotation-failed': CASES['aws-rotation-failed'],
  'thread-alibaba-deletion-scheduled-other-day': CASES['alibaba-deletion-scheduled-reminder'],
};

/** Thread notes of follow-ups (reminders, repeats): renderSlackFollowUpReply. */
const FOLLOW_UP_CASES: Record<string, AlertMessage> = {
  'follow-up-alibaba-deletion-reminder': CASES['alibaba-deletion-scheduled-reminder'],
  'follow-up-aws-rotation-failed-repeat': { ...CASES['aws-rotation-failed'], reason: 'repeat-due' },
};

// ----- helpers over rendered payloads ------------------------------------------------------------

type AnyObj = Record<string, unknown>;

function blocksOfType(p: { blocks?: KnownBlock[] }, type: string): AnyObj[] {
  return (p.blocks ?? []).filter((b) => b.type === type) as unknown as AnyObj[];
}

function buttons(p: SlackAlertPayload): AnyObj[] {
  return blocksOfType(p, 'actions').flatMap((b) => b.elements as AnyObj[]);
}

function textOf(o: unknown): string {
  return (o as { text: string }).text;
}

/** Every mrkdwn string in the payload (these are what Slack parses for links and mentions). */
function mrkdwnTexts(p: { text: string; blocks?: KnownBlock[] }): string[] {
  const out = [p.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as AnyObj;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(p.blocks);
  return out;
}

/** Fails unless every `<…>` in mrkdwn is one the renderer made: a date or an https console link. */
function expectNoInjectedMarkup(p: { text: string; blocks?: KnownBlock[] }): void {
  for (const t of mrkdwnTexts(p)) {
    const stripped = t
      .replace(/<!date\^\d+\^[^|<>]*\|[^<>]*>/g, '')
      .replace(/<https:\/\/[^\s|<>]+\|[^<>]*>/g, '');
    expect(stripped).not.toMatch(/[<>]/);
  }
}

function expectWithinSlackLimits(p: SlackAlertPayload): void {
  expect(p.text.length).toBeGreaterThan(0);
  expect(p.text.length).toBeLessThanOrEqual(40_000);
  expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  let total = 0;
  for (const block of p.blocks as unknown as AnyObj[]) {
    if (typeof block.block_id === 'string')
      expect(block.block_id.length).toBeLessThanOrEqual(SLACK_LIMITS.blockId);
    switch (block.type) {
      case 'header':
        expect(textOf(block.text).length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
        total += textOf(block.text).length;
        break;
      case 'section': {
        if (block.text !== undefined) {
          expect(textOf(block.text).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
          total += textOf(block.text).length;
        }
        const fields = (block.fields ?? []) as AnyObj[];
        expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
        for (const f of fields) {
          expect(textOf(f).length).toBeLessThanOrEqual(SLACK_LIMITS.field);
          total += textOf(f).length;
        }
        break;
      }
      case 'context': {
        const els = block.elements as AnyObj[];
        expect(els.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
        for (const e of els) {
          expect(textOf(e).length).toBeLessThanOrEqual(3000);
          total += textOf(e).length;
        }
        break;
      }
      case 'actions': {
        const els = block.elements as AnyObj[];
        expect(els.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
        for (const b of els) {
          expect(b.type).toBe('button');
          expect(textOf(b.text).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
          expect((b.action_id as string).length).toBeLessThanOrEqual(SLACK_LIMITS.blockId);
          expect((b.value as string).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
          const c = b.confirm as AnyObj | undefined;
          if (c !== undefined) {
            expect(textOf(c.title).length).toBeLessThanOrEqual(SLACK_LIMITS.confirmTitle);
            expect(textOf(c.text).length).toBeLessThanOrEqual(SLACK_LIMITS.confirmText);
            expect(textOf(c.confirm).length).toBeLessThanOrEqual(SLACK_LIMITS.confirmButton);
            expect(textOf(c.deny).length).toBeLessThanOrEqual(SLACK_LIMITS.confirmButton);
          }
        }
        break;
      }
      default:
        throw new Error(`unexpected block type ${String(block.type)}`);
    }
  }
  // Slack's undocumented practical cap (msg_blocks_too_long) is about 13.2k characters.
  expect(total).toBeLessThan(12_000);
}

const LABEL: Record<ActionName, string> = {
  retryRotation: 'Retry rotation',
  cancelDeletion: 'Cancel deletion',
  mute: 'Mute',
};

// ----- tests -------------------------------------------------------------------------------------

describe('renderSlackAlert golden output', () => {
  it('covers every event kind and both clouds', () => {
    const msgs = Object.values(CASES);
    expect(new Set(msgs.map((m) => m.event.kind))).toEqual(new Set(EVENT_KINDS));
    expect(new Set(msgs.map((m) => m.event.provider))).toEqual(new Set(['aws', 'alibaba']));
  });

  it.each(Object.keys(CASES))('%s', (name) => {
    expectGolden(name, renderSlackAlert(CASES[name]));
  });

  it.each(Object.keys(THREAD_CASES))('%s', (name) => {
    expectGolden(name, renderSlackThreadReply(THREAD_CASES[name]));
  });

  it.each(Object.keys(FOLLOW_UP_CASES))('%s', (name) => {
    expectGolden(name, renderSlackFollowUpReply(FOLLOW_UP_CASES[name]));
  });

  it('has no golden file that no case writes (delete stale ones)', () => {
    if (updatingGoldens()) return;
    const known = new Set([...Object.keys(CASES), ...Object.keys(THREAD_CASES), ...Object.keys(FOLLOW_UP_CASES)]);
    expect(listGoldens().filter((g) => !known.has(g))).toEqual([]);
  });
});

describe('renderSlackAlert behaviour', () => {
  const openCases = Object.entries(CASES).filter(([n, m]) => m.status === 'open' && n !== 'aws-huge-name');

  it.each(openCases)('%s: shows exactly the buttons actionsFor gives, with their labels', (_n, msg) => {
    const p = renderSlackAlert(msg);
    const expected = actionsFor(msg.event, true);
    expect(buttons(p).map((b) => b.action_id)).toEqual(expected.map((a) => ACTION_IDS[a]));
    expect(buttons(p).map((b) => textOf(b.text))).toEqual(expected.map((a) => LABEL[a]));
  });

  it.each(openCases)('%s: every button carries the alert reference', (_n, msg) => {
    for (const b of buttons(renderSlackAlert(msg)))
      expect(decodeActionRef(b.value as string)).toEqual(msg.ref);
  });

  it('offers Retry rotation, Cancel deletion and Mute where they apply', () => {
    const labels = (name: string) => buttons(renderSlackAlert(CASES[name])).map((b) => textOf(b.text));
    expect(labels('aws-rotation-failed')).toEqual(['Retry rotation', 'Mute']);
    expect(labels('aws-deletion-scheduled')).toEqual(['Cancel deletion', 'Mute']);
    expect(labels('aws-rotation-cancelled')).toEqual(['Mute']);
  });

  it.each(Object.entries(CASES).filter(([, m]) => m.status === 'resolved'))(
    '%s: resolved messages have a green "Resolved:" header and no buttons',
    (_n, msg) => {
      const p = renderSlackAlert(msg);
      expect(blocksOfType(p, 'actions')).toEqual([]);
      expect(textOf(blocksOfType(p, 'header')[0].text)).toMatch(/^:white_check_mark: Resolved: /);
      expect(p.text).toMatch(/^Resolved: /);
    },
  );

  it('drops buttons even if a resolved message still lists actions', () => {
    const msg = {
      ...CASES['aws-rotation-succeeded-resolved'],
      actions: ['retryRotation', 'mute'] as ActionName[],
    };
    expect(blocksOfType(renderSlackAlert(msg), 'actions')).toEqual([]);
  });

  it('confirm dialogs say what will happen to which secret in which account and region', () => {
    const retry = buttons(renderSlackAlert(CASES['aws-rotation-failed']))[0].confirm as AnyObj;
    expect(textOf(retry.title)).toBe('Retry rotation?');
    expect(textOf(retry.text)).toBe(
      'Secrets Manager will start rotating prod/pg in account 111122223333 (eu-west-1) now, using its configured rotation.',
    );
    const aliRetry = buttons(renderSlackAlert(CASES['alibaba-rotation-failed']))[0].confirm as AnyObj;
    expect(textOf(aliRetry.text)).toBe(
      'KMS will rotate rds-orders in account 1234567890123456 (cn-hangzhou) now.',
    );
    const cancel = buttons(renderSlackAlert(CASES['aws-deletion-scheduled']))[0].confirm as AnyObj;
    expect(textOf(cancel.title)).toBe('Cancel deletion?');
    expect(textOf(cancel.text)).toBe(
      'prod/pg in account 111122223333 (eu-west-1) will be restored and its scheduled deletion on 2026-03-08 11:59 UTC cancelled.',
    );
  });

  it('shows the deletion date with a countdown from msg.now, not from the clock', () => {
    const msg = CASES['aws-deletion-scheduled'];
    const at = (now: number) => JSON.stringify(renderSlackAlert({ ...msg, now }).blocks);
    expect(at(NOW)).toContain('(in 6 days 23 hours)');
    expect(at(NOW + 86_400_000)).toContain('(in 5 days 23 hours)');
    expect(at(Date.parse('2026-03-08T11:12:00Z'))).toContain('(in 47 minutes)');
    expect(renderSlackAlert(msg).text).toBe(
      'Deletion scheduled for prod/pg (AWS account 111122223333, eu-west-1) — permanent deletion in 6 days 23 hours',
    );
  });

  it("links the secret to its console page and shows the time in each reader's zone", () => {
    const fields = renderSlackAlert(CASES['aws-rotation-failed']).blocks[1] as unknown as {
      fields: AnyObj[];
    };
    const texts = fields.fields.map(textOf);
    expect(texts).toContain(
      '*Secret*\n<https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fpg&amp;region=eu-west-1|prod/pg>',
    );
    expect(texts).toContain('*When*\n<!date^1772366280^{date_short_pretty} {time}|2026-03-01 11:58 UTC>');
  });

  it('shows the failure code and message', () => {
    const json = JSON.stringify(renderSlackAlert(CASES['aws-rotation-failed']).blocks);
    expect(json).toContain('`InvalidRequestException`');
    expect(json).toContain('password authentication failed for user \\"app\\"');
  });

  it('escapes untrusted text so it cannot mention @channel or add links', () => {
    const p = renderSlackAlert(CASES['aws-hostile-text']);
    expectNoInjectedMarkup(p);
    const all = mrkdwnTexts(p).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(all).not.toContain('<@U0123ABCD>');
    expect(all).toContain('team/&lt;!channel&gt; &amp; &lt;@U0123ABCD&gt;');
    expect(p.text).toContain('&lt;!channel&gt;');
  });

  it('keeps a 5000-character failure message within limits, cut with an ellipsis', () => {
    const p = renderSlackAlert(CASES['aws-rotation-failed-huge-message']);
    expectWithinSlackLimits(p);
    const failure = p.blocks.map((b) => JSON.stringify(b)).find((s) => s.includes('*Failure*'));
    expect(failure).toBeDefined();
    expect(failure).toContain('…```');
  });

  it('offers no button at all when the secret reference cannot fit a button value', () => {
    const p = renderSlackAlert(CASES['aws-huge-name']);
    expectWithinSlackLimits(p);
    expect(buttons(p)).toEqual([]);
    expect(JSON.stringify(p.blocks)).toContain('Buttons are not available for this alert');
  });

  it('offers only Mute when the event does not say which secret (no button that cannot work)', () => {
    const msg = CASES['aws-alarm-access-pending-deletion'];
    expect(msg.actions).toEqual(['mute']);
    expect(buttons(renderSlackAlert(msg)).map((b) => textOf(b.text))).toEqual(['Mute']);
  });

  it('renders an alarm without account or secret, linking to the secret list', () => {
    const json = JSON.stringify(renderSlackAlert(CASES['aws-alarm-access-pending-deletion']));
    expect(json).toContain('A secret was read while pending deletion');
    expect(json).toContain('*Account*\\n_unknown_');
    expect(json).toContain(
      '_not named by the alarm_ (<https://eu-west-1.console.aws.amazon.com/secretsmanager/listsecrets?region=eu-west-1|secret list>)',
    );
  });

  it('says why the message was sent and what happened before', () => {
    const ctx = JSON.stringify(blocksOfType(renderSlackAlert(CASES['aws-rotation-abandoned']), 'context'));
    expect(ctx).toContain('*Updated*');
    expect(ctx).toContain('*Earlier:* Rotation started');
    const long = JSON.stringify(blocksOfType(renderSlackAlert(CASES['aws-long-timeline']), 'context'));
    expect(long).toContain('7 more, then ');
  });

  it.each(Object.entries(CASES))('%s: stays within Slack limits and has a fallback text', (_n, msg) => {
    const p = renderSlackAlert(msg);
    expectWithinSlackLimits(p);
    expectNoInjectedMarkup(p);
  });

  it('stays within limits and escapes any text, for any event (property)', () => {
    const hostile = fc.constantFrom(
      '<!channel>',
      '<!here>',
      '&',
      '<@U1>',
      '<https://x.example|y>',
      '`',
      '```',
      '*',
      '😀',
      '\n',
      '>',
    );
    const text = (max: number) =>
      fc.oneof(
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), hostile), { maxLength: 30 }).map((a) => a.join('')),
        fc
          .tuple(fc.string({ maxLength: 3 }), fc.nat(max))
          .map(([s, n]) => (s || 'x').repeat(n).slice(0, max)),
      );
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_KINDS),
        fc.constantFrom<'aws' | 'alibaba'>('aws', 'alibaba'),
        fc.constantFrom<AlertStatus>('open', 'resolved'),
        text(2000),
        text(6000),
        fc.option(text(3000), { nil: undefined }),
        (kind, provider, status, name, failureMessage, actor) => {
          const base = provider === 'aws' ? aws(kind) : alibaba(kind);
          const event: SecretEvent = {
            ...base,
            secretName: name,
            secretId: name,
            actor,
            sourceEventName: name.slice(0, 300),
            failure: { code: failureMessage.slice(0, 200), message: failureMessage },
            deletionDate: '2026-03-08T11:59:00Z',
          };
          const msg = message(event, { status, timeline: [{ kind, occurredAt: base.occurredAt, actor }] });
          const p = renderSlackAlert(msg);
          expectWithinSlackLimits(p);
          expectNoInjectedMarkup(p);
          for (const b of buttons(p)) expect(decodeActionRef(b.value as string)).toEqual(msg.ref);
          const reply = renderSlackThreadReply(msg);
          expectNoInjectedMarkup(reply);
          expect(reply.text.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('renderSlackThreadReply', () => {
  it('says what changed, when, and by whom', () => {
    expect(renderSlackThreadReply(CASES['aws-rotation-succeeded-resolved']).text).toBe(
      'Rotation succeeded at 11:58 UTC — resolved',
    );
    expect(renderSlackThreadReply(CASES['aws-deletion-cancelled-resolved']).text).toBe(
      'Deletion cancelled (secret restored) at 11:58 UTC by arn:aws:iam::111122223333:user/dave — resolved',
    );
    expect(renderSlackThreadReply(CASES['aws-rotation-failed']).text).toBe(
      'Rotation failed at 11:58 UTC (InvalidRequestException)',
    );
    expect(renderSlackThreadReply(CASES['alibaba-deletion-scheduled-reminder']).text).toBe(
      'Deletion scheduled on 2026-02-22 at 12:00 UTC by ram-user-erin',
    );
  });

  it('a follow-up note says why it was sent: the countdown of a reminder, "still unresolved" for a repeat', () => {
    expect(renderSlackFollowUpReply(CASES['alibaba-deletion-scheduled-reminder']).text).toBe(
      'Reminder: permanent deletion 2026-03-02 11:00 UTC (in 23 hours)',
    );
    expect(renderSlackFollowUpReply({ ...CASES['aws-rotation-failed'], reason: 'repeat-due' }).text).toBe(
      'Still unresolved: Rotation failed at 11:58 UTC (InvalidRequestException)',
    );
    const hostile = renderSlackFollowUpReply({ ...CASES['aws-hostile-text'], reason: 'repeat-due' });
    expectNoInjectedMarkup(hostile);
  });

  it('an alert found by reconciliation says so', () => {
    const text = JSON.stringify(renderSlackAlert(CASES['aws-rotation-overdue-reconciled']));
    expect(text).toContain('found by reconciliation: no event arrived');
    expect(JSON.stringify(renderSlackAlert(CASES['aws-rotation-failed']))).not.toContain('found by reconciliation');
  });

  it('escapes the actor', () => {
    const reply = renderSlackThreadReply(CASES['aws-hostile-text']);
    expectNoInjectedMarkup(reply);
    expect(reply.text).toContain('&lt;!here&gt; mallory &amp; co');
  });
});
