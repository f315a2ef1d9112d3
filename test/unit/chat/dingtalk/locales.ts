import { LOCALES, type Locale } from '../../../../src/chat/dingtalk/dingtalk-i18n';

export const LINKS_LOCALES: Locale[] = [...LOCALES];
