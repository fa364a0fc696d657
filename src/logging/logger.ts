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
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** `mongodb://user:pass@host/db` → `mongodb://***@host/db`. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/** Path without query string, for request logs. */
export function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}
