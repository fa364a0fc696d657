/** opencc-js's Simplified → Traditional bundle has no typed entry point under `moduleResolution: node` (see src/nlp/vendor.d.ts for t2cn). */
declare module 'opencc-js/cn2t' {
  export function Converter(options: { from: string; to: string }): (text: string) => string;
}
