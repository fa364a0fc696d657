/**
 * The one pino root logger. Complaint text and customer contacts never reach logs:
 * known fields are redacted, URIs lose their credentials, and request URLs lose their
 * query strings (lookups carry verification codes there).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-lookup-code"]',
  'res.headers["set-cookie"]',
  'contact',
  '*.contact',
  'phone',
  '*.phone',
  'email',
  '*.email',
  'customer',
  '*.customer',
  'description',
  '*.description',
  'text',
  '*.text',
  'lookupCode',
  '*.lookupCode',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'complaint-desk' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeError, error: safeError },
    },
    destination,
  );
}

/**
 * Errors as logs may show them: type, code, message and stack only — never the extra properties
 * drivers attach (the documents of a failed write, the values of a failed validation) — and with
 * long digit runs and e-mail addresses scrubbed from the text, since messages can quote values.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const out: Record<string, unknown> = { type: err.name, message: scrub(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.stack) out.stack = scrub(err.stack);
  if (err.cause instanceof Error) out.cause = safeError(err.cause);
  return out;
}

export function scrub(text: string): string {
  return text
    .slice(0, 2000)
    .replace(/[^\s@"'<>]+@[^\s@"'<>]+\.[a-z]{2,}/gi, '[email]')
    .replace(/\+?\d[\d -]{5,}\d/g, '[digits]');
}

/** `mongodb://user:pass@host/db` → `mongodb://***@host/db`. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/** Path without query string, for request logs. */
export function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}
