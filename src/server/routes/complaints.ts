/** REST edge for hotlines, e-mail gateways and phone agents. Thin: parse, one use case, map. */
import { Router } from 'express';
import type { ComplaintService } from '../../domain/complaint-service';
import type { Taxonomy } from '../../domain/taxonomy-config';
import { parseTicketNumber } from '../../domain/ticket';
import { HttpError } from '../http-error';
import { recordRoute } from '../metrics';
import { filedView, ticketView } from '../views';

export function complaintsRouter(service: ComplaintService, taxonomy: Taxonomy): Router {
  const router = Router();

  router.post('/', recordRoute, async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new HttpError(400, 'request.invalid_body', 'The body must be a JSON object.');
    }
    const idempotencyKey = req.get('Idempotency-Key') ?? undefined;
    const result = await service.file(req.body, { actor: { kind: 'api', id: 'rest' }, idempotencyKey });
    res.status(result.replayed ? 200 : 201).location(`/api/complaints/${result.ticket.number}`).json(filedView(result, taxonomy));
  });

  router.get('/:number', recordRoute, async (req, res) => {
    const number = String(req.params.number);
    if (!parseTicketNumber(number)) {
      throw new HttpError(400, 'request.invalid_ticket_number', 'A ticket number is 10 digits: the year and a 6-digit sequence, e.g. 2026000123.');
    }
    const code = req.get('X-Lookup-Code') ?? stringParam(req.query.code);
    const last4 = req.get('X-Contact-Last4') ?? stringParam(req.query.last4);
    if (!code && !last4) {
      throw new HttpError(401, 'ticket.verification_required', 'Give the lookup code from filing (X-Lookup-Code or ?code=) or the last 4 digits of the phone (X-Contact-Last4 or ?last4=).');
    }
    const ticket = await service.lookup(number, { code, last4 });
    res.setHeader('Cache-Control', 'no-store');
    res.json(ticketView(ticket, taxonomy));
  });

  return router;
}

function stringParam(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= 64 ? v : undefined;
}
