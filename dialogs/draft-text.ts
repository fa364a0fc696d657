/** A draft's fields in words, for the summary card and the "what would you like to change?" list. */
import type { ComplaintDraft } from './complaint-draft';
import type { BotLanguage, DraftField, Messages } from './messages';
import { intlLocale } from './language';

export const EDITABLE_FIELDS: readonly DraftField[] = ['description', 'name', 'contact', 'when', 'where', 'product', 'amount', 'remedy', 'evidence'];

export function formatAmount(amount: { value: number; currency: string }, lang: BotLanguage): string {
  try {
    return new Intl.NumberFormat(intlLocale(lang), { style: 'currency', currency: amount.currency }).format(amount.value);
  } catch {
    return `${amount.value} ${amount.currency}`;
  }
}

export function describeField(d: ComplaintDraft, field: DraftField, m: Messages, lang: BotLanguage): string {
  const or = (...parts: Array<string | undefined>) => parts.filter(Boolean).join(' · ') || m.notGiven;
  switch (field) {
    case 'description':
      return d.description ? truncate(d.description, 300) : m.notGiven;
    case 'name':
      return d.name ?? m.notGiven;
    case 'contact':
      return or(d.phone, d.email);
    case 'when':
      return or(d.occurredText && d.occurredAt && d.occurredText !== d.occurredAt ? `${d.occurredText} (${d.occurredAt})` : (d.occurredText ?? d.occurredAt));
    case 'where':
      return or(d.orderId, d.location);
    case 'product':
      return or(d.product, d.merchant);
    case 'amount':
      return d.amount ? formatAmount(d.amount, lang) : m.notGiven;
    case 'remedy':
      return d.desiredRemedy ? m.remedies[d.desiredRemedy] : m.notGiven;
    case 'evidence':
      return d.evidence.length ? d.evidence.map((e) => e.name).join(', ') : m.notGiven;
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Date and time in the customer's language and the deployment's time zone. */
export function formatWhen(at: Date | null, lang: BotLanguage, timeZone: string): string | null {
  if (!at) return null;
  return new Intl.DateTimeFormat(intlLocale(lang), { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
}
