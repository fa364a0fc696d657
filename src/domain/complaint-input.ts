/**
 * What a complaint needs to be filed, from any edge (REST API, chat dialog, WeChat). One zod
 * schema gives both the validation and the type. Unknown fields are refused, not dropped, so a
 * client learns about its typo instead of losing data silently.
 */
import { z } from 'zod';
import { CATEGORIES, CHANNELS, LANGUAGES, REMEDIES, SEVERITIES } from './taxonomy';
import { ValidationError } from './errors';

const text = (max: number) => z.string().trim().min(1, { message: 'must not be empty' }).max(max, { message: `must be at most ${max} characters` });

/** Digits with the usual separators; the digit count (7–20) is checked separately. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]*[0-9]$/;

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}

const phone = z
  .string()
  .trim()
  .max(40, { message: 'must be a phone number of 7–20 digits' })
  .refine((v) => PHONE_PATTERN.test(v) && digitCount(v) >= 7 && digitCount(v) <= 20, { message: 'must be a phone number of 7–20 digits' });

/** A customer named by the contact they complained with (the personal-data API): the same rules as at filing. */
export const customerContactSchema = z
  .object({
    phone: phone.optional(),
    email: z.string().trim().max(254).email({ message: 'must be an e-mail address' }).optional(),
  })
  .strict()
  .refine((c) => c.phone || c.email, { message: 'give the phone or the e-mail address the customer complained with', path: ['phone'] });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A real calendar date or date-time: every RFC 3339 date-time (what the OpenAPI document
 * promises, years 0000–9999, a leap second read as :59, any fraction), and also a plain date,
 * a space for the T, no seconds or no offset (then UTC). No 30 February, no numbers or booleans.
 */
export function parseIsoDate(v: string): Date | null {
  const m = ISO_DATE.exec(v.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Math.min(Number(m[6] ?? 0), 59)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || Number(m[6] ?? 0) > 60) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let offset = 0;
  const tz = m[8];
  if (tz && tz.toUpperCase() !== 'Z') {
    const digits = tz.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (oh > 23 || om > 59) return null;
    offset = (tz[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // setUTCFullYear, not Date.UTC: years 0–99 stay themselves
  date.setUTCHours(h, mi - offset, sec, ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

function daysInMonth(y: number, mo: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
}

const DATE_MESSAGE = 'must be a date, e.g. 2026-11-20 or 2026-11-20T14:30:00+08:00';
const isoDate = z
  .string({ message: DATE_MESSAGE })
  .refine((v) => parseIsoDate(v) !== null, { message: DATE_MESSAGE })
  .transform((v) => parseIsoDate(v) as Date);

export const complaintInputSchema = z
  .object({
    description: text(5000),
    customer: z
      .object({
        name: text(100).optional(),
        phone: phone.optional(),
        email: z.string().trim().max(254).email({ message: 'must be an e-mail address' }).optional(),
      })
      .strict()
      .refine((c) => c.phone || c.email, { message: 'needs a phone or an e-mail address', path: ['phone'] }),
    channel: z.enum(CHANNELS).default('api'),
    language: z.enum(LANGUAGES).optional(),
    occurredAt: isoDate.optional(),
    occurredText: text(200).optional(),
    location: text(200).optional(),
    orderId: text(100).optional(),
    product: text(200).optional(),
    merchant: text(200).optional(),
    amount: z
      .object({
        value: z.number({ message: 'must be a number' }).finite().nonnegative({ message: 'must not be negative' }).max(1e12),
        currency: z.string().regex(/^[A-Z]{3}$/, { message: 'must be a 3-letter currency code such as CNY' }),
      })
      .strict()
      .optional(),
    desiredRemedy: z.enum(REMEDIES).optional(),
    category: z.enum(CATEGORIES).optional(),
    severity: z.enum(SEVERITIES).optional(),
    conversationRef: text(2000).optional(),
    evidence: z
      .array(
        z
          .object({
            name: text(200),
            contentType: text(100),
            size: z.number().int().nonnegative(),
            sha256: z.string().regex(/^[a-f0-9]{64}$/, { message: 'must be a hex SHA-256' }),
            url: z.string().url().max(2000).optional(),
          })
          .strict(),
      )
      .max(20, { message: 'at most 20 attachments' })
      .default([]),
  })
  .strict();

export type ComplaintInput = z.output<typeof complaintInputSchema>;
export type ComplaintInputRaw = z.input<typeof complaintInputSchema>;

/** Parse or throw a ValidationError listing every problem with its field path. */
export function parseComplaintInput(raw: unknown): ComplaintInput {
  const r = complaintInputSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') {
        const base = i.path.join('.');
        return { field: i.keys.map((k) => (base ? `${base}.${k}` : k)).join(', '), message: 'unknown field' };
      }
      return { field: i.path.join('.') || '(body)', message: i.message };
    }),
  );
}
