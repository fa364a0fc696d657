/**
 * One place that turns errors into HTTP answers: `{"error": {"code", "message", "details"}}`.
 * Domain codes map to statuses here and nowhere else; unknown errors are logged once and
 * answered with a generic 500 (no internals leak).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DomainError, LookupLockedError, StoreOverloadedError, type DomainErrorCode } from '../domain/errors';
import { isUnavailable } from '../store/mongo-errors';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const STATUS: Record<DomainErrorCode, number> = {
  'validation.failed': 400,
  'ticket.reason_required': 400,
  'ticket.not_found': 404,
  'ticket.verification_failed': 404,
  'ticket.not_owner': 403,
  'ticket.invalid_transition': 409,
  'ticket.already_claimed': 409,
  'ticket.concurrent_change': 409,
  'ticket.lookup_locked': 429,
  'idempotency.key_reused': 422,
  'idempotency.in_progress': 409,
  'ticket.numbers_exhausted': 503,
  'store.unavailable': 503,
  'store.overloaded': 503,
};

/** Retry hint for clients when the database is away. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    const { status, code, message, details } = describe(err);
    if (status === 503) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    if (err instanceof LookupLockedError || err instanceof StoreOverloadedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    if (status >= 500) {
      ((req as { log?: Logger }).log ?? logger).error({ err: status === 503 ? { message: (err as Error)?.message } : err, code }, 'request failed');
    }
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  };
}

function describe(err: unknown): { status: number; code: string; message: string; details?: Record<string, unknown> } {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, details: err.details };
  if (err instanceof DomainError) {
    const status = STATUS[err.code] ?? 500;
    const details = err.code === 'validation.failed' ? { problems: err.details.problems } : publicDetails(err);
    const message = err.code === 'store.unavailable' ? 'The database is unavailable; retry shortly.' : err.message;
    return { status, code: err.code, message, details };
  }
  if (isUnavailable(err)) {
    return { status: 503, code: 'store.unavailable', message: 'The database is unavailable; retry shortly.' };
  }
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string; limit?: number };
  // body-parser errors
  if (e?.type === 'entity.parse.failed') return { status: 400, code: 'request.invalid_json', message: 'The body is not valid JSON.' };
  if (e?.type === 'entity.too.large') {
    return { status: 413, code: 'request.too_large', message: `The body is larger than the limit of ${e.limit} bytes.` };
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return { status: 415, code: 'request.unsupported_encoding', message: 'Send the body as UTF-8 JSON.' };
  }
  if (e?.expose && e.status && e.status < 500) return { status: e.status, code: 'request.invalid', message: e.message ?? 'Bad request.' };
  return { status: 500, code: 'internal', message: 'Something went wrong on our side; it has been logged.' };
}

function publicDetails(err: DomainError): Record<string, unknown> | undefined {
  // Never echo who owns a ticket or internal ids to API clients beyond what the code implies.
  const { number, action, from, retryAfterSeconds, year } = err.details as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries({ number, action, from, retryAfterSeconds, year }).filter(([, v]) => v !== undefined));
  return Object.keys(out).length ? out : undefined;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  // `req.path` is relative to the mount point (`/api/nope` → `/nope` under app.use('/api')): name the full path, without the query.
  next(new HttpError(404, 'route.not_found', `No route for ${req.method} ${`${req.baseUrl}${req.path}` || '/'}.`));
};

/** How deep a JSON body may nest; no request of this API needs more than a few levels. */
export const MAX_JSON_DEPTH = 20;

/** Refuse JSON whose keys start with `$` or contain `.` (never let them near a query), and JSON nested deeper than MAX_JSON_DEPTH. */
export const rejectOperatorKeys: RequestHandler = (req, _res, next) => {
  const bad = findOperatorKey(req.body, '');
  if (bad === TOO_DEEP) next(new HttpError(400, 'request.too_deep', `The body nests more than ${MAX_JSON_DEPTH} levels deep.`));
  else if (bad) next(new HttpError(400, 'request.forbidden_key', `Field names must not start with "$" or contain ".": ${bad}`));
  else next();
};

const TOO_DEEP = Symbol('too deep');

export function findOperatorKey(value: unknown, path: string, depth = 0): string | typeof TOO_DEEP | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${k}` : k;
    if (k.startsWith('$') || k.includes('.')) return here;
    const nested = findOperatorKey(v, here, depth + 1);
    if (nested) return nested;
  }
  return null;
}

/** POST/PUT/PATCH bodies must be JSON. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is('application/json')) {
    next(new HttpError(415, 'request.unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.'));
  } else next();
};
