/** How tickets look to API clients. Contacts are always masked; internal hashes never leave. */
import type { FileResult } from '../domain/complaint-service';
import { maskContact, maskName } from '../domain/mask';
import type { Ticket, TicketDeadline } from '../domain/ticket';
import { CATEGORY_LABELS, SEVERITY_LABELS } from '../domain/taxonomy';

function deadlines(list: TicketDeadline[]): Record<string, unknown> {
  return Object.fromEntries(
    list.map((d) => [d.kind, { dueAt: d.dueAt, warnAt: d.warnAt, metAt: d.metAt, budget: d.budget, paused: d.dueAt === null }]),
  );
}

function summary(t: Ticket) {
  return {
    number: t.number,
    status: t.status,
    category: t.category,
    categoryLabel: { zh: CATEGORY_LABELS[t.category].zh, en: CATEGORY_LABELS[t.category].en },
    severity: t.severity,
    severityLabel: SEVERITY_LABELS[t.severity],
    channel: t.channel,
    language: t.language,
    createdAt: t.createdAt,
    deadlines: deadlines(t.sla.deadlines),
  };
}

export function filedView(r: FileResult) {
  const t = r.ticket;
  return {
    ...summary(t),
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

export function ticketView(t: Ticket) {
  return {
    ...summary(t),
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
    evidence: t.evidence.map((e) => ({ name: e.name, contentType: e.contentType, size: e.size, sha256: e.sha256 })),
    history: t.history.map((h) => ({ status: h.to, at: h.at, by: h.actor.kind })),
    resolution: t.resolution ? { remedy: t.resolution.remedy, amount: t.resolution.amount, note: t.resolution.note, at: t.resolution.at } : null,
    rejection: t.rejection ? { reason: t.rejection.reason, at: t.rejection.at } : null,
  };
}
