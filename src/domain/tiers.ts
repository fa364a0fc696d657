/**
 * Each escalation tier's time with a ticket (owner → team lead → complaint centre, [003]), kept
 * apart on the ticket as spans, so on-time figures can blame the tier that held the ticket when a
 * deadline passed. Pure helpers over `TicketSla`.
 */
import type { DeadlineKind, Ticket, TicketSla, TierSpan } from './ticket';

/** The top tier (complaint centre). */
export const TOP_TIER = 2;

/** The spans of a ticket; tickets filed before spans were kept get one from their filing. */
export function tiersOf(t: Pick<Ticket, 'sla' | 'createdAt'>): TierSpan[] {
  if (t.sla.tiers?.length) return t.sla.tiers.map((s) => ({ ...s, missed: [...s.missed] }));
  return [{ tier: t.sla.escalationTier, from: t.createdAt, to: null, missed: [] }];
}

/** The first span of a new ticket. */
export function firstSpan(tier: number, at: Date): TierSpan[] {
  return [{ tier, from: at, to: null, missed: [] }];
}

/** Hand the ticket to `tier` at `now`: the open span closes, a new one opens. */
export function moveToTier(t: Pick<Ticket, 'sla' | 'createdAt'>, tier: number, now: Date): TicketSla {
  const spans = tiersOf(t).map((s) => (s.to === null ? { ...s, to: now } : s));
  return { ...t.sla, escalationTier: tier, tiers: [...spans, { tier, from: now, to: null, missed: [] }] };
}

/** The ticket left every tier's hands (resolved, rejected): the open span closes. */
export function closeSpan(t: Pick<Ticket, 'sla' | 'createdAt'>, now: Date): TicketSla {
  return { ...t.sla, tiers: tiersOf(t).map((s) => (s.to === null ? { ...s, to: now } : s)) };
}

/** The ticket is back (reopened): its current tier holds it again from `now`. */
export function reopenSpan(t: Pick<Ticket, 'sla' | 'createdAt'>, now: Date): TicketSla {
  const spans = tiersOf(t);
  if (spans.some((s) => s.to === null)) return { ...t.sla, tiers: spans };
  return { ...t.sla, tiers: [...spans, { tier: t.sla.escalationTier, from: now, to: null, missed: [] }] };
}

/** Record missed deadlines against the span that holds the ticket now. */
export function recordMissed(t: Pick<Ticket, 'sla' | 'createdAt'>, kinds: DeadlineKind[]): TicketSla {
  const spans = tiersOf(t);
  const open = [...spans].reverse().find((s) => s.to === null) ?? spans[spans.length - 1]!;
  for (const k of kinds) if (!open.missed.includes(k)) open.missed.push(k);
  return { ...t.sla, tiers: spans };
}
