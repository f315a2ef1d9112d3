/**
 * Moved: the locale lives in ../i18n/locale.ts and the alert words both platforms share in
 * ../i18n/alert-words.ts. These re-exports keep older imports working; new code imports from ../i18n.
 */
export { LOCALES, type Locale } from '../i18n/locale';
export { alertWords as dingTalkCatalog, type AlertWords as DingTalkCatalog } from '../i18n/alert-words';
