/**
 * One customer's data on request, over HTTP with an admin key: the export holds their tickets'
 * personal values, messages and ratings and nothing of anyone else's, is audited by the keyed
 * hash of the contact and never logged; the erasure leaves nothing to export; both keep the audit
 * chain verifiable. Closed tickets are anonymised by the scheduler once the retention period has
 * passed, and the chain still verifies.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newApiKey } from '../../../src/config/api-keys';
import { createLogger } from '../../../src/logging/logger';
import { ERASED_TEXT } from '../../../src/domain/ticket';
import { testServerUri } from '../../support/db';
import { dumpDatabase } from '../../support/dump';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const ROOT = path.resolve(__dirname, '../../..');
const SECRET = 'personal-data-audit-secret-0123456789';
const filing = newApiKey('hotline');
const admin = newApiKey('dpo', 'admin');
const X = { name: '李秀兰', phone: '+86 137 1122 3344', email: 'li.xiulan.export@example.com' };
const X_TEXT = '李秀兰: the blender BLX-EXPORT-7 caught fire in my kitchen';
const X_MESSAGE = 'here is the photo of the burnt counter, Room 503';
const Y_TEXT = 'Another customer: the fridge FRG-STAYS-2 is noisy.';

function cli(dbName: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const u = new URL(testServerUri());
  u.pathname = '/';
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'src', 'cli', 'personal-data.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', MONGODB_URI: u.toString(), MONGODB_DB: dbName, AUDIT_SECRET: SECRET }, timeout: 90_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

function auditVerify(dbName: string): Promise<{ code: number | null; stdout: string }> {
  const u = new URL(testServerUri());
  u.pathname = '/';
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'src', 'cli', 'audit-verify.ts')],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', MONGODB_URI: u.toString(), MONGODB_DB: dbName, AUDIT_SECRET: SECRET }, timeout: 90_000 },
      (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout: String(stdout) }),
    );
  });
}

const bearer = (k: { key: string }) => ({ Authorization: `Bearer ${k.key}` });

describe('personal data on request (REST, admin key)', () => {
  const lines: string[] = [];
  let s: TestServer;
  beforeAll(async () => {
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    s = await startTestServer({ AUDIT_SECRET: SECRET, API_KEYS: `${filing.entry},${admin.entry}`, LOG_LEVEL: 'debug' }, { logger });
  });
  afterAll(() => s.stop());

  it('when a customer asks for their data, then the export has all of theirs and nothing of others, is audited by hash, never logged; after erasure nothing is left and the chain verifies', async () => {
    const x1 = await s.post('/api/complaints', complaintBody({ customer: X, description: X_TEXT, orderId: 'ORD-EXPORT-1' }), bearer(filing));
    const x2 = await s.post('/api/complaints', complaintBody({ customer: { email: X.email.toUpperCase() }, description: 'second one, billing BILL-EXPORT-2', category: 'billing' }), bearer(filing));
    const y = await s.post('/api/complaints', complaintBody({ customer: { name: 'Other Person', phone: '+86 139 0000 7777' }, description: Y_TEXT }), bearer(filing));
    expect([x1.status, x2.status, y.status]).toEqual([201, 201, 201]);
    await s.complaints.addCustomerMessage(x1.body.number, { text: X_MESSAGE }, { kind: 'customer', id: 'conv-x' });
    await s.effects.drain();

    // Who may ask: only an admin key, never a filing key, never nobody.
    const contact = { phone: '137-1122-3344' };
    expect((await s.post('/api/personal-data/export', contact)).status).toBe(401);
    const withFilingKey = await s.post('/api/personal-data/export', contact, bearer(filing));
    expect(withFilingKey).toMatchObject({ status: 401, body: { error: { code: 'auth.admin_key_required' } } });
    expect((await s.post('/api/complaints', complaintBody(), bearer(admin))).status).toBe(401);
    const noContact = await s.post('/api/personal-data/export', {}, bearer(admin));
    expect(noContact).toMatchObject({ status: 400, body: { error: { code: 'validation.failed' } } });
    expect((await s.post('/api/personal-data/export', { phone: X.phone, name: X.name }, bearer(admin))).status).toBe(400);
    expect((await s.get('/api/personal-data/export', bearer(admin))).status).toBe(405);

    // The phone finds the tickets filed with the phone; the e-mail those filed with the e-mail.
    const byPhone = await s.post('/api/personal-data/export', contact, bearer(admin));
    expect(byPhone.status).toBe(200);
    expect(byPhone.headers.get('cache-control')).toBe('no-store');
    expect(byPhone.body.format).toBe('complaint-desk.customer-export/1');
    expect(byPhone.body.tickets.map((t: any) => t.number)).toEqual([x1.body.number]);
    const [t1] = byPhone.body.tickets;
    expect(t1).toMatchObject({ description: X_TEXT, orderId: 'ORD-EXPORT-1', customer: { name: X.name, phone: X.phone, email: X.email }, erased: false });
    expect(t1.messages).toEqual([expect.objectContaining({ direction: 'from_customer', text: X_MESSAGE })]);
    const byEmail = await s.post('/api/personal-data/export', { email: X.email }, bearer(admin));
    expect(byEmail.body.tickets.map((t: any) => t.number)).toEqual([x2.body.number]);
    expect(JSON.stringify([byPhone.body, byEmail.body])).not.toContain('FRG-STAYS-2');

    // Audited by the contact's keyed hash: who asked, which tickets — not the contact, not the data.
    const audits = await s.database.conn.collection('audit_log').find({ action: 'customer.data_exported' }).toArray();
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actor: { kind: 'api', id: 'admin:dpo' }, entity: { type: 'customer', id: byPhone.body.customerKey } });
    expect(JSON.parse(String(audits[0]!.after))).toEqual({ tickets: [x1.body.number] });
    const auditText = JSON.stringify(await s.database.conn.collection('audit_log').find({}).toArray());
    for (const secret of [X_TEXT, X_MESSAGE, '1122 3344', '11223344', X.email, X.name]) expect([secret, auditText.includes(secret)]).toEqual([secret, false]);

    // Erasure by API: then nothing is left to export, others keep theirs.
    const erased = await s.post('/api/personal-data/erase', contact, bearer(admin));
    expect(erased).toMatchObject({ status: 200, body: { erased: 1, tickets: [x1.body.number] } });
    expect((await s.post('/api/personal-data/erase', { email: X.email }, bearer(admin))).body).toEqual({ erased: 1, tickets: [x2.body.number] });
    await s.effects.drain();
    expect((await s.post('/api/personal-data/export', contact, bearer(admin))).body.tickets).toEqual([]);
    const after = await dumpDatabase(s.database.conn);
    for (const secret of [X_TEXT, X_MESSAGE, '1122 3344', 'li.xiulan.export', 'LI.XIULAN.EXPORT', X.name, 'ORD-EXPORT-1', 'BILL-EXPORT-2']) expect([secret, after.includes(secret)]).toEqual([secret, false]);
    expect(after).toContain('FRG-STAYS-2');
    expect(await s.complaints.get(x1.body.number)).toMatchObject({ erased: true, description: ERASED_TEXT, customer: { key: null } });
    expect(await s.database.conn.collection('audit_log').findOne({ action: 'customer.erased' })).toMatchObject({ actor: { id: 'admin:dpo' }, entity: { type: 'customer' } });

    // The export never reaches the log (request lines only).
    await new Promise((r) => setImmediate(r));
    const log = lines.join('');
    expect(log).toContain('/api/personal-data/export');
    for (const secret of [X_TEXT, X_MESSAGE, '1122 3344', '137-1122-3344', X.email, X.name, 'ORD-EXPORT-1']) expect([secret, log.includes(secret)]).toEqual([secret, false]);

    const verify = await auditVerify(s.dbName);
    expect(verify.stdout).toContain('audit chain OK');
    expect(verify.code).toBe(0);
  });

  it('when an operator runs npm run personal-data, then the export goes to a file only they can read, erasure needs --yes, and backfill indexes older tickets', async () => {
    const phone = '+86 138 7777 6543';
    const a = await s.complaints.file(complaintBody({ customer: { name: 'Cli Customer', phone }, description: 'CLI-EXPORT-9 the washing machine leaks' }), { actor: { kind: 'api', id: 'rest' } });
    await s.effects.drain();
    // A ticket from before the per-customer index: its index document is missing until backfill.
    await s.database.conn.collection('customer_index').deleteMany({});
    await s.database.conn.collection('customer_recent').deleteMany({});
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'export-')), 'customer.json');
    expect((await cli(s.dbName, ['export', '--phone', phone, '--out', out])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).tickets).toEqual([]);
    fs.rmSync(out);
    const backfill = await cli(s.dbName, ['backfill']);
    expect(backfill.stdout).toMatch(/indexed \d+ tickets of \d+ customers/);
    const exported = await cli(s.dbName, ['export', '--phone', phone, '--out', out, '--by', 'dpo-anna']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.tickets.map((t: any) => [t.number, t.description])).toEqual([[a.ticket.number, 'CLI-EXPORT-9 the washing machine leaks']]);
    expect(await s.database.conn.collection('audit_log').findOne({ action: 'customer.data_exported', 'actor.id': 'cli:dpo-anna' })).toBeTruthy();

    expect(await cli(s.dbName, ['erase', '--phone', phone])).toMatchObject({ code: 2, stderr: expect.stringContaining('--yes') });
    expect(await cli(s.dbName, ['export'])).toMatchObject({ code: 2 });
    const erased = await cli(s.dbName, ['erase', '--phone', phone, '--yes']);
    expect(erased).toMatchObject({ code: 0, stdout: expect.stringContaining(a.ticket.number) });
    expect((await s.complaints.get(a.ticket.number)).erased).toBe(true);
  });

  it('when no admin key is configured, then the personal-data API is refused, never open', async () => {
    const open = await startTestServer({});
    try {
      const r = await open.post('/api/personal-data/export', { phone: X.phone });
      expect(r).toMatchObject({ status: 403, body: { error: { code: 'auth.admin_key_not_configured' } } });
    } finally {
      await open.stop();
    }
  });
});

describe('retention of closed tickets', () => {
  // 23:30 UTC: with 1 day of retention the ticket is due at the start of the day after tomorrow.
  let now = new Date('2026-11-20T23:30:00Z');
  const clock = { now: () => new Date(now) };
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ AUDIT_SECRET: SECRET, RETENTION_CLOSED_TICKET_DAYS: '1' }, { clock });
  });
  afterAll(() => s.stop());

  it('when a closed ticket’s retention period has passed, then the scheduler anonymises it (audited), reopened ones are kept, and the chain verifies', async () => {
    await s.jobs.scan(); // the scheduler is running from here on
    const agent = { kind: 'agent' as const, id: 'U_RET' };
    const file = async (text: string) => (await s.complaints.file(complaintBody({ description: text, customer: { name: 'Zhou Retained', phone: '+86 136 5555 0101' } }), { actor: { kind: 'api', id: 'rest' } })).ticket.number;
    const closed = await file('old complaint about the kettle KTL-RETAIN-1');
    const reopened = await file('old complaint about the toaster TST-REOPEN-2');
    await s.complaints.addCustomerMessage(closed, { text: 'my address is 12 Retention Road' }, { kind: 'customer', id: 'c' });
    for (const n of [closed, reopened]) {
      await s.complaints.claim(n, agent);
      await s.complaints.transition(n, 'resolve', { actor: agent, resolution: { note: 'refunded' } });
      await s.complaints.transition(n, 'close', { actor: agent });
    }
    await s.effects.drain();
    now = new Date('2026-11-21T12:00:00Z');
    await s.complaints.transition(reopened, 'reopen', { actor: { kind: 'customer', id: 'c' }, reason: 'still broken' });
    await s.effects.drain();

    // A day and 23 hours later: not yet (due at the start of 22 Nov + 1 day = 23 Nov).
    now = new Date('2026-11-22T23:00:00Z');
    await s.jobs.scan();
    expect((await s.complaints.get(closed)).erased).toBe(false);

    now = new Date('2026-11-23T00:05:00Z');
    await s.jobs.scan();
    await s.jobs.scan();
    const t = await s.complaints.get(closed);
    expect(t).toMatchObject({ erased: true, description: ERASED_TEXT, customer: { name: null, contact: {}, key: null }, status: 'closed' });
    expect((await s.complaints.get(reopened)).erased).toBe(false);
    await s.effects.drain();
    const dump = await dumpDatabase(s.database.conn);
    expect(dump).not.toContain('KTL-RETAIN-1');
    expect(dump).not.toContain('12 Retention Road');
    expect(dump).toContain('TST-REOPEN-2');
    expect(await s.database.conn.collection('audit_log').findOne({ key: `${closed}:${t.version}` })).toMatchObject({ action: 'ticket.anonymise', actor: { kind: 'system', id: 'retention' } });

    // Handed over again (at least once): nothing more happens.
    expect(await s.complaints.anonymiseIfDue(closed, now)).toEqual({ anonymised: false, retryAt: null });
    const verify = await auditVerify(s.dbName);
    expect(verify.code).toBe(0);
  });
});

describe('retention with two scheduler instances', () => {
  let now = new Date('2026-11-20T23:30:00Z');
  const clock = { now: () => new Date(now) };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ RETENTION_CLOSED_TICKET_DAYS: '1' }, { clock });
    b = await startTestServer({ MONGODB_DB: a.dbName, RETENTION_CLOSED_TICKET_DAYS: '1' }, { clock });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('when both scan as closed tickets fall due, then each is anonymised exactly once', async () => {
    const scanBoth = async () => {
      await Promise.all([a.effects.drain(), b.effects.drain()]);
      await Promise.all([a.jobs.scan(), b.jobs.scan(), a.jobs.scan(), b.jobs.scan()]);
      await Promise.all([a.effects.drain(), b.effects.drain()]);
    };
    await scanBoth();
    const agent = { kind: 'agent' as const, id: 'U_TWO' };
    const numbers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const s = i % 2 ? a : b;
      const n = (await s.complaints.file(complaintBody({ description: `old complaint ${i} about the oven OVN-TWO-${i}`, customer: { phone: `+86 135 0000 11${10 + i}` } }), { actor: { kind: 'api', id: 'rest' } })).ticket.number;
      await s.complaints.claim(n, agent);
      await s.complaints.transition(n, 'resolve', { actor: agent, resolution: { note: 'repaired' } });
      await s.complaints.transition(n, 'close', { actor: agent });
      numbers.push(n);
    }
    now = new Date('2026-11-22T12:00:00Z');
    await scanBoth();
    now = new Date('2026-11-23T00:10:00Z');
    await scanBoth();
    await scanBoth();
    const feed = (await a.repository.feed.read(0, 100_000)).entries;
    for (const n of numbers) {
      expect([n, feed.filter((e) => e.number === n && e.action === 'anonymise').length]).toEqual([n, 1]);
      expect((await b.complaints.get(n)).erased).toBe(true);
    }
    expect(await dumpDatabase(a.database.conn)).not.toContain('OVN-TWO-');
  });
});
