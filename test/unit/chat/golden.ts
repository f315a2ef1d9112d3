import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Golden files: saved expected renderer output, reviewed by eye and rewritten only on purpose.
 *
 *   UPDATE_GOLDEN=1 npx jest test/unit/chat   # write/refresh __golden__/*.json, then review the diff
 *   npx jest test/unit/chat                   # compare; a missing golden FAILS, it is never created
 */
export const GOLDEN_DIR = path.join(__dirname, '__golden__');

export function updatingGoldens(): boolean {
  return process.env.UPDATE_GOLDEN === '1';
}

export function goldenPath(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`golden name must be kebab-case: ${JSON.stringify(name)}`);
  return path.join(GOLDEN_DIR, `${name}.json`);
}

export function expectGolden(name: string, value: unknown): void {
  const file = goldenPath(name);
  const actual = JSON.stringify(value, null, 2) + '\n';
  if (updatingGoldens()) {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) {
    throw new Error(
      `Golden file ${path.relative(process.cwd(), file)} is missing. ` +
        'Run the tests once with UPDATE_GOLDEN=1 to create it, review it, and commit it.',
    );
  }
  const expected = fs.readFileSync(file, 'utf8');
  // Compare parsed values for a readable diff, then the bytes so formatting drift is caught too.
  expect(JSON.parse(actual)).toEqual(JSON.parse(expected));
  expect(actual).toBe(expected);
}

/** Golden files in the folder whose names start with `prefix` (to find ones no case writes any more). */
export function listGoldens(prefix = ''): string[] {
  if (!fs.existsSync(GOLDEN_DIR)) return [];
  return fs
    .readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json') && f.startsWith(prefix))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
