/**
 * The personal-data API, for whoever answers customers' data requests (an admin API key):
 * `POST /api/personal-data/export` answers everything held about one customer as one JSON
 * document, `POST /api/personal-data/erase` erases it. The customer is named by the phone or
 * e-mail address they complained with, in the body (never in the URL: URLs end up in logs).
 * Both are audited (who, when, which tickets; the customer by the keyed hash of the contact); the
 * export itself is never logged or cached.
 */
import express, { Router } from 'express';
import type { ApiKeyEntry } from '../../config/api-keys';
import type { ComplaintService } from '../../domain/complaint-service';
import { customerContactSchema } from '../../domain/complaint-input';
import { ValidationError } from '../../domain/errors';
import { requireAdminKey } from '../api-keys';
import { rejectOperatorKeys, requireJson } from '../http-error';
import { recordRoute } from '../metrics';
import { methodNotAllowed } from './complaints';

function parseCustomer(body: unknown): { phone?: string; email?: string } {
  const r = customerContactSchema.safeParse(body);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })));
  return { ...(r.data.phone ? { phone: r.data.phone } : {}), ...(r.data.email ? { email: r.data.email } : {}) };
}

export function personalDataRouter(service: ComplaintService, options: { apiKeys: ApiKeyEntry[] | null; bodyLimit: string }): Router {
  const router = Router();
  const json = [requireJson, express.json({ limit: options.bodyLimit, strict: true, type: 'application/json' }), rejectOperatorKeys];
  const actorOf = (locals: Record<string, unknown>) => ({ kind: 'api' as const, id: `admin:${String(locals.apiClient)}` });

  router.post('/export', recordRoute, requireAdminKey(options.apiKeys), ...json, async (req, res) => {
    const exported = await service.exportCustomer(parseCustomer(req.body), actorOf(res.locals));
    res.setHeader('Cache-Control', 'no-store');
    res.json(exported);
  });

  router.post('/erase', recordRoute, requireAdminKey(options.apiKeys), ...json, async (req, res) => {
    const result = await service.eraseCustomer(parseCustomer(req.body), actorOf(res.locals));
    res.json({ erased: result.tickets.length, tickets: result.tickets });
  });

  router.all('/export', recordRoute, methodNotAllowed(['POST']));
  router.all('/erase', recordRoute, methodNotAllowed(['POST']));
  return router;
}
