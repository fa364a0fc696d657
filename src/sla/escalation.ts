import { status, type Deadline } from './deadlines';

/**
 * Escalation tiers (DESIGN §2, [003]): owner → team lead → complaint centre. Each missed deadline
 * escalates one tier; a high-risk ticket (anger, abuse) starts one tier up. Capped at the top.
 */
export const ESCALATION_TIERS = ['owner', 'team_lead', 'complaint_centre'] as const;
export type EscalationTier = (typeof ESCALATION_TIERS)[number];

export function escalationTier(missedDeadlines: number, options: { highRisk?: boolean | undefined } = {}): EscalationTier {
  if (!Number.isInteger(missedDeadlines) || missedDeadlines < 0) {
    throw new Error(`escalationTier: missedDeadlines must be a whole number ≥ 0, got ${missedDeadlines}`);
  }
  const level = Math.min(missedDeadlines + (options.highRisk ? 1 : 0), ESCALATION_TIERS.length - 1);
  return ESCALATION_TIERS[level] ?? 'complaint_centre';
}

/** How many of the (still open) deadlines are overdue at `now`. */
export function countOverdue(deadlines: Iterable<Deadline>, now: Date): number {
  let n = 0;
  for (const d of deadlines) if (status(d, now) === 'overdue') n++;
  return n;
}
