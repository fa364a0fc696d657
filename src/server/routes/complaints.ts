/**
 * REST edge for hotlines, e-mail gateways and phone agents. Thin: parse, one use case, map.
 *
 * After resolution, a filing system that delivered the survey request (the notice webhook) posts
 * the customer's answer back (`POST /api/complaints/{number}/satisfaction`) and, when the customer
 * is not satisfied, their appeal (`POST /api/complaints/{number}/appeal`).
 */
import express, { Router, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { ApiKeyEntry } from '../../config/api-keys';
import type { ComplaintService } from '../../domain/complaint-service';
import type { Taxonomy } from '../../domain/taxonomy-config';
import { isTicketNumberShape } from '../../domain/ticket';
import { requireApiKey } from '../api-keys';
import { HttpError, rejectOperatorKeys, requireJson } from '../http-error';
import { recordRoute } from '../metrics';
import { filedView, statusView, ticketView } from '../views';
import { FollowUp, SurveyClosedError } from '../../domain/follow-up';

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

  router.post('/:number/satisfaction', recordRoute, requireApiKey(options.apiKeys), ...json, async (req, res) => {
    const number = ticketNumberOf(req);
    const input = parseBody(satisfactionSchema, req.body);
    const actor = { kind: 'api' as const, id: String(res.locals.apiClient) };
    const comment = input.comment?.trim() ?? '';
    let ticket = await service.get(number);
    let closed = false;
    let offerAppeal = false;
    if (input.rating !== undefined) {
      const r = await service.rate(number, input.rating, actor);
      ({ ticket, closed, offerAppeal } = r);
    } else if (!FollowUp.awaitingRating(ticket)) {
      // "Not satisfied" without a number answers the open survey, like the chat's button.
      throw new SurveyClosedError(number);
    }
    // The comment is the customer's words: kept with the ticket's messages (personal data), as in the chat.
    if (comment) ticket = (await service.addCustomerMessage(number, { text: comment }, actor)).ticket;
    if (input.notSatisfied && service.canAppeal(ticket)) offerAppeal = true;
    res.json({ number, status: ticket.status, rating: input.rating ?? null, closed, offerAppeal });
  });

  router.post('/:number/appeal', recordRoute, requireApiKey(options.apiKeys), ...json, async (req, res) => {
    const number = ticketNumberOf(req);
    const input = parseBody(appealSchema, req.body);
    const ticket = await service.appeal(number, { kind: 'api', id: String(res.locals.apiClient) }, input.reason?.trim() ?? '');
    res.json(statusView(ticket, taxonomy));
  });

  router.all('/', recordRoute, methodNotAllowed(['POST']));
  router.all('/:number', recordRoute, methodNotAllowed(['GET', 'HEAD']));
  router.all('/:number/satisfaction', recordRoute, methodNotAllowed(['POST']));
  router.all('/:number/appeal', recordRoute, methodNotAllowed(['POST']));
  return router;
}

/** Texts count characters (code points), as JSON Schema's maxLength does. */
const text = (max: number) => z.string().refine((s) => [...s].length <= max, { message: `must be at most ${max} characters` });

export const satisfactionSchema = z
  .object({
    rating: z.number().int().min(1).max(5).optional(),
    comment: text(2000).optional(),
    notSatisfied: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.rating !== undefined || b.notSatisfied === true, { message: 'give a rating from 1 to 5, or notSatisfied: true', path: ['rating'] });

export const appealSchema = z.object({ reason: text(2000).optional() }).strict();

function ticketNumberOf(req: Request): string {
  const number = String(req.params.number);
  if (!isTicketNumberShape(number)) {
    throw new HttpError(400, 'request.invalid_ticket_number', 'A ticket number is 10 digits: the year and a 6-digit sequence, e.g. 2026000123.');
  }
  return number;
}

/** A JSON object whose values the schema accepts; else 400 (not an object) or 422 (each problem named). */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'request.invalid_body', 'The body must be a JSON object.');
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') ?? '(body)' : '(body)'), message: i.message }));
  throw new HttpError(422, 'validation.failed', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
}

/** Any other method on a path that exists: 405 with the methods it does take. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new HttpError(405, 'request.method_not_allowed', `${req.method} is not allowed here; use ${allowed.join(' or ')}.`));
  };
}
