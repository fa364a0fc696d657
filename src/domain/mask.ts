/**
 * The one masking helper for customer contacts. Slack, logs and API answers use it;
 * only the store holds contacts unmasked.
 */

/** `13812345678` → `138****5678`; `+44 7700 900123` → `+44*******0123`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  const keepStart = digits.length >= 11 ? 3 : digits.startsWith('+') ? 3 : 0;
  const head = digits.slice(0, keepStart);
  const tail = digits.slice(-4);
  return head + '*'.repeat(digits.length - keepStart - 4) + tail;
}

/** `zhang.san@example.com` → `z***@e***.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local[0]}***@${host[0] ?? ''}***${tld}`;
}

/** 张三 → 张*; Alice Smith → A*** S***. */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '';
  if (/[\u3400-\u9fff]/.test(trimmed)) return trimmed[0] + '*'.repeat(Math.max(1, [...trimmed].length - 1));
  return trimmed
    .split(/\s+/)
    .map((part) => `${part[0]}***`)
    .join(' ');
}

export interface Contact {
  phone?: string;
  email?: string;
}

export function maskContact(contact: Contact): Contact {
  const out: Contact = {};
  if (contact.phone) out.phone = maskPhone(contact.phone);
  if (contact.email) out.email = maskEmail(contact.email);
  return out;
}

/** Digits of the phone's last four, used for the lookup check. */
export function lastFourDigits(phone: string | undefined): string | undefined {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : undefined;
}
