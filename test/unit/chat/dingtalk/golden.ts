import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DingTalkMessage } from '../../../../src/chat/dingtalk/render-dingtalk-card';
import { updatingGoldens } from '../golden';

/**
 * Golden files for the DingTalk renderer, in ./__golden__ (a sibling of ../golden.ts, whose
 * folder is fixed). Same rules: rewritten only with UPDATE_GOLDEN=1, a missing golden fails.
 *
 * A golden is a `.md` file so the markdown can be reviewed as it reads: the message body as JSON
 * with its markdown text replaced by a marker, then the text verbatim below `=== text ===`.
 */
export const DINGTALK_GOLDEN_DIR = path.join(__dirname, '__golden__');
const TEXT_MARKER = '(the markdown text below)';

export function serializeDingTalkGolden(body: DingTalkMessage): string {
  const text = body.msgtype === 'actionCard' ? body.actionCard.text : body.markdown.text;
  const head =
    body.msgtype === 'actionCard'
      ? { ...body, actionCard: { ...body.actionCard, text: TEXT_MARKER } }
      : { ...body, markdown: { ...body.markdown, text: TEXT_MARKER } };
  return `${JSON.stringify(head, null, 2)}\n\n=== text ===\n${text}\n`;
}

export function expectDingTalkGolden(name: string, body: DingTalkMessage): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`golden name must be kebab-case: ${JSON.stringify(name)}`);
  const file = path.join(DINGTALK_GOLDEN_DIR, `${name}.md`);
  const actual = serializeDingTalkGolden(body);
  if (updatingGoldens()) {
    fs.mkdirSync(DINGTALK_GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) {
    throw new Error(
      `Golden file ${path.relative(process.cwd(), file)} is missing. ` +
        'Run the tests once with UPDATE_GOLDEN=1 to create it, review it, and commit it.',
    );
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

export function listDingTalkGoldens(): string[] {
  if (!fs.existsSync(DINGTALK_GOLDEN_DIR)) return [];
  return fs
    .readdirSync(DINGTALK_GOLDEN_DIR)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -'.md'.length))
    .sort();
}
