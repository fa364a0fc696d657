/**
 * The dialogs' ComplaintDesk port over the core's ComplaintService: translates drafts into the
 * filing input, the core's errors into the port's codes, and tickets into the small views the
 * dialogs show. Built in the composition root; the core knows nothing of it.
 */
import type { ComplaintDraft } from '../../dialogs/complaint-draft';
import { coreLanguage } from '../../dialogs/language';
import { DeskError, type ComplaintDesk, type CustomerActor, type EvidenceRef, type FiledTicket, type FilingContext, type TicketView } from '../../dialogs/ports';
import type { ComplaintService } from '../../src/domain/complaint-service';
import { DomainError, LookupLockedError } from '../../src/domain/errors';
import { FollowUp } from '../../src/domain/follow-up';
import type { Actor, Ticket } from '../../src/domain/ticket';
import type { Category } from '../../src/domain/taxonomy';
import { isUnavailable } from '../../src/store/mongo-errors';

const IN_PROGRESS_RETRIES = 20;
/** Recorded on the ticket when the customer asks for a person (agents read both languages). */

export class ServiceComplaintDesk implements ComplaintDesk {
  constructor(private readonly service: ComplaintService) {}

  async file(d: ComplaintDraft, ctx: FilingContext): Promise<FiledTicket> {
    const raw = {
      description: (d.description ?? '').slice(0, 5000),
      customer: { ...(d.name ? { name: d.name } : {}), ...(d.phone ? { phone: d.phone } : {}), ...(d.email ? { email: d.email } : {}) },
      channel: ctx.actor.channel,
      language: coreLanguage(ctx.language),
      ...(d.occurredAt ? { occurredAt: d.occurredAt } : {}),
      ...(d.occurredText ? { occurredText: d.occurredText.slice(0, 200) } : {}),
      ...(d.location ? { location: d.location.slice(0, 200) } : {}),
      ...(d.orderId ? { orderId: d.orderId.slice(0, 100) } : {}),
      ...(d.product ? { product: d.product.slice(0, 200) } : {}),
      ...(d.merchant ? { merchant: d.merchant.slice(0, 200) } : {}),
      ...(d.amount ? { amount: d.amount } : {}),
      ...(d.desiredRemedy ? { desiredRemedy: d.desiredRemedy } : {}),
      conversationRef: ctx.conversationRef,
      evidence: d.evidence.slice(0, 20).map(evidenceInput),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.service.file(raw, { actor: actorOf(ctx.actor), idempotencyKey: ctx.idempotencyKey });
        if (ctx.personRequested) await this.requestPerson(r.ticket.number, ctx.actor);
        return {
          number: r.ticket.number,
          category: r.ticket.category,
          needsConfirmation: r.needsCategoryConfirmation,
          candidates: r.ticket.classification.candidates.map((c) => c.category),
          deadlines: deadlines(r.ticket),
          lookupCode: r.lookupCode,
        };
      } catch (err) {
        // The same submit being filed by another turn right now (a redelivered activity): wait for it.
        if (err instanceof DomainError && err.code === 'idempotency.in_progress' && attempt < IN_PROGRESS_RETRIES) {
          await new Promise((r) => setTimeout(r, 100 + attempt * 50));
          continue;
        }
        throw toDeskError(err);
      }
    }
  }

  async lookup(number: string, verification: { code?: string; last4?: string }, client?: CustomerActor): Promise<TicketView> {
    try {
      // Wrong guesses count per client (this conversation) and per ticket in the core's guard.
      return view((await this.service.lookup(number, verification, client ? actorOf(client).id : undefined)).ticket);
    } catch (err) {
      throw toDeskError(err);
    }
  }

  async reclassify(number: string, category: Category, actor: CustomerActor): Promise<TicketView> {
    try {
      return view(await this.service.reclassify(number, { category }, actorOf(actor)));
    } catch (err) {
      throw toDeskError(err);
    }
  }

  async addInformation(number: string, addition: { text?: string; evidence?: EvidenceRef[]; messageId?: string }, actor: CustomerActor): Promise<void> {
    try {
      await this.service.addCustomerMessage(
        number,
        {
          ...(addition.text ? { text: addition.text.slice(0, 5000) } : {}),
          ...(addition.evidence?.length ? { evidence: addition.evidence.map(evidenceInput) } : {}),
          ...(addition.messageId ? { messageId: addition.messageId } : {}),
        },
        actorOf(actor),
      );
    } catch (err) {
      throw toDeskError(err);
    }
  }

  async ticketStatus(number: string): Promise<TicketView | null> {
    try {
      const t = await this.service.get(number);
      return { ...view(t), awaitingRating: FollowUp.awaitingRating(t), canAppeal: this.service.canAppeal(t) };
    } catch (err) {
      const e = toDeskError(err);
      if (e.code === 'not_found') return null;
      throw e;
    }
  }

  async rate(number: string, rating: number, actor: CustomerActor): Promise<{ closed: boolean; offerAppeal: boolean }> {
    try {
      const r = await this.service.rate(number, rating, actorOf(actor));
      return { closed: r.closed, offerAppeal: r.offerAppeal };
    } catch (err) {
      throw toDeskError(err);
    }
  }

  async appeal(number: string, reason: string, actor: CustomerActor): Promise<void> {
    try {
      await this.service.appeal(number, actorOf(actor), reason);
    } catch (err) {
      throw toDeskError(err);
    }
  }

  /** The core records the request (`ticket.person_requested`, once per ticket) and the agents' side shows it. */
  async requestPerson(number: string, actor: CustomerActor): Promise<void> {
    try {
      await this.service.requestPerson(number, actorOf(actor));
    } catch (err) {
      throw toDeskError(err);
    }
  }
}

export function actorOf(a: CustomerActor): Actor {
  return { kind: 'customer', id: `${a.channel}:${a.conversationId}`.slice(0, 200) };
}

function evidenceInput(e: EvidenceRef) {
  return { name: e.name, contentType: e.contentType, size: e.size, sha256: e.sha256, ...(e.url ? { url: e.url } : {}) };
}

function deadlines(t: Ticket) {
  const due = (kind: string) => t.sla.deadlines.find((x) => x.kind === kind)?.dueAt ?? null;
  return { firstContact: due('firstContact'), resolution: due('resolution') };
}

function view(t: Ticket): TicketView {
  return { number: t.number, status: t.status, category: t.category, hasOwner: t.owner !== null, deadlines: deadlines(t) };
}

function toDeskError(err: unknown): DeskError {
  if (err instanceof DeskError) return err;
  if (err instanceof LookupLockedError) return new DeskError('locked', err.message, err.retryAfterSeconds);
  if (err instanceof DomainError) {
    switch (err.code) {
      case 'store.unavailable':
        return new DeskError('unavailable', err.message);
      case 'ticket.not_found':
        return new DeskError('not_found', err.message);
      case 'ticket.verification_failed':
        return new DeskError('verification_failed', err.message);
      case 'ticket.concurrent_change':
      case 'idempotency.in_progress':
        return new DeskError('unavailable', err.message);
      default:
        return new DeskError('invalid', err.message);
    }
  }
  if (isUnavailable(err)) return new DeskError('unavailable', 'database unavailable');
  throw err;
}
