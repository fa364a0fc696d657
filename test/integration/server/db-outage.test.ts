/**
 * Database outages: requests answer 503 with a retry hint, nothing is half-written, and the
 * service carries on by itself once the database is back. Uses a private FerretDB the test
 * stops and restarts on the same port and data folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedDb, type EmbeddedDb } from '../../../src/store/embedded-db';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

describe('when the database goes away', () => {
  let dir: string;
  let port: number;
  let db: EmbeddedDb;
  let server: TestServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outage-'));
    port = await freePort();
    db = await startEmbeddedDb({ dataDir: dir, port });
    server = await startTestServer({ MONGODB_URI: db.uri, MONGODB_DB: 'outage', DB_TIMEOUT_MS: '800' });
  });
  afterAll(async () => {
    await server.stop();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('then filing and lookups answer 503 with Retry-After, and after it returns the service works again without a restart', async () => {
    const first = await server.post('/api/complaints', complaintBody());
    expect(first.status).toBe(201);

    await db.stop();

    const during = await server.post('/api/complaints', complaintBody({ description: 'filed during the outage' }));
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('store.unavailable');
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);

    const lookup = await server.get(`/api/complaints/${first.body.number}`, { 'X-Lookup-Code': first.body.lookupCode });
    expect(lookup.status).toBe(503);
    expect((await server.get('/readyz')).status).toBe(503);
    expect((await server.get('/healthz')).status).toBe(200);

    db = await startEmbeddedDb({ dataDir: dir, port });

    // The driver reconnects on its own; wait until ready (bounded), then file again.
    let ready = 503;
    for (let i = 0; i < 60 && ready !== 200; i++) {
      ready = (await server.get('/readyz')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready).toBe(200);

    const after = await server.post('/api/complaints', complaintBody({ description: 'filed after the outage' }));
    expect(after.status).toBe(201);
    // Nothing half-written: the refused filing took no number and left no document.
    expect(Number(after.body.number)).toBe(Number(first.body.number) + 1);
    const tickets = await server.database.conn.collection('tickets').find({}, { projection: { personal: 1 } }).toArray();
    expect(tickets.map((t) => t.personal.description).sort()).toEqual(['filed after the outage', complaintBody().description].sort());
    await server.effects.drain();
    expect(await server.database.conn.collection('audit_log').countDocuments()).toBe(2);
    const { entries } = await server.repository.feed.read(0, 100);
    expect(entries.filter((e) => e.events.includes('ticket.filed')).map((e) => e.number)).toEqual([first.body.number, after.body.number]);

    const again = await server.get(`/api/complaints/${first.body.number}`, { 'X-Lookup-Code': first.body.lookupCode });
    expect(again.status).toBe(200);
  });
});

describe('when the database stalls (alive but not answering)', () => {
  let dir: string;
  let db: EmbeddedDb;
  let server: TestServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stall-'));
    db = await startEmbeddedDb({ dataDir: dir, port: await freePort() });
    server = await startTestServer({ MONGODB_URI: db.uri, MONGODB_DB: 'stall', DB_TIMEOUT_MS: '1000', WRITE_QUEUE_LIMIT: '10' });
  });
  afterAll(async () => {
    try {
      process.kill(db.pid, 'SIGCONT');
    } catch {
      // already running or gone
    }
    await server.stop();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('then every request is answered 503 with Retry-After once its database call meets the deadline, and retries with their Idempotency-Keys afterwards give exactly one ticket each', async () => {
    const warm = await server.post('/api/complaints', complaintBody({ description: 'before the stall' }));
    expect(warm.status).toBe(201);

    process.kill(db.pid, 'SIGSTOP');
    let answers: Array<{ status: number; body: any; headers: Headers }>;
    try {
      // All of these are answered while the database is still frozen: nothing waits without end.
      answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => server.post('/api/complaints', complaintBody({ description: `during the stall ${i}` }), { 'Idempotency-Key': `stall-key-${String(i).padStart(4, '0')}` })),
      );
    } finally {
      process.kill(db.pid, 'SIGCONT');
    }
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 503));
    for (const a of answers) expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    // Each met the DB_TIMEOUT_MS deadline (or, had the write queue filled, was refused at once).
    for (const a of answers) expect(['store.unavailable', 'store.overloaded']).toContain(a.body.error.code);

    // The database answers again: clients retry with the same keys.
    let ready = 503;
    for (let i = 0; i < 60 && ready !== 200; i++) {
      ready = (await server.get('/readyz')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    const retries = [];
    for (let i = 0; i < 40; i++) {
      retries.push(await server.post('/api/complaints', complaintBody({ description: `during the stall ${i}` }), { 'Idempotency-Key': `stall-key-${String(i).padStart(4, '0')}` }));
    }
    expect(retries.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    const numbers = retries.map((r) => r.body.number as string);
    expect(new Set(numbers).size).toBe(40);
    // Nothing doubled or lost: one ticket per key, plus the one filed before, numbered without gaps.
    const stored = await server.database.conn.collection('tickets').find({}, { projection: { _id: 1 } }).toArray();
    expect(stored).toHaveLength(41);
    const seqs = stored.map((t) => Number(String(t._id).slice(4))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });
});
