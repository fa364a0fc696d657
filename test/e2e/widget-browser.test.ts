/**
 * End to end in headless Chromium (playwright-core + Debian's chromium): the demo page, the chat
 * bubble, Microsoft's Web Chat served by the service, a complaint in Chinese over the service's own
 * Direct Line, the ticket number read on the page and found in the database. A screenshot goes
 * to test/output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, '..', 'output');

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: this test needs it. Install it with \`sudo apt-get install -y chromium fonts-noto-cjk\` (Debian/Ubuntu); CI installs it in .ci/run.`,
    );
  }
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function transcript(page: Page): Promise<string> {
  return page.locator('.webchat__basic-transcript__activity').allInnerTexts().then((t) => t.join('\n'));
}

async function send(page: Page, text: string, expected: RegExp): Promise<string> {
  const before = await page.locator('.webchat__basic-transcript__activity').count();
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
  // Runs in the page; `document` is reached through globalThis so this file needs no DOM types.
  await page.waitForFunction(
    ({ before, source }) => {
      const items = [...(globalThis as any).document.querySelectorAll('.webchat__basic-transcript__activity')].slice(before);
      return items.some((el: any) => !el.querySelector('[class*="from-user"]') && new RegExp(source).test(el.innerText));
    },
    { before, source: expected.source },
    { timeout: 20_000 },
  );
  return transcript(page);
}

describe('the web widget in a browser', () => {
  it('when a customer opens the bubble on the demo page and complains in Chinese, then the page shows the ticket number and the ticket is in the database', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, locale: 'zh-CN' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/`);
    await page.locator('.complaint-desk-bubble').click();
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (globalThis as any).document.body.innerText.includes('投诉助手'), undefined, { timeout: 20_000 });

    await send(page, '我叫王芳，手机13912345678，上周三在苏宁买的吹风机用了两次就冒烟了，花了399元，订单号 2026111112345678，要求退货退款', /照片/);
    await send(page, '完成', /请核对/);
    let text = await send(page, '提交', /工单号：\d{10}/);
    if (/请问这是关于/.test(text.split('工单号').pop() ?? '')) text = await send(page, '1', /类别/);

    await page.locator('.webchat__basic-transcript__activity').last().scrollIntoViewIfNeeded();
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'widget-complaint.png') });

    const number = /工单号：(\d{10})/.exec(text)?.[1];
    expect(number).toBeDefined();
    const ticket = await server.complaints.get(number!);
    expect(ticket).toMatchObject({ channel: 'webchat', orderId: '2026111112345678', desiredRemedy: 'refund', amount: { value: 399, currency: 'CNY' } });
    expect(ticket.customer.contact.phone).toBe('13912345678');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('when a page from an origin not on the list asks for a widget token, then it is refused', async () => {
    const res = await fetch(`${server.url}/api/widget/token`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    const ok = await fetch(`${server.url}/api/widget/token`, { method: 'POST', headers: { origin: 'http://localhost:8080', 'content-type': 'application/json' }, body: '{}' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
  });
});
