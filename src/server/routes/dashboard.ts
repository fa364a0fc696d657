/**
 * The supervisor dashboard (`/dashboard`), reached through a short-lived signed link
 * (`/complaints dashboard` in Slack, `npm run dashboard-link`):
 *
 * - `GET /dashboard?token=…` checks the link, keeps the token in an HttpOnly cookie (path
 *   /dashboard, until the link expires) and redirects to `/dashboard`, so the token leaves the
 *   address bar and the browser history;
 * - `GET /dashboard` the page; `GET /dashboard/api/overview` its figures, tables and chart options
 *   (JSON); `GET /dashboard/export.csv` the CSV of a breakdown — all three need the cookie (or the
 *   token as `?token=`), and refuse an expired or altered one with 401 or 403 and a clear message;
 * - `GET /dashboard/assets/*` the page's script, style and the ECharts browser bundle (no data).
 *
 * Filters: `period` (as in `/complaints stats`), `category`, `severity`, `channel`; `by` for the
 * CSV; `lang`. Unknown filters and bad values get 400 with what is accepted.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { verifyDashboardToken, type DashboardClaims } from '../../reports/dashboard-link';
import { dashboardView } from '../../reports/dashboard-view';
import { kpiCsv } from '../../reports/csv';
import { reportLabels, REPORT_LANGUAGES, type ReportLanguage } from '../../reports/labels';
import { parsePeriod, PeriodError } from '../../reports/periods';
import { parseBreakdown, parseFilter, ReportFilterError, type ReportService } from '../../reports/report-service';
import type { Taxonomy } from '../../domain/taxonomy-config';
import { HttpError } from '../http-error';

export const DASHBOARD_COOKIE = 'cd_dashboard';
const QUERY_KEYS = new Set(['period', 'category', 'severity', 'channel', 'by', 'lang', 'token']);

export interface DashboardDeps {
  reports: ReportService;
  taxonomy: Taxonomy;
  secret: string;
  language: ReportLanguage;
  currency: string;
  logger: Logger;
}

const ASSETS: Record<string, { file: () => string; type: string }> = {
  'dashboard.js': { file: () => path.join(__dirname, '..', 'dashboard', 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: () => path.join(__dirname, '..', 'dashboard', 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'echarts.min.js': { file: () => require.resolve('echarts/dist/echarts.min.js'), type: 'text/javascript; charset=utf-8' },
};

export function dashboardRouter(deps: DashboardDeps): Router {
  const router = express.Router();
  const now = () => deps.reports.clock.now();

  router.get('/assets/:name', (req, res, next) => {
    const asset = ASSETS[req.params.name ?? ''];
    if (!asset) return next();
    res.type(asset.type).set('Cache-Control', 'public, max-age=3600').sendFile(asset.file());
  });

  router.get('/', (req, res) => {
    const fromLink = req.query.token;
    if (fromLink !== undefined) {
      const check = verifyDashboardToken(deps.secret, fromLink, now());
      if (!check.ok) return refuse(res, check.reason, 'html');
      deps.logger.info({ dashboard: check.claims.sub }, 'dashboard link used');
      const maxAge = check.claims.exp * 1000 - now().getTime();
      res.cookie(DASHBOARD_COOKIE, fromLink as string, { httpOnly: true, sameSite: 'strict', path: '/dashboard', maxAge, secure: req.secure });
      return res.redirect(303, `/dashboard${keepQuery(req)}`);
    }
    const check = verifyDashboardToken(deps.secret, cookie(req, DASHBOARD_COOKIE), now());
    if (!check.ok) return refuse(res, cookie(req, DASHBOARD_COOKIE) === undefined ? 'missing' : check.reason, 'html');
    res.set('Cache-Control', 'no-store').type('html').send(page(deps.language));
  });

  router.get('/api/overview', authorised(deps, now), async (req, res, next) => {
    try {
      const { range, filter, labels } = parseQuery(req, deps, now());
      const overview = await deps.reports.overview(range, filter);
      res.set('Cache-Control', 'no-store').json(dashboardView(overview, labels, deps.currency));
    } catch (err) {
      next(asHttpError(err));
    }
  });

  router.get('/export.csv', authorised(deps, now), async (req, res, next) => {
    try {
      const { range, filter, labels } = parseQuery(req, deps, now());
      const by = parseBreakdown(req.query.by ?? 'category');
      const [total, rows] = await Promise.all([deps.reports.kpis(range, filter), deps.reports.breakdown(range, by, filter)]);
      const name = `complaints-${range.label.replace(/[^0-9A-Za-z.-]+/g, '_')}-${by}.csv`;
      res
        .set('Cache-Control', 'no-store')
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${name}"`)
        .send(kpiCsv(range, total, rows, labels));
    } catch (err) {
      next(asHttpError(err));
    }
  });

  return router;
}

function authorised(deps: DashboardDeps, now: () => Date) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = req.query.token ?? cookie(req, DASHBOARD_COOKIE);
    if (token === undefined) return refuse(res, 'missing', 'json');
    const check = verifyDashboardToken(deps.secret, token, now());
    if (!check.ok) return refuse(res, check.reason, 'json');
    (res.locals as { dashboard?: DashboardClaims }).dashboard = check.claims;
    next();
  };
}

function parseQuery(req: Request, deps: DashboardDeps, now: Date) {
  const unknown = Object.keys(req.query).filter((k) => !QUERY_KEYS.has(k));
  if (unknown.length) throw new ReportFilterError(`unknown parameter ${unknown.map((k) => `“${k}”`).join(', ')}: the dashboard takes period, category, severity, channel, by and lang.`);
  for (const [k, v] of Object.entries(req.query)) if (typeof v !== 'string') throw new ReportFilterError(`give “${k}” once.`);
  const q = req.query as Record<string, string | undefined>;
  const lang = (q.lang ?? deps.language) as ReportLanguage;
  if (!REPORT_LANGUAGES.includes(lang)) throw new ReportFilterError(`unknown language “${q.lang}”: one of ${REPORT_LANGUAGES.join(', ')}.`);
  return {
    range: parsePeriod(q.period, now, deps.reports.timeZone),
    filter: parseFilter({ category: q.category, severity: q.severity, channel: q.channel }),
    labels: reportLabels(deps.taxonomy, lang),
  };
}

function asHttpError(err: unknown): unknown {
  if (err instanceof PeriodError) return new HttpError(400, err.code, err.message);
  if (err instanceof ReportFilterError) return new HttpError(400, err.code, err.message);
  return err;
}

const REFUSALS = {
  missing: { status: 401, code: 'dashboard.link_required', message: 'Open the dashboard through a link: ask for one with /complaints dashboard in Slack (or npm run dashboard-link).' },
  expired: { status: 401, code: 'dashboard.link_expired', message: 'This dashboard link has expired. Ask for a new one with /complaints dashboard in Slack.' },
  bad_signature: { status: 403, code: 'dashboard.link_invalid', message: 'This dashboard link is not valid (it was changed or cut short). Ask for a new one with /complaints dashboard in Slack.' },
  malformed: { status: 403, code: 'dashboard.link_invalid', message: 'This dashboard link is not valid (it was changed or cut short). Ask for a new one with /complaints dashboard in Slack.' },
} as const;

function refuse(res: Response, reason: keyof typeof REFUSALS, as: 'html' | 'json'): void {
  const r = REFUSALS[reason];
  res.set('Cache-Control', 'no-store').clearCookie(DASHBOARD_COOKIE, { path: '/dashboard' });
  if (as === 'json') {
    res.status(r.status).json({ error: { code: r.code, message: r.message } });
    return;
  }
  res
    .status(r.status)
    .type('html')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard</title><link rel="stylesheet" href="/dashboard/assets/dashboard.css"></head><body><main class="refused"><h1>${r.status === 401 ? 'Link needed' : 'Link refused'}</h1><p id="refusal" data-code="${r.code}">${r.message}</p></main></body></html>`);
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** The filters of the link (without the token) carried over to the page's address. */
function keepQuery(req: Request): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'token' && typeof v === 'string') params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

let cachedPage: string | null = null;

function page(language: ReportLanguage): string {
  cachedPage ??= fs.readFileSync(path.join(__dirname, '..', 'dashboard', 'dashboard.html'), 'utf8');
  return cachedPage.replace('{{lang}}', language === 'en' ? 'en' : language);
}
