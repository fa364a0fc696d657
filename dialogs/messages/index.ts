import type { BotLanguage, Messages } from './types';
import { en } from './en';
import { zhCN } from './zh-CN';
import { zhTW } from './zh-TW';

export * from './types';

const CATALOGUE: Record<BotLanguage, Messages> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

export function messagesFor(lang: BotLanguage): Messages {
  return CATALOGUE[lang];
}
