/**
 * The context of harm and medical words. Negation and hypothesis before a harm or medical word make it
 * a near miss (a hazard, not harm); medical care is harm only when the text also reports harm or a
 * hazard or a cause comes just before it, and never when the words are about bills or insurance.
 */

/**
 * Negation and hypothesis before a harm or medical word make it a near miss (`nearHarm`: a hazard,
 * not harm): 没(有)受伤, 没人受伤, 差一点就起火, 不然就烧起来了, 可能会爆炸, no one was hurt, could have
 * been seriously hurt, afraid of an electrical fire, before someone gets hurt. Chinese cues may be
 * followed by up to three function characters (就, 会, 要, 被…); English cues by up to two words (four
 * after fear and risk: afraid of an electrical fire). Only the clause before the word is read (up to
 * the last punctuation).
 */
export const HARM_CANCEL = {
  zh: /(?:没有人|没人|无人|没有|没|未|无|不会|不曾|别|差点|差一点|险些|几乎|万一|如果|要是|假如|会不会|以免|防止|避免|怕|担心|可能|容易|随时|迟早|早晚|不然|否则|要不是|真)[就会要被都也给把到了点得又还再能]{0,3}$/,
  en: /(?:\bno\b|\bnot\b|n't|\bnobody\b|\bno one\b|\bnever\b|\bwithout\b|\balmost\b|\bnearly\b|\bnarrowly\b|\bcould(?: have|'ve)?\b|\bwould(?: have|'ve)\b|\bmight(?: have)?\b|\bmay\b|\bif\b|\bbefore\b|\buntil\b|\bwaiting for\b)(?:\s+[\w']+){0,2}\s*$|(?:\brisks?\b|\brisk of\b|\bafraid\b|\bworried\b|\bscared\b|\bfears?\b|\bin case\b|\bprevent\b|\bavoid\b|\bpotential(?:ly)?\b|\bpossibl[ey]\b)(?:\s+[\w']+){0,4}\s*$/,
};
/** Characters of the clause before a word that HARM_CANCEL reads. */
const CANCEL_WINDOW = { zh: 12, en: 48 };
const CLAUSE_END_RE = /[,.!?;:，。！？；：、]/;

/** A cause just before a medical word: 吃了…住院, 被撞…送医, after eating…hospital. */
export const MEDICAL_CAUSE = {
  zh: /(?:吃了|喝了|用了|吃完|喝完|用完|服用|导致|害得|害我|造成|引起|结果|吓到|吓得|气到|气得|之后|以后)[^。！？；.!?;]{0,24}$|被[^，。！？；,.!?;]{0,10}$/,
  en: /\b(?:after|from|because of|due to|caused|causing|made|sent|rushed|taken|took|ate|eaten|eating|drank|drinking|swallowed|used|using|exposed|exposure)\b[^]{0,150}$/,
};
/** Characters before a medical word where MEDICAL_CAUSE looks for a cause. */
const CAUSE_WINDOW = { zh: 30, en: 160 };
/** Bills and insurance around a medical word: not harm (住院费, 理赔住院, the ambulance bill, hospital charges). */
export const MEDICAL_BILLING = {
  zh: /费|理赔|报销|保险|保单|账单|发票|收费|claim/,
  en: /\b(?:bills?|billing|billed|invoices?|insurance|insurer|claims?|coverage|covered|charges?|charged|copay|deductible|fees?|paid|pay|payment|cost)\b/,
};
const BILLING_WINDOW = { zh: 6, en: 30 };

/** Clause before `index`, at most `window` characters. */
function clauseBefore(text: string, index: number, window: number): string {
  const from = Math.max(0, index - window);
  for (let i = index - 1; i >= from; i--) if (CLAUSE_END_RE.test(text[i] as string)) return text.slice(i + 1, index);
  return text.slice(from, index);
}

function isHan(c: number): boolean {
  return c >= 0x3400 && c <= 0x9fff;
}

/** The harm or medical word at `index` is negated or hypothetical (没受伤, 差点着火, could have been hurt). */
export function cancelled(text: string, index: number): boolean {
  return isHan(text.charCodeAt(index))
    ? HARM_CANCEL.zh.test(clauseBefore(text, index, CANCEL_WINDOW.zh))
    : HARM_CANCEL.en.test(clauseBefore(text, index, CANCEL_WINDOW.en));
}

/** Whether a medical word (at `index`) is harm: not about a bill, and harm or a hazard elsewhere in the text (`context`) or a cause just before it. */
export function medicalIsHarm(text: string, index: number, word: string, context: boolean): boolean {
  const zh = isHan(text.charCodeAt(index));
  const w = zh ? BILLING_WINDOW.zh : BILLING_WINDOW.en;
  const around = text.slice(Math.max(0, index - w), index + word.length + w);
  if ((zh ? MEDICAL_BILLING.zh : MEDICAL_BILLING.en).test(around)) return false;
  const before = text.slice(Math.max(0, index - (zh ? CAUSE_WINDOW.zh : CAUSE_WINDOW.en)), index);
  return context || (zh ? MEDICAL_CAUSE.zh : MEDICAL_CAUSE.en).test(before);
}
