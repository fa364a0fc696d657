/** Prometheus metrics (prom-client): process defaults, HTTP requests, tickets. */
import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { ChangeObserver } from '../domain/ports';

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'status'>;
  httpDuration: client.Histogram<'method' | 'route'>;
  ticketsFiled: client.Counter<'category' | 'severity' | 'channel'>;
  ticketTransitions: client.Counter<'action'>;
  numbersExhausted: client.Gauge<'year'>;
  dbUp: client.Gauge;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'complaint_desk_' });
  return {
    registry,
    httpRequests: new client.Counter({
      name: 'complaint_desk_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: 'complaint_desk_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    ticketsFiled: new client.Counter({
      name: 'complaint_desk_tickets_filed_total',
      help: 'Tickets filed by category, severity and channel',
      labelNames: ['category', 'severity', 'channel'],
      registers: [registry],
    }),
    ticketTransitions: new client.Counter({
      name: 'complaint_desk_ticket_transitions_total',
      help: 'Ticket changes by action (claim, resolve, reclassify, …)',
      labelNames: ['action'],
      registers: [registry],
    }),
    numbersExhausted: new client.Gauge({
      name: 'complaint_desk_ticket_numbers_exhausted',
      help: '1 when every ticket number of the year is used and filing is refused (alert on it)',
      labelNames: ['year'],
      registers: [registry],
    }),
    dbUp: new client.Gauge({ name: 'complaint_desk_database_up', help: '1 when the database answered the last readiness check', registers: [registry] }),
  };
}

/** Counts what the core commits, whatever the channel (REST, chat, Slack). */
export function metricsObserver(m: Metrics): ChangeObserver {
  return {
    committed(entry) {
      const t = entry.after;
      if (entry.action === 'file') m.ticketsFiled.inc({ category: t.category, severity: t.severity, channel: t.channel });
      else m.ticketTransitions.inc({ action: entry.action });
    },
  };
}

/** Remember the matched route pattern (express forgets baseUrl once an error leaves the router). */
export const recordRoute: RequestHandler = (req, res, next) => {
  if (req.route?.path) res.locals.route = `${req.baseUrl}${String(req.route.path)}`.replace(/\/$/, '') || '/';
  next();
};

/** Counts and times every request by its route pattern (not the raw URL, which holds ticket numbers). */
export function metricsMiddleware(m: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = m.httpDuration.startTimer();
    res.on('finish', () => {
      // Never the raw path: requests refused before reaching a route (415, bad JSON, forbidden keys
      // under /api/complaints/<anything>) would otherwise put ticket numbers and arbitrary client
      // text into label values, one new time series per distinct URL.
      const matched = (res.locals.route as string | undefined) ?? appRoutePattern(req);
      const route = matched ?? 'unmatched';
      m.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
}

/** Pattern of an app-level route (`/healthz`, `/metrics`, ...) that handled the request, if any. */
function appRoutePattern(req: { route?: { path?: unknown } }): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? path : undefined;
}
