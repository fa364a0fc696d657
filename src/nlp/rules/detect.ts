/**
 * Detection, once per text: what the lexicons and the parsers find in normalised text. The rules
 * (apply.ts) act on these findings; the model also gets them as signal tokens.
 */
import { maxSeverity, type Severity } from '../../domain/taxonomy';
import { amountSeverity, findAmounts } from './amounts';
import { cancelled, medicalIsHarm } from './harm-context';
import { LEXICON_NAMES, LEXICONS, type LexiconName } from './lexicons';
import { scanLexicons } from './lexicon-scan';
import { manyPeople } from './people';

/** Evidence words kept per finding at most. */
export const MAX_EVIDENCE = 5;

export interface Findings {
  harm: string[];
  /** Medical care without a cause in the text, negated, or about a bill (住院费, my husband was hospitalised): a signal only. */
  medical: string[];
  /** Harm words after a negation or "nearly" (没受伤, 差点着火): a hazard, not harm. */
  nearHarm: string[];
  hazard: string[];
  many: string[];
  threat: string[];
  /** The highest severity implied by an amount (general when none is large). */
  amountLevel: Severity;
  amountEvidence: string[];
  selfHarm: string[];
  abuse: string[];
  anger: string[];
  /** Signals for the model only (see VULNERABLE, DRIVING, LEGAL_LOSS). */
  vulnerable: string[];
  /** Driving when the vehicle failed (DRIVING and VEHICLE_FAULT_RE). */
  vehicle: string[];
  legal: string[];
}

export const NO_FINDINGS: Readonly<Findings> = Object.freeze({
  harm: [],
  medical: [],
  nearHarm: [],
  hazard: [],
  many: [],
  threat: [],
  amountLevel: 'general',
  amountEvidence: [],
  selfHarm: [],
  abuse: [],
  anger: [],
  vulnerable: [],
  vehicle: [],
  legal: [],
});

/** Run every lexicon and the amount parser over normalised text. */

/** With a driving word: a fault of the vehicle itself (`!vehicle`). */
const VEHICLE_FAULT_RE = new RegExp([...LEXICONS.vehicleFault.zh, ...LEXICONS.vehicleFault.en].join('|'));

function push(list: string[], word: string): void {
  if (list.length < MAX_EVIDENCE && !list.includes(word)) list.push(word);
}

/** Run every lexicon and parser over normalised text. */
export function detect(text: string, traditional = false): Findings {
  if (!text) return { ...NO_FINDINGS, amountEvidence: [] };
  const hits = Object.fromEntries(LEXICON_NAMES.map((n) => [n, [] as string[]])) as Record<LexiconName, string[]>;
  const nearHarm: string[] = [];
  const medicalAt: { index: number; word: string }[] = [];
  for (const h of scanLexicons(text)) {
    if ((h.name === 'harm' || h.name === 'medical') && cancelled(text, h.index)) push(h.name === 'harm' ? nearHarm : hits.medical, h.word);
    else if (h.name === 'medical') medicalAt.push(h);
    else push(hits[h.name], h.word);
  }
  // medical care is judged once the whole text is read (harm or a hazard anywhere counts as context)
  const context = hits.harm.length > 0 || hits.hazard.length > 0 || nearHarm.length > 0;
  for (const m of medicalAt) push(medicalIsHarm(text, m.index, m.word, context) ? hits.harm : hits.medical, m.word);

  let amountLevel: Severity = 'general';
  const amountEvidence: string[] = [];
  for (const a of findAmounts(text, traditional)) {
    const level = amountSeverity(a);
    if (level === 'general') continue;
    amountLevel = maxSeverity(amountLevel, level);
    if (amountEvidence.length < MAX_EVIDENCE) amountEvidence.push(`${a.text} (${a.currency} ${a.value})`);
  }
  return {
    harm: hits.harm,
    medical: hits.medical,
    nearHarm,
    hazard: hits.hazard,
    many: [...hits.many, ...manyPeople(text, MAX_EVIDENCE)].slice(0, MAX_EVIDENCE),
    threat: hits.threat,
    amountLevel,
    amountEvidence,
    selfHarm: hits.selfHarm,
    abuse: hits.abuse,
    anger: hits.anger,
    vulnerable: hits.vulnerable,
    vehicle: hits.driving.length > 0 && VEHICLE_FAULT_RE.test(text) ? hits.driving : [],
    legal: hits.legal,
  };
}

/**
 * The findings as extra tokens for the models (`!harm`, `!amount_major`…), so the severity model can
 * weigh them against the rest of the text; the rules still apply afterwards.
 */
export function signalTokens(f: Findings): string[] {
  const out: string[] = [];
  if (f.harm.length) out.push('!harm');
  if (f.medical.length) out.push('!medical');
  if (f.nearHarm.length || f.hazard.length) out.push('!hazard');
  if (f.many.length) out.push('!many');
  if (f.threat.length) out.push('!threat');
  if (f.amountLevel !== 'general') out.push(`!amount_${f.amountLevel}`);
  if (f.selfHarm.length || f.abuse.length || f.anger.length) out.push('!risk');
  if (f.vulnerable.length) out.push('!vulnerable');
  if (f.vehicle.length) out.push('!vehicle');
  if (f.legal.length) out.push('!legal');
  return out;
}
