/**
 * LOCALE (`en` | `zh-CN`): the language of everything the bot says in chat, on both platforms.
 *
 * How chat text is translated, in one mechanism: each concept keeps one catalog — a TypeScript
 * interface of its words (plain strings, or functions of already-safe values) and one object per
 * locale, declared as a `Catalog<…>` — and every renderer or sentence builder takes the locale as
 * a parameter and picks its words with `wordsFor`. No global state: LOCALE is read once by the
 * config and passed down. The catalogs:
 *
 * - ./alert-words.ts: alerts on both platforms (event kinds, headlines, reasons, labels, countdowns)
 * - ./sentence-words.ts: what remediation, mutes and commands tell people (refusals, "queued",
 *   progress notes, usage), as neutral text that each platform renders
 * - ./command-words.ts: the vocabulary of command replies (status, mutes, history) on both platforms
 * - ./cloud-words.ts: what a cloud call did or why it failed (access denied, throttled, not found…)
 * - ../slack/slack-i18n.ts and ../dingtalk/render-*.ts: words only one platform uses
 *
 * test/unit/chat/i18n.test.ts walks every catalog and fails when a locale lacks a key.
 */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** One concept's words, in every locale. */
export type Catalog<T> = Readonly<Record<Locale, T>>;

export function wordsFor<T>(catalog: Catalog<T>, locale: Locale = 'en'): T {
  return catalog[locale];
}
