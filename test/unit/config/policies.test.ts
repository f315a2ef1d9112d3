import { loadConfig } from '../../../src/config/load-config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function withYaml(yaml: string, env: Record<string, string> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-policies-')), 'config.yml');
  writeFileSync(file, yaml);
  return loadConfig({ CONFIG_FILE: file, ...env });
}

describe('remediation settings', () => {
  it('defaults: OPERATORS only, 90 days of audit, 15 minutes "recently done", 5 attempts', () => {
    const c = loadConfig({ OPERATORS: 'U1, U2' });
    expect(c.operators).toEqual(['U1', 'U2']);
    expect(c.policies).toEqual({});
    expect(c.audit_retention).toBe(90 * 86_400_000);
    expect(c.remediation).toEqual({ recently_done: 15 * 60_000, attempts: 5 });
  });

  it('reads per-action policies (users, "*", channels) and durations from the YAML file', () => {
    const c = withYaml(
      ['policies:', '  rotate: { users: [U1, U2], channels: [C1] }', '  cancel_deletion: { users: "U9" }', '  mute: { users: "*" }', 'audit_retention: 30d', 'remediation: { recently_done: 5m, attempts: 3 }'].join('\n'),
    );
    expect(c.policies).toEqual({ rotate: { users: ['U1', 'U2'], channels: ['C1'] }, cancel_deletion: { users: ['U9'] }, mute: { users: ['*'] } });
    expect(c.audit_retention).toBe(30 * 86_400_000);
    expect(c.remediation).toEqual({ recently_done: 300_000, attempts: 3 });
  });

  it('names a misspelt policy in one line', () => {
    expect(() => withYaml('policies:\n  rotation: { users: [U1] }')).toThrow(/^policies\.rotation: is not a known setting$/);
    expect(() => withYaml('policies:\n  rotate: { user: [U1] }')).toThrow(/^policies\.rotate\.user: is not a known setting$/);
    expect(() => withYaml('audit_retention: forever')).toThrow(/^audit_retention: "forever" is not a duration/);
  });
});
