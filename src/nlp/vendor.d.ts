/**
 * Types for the parts of natural and opencc-js that the classifier loads directly. natural's main
 * entry point loads every module (≈1.6 s, and it prints dotenv notices), so the runtime requires only
 * the files it uses; opencc-js's `t2cn` bundle (Traditional → Simplified only) has no typed entry
 * point under `moduleResolution: node`.
 */
declare module 'natural/lib/natural/stemmers/porter_stemmer' {
  const PorterStemmer: { stem(token: string): string };
  export = PorterStemmer;
}

declare module 'natural/lib/natural/tokenizers/regexp_tokenizer' {
  export class WordTokenizer {
    tokenize(text: string): string[];
  }
}

declare module 'natural/lib/natural/util/stopwords' {
  export const words: string[];
}

declare module 'natural/lib/natural/util/stopwords_zh' {
  export const words: string[];
}

declare module 'opencc-js/t2cn' {
  export type DictGroup = readonly (string | readonly (readonly [string, string])[])[];
  export function Converter(options: { from: string; to: string }): (text: string) => string;
  export const Locale: {
    from: Record<string, readonly DictGroup[]>;
    to: Record<string, readonly DictGroup[]>;
  };
}
