/**
 * The rule layer of DESIGN §2 applied to a model decision: severity rules that can only raise the
 * severity, risk findings that set highRisk, and one routing rule that sends hazards to `safety`.
 * Every firing is a ClassificationReason (`rule`, `effect`, `evidence`: the matched words, never the
 * whole text) so agents see why a ticket is urgent.
 */
import type { ClassificationReason } from '../../domain/classification';
import { type Category, maxSeverity, raiseSeverity, type Severity, SEVERITY_RANK } from '../../domain/taxonomy';
import { detect, type Findings, MAX_EVIDENCE } from './detect';

/**
 * Minimum model probability of `safety` for harm words (injury, fire…) or hazard words (smoke,
 * brake failure…) to route a ticket to safety: harm also appears in other complaints (a debt
 * collector's call that put a parent in hospital), so the model must at least consider safety.
 */
export const SAFETY_ROUTING_MIN_PROBABILITY: Readonly<{ harm: number; hazard: number }> = { harm: 0.05, hazard: 0.15 };

export interface RuleInput {
  /** normalizeText output. */
  text: string;
  /** The input was written in Traditional characters (decides the currency of unmarked amounts). */
  traditional: boolean;
  category: Category;
  severity: Severity;
  /** The model's probability of `safety` (for routing hazards). */
  safetyProbability: number;
  isRepeat?: boolean;
  /** detect(text, traditional), when already computed. */
  findings?: Findings;
}

export interface RuleOutcome {
  category: Category;
  severity: Severity;
  highRisk: boolean;
  reasons: ClassificationReason[];
}

/**
 * Raise severity to at least `to`, recording the rule. A rule that fires records itself even when
 * severity is already as high (agents see the evidence); a rule without evidence (safety floor,
 * repeat) records itself only when it raises.
 */
function raise(state: { severity: Severity; reasons: ClassificationReason[] }, rule: string, to: Severity, evidence: string[]): void {
  const next = maxSeverity(state.severity, to);
  if (SEVERITY_RANK[next] > SEVERITY_RANK[state.severity]) {
    state.reasons.push({ rule, effect: `severity ${state.severity}→${next}`, evidence, floor: to });
    state.severity = next;
  } else if (evidence.length) {
    state.reasons.push({ rule, effect: `severity ${state.severity} (already ≥ ${to})`, evidence, floor: to });
  }
}

/**
 * Apply the rules in a fixed order. Severity only goes up (each raise records `severity a→b`);
 * highRisk is set by any risk lexicon; the category changes only to route harm or hazards to safety.
 */
export function applyRules(input: RuleInput): RuleOutcome {
  const f = input.findings ?? detect(input.text, input.traditional);
  const reasons: ClassificationReason[] = [];
  let category = input.category;
  const state = { severity: input.severity, reasons };

  if (category !== 'safety') {
    const p = input.safetyProbability;
    const hazard = [...f.nearHarm, ...f.hazard].slice(0, MAX_EVIDENCE);
    const byHarm = f.harm.length > 0 && p >= SAFETY_ROUTING_MIN_PROBABILITY.harm;
    if (byHarm || (hazard.length > 0 && p >= SAFETY_ROUTING_MIN_PROBABILITY.hazard)) {
      reasons.push({ rule: 'category.safety_hazard', effect: `category ${category}→safety`, evidence: byHarm ? f.harm : hazard });
      category = 'safety';
    }
  }
  if (category === 'safety') raise(state, 'severity.safety_floor', 'important', []);
  if (f.harm.length) raise(state, 'severity.harm', 'major', f.harm);
  if (f.many.length) raise(state, 'severity.many_affected', 'major', f.many);
  if (f.threat.length) raise(state, 'severity.threat', 'important', f.threat);
  if (f.amountLevel !== 'general') raise(state, 'severity.large_amount', f.amountLevel, f.amountEvidence);
  if (f.selfHarm.length) raise(state, 'severity.self_harm', 'major', f.selfHarm);
  if (input.isRepeat) raise(state, 'severity.repeat', raiseSeverity(state.severity), []);
  const severity = state.severity;

  let highRisk = false;
  for (const [rule, evidence] of [
    ['risk.self_harm', f.selfHarm],
    ['risk.abuse', f.abuse],
    ['risk.anger', f.anger],
  ] as const) {
    if (evidence.length) {
      reasons.push({ rule, effect: 'highRisk', evidence: [...evidence] });
      highRisk = true;
    }
  }
  return { category, severity, highRisk, reasons };
}