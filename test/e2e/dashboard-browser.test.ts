/**
 * The supervisor dashboard in headless Chromium (playwright-core + Debian's chromium): a signed link
 * opened, figures, charts and tables on the page, a filter applied through the form, the CSV
 * downloaded from the page and compared with the stats rows of the same filter. Screenshots go to
 * test/output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dashboardLink } from '../../src/reports/dashboard-link';
import { parsePeriod } from '../../src/reports/periods';
import { seedReportData, TestClock } from '../support/report-data';
import { startTestServer, type TestServer } from '../support/server';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, '..', 'output');
const SECRET = 'dashboard-browser-secret-0123456789';
const NOW = new Date('2026-12-01T02:00:00Z');

let server: TestServer;
let browser: Browser;
const clock = new TestClock();

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: this test needs it. Install it with \`sudo apt-get install -y chromium fonts-noto-cjk\` (Debian/Ubuntu); CI installs it in .ci/run.`);
  }
  server = await startTestServer({ DASHBOARD_SECRET: SECRET }, { clock });
  await seedReportData(server, clock);
  clock.set(NOW);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  fs.mkdirSync(OUTPUT, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const tile = (page: Page, id: string) => page.locator(`[data-tile="${id}"] .value`).innerText();

describe('the supervisor dashboard in a browser', () => {
  it('when a supervisor opens the link, then figures, charts and tables show; a filter and the CSV export agree with the stats', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN', acceptDownloads: true });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));

    const { url } = dashboardLink(server.url, SECRET, 'slack:U_SUP', clock.now(), 30);
    await page.goto(`${url}&period=2026-11`);
    await page.waitForSelector('body[data-loaded="2026-11"]', { timeout: 30_000 });
    // The token left the address bar.
    expect(page.url()).toBe(`${server.url}/dashboard?period=2026-11`);
    expect(await tile(page, 'filed')).toBe('10');
    expect(await tile(page, 'resolutionRate')).toBe('77.8%');
    expect(await tile(page, 'csat')).toBe('暂无评价');
    // Five charts drawn by ECharts, the distribution with its Chinese category names.
    for (const id of ['distribution', 'trend', 'onTime', 'handling', 'channels']) expect(await page.locator(`#chart-${id} canvas`).count()).toBeGreaterThan(0);
    const categories = await page.locator('#table-categories td:first-child').allInnerTexts();
    expect(categories[0]).toBe('产品质量');
    expect(await page.locator('#table-products td:first-child').allInnerTexts()).toEqual(['kettle k1', 'phone p2']);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-2026-11.png'), fullPage: true });

    // A filter through the form: billing only.
    await page.selectOption('#category', 'billing');
    await page.click('#apply');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-tile="filed"] .value')?.textContent === '2', null, { timeout: 20_000 });
    expect(page.url()).toBe(`${server.url}/dashboard?period=2026-11&category=billing`);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-2026-11-billing.png'), fullPage: true });

    // The CSV the page offers, by severity, for that filter — against the stats rows.
    await page.selectOption('#by', 'severity');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const csv = fs.readFileSync(await download.path());
    const rows = parse(csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    const stats = await server.reports.service.stats(parsePeriod('2026-11', NOW, 'Asia/Shanghai'), 'severity', { category: 'billing' });
    expect(stats.length).toBe(2);
    expect(rows.filter((r) => r.dimension === 'severity').map((r) => [r.group, +r.filed!, +r.open!, +r.resolved!, +r.rejected!, +r.late!])).toEqual(
      stats.map((r) => [r.group, r.filed, r.open, r.resolved, r.rejected, r.late]),
    );
    expect(rows.find((r) => r.dimension === 'all')).toMatchObject({ filed: '2' });
    expect(problems).toEqual([]);
  });

  it('when a link was altered, then the browser shows the refusal and no figures', async () => {
    const page = await browser.newPage();
    const { url } = dashboardLink(server.url, 'not-the-secret-0123456789', 'slack:U_SUP', clock.now(), 30);
    const res = await page.goto(url);
    expect(res?.status()).toBe(403);
    expect(await page.locator('#refusal').innerText()).toContain('not valid');
    // Without the cookie the page itself is refused too.
    const again = await page.goto(`${server.url}/dashboard`);
    expect(again?.status()).toBe(401);
  });
});
