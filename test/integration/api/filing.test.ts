/**
 * Filing and looking up complaints over the REST edge: real HTTP, real database.
 */
import { CATEGORIES, SEVERITIES } from '../../../src/domain/taxonomy';
import { verifyAuditChain } from '../../../src/store/audit-verify';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

/** The calendar year in Asia/Shanghai at `at`, computed from the UTC+8 offset (China has no DST). */
function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}

/** A phone number no other test in this file uses, so repeat detection does not interfere. */
let phoneSeq = 0;
function freshPhone(): string {
  phoneSeq += 1;
  return `+86 139 ${String(1000 + phoneSeq).padStart(4, '0')} ${String(4000 + phoneSeq)}`;
}

async function file(overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return server.post('/api/complaints', complaintBody({ customer: { name: 'Li Lei', phone: freshPhone() }, ...overrides }), headers);
}

describe('POST /api/complaints', () => {
  it('when a caller files category safety with severity general, then the ticket is at least important', async () => {
    const r = await server.post('/api/complaints', complaintBody({ category: 'safety', severity: 'general' }));
    expect(r.status).toBe(201);
    expect(r.body.severity).toBe('important');
  });

  it('when a caller sends severity general for a complaint about an injury, then the harm rule still raises it to major and says why', async () => {
    const r = await server.post(
      '/api/complaints',
      complaintBody({ description: '我买的电热水壶第一次用就漏电，手被电了一下，要求退款', severity: 'general' }),
    );
    expect(r.status).toBe(201);
    expect(r.body.severity).toBe('major');
    expect(r.body.classification.reasons.map((x: { rule: string }) => x.rule)).toContain('severity.harm');
  });

  it('when a valid English complaint is filed, then it answers 201 with a Location, a year-prefixed number, a lookup code and three deadlines', async () => {
    const before = new Date();
    const res = await file();
    const after = new Date();

    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const b = res.body;
    expect(b.number).toMatch(/^\d{10}$/);
    expect([String(shanghaiYear(before)), String(shanghaiYear(after))]).toContain(b.number.slice(0, 4));
    expect(res.headers.get('location')).toBe(`/api/complaints/${b.number}`);
    expect(b.links).toEqual({ self: `/api/complaints/${b.number}` });
    expect(b.status).toBe('new');
    expect(b.channel).toBe('api');
    expect(b.replayed).toBe(false);
    expect(CATEGORIES).toContain(b.category);
    expect(SEVERITIES).toContain(b.severity);
    expect(typeof b.categoryLabel.zh).toBe('string');
    expect(typeof b.categoryLabel.en).toBe('string');
    expect(typeof b.lookupCode).toBe('string');
    expect(b.lookupCode.length).toBeGreaterThanOrEqual(8);
    expect(b.recurrenceOf).toBeNull();

    const createdAt = Date.parse(b.createdAt);
    expect(Number.isNaN(createdAt)).toBe(false);
    expect(createdAt).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(createdAt).toBeLessThanOrEqual(after.getTime() + 1000);
    expect(Object.keys(b.deadlines).sort()).toEqual(['factCheck', 'firstContact', 'resolution']);
    for (const kind of ['firstContact', 'factCheck', 'resolution']) {
      const d = b.deadlines[kind];
      expect([kind, typeof d.dueAt]).toEqual([kind, 'string']);
      expect([kind, Date.parse(d.dueAt) > createdAt]).toEqual([kind, true]);
      expect([kind, d.paused]).toEqual([kind, false]);
      expect([kind, d.metAt]).toEqual([kind, null]);
    }
    // The obligations come in order: first contact before fact check before resolution.
    expect(Date.parse(b.deadlines.firstContact.dueAt)).toBeLessThanOrEqual(Date.parse(b.deadlines.factCheck.dueAt));
    expect(Date.parse(b.deadlines.factCheck.dueAt)).toBeLessThanOrEqual(Date.parse(b.deadlines.resolution.dueAt));
  });

  it('when two complaints are filed one after the other, then they get different numbers in sequence', async () => {
    const a = await file();
    const b = await file();
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.number.slice(0, 4)).toBe(b.body.number.slice(0, 4));
    expect(Number(b.body.number)).toBeGreaterThan(Number(a.body.number));
  });

  it('when an English complaint is filed without a language, then the language is detected as en', async () => {
    const res = await file({ description: 'The washing machine is broken and makes a loud noise every time.' });
    expect(res.status).toBe(201);
    expect(res.body.language).toBe('en');
  });

  it('when a Chinese complaint is filed without a language, then the language is detected as zh and it is classified', async () => {
    const res = await file({
      description: '我上周买的电热水壶用了两天就坏了，质量太差，要求退货退款。',
      customer: { name: '张三', phone: freshPhone() },
      desiredRemedy: 'refund',
    });
    expect(res.status).toBe(201);
    expect(res.body.language).toBe('zh');
    expect(CATEGORIES).toContain(res.body.category);
    expect(res.body.categoryLabel.zh.length).toBeGreaterThan(0);
  });

  it('when the language is given explicitly, then it is kept even if the text looks otherwise', async () => {
    const res = await file({ description: 'Kettle broken after two days.', language: 'zh' });
    expect(res.status).toBe(201);
    expect(res.body.language).toBe('zh');
  });

  it('when the API supplies a category, then it is kept and categoryDecidedBy is api', async () => {
    // The text speaks of billing; the client says contract.
    const res = await file({ description: 'You overcharged my bill twice this month.', category: 'contract' });
    expect(res.status).toBe(201);
    expect(res.body.category).toBe('contract');
    expect(res.body.classification.categoryDecidedBy).toBe('api');
    expect(res.body.classification.needsConfirmation).toBe(false);
  });

  it('when no category is supplied, then categoryDecidedBy is classifier', async () => {
    const res = await file({ description: 'You overcharged my bill twice this month.' });
    expect(res.status).toBe(201);
    expect(res.body.classification.categoryDecidedBy).toBe('classifier');
  });

  it('when the same phone files again in the same category, then recurrenceOf names the first ticket', async () => {
    const phone = '+86 137 5555 0101';
    const first = await server.post('/api/complaints', complaintBody({ customer: { phone }, category: 'billing', description: 'Double charge on my bill.' }));
    expect(first.status).toBe(201);
    expect(first.body.recurrenceOf).toBeNull();

    // Same digits written differently: still the same customer.
    const second = await server.post('/api/complaints', complaintBody({ customer: { phone: '+8613755550101' }, category: 'billing', description: 'Charged twice again.' }));
    expect(second.status).toBe(201);
    expect(second.body.number).not.toBe(first.body.number);
    expect(second.body.recurrenceOf).toBe(first.body.number);

    // Another category by the same customer is not a repeat.
    const other = await server.post('/api/complaints', complaintBody({ customer: { phone }, category: 'safety', description: 'The charger smells of smoke.' }));
    expect(other.status).toBe(201);
    expect(other.body.recurrenceOf).toBeNull();
  });

  it('when a different phone files in the same category, then it is not a repeat', async () => {
    const a = await file({ category: 'after_sales' });
    const b = await file({ category: 'after_sales' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.recurrenceOf).toBeNull();
  });
});

describe('GET /api/complaints/:number', () => {
  const phone = '+86 138 2468 1357';
  const email = 'zhang.wei.lookup@example.com';
  const description = '充电宝充电时冒烟，差点起火。Power bank smoked while charging.';
  let number: string;
  let lookupCode: string;

  beforeAll(async () => {
    const res = await server.post(
      '/api/complaints',
      complaintBody({ description, customer: { name: '张伟', phone, email }, amount: { value: 199.5, currency: 'CNY' } }),
    );
    expect(res.status).toBe(201);
    number = res.body.number;
    lookupCode = res.body.lookupCode;
  });

  function expectMaskedTicket(res: { status: number; body: any; headers: Headers }) {
    expect(res.status).toBe(200);
    expect(res.body.number).toBe(number);
    expect(res.body.description).toBe(description);
    expect(res.body.amount).toEqual({ value: 199.5, currency: 'CNY' });
    expect(res.body.customer.contact.phone.endsWith('1357')).toBe(true);
    expect(res.body.customer.contact.phone).toContain('*');
    // Only the last four digits of the phone are visible.
    expect(res.body.customer.contact.phone.replace(/\D/g, '').replace(/^86/, '')).toBe('1357');
    expect(res.body.customer.contact.email).not.toBe(email);
    expect(res.body.customer.name).not.toBe('张伟');
    const text = JSON.stringify(res.body);
    for (const secret of [phone, phone.replace(/\D/g, ''), '13824681357', '2468 1357', email, 'zhang.wei.lookup', lookupCode, '张伟']) {
      expect([secret, text.includes(secret)]).toEqual([secret, false]);
    }
    expect(res.body).not.toHaveProperty('lookupCodeHash');
    expect(res.body.customer).not.toHaveProperty('key');
    expect(res.headers.get('cache-control')).toBe('no-store');
  }

  it('when looked up with the X-Lookup-Code header, then it answers 200 with the description and a masked contact', async () => {
    const res = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': lookupCode });
    expectMaskedTicket(res);
    expect(res.body.history).toEqual([expect.objectContaining({ status: 'new', by: 'api' })]);
  });

  it('when a ticket is looked up, then the audit chain records who looked and how much they were shown, and still verifies', async () => {
    await server.get(`/api/complaints/${number}`, { 'X-Contact-Last4': '1357' });
    await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': 'WRONGCODE9' }); // refused: not recorded as a lookup
    const entries = await server.database.conn.collection('audit_log').find({ 'entity.id': number, action: 'ticket.looked_up' }).toArray();
    expect(entries.map((e) => JSON.parse(String(e.after)).scope).sort()).toEqual(expect.arrayContaining(['full', 'status']));
    expect(entries.every((e) => e.actor.kind === 'customer' && typeof e.actor.id === 'string')).toBe(true);
    expect((await verifyAuditChain(server.database.conn)).ok).toBe(true);
  });

  it('when looked up with the lookup code in lower case, then it still matches', async () => {
    const res = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': lookupCode.toLowerCase() });
    expect(res.status).toBe(200);
    expect(res.body.number).toBe(number);
  });

  it('when looked up with the X-Contact-Last4 header, then it answers 200 with the status and deadlines only', async () => {
    const res = await server.get(`/api/complaints/${number}`, { 'X-Contact-Last4': '1357' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ number, status: 'new', scope: 'status' });
    expect(Object.keys(res.body.deadlines).sort()).toEqual(['factCheck', 'firstContact', 'resolution']);
    for (const hidden of ['description', 'customer', 'amount', 'orderId', 'history', 'evidence']) expect(res.body).not.toHaveProperty(hidden);
    expect(JSON.stringify(res.body)).not.toContain('充电宝');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('when the verification is sent in the query string (?code=, ?last4=), then it is ignored: 401, as the query lands in proxy logs', async () => {
    for (const q of [`code=${encodeURIComponent(lookupCode)}`, 'last4=1357']) {
      const res = await server.get(`/api/complaints/${number}?${q}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('ticket.verification_required');
      expect(res.body.error.message).toContain('X-Lookup-Code');
    }
  });

  it('when a ticket filed with only an e-mail is looked up by its code, then the e-mail is masked and no phone appears', async () => {
    const mail = 'only.mail.customer@example.org';
    const filed = await server.post('/api/complaints', complaintBody({ customer: { email: mail } }));
    expect(filed.status).toBe(201);
    const res = await server.get(`/api/complaints/${filed.body.number}`, { 'X-Lookup-Code': filed.body.lookupCode });
    expect(res.status).toBe(200);
    expect(res.body.customer.contact).not.toHaveProperty('phone');
    expect(res.body.customer.contact.email).toContain('***');
    expect(JSON.stringify(res.body)).not.toContain(mail);
    expect(JSON.stringify(res.body)).not.toContain('only.mail.customer');
  });
});

describe('taxonomy words from TAXONOMY_FILE', () => {
  it('when a deployment renames a category, then API answers use its words', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tx-')), 'taxonomy.json');
    fs.writeFileSync(file, JSON.stringify({ categories: { billing: { zh: '收费争议', en: 'Charges' } } }));
    const s = await startTestServer({ TAXONOMY_FILE: file });
    try {
      const r = await s.post('/api/complaints', complaintBody({ category: 'billing' }));
      expect(r.body.categoryLabel).toEqual({ zh: '收费争议', en: 'Charges' });
    } finally {
      await s.stop();
    }
  });
});

