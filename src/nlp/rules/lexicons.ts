/** The rule lexicons (data in lexicons.json), in scan priority order. */
import LEXICON_DATA from './lexicons.json';

/** Terms of one lexicon: regular-expression sources (see the `$comment` in lexicons.json). */
export interface Lexicon {
  zh: readonly string[];
  en: readonly string[];
}

export const LEXICON_NAMES = ['harm', 'medical', 'selfHarm', 'abuse', 'hazard', 'many', 'threat', 'anger', 'vulnerable', 'driving', 'legal'] as const;
export type LexiconName = (typeof LEXICON_NAMES)[number];

export const LEXICONS: Readonly<Record<LexiconName | 'vehicleFault' | 'amountReference', Lexicon>> = Object.fromEntries(
  ([...LEXICON_NAMES, 'vehicleFault', 'amountReference'] as const).map((name) => [name, { zh: LEXICON_DATA[name].zh, en: LEXICON_DATA[name].en }]),
) as unknown as Record<LexiconName | 'vehicleFault' | 'amountReference', Lexicon>;
