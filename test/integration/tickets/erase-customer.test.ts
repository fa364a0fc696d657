/**
 * Erasing one customer's personal data: their values go from the one place that held them (the
 * ticket document and the message texts), nothing personal remains anywhere else, other
 * customers are untouched, and `npm run audit:verify` still passes afterwards.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ERASED_TEXT } from '../../../src/domain/ticket';
import { MongoFeedbackStore } from '../../../src/store/mongo-feedback';
import { testServerUri } from '../../support/db';
import { dumpDatabase } from '../../support/dump';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const ROOT = path.resolve(__dirname, '../../..');
const SECRET = 'erase-audit-secret-0123456789abcdef';
const X = { name: '王小明', phone: '+86 150 2468 1357', email: 'wang.xiaoming.erase@example.com' };
const X_DESCRIPTION = '王小明的投诉：洗衣机漏水把楼下淹了 washing machine ZX-ERASE-9 flooded the flat';
const X_MESSAGE = 'photo of the water damage at Room 1802, Building 7';
const Y_DESCRIPTION = 'Another customer: the router ZY-KEEP-4 keeps rebooting.';

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

/** Every document of every collection, as text (change-feed bodies decoded). */
const everything = (s: TestServer) => dumpDatabase(s.database.conn);

describe('erasing one customer', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ AUDIT_SECRET: SECRET });
  });
  afterAll(() => s.stop());

  it('when a customer’s data is erased, then their personal values are nowhere, others keep theirs, and the audit chain still verifies', async () => {
    const x1 = await s.complaints.file(complaintBody({ customer: X, description: X_DESCRIPTION, orderId: 'ORDER-ERASE-1' }), { actor: { kind: 'api', id: 'rest' } });
    const x2 = await s.complaints.file(complaintBody({ customer: { phone: X.phone }, description: 'second complaint ZX-ERASE-10', category: 'billing' }), { actor: { kind: 'api', id: 'rest' } });
    const y = await s.complaints.file(complaintBody({ customer: { name: 'Keep Me', phone: '+86 151 0000 9999' }, description: Y_DESCRIPTION }), { actor: { kind: 'api', id: 'rest' } });
    await s.complaints.addCustomerMessage(x1.ticket.number, { text: X_MESSAGE }, { kind: 'customer', id: 'conv-x' });
    await s.complaints.reclassify(x1.ticket.number, { category: 'product_quality' }, { kind: 'agent', id: 'U1' });
    await s.effects.drain();
    const before = await everything(s);
    for (const secret of [X_DESCRIPTION, X_MESSAGE, '2468 1357', 'wang.xiaoming.erase', '王小明', 'ORDER-ERASE-1']) expect([secret, before.includes(secret)]).toEqual([secret, true]);

    const result = await s.complaints.eraseCustomer({ phone: '15024681357' }, { kind: 'agent', id: 'U_DPO' });
    expect(result.tickets).toEqual([x1.ticket.number, x2.ticket.number].sort());
    await s.effects.drain();

    const after = await everything(s);
    for (const secret of [X_DESCRIPTION, 'ZX-ERASE', X_MESSAGE, '1802', '2468 1357', '15024681357', 'wang.xiaoming.erase', '王小明', 'ORDER-ERASE-1']) {
      expect([secret, after.includes(secret)]).toEqual([secret, false]);
    }
    for (const kept of [Y_DESCRIPTION, 'Keep Me', '151 0000 9999']) expect([kept, after.includes(kept)]).toEqual([kept, true]);

    const erased = await s.complaints.get(x1.ticket.number);
    expect(erased).toMatchObject({ erased: true, description: ERASED_TEXT, customer: { name: null, contact: {} }, orderId: null, category: 'product_quality' });
    expect((await s.complaints.get(y.ticket.number)).description).toBe(Y_DESCRIPTION);
    // The erasure is itself in the audit chain: who, when.
    expect(await s.database.conn.collection('audit_log').findOne({ key: `${x1.ticket.number}:${erased.version}` })).toMatchObject({ action: 'ticket.erase_personal', actor: { id: 'U_DPO' } });
    // Training data no longer yields their text.
    const examples = [];
    for await (const e of new MongoFeedbackStore(s.database.conn).all()) examples.push(e);
    expect(examples.filter((e) => e.ticketNumber === x1.ticket.number)).toEqual([]);
    // A new complaint from the same phone is not a repeat of erased history.
    const again = await s.complaints.file(complaintBody({ customer: { phone: X.phone }, category: 'billing' }), { actor: { kind: 'api', id: 'rest' } });
    expect(again.ticket.flags.recurrenceOf).toBeNull();
    await s.effects.drain();

    const verify = await auditVerify(s.dbName);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('audit chain OK');
  });

  it('when the contact given matches no one, then nothing is erased and the answer says so', async () => {
    expect(await s.complaints.eraseCustomer({ email: 'nobody.here@example.com' }, { kind: 'agent', id: 'U_DPO' })).toEqual({ tickets: [] });
    await expect(s.complaints.eraseCustomer({}, { kind: 'agent', id: 'U_DPO' })).rejects.toMatchObject({ code: 'validation.failed' });
  });
});
