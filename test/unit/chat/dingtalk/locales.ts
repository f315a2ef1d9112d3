import { LOCALES, type Locale } from '../../../../src/chat/i18n/locale';

export const LINKS_LOCALES: Locale[] = [...LOCALES];
