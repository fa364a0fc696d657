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
