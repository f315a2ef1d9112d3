import { secretDisplayName } from '../clouds/classify-cloud-error';
import type { Locale } from '../chat/i18n/locale';
import { sentenceWords } from '../chat/i18n/sentence-words';
import type { Provider } from '../events/secret-event';
import type { KnownSecret, SecretDirectory } from '../store/secret-directory';

/**
 * How a command names a secret (documented in `/secrets help`):
 * - a name, `prod/pg`: looked up among the secrets the bot has seen in events; a name known in
 *   several accounts or regions must be qualified;
 * - qualified, `aws:<account>:<region>:<name>` or `alibaba:<uid>:<region>:<name>`: always works,
 *   also for a secret the bot has never seen;
 * - a full ARN, `arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf` or
 *   `acs:kms:<region>:<uid>:secret/<name>`.
 * For mutes, the name may be a glob (`prod/*`), and account or region may be `*`.
 */
export type SecretSpec =
  | { kind: 'name'; name: string }
  | { kind: 'qualified'; provider: Provider; account: string; region: string; name: string; secretId: string };

const AWS_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
const ALI_ARN = /^acs:kms:([a-z0-9-]+):([^:]+):secret\/(.+)$/;
const QUALIFIED = /^(aws|alibaba):([^:]*):([^:]*):(.+)$/;

export function parseSecretSpec(text: string, locale?: Locale): SecretSpec | { error: string } {
  const w = sentenceWords(locale).secretSpec;
  const s = text.trim();
  if (s === '') return { error: w.missing };
  let m = AWS_ARN.exec(s);
  if (m) return { kind: 'qualified', provider: 'aws', region: m[1]!, account: m[2]!, name: secretDisplayName(s), secretId: s };
  m = ALI_ARN.exec(s);
  if (m) return { kind: 'qualified', provider: 'alibaba', region: m[1]!, account: m[2]!, name: m[3]!, secretId: s };
  m = QUALIFIED.exec(s);
  if (m) {
    const [, provider, account, region, name] = m;
    if (!account || !region) return { error: w.needsPlace(s, provider!) };
    return { kind: 'qualified', provider: provider as Provider, account, region, name: name!, secretId: name! };
  }
  if (/^(arn|acs):/.test(s)) return { error: w.notArn(s) };
  if (/\s/.test(s)) return { error: w.noSpaces };
  return { kind: 'name', name: s };
}

export type Resolution = { ok: true; secret: KnownSecret } | { ok: false; text: string };

/** Finds where a secret lives, preferring what its events said (their ARN finds its open alert). */
export async function resolveSecret(spec: SecretSpec, directory: SecretDirectory, locale?: Locale): Promise<Resolution> {
  const known = await directory.findByName(spec.name);
  if (spec.kind === 'qualified') {
    const same = known.find((k) => k.provider === spec.provider && k.account === spec.account && k.region === spec.region);
    if (same) return { ok: true, secret: same };
    return { ok: true, secret: { ...spec, lastSeenAt: '' } };
  }
  if (known.length === 1) return { ok: true, secret: known[0]! };
  if (known.length === 0) {
    return { ok: false, text: sentenceWords(locale).secretSpec.notSeen(spec.name) };
  }
  return { ok: false, text: sentenceWords(locale).secretSpec.several(spec.name, known.map(qualifiedName).join(', ')) };
}

export function qualifiedName(s: { provider: Provider; account: string; region: string; name: string }): string {
  return `${s.provider}:${s.account}:${s.region}:${s.name}`;
}
