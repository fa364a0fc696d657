/**
 * The audit chain as the service writes it, and the verifier against real tampering of the
 * `audit_log` collection (each tampering case in a fresh database).
 */
import type { Connection } from 'mongoose';
import { GENESIS_HASH, auditId, hashEntry, type AuditRecord } from '../../../src/store/audit-log';
import { verifyAuditChain } from '../../../src/store/audit-verify';
import { startTestServer, type TestServer } from '../../support/server';
import type { Ticket } from '../../../src/domain/ticket';
import { AGENT_U1, auditColl, auditDocs, fileComplaints } from './helpers';

const SECRET = 'audit-secret-for-tests-0123456789';

/** The fields hashEntry covers, from a stored record. */
function hashable(d: AuditRecord): Omit<AuditRecord, '_id' | 'hash'> {
  return {
    seq: d.seq,
    key: d.key,
    at: d.at,
    actor: d.actor,
    action: d.action,
    entity: d.entity,
    before: d.before,
    after: d.after,
    prevHash: d.prevHash,
  };
}

/** Three filings and one claim of the first ticket: four audit entries. */
async function seed(server: TestServer): Promise<{ tickets: Ticket[]; docs: AuditRecord[] }> {
  const tickets = await fileComplaints(server, 3);
  await server.complaints.claim(tickets[0]!.number, AGENT_U1);
  await server.effects.drain();
  return { tickets, docs: await auditDocs(server.database.conn) };
}

describe('audit chain written by the service', () => {
  let server: TestServer;
  let conn: Connection;
  let tickets: Ticket[];
  let docs: AuditRecord[];

  beforeAll(async () => {
    server = await startTestServer();
    conn = server.database.conn;
    ({ tickets, docs } = await seed(server));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('when three complaints are filed and one is claimed, then the chain verifies with four entries and its head is the last entry', async () => {
    const r = await verifyAuditChain(conn);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(4);
    expect(docs).toHaveLength(4);
    expect(r.head).toEqual({ seq: 4, hash: docs[3]!.hash });
  });

  it('when the entries are read in order, then they are seq 1..n with zero-padded ids and each links to the previous hash', () => {
    docs.forEach((d, i) => {
      expect(d.seq).toBe(i + 1);
      expect(d._id).toBe(auditId(i + 1));
      expect(d._id).toMatch(/^\d{12}$/);
      expect(d.prevHash).toBe(i === 0 ? GENESIS_HASH : docs[i - 1]!.hash);
      expect(d.hash).toBe(hashEntry(hashable(d)));
    });
  });

  it('when a ticket is filed and claimed, then each entry is keyed <number>:<version> and records actor, action, before and after', () => {
    const [t1, t2, t3] = tickets;
    expect(docs.map((d) => d.key)).toEqual([`${t1!.number}:1`, `${t2!.number}:1`, `${t3!.number}:1`, `${t1!.number}:2`]);
    expect(docs.map((d) => d.action)).toEqual(['ticket.filed', 'ticket.filed', 'ticket.filed', 'ticket.claim']);
    expect(docs.map((d) => d.entity)).toEqual(tickets.concat(t1!).map((t) => ({ type: 'ticket', id: t.number })));

    const filing = docs[0]!;
    expect(filing.actor).toEqual({ kind: 'api', id: 'rest' });
    expect(filing.before).toBeNull();
    expect(JSON.parse(filing.after!)).toMatchObject({ number: t1!.number, version: 1, status: 'new', owner: null });

    const claim = docs[3]!;
    expect(claim.actor).toEqual({ kind: 'agent', id: 'U1' });
    expect(JSON.parse(claim.before!)).toMatchObject({ number: t1!.number, version: 1, status: 'new', owner: null });
    expect(JSON.parse(claim.after!)).toMatchObject({ number: t1!.number, version: 2, status: 'claimed', owner: { id: 'U1' } });
  });

  it('when the audit documents are serialised, then no personal value (contact, name, what the customer wrote, order id) appears in them, only its digest', async () => {
    const raw = JSON.stringify(await conn.collection('audit_log').find({}).toArray());
    expect(raw).not.toContain('kettle');
    expect(raw).not.toContain('Customer 0');
    expect(raw).not.toContain('A-20261120-0001');
    expect(JSON.parse(docs[0]!.after!).personalDigest).toMatch(/^[0-9a-f]{64}$/);
    for (const t of tickets) {
      const phone = t.customer.contact.phone!;
      const email = t.customer.contact.email!;
      expect(phone).toMatch(/\d{4}/);
      expect(email).toContain('@');
      expect(raw).not.toContain(phone);
      expect(raw).not.toContain(phone.replace(/\D/g, ''));
      expect(raw).not.toContain(phone.replace(/\D/g, '').slice(-8));
      expect(raw).not.toContain(email);
      expect(raw.toLowerCase()).not.toContain('@example.com');
    }
    // The tickets themselves do hold the contacts (so the check above is not vacuous).
    const ticketsRaw = JSON.stringify(await conn.collection('tickets').find({}).toArray());
    expect(ticketsRaw).toContain(tickets[0]!.customer.contact.email!);
  });
});

describe('audit verifier against tampering (fresh database per case)', () => {
  let server: TestServer;
  let conn: Connection;
  let docs: AuditRecord[];

  beforeEach(async () => {
    server = await startTestServer();
    conn = server.database.conn;
    ({ docs } = await seed(server));
    expect((await verifyAuditChain(conn)).ok).toBe(true);
  });
  afterEach(async () => {
    await server.stop();
  });

  it("when one entry's after text is edited, then the verifier reports it edited, naming that seq", async () => {
    const target = docs[1]!;
    const forged = target.after!.replace('"status":"new"', '"status":"rejected"');
    expect(forged).not.toBe(target.after);
    const res = await auditColl(conn).updateOne({ _id: target._id } as never, { $set: { after: forged } });
    expect(res.modifiedCount).toBe(1);

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'edited', seq: 2, key: target.key });
    expect(r.problem!.message).toContain('entry 2');
  });

  it("when one entry's actor is edited, then the verifier reports it edited", async () => {
    const target = docs[3]!;
    await auditColl(conn).updateOne({ _id: target._id } as never, { $set: { actor: { kind: 'agent', id: 'U2' } } });

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'edited', seq: 4 });
    expect(r.head).toEqual({ seq: 3, hash: docs[2]!.hash });
  });

  it('when a middle entry is deleted, then the verifier reports it removed, naming the missing seq', async () => {
    const res = await auditColl(conn).deleteOne({ _id: docs[1]!._id } as never);
    expect(res.deletedCount).toBe(1);

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'removed', seq: 2 });
    expect(r.problem!.message).toContain('2');
  });

  it('when the first entry is deleted, then the verifier reports seq 1 removed', async () => {
    await auditColl(conn).deleteOne({ _id: docs[0]!._id } as never);

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'removed', seq: 1 });
    expect(r.head).toBeNull();
  });

  it('when the whole contents of two entries are swapped (ids kept), then the verifier stops at the first of them', async () => {
    const [a, b] = [docs[1]!, docs[2]!];
    const { _id: _a, ...contentA } = a;
    const { _id: _b, ...contentB } = b;
    // `key` is unique, so park one entry under a temporary key first (as an attacker would).
    await auditColl(conn).updateOne({ _id: a._id } as never, { $set: { key: 'parked' } });
    await auditColl(conn).replaceOne({ _id: b._id } as never, contentA);
    await auditColl(conn).replaceOne({ _id: a._id } as never, contentB);
    expect((await auditDocs(conn)).map((d) => d.key)).toEqual([docs[0]!.key, b.key, a.key, docs[3]!.key]);

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem!.seq).toBe(2);
    expect(r.problem!.kind).toBe('reordered');
  });

  it('when the contents of two entries are swapped but each keeps its seq, then the verifier stops at the first of them', async () => {
    const [a, b] = [docs[1]!, docs[2]!];
    const { _id: _a, seq: _sa, ...contentA } = a;
    const { _id: _b, seq: _sb, ...contentB } = b;
    await auditColl(conn).updateOne({ _id: a._id } as never, { $set: { key: 'parked' } });
    await auditColl(conn).updateOne({ _id: b._id } as never, { $set: contentA });
    await auditColl(conn).updateOne({ _id: a._id } as never, { $set: contentB });
    expect((await auditDocs(conn)).map((d) => d.seq)).toEqual([1, 2, 3, 4]);

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'edited', seq: 2 });
  });

  it('when an entry is edited and its hash recomputed without a secret, then the break shows at the next entry as reordered', async () => {
    const target = docs[1]!;
    const forged = { ...hashable(target), actor: { kind: 'agent', id: 'MALLORY' } };
    await auditColl(conn).updateOne({ _id: target._id } as never, { $set: { actor: forged.actor, hash: hashEntry(forged) } });

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'reordered', seq: 3, key: docs[2]!.key });
  });

  it('when an attacker without a secret rewrites an early entry and rechains everything after it, then only an anchor taken earlier catches it', async () => {
    // An anchor taken when the chain had two entries; the chain has grown since.
    const anchor = { seq: 2, hash: docs[1]!.hash };
    expect((await verifyAuditChain(conn, { expectHead: anchor })).ok).toBe(true);

    let prevHash = GENESIS_HASH;
    for (const d of docs) {
      const forged = { ...hashable(d), prevHash, ...(d.seq === 1 ? { actor: { kind: 'agent', id: 'MALLORY' } } : {}) };
      const hash = hashEntry(forged);
      await auditColl(conn).updateOne({ _id: d._id } as never, { $set: { actor: forged.actor, prevHash, hash } });
      prevHash = hash;
    }

    const unanchored = await verifyAuditChain(conn);
    expect(unanchored.ok).toBe(true);
    const anchored = await verifyAuditChain(conn, { expectHead: anchor });
    expect(anchored.ok).toBe(false);
    expect(anchored.problem).toMatchObject({ kind: 'head_mismatch', seq: 2 });
  });

  it('when a foreign document is slipped in between two entries, then the verifier reports the chain broken right after the entry before it', async () => {
    const { _id: _x, ...copy } = docs[1]!;
    await auditColl(conn).insertOne({ ...copy, _id: `${docs[1]!._id}a`, key: 'forged' } as never);

    const r = await verifyAuditChain(conn);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'reordered', seq: 3, key: 'forged' });
    expect(r.problem!.message).toContain('000000000002a');
    expect(r.head).toEqual({ seq: 2, hash: docs[1]!.hash });
  });

  it('when the last entry is deleted, then the chain still verifies without an anchor but not against the earlier head', async () => {
    const before = await verifyAuditChain(conn);
    const anchor = before.head!;
    expect(anchor.seq).toBe(4);
    await auditColl(conn).deleteOne({ _id: docs[3]!._id } as never);

    const unanchored = await verifyAuditChain(conn);
    expect(unanchored.ok).toBe(true);
    expect(unanchored.entries).toBe(3);

    const anchored = await verifyAuditChain(conn, { expectHead: anchor });
    expect(anchored.ok).toBe(false);
    expect(anchored.problem).toMatchObject({ kind: 'head_mismatch', seq: 4 });
  });

  it('when the last entry is replaced by a rechained forgery, then the earlier head as anchor catches it', async () => {
    const anchor = (await verifyAuditChain(conn)).head!;
    const last = docs[3]!;
    const forged = { ...hashable(last), after: last.after!.replace('"status":"claimed"', '"status":"new"') };
    await auditColl(conn).updateOne({ _id: last._id } as never, { $set: { after: forged.after, hash: hashEntry(forged) } });

    expect((await verifyAuditChain(conn)).ok).toBe(true);
    const anchored = await verifyAuditChain(conn, { expectHead: anchor });
    expect(anchored.problem).toMatchObject({ kind: 'head_mismatch', seq: 4 });
  });
});

describe('audit chain with AUDIT_SECRET', () => {
  let server: TestServer;
  let conn: Connection;
  let docs: AuditRecord[];

  beforeEach(async () => {
    server = await startTestServer({ AUDIT_SECRET: SECRET });
    conn = server.database.conn;
    ({ docs } = await seed(server));
  });
  afterEach(async () => {
    await server.stop();
  });

  it('when the service writes with a secret, then the chain verifies only with that secret', async () => {
    const withSecret = await verifyAuditChain(conn, { secret: SECRET });
    expect(withSecret).toMatchObject({ ok: true, entries: 4 });
    expect(docs[0]!.hash).toBe(hashEntry(hashable(docs[0]!), SECRET));

    const withoutSecret = await verifyAuditChain(conn);
    expect(withoutSecret.ok).toBe(false);
    expect(withoutSecret.problem).toMatchObject({ kind: 'edited', seq: 1 });
  });

  it('when an attacker edits an entry and recomputes its hash with plain SHA-256, then the verifier with the secret names that entry', async () => {
    const target = docs[1]!;
    const forged = { ...hashable(target), after: target.after!.replace('"status":"new"', '"status":"closed"') };
    expect(forged.after).not.toBe(target.after);
    await auditColl(conn).updateOne({ _id: target._id } as never, { $set: { after: forged.after, hash: hashEntry(forged) } });

    const r = await verifyAuditChain(conn, { secret: SECRET });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind: 'edited', seq: 2, key: target.key });
  });
});
