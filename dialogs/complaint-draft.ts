/** The slots of a complaint being collected (plain JSON: it lives in the conversation state). */
import type { Remedy } from '../src/domain/taxonomy';
import type { EvidenceRef } from './ports';
import type { DraftField } from './messages';

export interface ComplaintDraft {
  /** Random id of this intake; with the conversation id it is the filing's idempotency key. */
  id: string;
  description?: string;
  name?: string;
  phone?: string;
  email?: string;
  /** `YYYY-MM-DD` */
  occurredAt?: string;
  occurredText?: string;
  location?: string;
  orderId?: string;
  product?: string;
  merchant?: string;
  amount?: { value: number; currency: string };
  desiredRemedy?: Remedy;
  evidence: EvidenceRef[];
  /** Optional questions the customer chose to skip (not asked again). */
  skipped: DraftField[];
  /** Failed answers in a row to the current question. */
  submitAttempts?: number;
}

export function newDraft(id: string): ComplaintDraft {
  return { id, evidence: [], skipped: [] };
}

/** Whether a field has a value (or was skipped, for the optional ones). */
export function isFilled(d: ComplaintDraft, field: DraftField): boolean {
  if (d.skipped.includes(field)) return true;
  switch (field) {
    case 'description':
      return !!d.description;
    case 'name':
      return !!d.name;
    case 'contact':
      return !!(d.phone || d.email);
    case 'when':
      return !!(d.occurredAt || d.occurredText);
    case 'where':
      return !!(d.orderId || d.location);
    case 'product':
      return !!(d.product || d.merchant);
    case 'amount':
      return !!d.amount;
    case 'remedy':
      return !!d.desiredRemedy;
    case 'evidence':
      return d.evidence.length > 0;
  }
}

export function clearField(d: ComplaintDraft, field: DraftField): ComplaintDraft {
  const out: ComplaintDraft = { ...d, skipped: d.skipped.filter((f) => f !== field) };
  switch (field) {
    case 'description':
      delete out.description;
      break;
    case 'name':
      delete out.name;
      break;
    case 'contact':
      delete out.phone;
      delete out.email;
      break;
    case 'when':
      delete out.occurredAt;
      delete out.occurredText;
      break;
    case 'where':
      delete out.orderId;
      delete out.location;
      break;
    case 'product':
      delete out.product;
      delete out.merchant;
      break;
    case 'amount':
      delete out.amount;
      break;
    case 'remedy':
      delete out.desiredRemedy;
      break;
    case 'evidence':
      out.evidence = [];
      break;
  }
  return out;
}
