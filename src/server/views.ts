/** How tickets look to API clients. Contacts are always masked; internal hashes never leave. */
import type { FileResult } from '../domain/complaint-service';
import { maskContact, maskName } from '../domain/mask';
import { evidenceSummary, outcomeView, type Ticket, type TicketDeadline } from '../domain/ticket';
import type { Taxonomy } from '../domain/taxonomy-config';

function deadlines(list: TicketDeadline[]): Record<string, unknown> {
  return Object.fromEntries(
    list.map((d) => [d.kind, { dueAt: d.dueAt, warnAt: d.warnAt, metAt: d.metAt, budget: d.budget, paused: d.dueAt === null }]),
  );
}

function summary(t: Ticket, tx: Taxonomy) {
  const category = tx.categories[t.category];
  return {
    number: t.number,
    status: t.status,
    category: t.category,
    categoryLabel: { zh: category.zh, en: category.en },
    severity: t.severity,
    severityLabel: { zh: tx.severities[t.severity].zh, en: tx.severities[t.severity].en },
    channel: t.channel,
    language: t.language,
    createdAt: t.createdAt,
    deadlines: deadlines(t.sla.deadlines),
  };
}

export function filedView(r: FileResult, tx: Taxonomy) {
  const t = r.ticket;
  return {
    ...summary(t, tx),
    lookupCode: r.lookupCode,
    replayed: r.replayed,
    classification: {
      confidence: t.classification.confidence,
      needsConfirmation: r.needsCategoryConfirmation,
      candidates: t.classification.candidates,
      reasons: t.classification.reasons,
      modelVersion: t.classification.modelVersion,
      categoryDecidedBy: t.classification.categoryDecidedBy,
    },
    highRisk: t.flags.highRisk,
    recurrenceOf: t.flags.recurrenceOf,
    links: { self: `/api/complaints/${t.number}` },
  };
}

/** What the phone's last four digits may see: where the ticket stands, not what it says. */
export function statusView(t: Ticket, tx: Taxonomy) {
  return { ...summary(t, tx), updatedAt: t.updatedAt, scope: 'status' as const };
}

/** What the lookup code may see: the whole ticket, contacts masked. */
export function ticketView(t: Ticket, tx: Taxonomy) {
  return {
    ...summary(t, tx),
    scope: 'full' as const,
    updatedAt: t.updatedAt,
    customer: { name: t.customer.name ? maskName(t.customer.name) : null, contact: maskContact(t.customer.contact) },
    description: t.description,
    occurredAt: t.occurredAt,
    occurredText: t.occurredText,
    orderId: t.orderId,
    product: t.product,
    merchant: t.merchant,
    amount: t.amount,
    desiredRemedy: t.desiredRemedy,
    evidence: t.evidence.map(evidenceSummary),
    history: t.history.map((h) => ({ status: h.to, at: h.at, by: h.actor.kind })),
    ...outcomeView(t),
  };
}
