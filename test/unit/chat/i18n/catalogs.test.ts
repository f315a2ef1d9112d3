import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAGE_WORDS } from '../../../../src/chat/dingtalk/render-action-page';
import { DINGTALK_COMMAND_WORDS } from '../../../../src/chat/dingtalk/render-dingtalk-command';
import { ALERT_WORDS } from '../../../../src/chat/i18n/alert-words';
import { CLOUD_WORDS } from '../../../../src/chat/i18n/cloud-words';
import { COMMAND_WORDS } from '../../../../src/chat/i18n/command-words';
import { LOCALES, type Catalog, type Locale } from '../../../../src/chat/i18n/locale';
import { SENTENCE_WORDS } from '../../../../src/chat/i18n/sentence-words';
import { SLACK_WORDS } from '../../../../src/chat/slack/slack-i18n';
import { summaryWords } from '../../../../src/chat/summary-words';

/**
 * Every message catalog, walked key by key: a locale that lacks a key (or has one the English
 * catalog does not), an empty word, or a function taking other arguments fails here, so a new
 * English sentence cannot ship without its Chinese one. TypeScript checks the same for catalogs
 * typed with their interface; this also covers words built at runtime and catches `as` casts.
 */
const CATALOGS: Record<string, Catalog<unknown>> = {
  'i18n/alert-words': ALERT_WORDS,
  'i18n/sentence-words': SENTENCE_WORDS,
  'i18n/command-words': COMMAND_WORDS,
  'i18n/cloud-words': CLOUD_WORDS,
  'slack/slack-i18n': SLACK_WORDS,
  'dingtalk/render-action-page': PAGE_WORDS,
  'dingtalk/render-dingtalk-command': DINGTALK_COMMAND_WORDS,
  'summary-words': { en: summaryWords('en'), 'zh-CN': summaryWords('zh-CN') },
};

type Leaf =
  { kind: 'string'; value: string } | { kind: 'function'; arity: number } | { kind: 'other'; type: string };

/** Every leaf of a catalog by its key path ("refusal.notOperator", "help.lines.0"). */
function leaves(value: unknown, prefix = ''): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  if (typeof value === 'string') out.set(prefix, { kind: 'string', value });
  else if (typeof value === 'function') out.set(prefix, { kind: 'function', arity: value.length });
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      for (const [p, l] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, l);
  } else out.set(prefix, { kind: 'other', type: typeof value });
  return out;
}

const OTHERS = LOCALES.filter((l): l is Exclude<Locale, 'en'> => l !== 'en');

describe.each(Object.keys(CATALOGS))('catalog %s', (name) => {
  const catalog = CATALOGS[name]!;
  const en = leaves(catalog.en);

  it('has words', () => {
    expect(en.size).toBeGreaterThan(0);
  });

  it.each(OTHERS)('%s has every key English has, and no other', (locale) => {
    const other = leaves(catalog[locale]);
    expect([...en.keys()].filter((k) => !other.has(k))).toEqual([]);
    expect([...other.keys()].filter((k) => !en.has(k))).toEqual([]);
  });

  it.each(LOCALES)(
    '%s: every word is a non-empty string, or a function of the same arguments as in English',
    (locale) => {
      const problems: string[] = [];
      for (const [key, leaf] of leaves(catalog[locale])) {
        const base = en.get(key);
        if (leaf.kind === 'other') problems.push(`${key}: ${leaf.type}`);
        else if (leaf.kind === 'string' && leaf.value.trim() === '') problems.push(`${key}: empty`);
        else if (base && base.kind !== leaf.kind)
          problems.push(`${key}: ${leaf.kind}, English has a ${base.kind}`);
        else if (leaf.kind === 'function' && base?.kind === 'function' && leaf.arity !== base.arity)
          problems.push(`${key}: takes ${leaf.arity} arguments, English ${base.arity}`);
      }
      expect(problems).toEqual([]);
    },
  );
});

describe('every catalog is walked', () => {
  it('each file under src/ that declares a catalog is listed above', () => {
    const src = path.join(__dirname, '..', '..', '..', '..', 'src');
    const declaring: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (
          entry.name.endsWith('.ts') &&
          file !== path.join(src, 'chat', 'i18n', 'locale.ts') && // declares the Catalog type itself
          /const \w+: Catalog<|Record<Locale, |locale === 'zh-CN' \? ZH : EN/.test(
            fs.readFileSync(file, 'utf8'),
          )
        )
          declaring.push(path.relative(path.join(src, 'chat'), file).replace(/\.ts$/, ''));
      }
    };
    walk(src);
    expect(declaring.filter((f) => !(f in CATALOGS)).sort()).toEqual([]);
  });
});
