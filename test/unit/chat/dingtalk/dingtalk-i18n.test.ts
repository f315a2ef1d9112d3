import {
  EVENT_KINDS,
  type EventSource,
  type Provider,
  type Severity,
} from '../../../../src/events/secret-event';
import type { NotifyReason } from '../../../../src/chat/message';
import { alertWords } from '../../../../src/chat/i18n/alert-words';
import { LOCALES } from '../../../../src/chat/i18n/locale';
import {
  describeEvent,
  formatCountdown,
  kindLabel,
  reasonExplanation,
  reasonLabel,
} from '../../../../src/chat/text';

const REASONS: NotifyReason[] = ['first', 'changed', 'resolved', 'repeat-due', 'reminder'];
const SEVERITIES: Severity[] = ['critical', 'warning', 'info'];
const SOURCES: EventSource[] = [
  'aws.eventbridge',
  'aws.cloudwatch-alarm',
  'alibaba.cloudmonitor',
  'alibaba.eventbridge',
];
const PROVIDERS: Provider[] = ['aws', 'alibaba'];
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('DingTalk catalog', () => {
  it.each(LOCALES)(
    '%s: has a label and a headline, with and without a name, for every event kind',
    (locale) => {
      const t = alertWords(locale);
      const labels = EVENT_KINDS.map((k) => t.kind(k));
      expect(labels.every((l) => l.length > 0)).toBe(true);
      expect(new Set(labels).size).toBe(EVENT_KINDS.length);
      for (const kind of EVENT_KINDS) {
        expect(t.headline(kind, 'prod/pg')).toContain('prod/pg');
        expect(t.headline(kind, '').length).toBeGreaterThan(0);
        expect(t.headline(kind, '')).not.toMatch(/ {2}|^ | $/);
      }
      expect(new Set(EVENT_KINDS.map((k) => t.headline(k, 'x'))).size).toBe(EVENT_KINDS.length);
    },
  );

  it.each(LOCALES)('%s: has words for every reason, severity, cloud, source and button', (locale) => {
    const t = alertWords(locale);
    for (const r of REASONS) {
      expect(t.reason(r).length).toBeGreaterThan(0);
      expect(t.reasonExplanation(r).length).toBeGreaterThan(0);
    }
    for (const s of SEVERITIES) expect(t.severity(s).length).toBeGreaterThan(0);
    for (const p of PROVIDERS) expect(t.cloud(p).length).toBeGreaterThan(0);
    for (const s of SOURCES) expect(t.source(s).length).toBeGreaterThan(0);
    for (const v of [...Object.values(t.label), ...Object.values(t.button)])
      expect(v.length).toBeGreaterThan(0);
  });

  it('English says exactly what the shared text helpers (and so Slack) say', () => {
    const t = alertWords('en');
    for (const kind of EVENT_KINDS) {
      expect(t.kind(kind)).toBe(kindLabel(kind));
      expect(t.headline(kind, 'prod/pg')).toBe(describeEvent({ kind, secretName: 'prod/pg' }));
      expect(t.headline(kind, '')).toBe(describeEvent({ kind, secretName: '' }));
    }
    for (const r of REASONS) {
      expect(t.reason(r)).toBe(reasonLabel(r));
      expect(t.reasonExplanation(r)).toBe(reasonExplanation(r));
    }
    expect(t.button).toEqual({
      retryRotation: 'Retry rotation',
      cancelDeletion: 'Cancel deletion',
      mute: 'Mute',
    });
  });

  it('Chinese uses the contract button words and no English words', () => {
    const t = alertWords('zh-CN');
    expect(t.button).toEqual({ retryRotation: '重试轮转', cancelDeletion: '取消删除', mute: '静音' });
    const all = [
      ...EVENT_KINDS.flatMap((k) => [t.kind(k), t.headline(k, ''), t.headline(k, 'x')]),
      ...REASONS.flatMap((r) => [t.reason(r), t.reasonExplanation(r)]),
      ...SEVERITIES.map((s) => t.severity(s)),
      ...Object.values(t.label),
      ...Object.values(t.text).filter((v): v is string => typeof v === 'string'),
      t.countdown('2026-03-08T11:59:00Z', NOW),
      t.recoveryWindow(7),
    ].join('\n');
    expect(all).not.toMatch(
      /\b(Rotation|Deletion|deleted|secret|Secret|minutes?|hours?|days?|ago|unknown)\b/,
    );
  });

  it.each([
    ['2026-03-08T11:59:00Z', 'in 6 days 23 hours', '6 天 23 小时后'],
    ['2026-03-02T12:00:00Z', 'in 1 day', '1 天后'],
    ['2026-03-01T12:47:30Z', 'in 47 minutes', '47 分钟后'],
    ['2026-03-01T14:05:00Z', 'in 2 hours 5 minutes', '2 小时 5 分钟后'],
    ['2026-03-01T12:00:30Z', 'in less than a minute', '不到一分钟后'],
    ['2026-03-01T10:00:00Z', '2 hours ago', '2 小时前'],
    ['2026-02-27T11:00:00Z', '2 days 1 hour ago', '2 天 1 小时前'],
    ['not a date', '', ''],
  ])('countdown to %s: "%s" / "%s"', (deadline, en, zh) => {
    expect(alertWords('en').countdown(deadline, NOW)).toBe(en);
    expect(formatCountdown(deadline, NOW)).toBe(en);
    expect(alertWords('zh-CN').countdown(deadline, NOW)).toBe(zh);
  });
});
