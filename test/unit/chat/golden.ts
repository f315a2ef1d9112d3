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

export function goldenPath(name: string, dir = GOLDEN_DIR): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`golden name must be kebab-case: ${JSON.stringify(name)}`);
  return path.join(dir, `${name}.json`);
}

/** Compares `value` with the golden file `name` in `dir` (default ./__golden__). */
export function expectGolden(name: string, value: unknown, dir = GOLDEN_DIR): void {
  const file = goldenPath(name, dir);
  const actual = JSON.stringify(value, null, 2) + '\n';
  if (updatingGoldens()) {
    fs.mkdirSync(dir, { recursive: true });
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
export function listGoldens(prefix = '', dir = GOLDEN_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f.startsWith(prefix))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
