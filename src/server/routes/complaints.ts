/** REST edge for hotlines, e-mail gateways and phone agents. Thin: parse, one use case, map. */
import express, { Router, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ApiKeyEntry } from '../../config/api-keys';
import type { ComplaintService } from '../../domain/complaint-service';
import type { Taxonomy } from '../../domain/taxonomy-config';
import { isTicketNumberShape } from '../../domain/ticket';
import { requireApiKey } from '../api-keys';
import { HttpError, rejectOperatorKeys, requireJson } from '../http-error';
import { recordRoute } from '../metrics';
import { filedView, statusView, ticketView } from '../views';

export interface ComplaintsRouterOptions {
  /** null: the API is open (development without API_KEYS). */
  apiKeys: ApiKeyEntry[] | null;
  /** Filings per minute per API key. */
  filingsPerMinute: number;
  /** Largest JSON body, e.g. 64kb. */
  bodyLimit: string;
}

export function complaintsRouter(service: ComplaintService, taxonomy: Taxonomy, options: ComplaintsRouterOptions): Router {
  const router = Router();
  const perKey = rateLimit({
    windowMs: 60_000,
    limit: options.filingsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => `key:${String(res.locals.apiClient)}`,
    handler: (_req, _res, next, o) => next(new HttpError(429, 'rate_limited', `More than ${o.limit} filings a minute from this API key; retry later.`)),
  });

  const json = [requireJson, express.json({ limit: options.bodyLimit, strict: true, type: 'application/json' }), rejectOperatorKeys];
  router.post('/', recordRoute, requireApiKey(options.apiKeys), perKey, ...json, async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new HttpError(400, 'request.invalid_body', 'The body must be a JSON object.');
    }
    const client = String(res.locals.apiClient);
    const idempotencyKey = req.get('Idempotency-Key') ?? undefined;
    const result = await service.file(req.body, { actor: { kind: 'api', id: client }, idempotencyKey, source: client });
    res.status(result.replayed ? 200 : 201).location(`/api/complaints/${result.ticket.number}`).json(filedView(result, taxonomy));
  });

  router.get('/:number', recordRoute, async (req, res) => {
    const number = String(req.params.number);
    if (!isTicketNumberShape(number)) {
      throw new HttpError(400, 'request.invalid_ticket_number', 'A ticket number is 10 digits: the year and a 6-digit sequence, e.g. 2026000123.');
    }
    // Headers only: query strings end up in proxy and access logs.
    const code = req.get('X-Lookup-Code') || undefined;
    const last4 = req.get('X-Contact-Last4') || undefined;
    if (!code && !last4) {
      throw new HttpError(401, 'ticket.verification_required', 'Give the lookup code from filing in X-Lookup-Code, or the last 4 digits of the phone in X-Contact-Last4.');
    }
    if ((code && code.length > 64) || (last4 && last4.length > 16)) throw new HttpError(400, 'request.invalid_verification', 'The verification header is too long.');
    const { ticket, scope } = await service.lookup(number, { code, last4 }, req.ip ?? 'unknown');
    res.setHeader('Cache-Control', 'no-store');
    res.json(scope === 'full' ? ticketView(ticket, taxonomy) : statusView(ticket, taxonomy));
  });

  router.all('/', recordRoute, methodNotAllowed(['POST']));
  router.all('/:number', recordRoute, methodNotAllowed(['GET', 'HEAD']));
  return router;
}

/** Any other method on a path that exists: 405 with the methods it does take. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new HttpError(405, 'request.method_not_allowed', `${req.method} is not allowed here; use ${allowed.join(' or ')}.`));
  };
}
