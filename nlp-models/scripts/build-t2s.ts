/**
 * Generates src/nlp/data/t2s.json, the Traditional → Simplified character map the tokenizer uses.
 *
 * Why a character map and not opencc-js at run time: opencc's `tw → cn` converter costs ≈15 µs per
 * 50-character text (a third of the classifier's whole budget at 20,000 texts/s) and ≈120 ms to load;
 * a character map costs ≈1 µs and nothing to load. The map is derived from opencc-js's own dictionaries:
 * every CJK code point is converted alone with `t → cn`, and the Taiwan and Hong Kong variant forms
 * (`tw → cn`, `hk → cn`) are added unless the character is itself a Simplified character (e.g. 么,
 * which Taiwan uses for 幺 but Simplified Chinese uses in 什么).
 *
 * Run: npx tsx nlp-models/scripts/build-t2s.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { Converter, Locale } from 'opencc-js/t2cn';

const RANGES: [number, number][] = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0x20000, 0x2a6df],
];

function simplifiedTargets(): Set<string> {
  const out = new Set<string>();
  for (const group of Locale.to.cn ?? []) {
    for (const dict of group) {
      if (typeof dict !== 'string') continue;
      for (const entry of dict.split('|')) {
        const target = entry.split(' ')[1];
        if (target && [...target].length === 1) out.add(target);
      }
    }
  }
  return out;
}

function main(): void {
  const t = Converter({ from: 't', to: 'cn' });
  const variants = [Converter({ from: 'tw', to: 'cn' }), Converter({ from: 'hk', to: 'cn' })];
  const keep = simplifiedTargets();
  const map: Record<string, string> = {};
  for (const [lo, hi] of RANGES) {
    for (let cp = lo; cp <= hi; cp++) {
      const c = String.fromCodePoint(cp);
      let s = t(c);
      for (const v of variants) {
        const alt = v(c);
        if (s === c && alt !== c && !keep.has(c)) s = alt;
      }
      if (s !== c && [...s].length === 1) map[c] = s;
    }
  }
  const out = path.join(__dirname, '..', '..', 'src', 'nlp', 'data', 't2s.json');
  fs.writeFileSync(out, JSON.stringify(map) + '\n');
  console.log(`wrote ${Object.keys(map).length} characters to ${path.relative(process.cwd(), out)}`);
}

main();
