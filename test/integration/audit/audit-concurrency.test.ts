/**
 * Two MongoAuditLog instances on two separate connections to the same database (= two
 * service instances) appending at once: one chain, no gaps, no forks, idempotent keys.
 */
import mongoose, { type Connection } from 'mongoose';
import type { AuditEntryInput } from '../../../src/domain/ports';
import { GENESIS_HASH, MongoAuditLog, auditId } from '../../../src/store/audit-log';
import { verifyAuditChain } from '../../../src/store/audit-verify';
import { createIndexes } from '../../../src/store/database';
import { testDbUri, uniqueDbName } from '../../support/db';
import { auditDocs } from './helpers';

function entry(key: string, n = 0): AuditEntryInput {
  return {
    key,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    actor: { kind: 'system', id: 'test' },
    action: 'ticket.filed',
    entity: { type: 'ticket', id: key },
    before: null,
    after: { key, n, nested: { b: 2, a: 1 } },
  };
}

async function connect(uri: string): Promise<Connection> {
  return mongoose.createConnection(uri, { autoIndex: false, bufferCommands: false, serverSelectionTimeoutMS: 5000 }).asPromise();
}

describe('audit log appended by two instances', () => {
  let conns: Connection[] = [];

  /** A fresh database with two connections (each an "instance") and the unique indexes in place. */
  async function twoInstances(): Promise<{ a: MongoAuditLog; b: MongoAuditLog; conn: Connection }> {
    const uri = testDbUri(uniqueDbName());
    const c1 = await connect(uri);
    const c2 = await connect(uri);
    conns.push(c1, c2);
    await createIndexes(c1);
    return { a: new MongoAuditLog(c1), b: new MongoAuditLog(c2), conn: c1 };
  }

  afterEach(async () => {
    await conns[0]?.dropDatabase().catch(() => undefined);
    await Promise.all(conns.map((c) => c.close()));
    conns = [];
  });

  it('when two instances each append 100 entries concurrently, then there are 200 entries, seq 1..200, no gaps or forks, and the chain verifies', async () => {
    const { a, b, conn } = await twoInstances();
    const keysA = Array.from({ length: 100 }, (_, i) => `A:${i}`);
    const keysB = Array.from({ length: 100 }, (_, i) => `B:${i}`);
    // Each instance appends in waves of 10 concurrent calls, both instances at the same time.
    const worker = async (log: MongoAuditLog, keys: string[]) => {
      for (let w = 0; w < keys.length; w += 10) {
        await Promise.all(keys.slice(w, w + 10).map((k, i) => log.append([entry(k, w + i)])));
      }
    };
    await Promise.all([worker(a, keysA), worker(b, keysB)]);

    const docs = await auditDocs(conn);
    expect(docs).toHaveLength(200);
    expect(docs.map((d) => d.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(docs.map((d) => d._id)).toEqual(Array.from({ length: 200 }, (_, i) => auditId(i + 1)));
    expect(new Set(docs.map((d) => d.key))).toEqual(new Set([...keysA, ...keysB]));
    // No fork: every entry links to the one before it, and no hash is the parent of two entries.
    docs.forEach((d, i) => expect(d.prevHash).toBe(i === 0 ? GENESIS_HASH : docs[i - 1]!.hash));
    expect(new Set(docs.map((d) => d.prevHash)).size).toBe(200);
    // Each instance's entries keep the order in which that instance appended them.
    expect(docs.map((d) => d.key).filter((k) => k.startsWith('A:'))).toEqual(keysA);
    expect(docs.map((d) => d.key).filter((k) => k.startsWith('B:'))).toEqual(keysB);

    const r = await verifyAuditChain(conn);
    expect(r).toMatchObject({ ok: true, entries: 200, head: { seq: 200, hash: docs[199]!.hash } });
  });

  it('when the same key is appended twice, sequentially and concurrently, then it is stored once', async () => {
    const { a, conn } = await twoInstances();
    await a.append([entry('K:1')]);
    await a.append([entry('K:1')]);
    await Promise.all([a.append([entry('K:2')]), a.append([entry('K:2')]), a.append([entry('K:2')])]);

    const docs = await auditDocs(conn);
    expect(docs.map((d) => d.key)).toEqual(['K:1', 'K:2']);
    expect((await verifyAuditChain(conn)).ok).toBe(true);
  });

  it('when both instances append the same key at the same time, then it is stored once and the chain verifies', async () => {
    const { a, b, conn } = await twoInstances();
    await Promise.all([a.append([entry('S:1')]), b.append([entry('S:1')]), a.append([entry('S:2')]), b.append([entry('S:2')])]);
    await Promise.all([a.append([entry('S:3')]), b.append([entry('S:3')])]);

    const docs = await auditDocs(conn);
    expect(docs.map((d) => d.key).sort()).toEqual(['S:1', 'S:2', 'S:3']);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 3 });
  });

  it('when a batch of new entries contains a key that already exists, then only the new ones are stored and the chain verifies', async () => {
    const { a, conn } = await twoInstances();
    await a.append([entry('X:old')]);
    // While the first append is being flushed, the next three queue up and go as one batch.
    const busy = a.append([entry('X:busy')]);
    const batch = [a.append([entry('X:new1')]), a.append([entry('X:old')]), a.append([entry('X:new2')])];
    await Promise.all([busy, ...batch]);

    const docs = await auditDocs(conn);
    expect(docs.map((d) => d.key)).toEqual(['X:old', 'X:busy', 'X:new1', 'X:new2']);
    expect(docs.map((d) => d.seq)).toEqual([1, 2, 3, 4]);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 4 });
  });

  it('when one instance appends a batch holding a key the other instance already stored, then only the new ones are added after the other instance\'s entries', async () => {
    const { a, b, conn } = await twoInstances();
    await b.append([entry('Y:0')]);
    await a.append([entry('Y:1')]); // a now caches a head; b's cached head (seq 1) is stale
    await a.append([entry('Y:2')]);
    const busy = b.append([entry('Y:3')]);
    await Promise.all([busy, b.append([entry('Y:4')]), b.append([entry('Y:1')]), b.append([entry('Y:5')])]);

    const docs = await auditDocs(conn);
    expect(docs.map((d) => d.key)).toEqual(['Y:0', 'Y:1', 'Y:2', 'Y:3', 'Y:4', 'Y:5']);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 6 });
  });
});
