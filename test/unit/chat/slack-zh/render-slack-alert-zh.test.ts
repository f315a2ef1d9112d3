import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderSlackAlert, renderSlackThreadReply } from '../../../../src/chat/slack/render-slack-alert';
import { CASES } from '../dingtalk/cases';
import { updatingGoldens } from '../golden';

/**
 * LOCALE=zh-CN for Slack alerts: a few cases rendered in Chinese against golden files in
 * ./__golden__ (same rules as ../golden.ts: rewritten only with UPDATE_GOLDEN=1, a missing one
 * fails). English output is covered by ../render-slack-alert.test.ts and must not change.
 */
const DIR = path.join(__dirname, '__golden__');

function expectZhGolden(name: string, value: unknown): void {
  const file = path.join(DIR, `${name}.json`);
  const actual = JSON.stringify(value, null, 2) + '\n';
  if (updatingGoldens()) {
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file))
    throw new Error(
      `Golden file ${path.relative(process.cwd(), file)} is missing; run with UPDATE_GOLDEN=1 and review it.`,
    );
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

const ALERTS = [
  'aws-rotation-failed',
  'aws-deletion-scheduled',
  'alibaba-rotation-failed',
  'alibaba-deletion-cancelled-resolved',
  'aws-long-timeline',
];
const THREADS = ['aws-rotation-succeeded-resolved', 'aws-rotation-failed'];

describe('Slack alerts in zh-CN (golden)', () => {
  it.each(ALERTS)('%s', (name) => {
    expectZhGolden(`zh-cn-${name}`, renderSlackAlert(CASES[name]!, { locale: 'zh-CN' }));
  });
  it.each(THREADS)('thread note: %s', (name) => {
    expectZhGolden(`zh-cn-thread-${name}`, renderSlackThreadReply(CASES[name]!, { locale: 'zh-CN' }));
  });
  it('has no golden file that no case writes', () => {
    if (updatingGoldens()) return;
    const known = new Set([
      ...ALERTS.map((n) => `zh-cn-${n}.json`),
      ...THREADS.map((n) => `zh-cn-thread-${n}.json`),
    ]);
    expect(fs.readdirSync(DIR).filter((f) => !known.has(f))).toEqual([]);
  });
});

describe('Slack alerts: LOCALE', () => {
  it('en is the default, and the English output does not depend on the option being given', () => {
    for (const msg of Object.values(CASES))
      expect(renderSlackAlert(msg, { locale: 'en' })).toEqual(renderSlackAlert(msg));
  });
  it('zh-CN keeps the action ids and button values, and localizes the labels', () => {
    const en = renderSlackAlert(CASES['aws-deletion-scheduled']!);
    const zh = renderSlackAlert(CASES['aws-deletion-scheduled']!, { locale: 'zh-CN' });
    const buttons = (p: typeof en) =>
      p.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])) as Array<{
        action_id: string;
        value: string;
        text: { text: string };
      }>;
    expect(buttons(zh).map((b) => [b.action_id, b.value])).toEqual(
      buttons(en).map((b) => [b.action_id, b.value]),
    );
    expect(buttons(zh).map((b) => b.text.text)).toEqual(['取消删除', '静音']);
    expect(zh.text).toContain('已计划删除');
  });
});
