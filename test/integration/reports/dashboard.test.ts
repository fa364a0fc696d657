/**
 * The dashboard over real HTTP: signed links (good, expired, altered, missing), the cookie that
 * replaces the link, bad filters, the overview JSON and the CSV export.
 */
import { parse } from 'csv-parse/sync';
import { dashboardLink, signDashboardToken } from '../../../src/reports/dashboard-link';
import { parsePeriod } from '../../../src/reports/periods';
import { seedReportData, TestClock } from '../../support/report-data';
import { startTestServer, type TestServer } from '../../support/server';

const SECRET = 'dashboard-test-secret-0123456789';
const NOW = new Date('2026-12-01T02:00:00Z');

describe('the supervisor dashboard over HTTP', () => {
  let s: TestServer;
  const clock = new TestClock();

  beforeAll(async () => {
    s = await startTestServer({ DASHBOARD_SECRET: SECRET, DASHBOARD_LINK_MINUTES: '30' }, { clock });
    await seedReportData(s, clock);
    clock.set(NOW);
  });
  afterAll(() => s.stop());

  const fetchRaw = (path: string, headers: Record<string, string> = {}) => fetch(s.url + path, { headers, redirect: 'manual' });
  const link = (minutes = 30, secret = SECRET) => dashboardLink(s.url, secret, 'slack:U_SUP', clock.now(), minutes).url.slice(s.url.length);

  it('when a valid link is opened, then the token moves into an HttpOnly cookie and the page loads with it', async () => {
    const res = await fetchRaw(`${link()}&period=2026-11`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?period=2026-11');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cd_dashboard=[^;]+; Max-Age=1800; Path=\/dashboard; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    const pageRes = await fetchRaw('/dashboard?period=2026-11', { cookie });
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain('/dashboard/assets/dashboard.js');
    const api = await s.get('/dashboard/api/overview?period=2026-11&category=billing', { cookie });
    expect(api.status).toBe(200);
    expect(api.body.range).toEqual({ from: '2026-11-01', to: '2026-11-30', label: '2026-11' });
    expect(api.body.tiles.find((t: { id: string }) => t.id === 'filed').value).toBe('2');
    expect(api.body.tiles.find((t: { id: string }) => t.id === 'csat').value).toBe('暂无评价');
    expect(Object.keys(api.body.charts).sort()).toEqual(['channels', 'distribution', 'handling', 'onTime', 'trend']);
  });

  it('when a link has expired, then the page and the API refuse it and say how to get a new one', async () => {
    const old = link(30);
    clock.set(NOW.getTime() + 31 * 60_000);
    try {
      const res = await fetchRaw(old);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('has expired');
      const token = new URL(s.url + old).searchParams.get('token')!;
      const api = await s.get('/dashboard/api/overview', { cookie: `cd_dashboard=${token}` });
      expect(api.status).toBe(401);
      expect(api.body.error.code).toBe('dashboard.link_expired');
    } finally {
      clock.set(NOW);
    }
  });

  it('when a link is altered — a later expiry, another secret, a cut — then it is refused', async () => {
    const good = new URL(s.url + link()).searchParams.get('token')!;
    const [payload, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url');
    for (const bad of [`${longer}.${sig}`, signDashboardToken('another-secret-0123456789', 'slack:U_SUP', new Date(NOW.getTime() + 60_000)), good.slice(0, -3), 'x', `${payload}.`]) {
      const res = await fetchRaw(`/dashboard?token=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('not valid');
      expect((await s.get(`/dashboard/export.csv?token=${encodeURIComponent(bad)}`)).status).toBe(403);
    }
    const none = await s.get('/dashboard/api/overview');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('dashboard.link_required');
  });

  it('when filters are wrong, then 400 says what is accepted', async () => {
    const token = new URL(s.url + link()).searchParams.get('token')!;
    const ask = (q: string) => s.get(`/dashboard/api/overview?token=${token}&${q}`);
    const cases: Array<[string, RegExp]> = [
      ['period=2026Q9', /not a period/],
      ['category=toasters', /unknown category/],
      ['severity=huge', /unknown severity/],
      ['owner=U1', /unknown parameter/],
      ['period=2026-11&period=2026-10', /once/],
      ['lang=fr', /unknown language/],
    ];
    for (const [q, message] of cases) {
      const r = await ask(q);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await s.get(`/dashboard/export.csv?token=${token}&by=colour`)).status).toBe(400);
  });

  it('when the CSV is exported, then its rows are the stats rows of the same period and filter', async () => {
    const token = new URL(s.url + link()).searchParams.get('token')!;
    for (const [q, by, filter] of [
      ['period=2026-11&by=category', 'category', {}],
      ['period=2026-11&by=agent', 'agent', {}],
      ['period=2026Q4&by=channel&severity=general', 'channel', { severity: 'general' }],
    ] as const) {
      const res = await fetch(`${s.url}/dashboard/export.csv?token=${token}&${q}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const rows = parse(await res.text(), { columns: true, bom: true }) as Array<Record<string, string>>;
      const range = parsePeriod(new URLSearchParams(q).get('period')!, NOW, 'Asia/Shanghai');
      const stats = await s.reports.service.stats(range, by, filter);
      expect(rows.filter((r) => r.dimension === by).map((r) => [r.group, +r.filed!, +r.open!, +r.resolved!, +r.rejected!, +r.late!])).toEqual(
        stats.map((r) => [r.group, r.filed, r.open, r.resolved, r.rejected, r.late]),
      );
    }
  });

  it('when the page assets are asked for, then they are served without a link', async () => {
    for (const name of ['dashboard.js', 'dashboard.css', 'echarts.min.js']) expect((await fetchRaw(`/dashboard/assets/${name}`)).status).toBe(200);
    expect((await fetchRaw('/dashboard/assets/secret.txt')).status).toBe(404);
  });
});
