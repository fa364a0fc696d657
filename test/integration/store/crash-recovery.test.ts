/**
 * Crashes and stalls at the worst moments, against the real database: a ticket as read is never
 * older than its latest committed change, a retry of a committed change answers as its success,
 * an unknown write outcome is read back before answering, and every committed change reaches its
 * audit entry and events however late. Faults are injected by stalling or failing the writer's
 * own store calls (the database itself stays real).
 */
import mongoose from 'mongoose';
import pino from 'pino';
import { StoreUnavailableError } from '../../../src/domain/errors';
import { EVENTS } from '../../../src/domain/events';
import type { Actor } from '../../../src/domain/ticket';
import { MongoChangeFeed } from '../../../src/store/mongo-change-feed';
import { MongoTicketRepository } from '../../../src/store/mongo-ticket-repository';
import { ticketModel } from '../../../src/store/models/ticket-model';
import { verifyAuditChain } from '../../../src/store/audit-verify';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const alice: Actor = { kind: 'agent', id: 'U_ALICE', name: 'Alice' };
const bob: Actor = { kind: 'agent', id: 'U_BOB', name: 'Bob' };

let a: TestServer;
let b: TestServer;
let phone = 0;

beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer({ MONGODB_DB: a.dbName });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});
afterEach(() => jest.restoreAllMocks());

async function file(server: TestServer = a): Promise<string> {
  phone++;
  const r = await server.post('/api/complaints', complaintBody({ customer: { phone: `+86 131 0000 ${String(phone).padStart(4, '0')}` } }));
  expect(r.status).toBe(201);
  return r.body.number as string;
}

const stored = (n: string) => a.database.conn.collection('tickets').findOne({ _id: n as never });
/** The next write of a stored ticket copy (the projection) fails, as if the writer died right there. */
const failNextProjectionWrite = () => jest.spyOn(ticketModel(a.database.conn), 'updateOne').mockImplementationOnce(() => Promise.reject(new StoreUnavailableError()) as never);

describe('a ticket as read is never older than its latest committed change', () => {
  it('when a stalled writer puts back an older state after another writer committed a newer one, then every read still shows the newest and repairs the stored copy', async () => {
    const n = await file();
    const v1 = await a.complaints.get(n);
    await b.complaints.claim(n, alice); // v2, committed by the other instance
    // The stalled writer's late write of what it had (version 1) lands now, on the stored copy.
    const { _id: _ignored, personal: _p, ...v1Fields } = a.repository.sealer.toDoc(v1) as unknown as Record<string, unknown>;
    await a.database.conn.collection('tickets').updateOne({ _id: n as never }, { $set: v1Fields });
    expect((await stored(n))!.version).toBe(1);

    const viaApi = await a.get(`/api/complaints/${n}`, { 'X-Contact-Last4': String(phone).padStart(4, '0') });
    expect(viaApi.body).toMatchObject({ number: n, status: 'claimed' });
    expect((await b.complaints.get(n)).owner).toEqual({ id: 'U_ALICE', name: 'Alice' });
    expect((await stored(n))!.version).toBe(2);
  });

  it('when nobody reads a ticket whose stored copy lags, then the projection handler rolls it forward anyway', async () => {
    const n = await file();
    failNextProjectionWrite();
    const claimed = await a.complaints.claim(n, bob);
    expect(claimed.version).toBe(2);
    expect((await stored(n))!.version).toBe(1); // the write of the copy failed
    await a.effects.drain();
    expect((await stored(n))!).toMatchObject({ version: 2, status: 'claimed' });
  });

  it('when the writer’s clock runs an hour ahead of the reader’s, then the reader still rolls its change forward at once (no clock decides)', async () => {
    const ahead = await startTestServer({ MONGODB_DB: a.dbName }, { clock: { now: () => new Date(Date.now() + 3600_000) } });
    try {
      const n = await file();
      jest.spyOn(ticketModel(ahead.database.conn), 'updateOne').mockImplementationOnce(() => Promise.reject(new StoreUnavailableError()) as never);
      await ahead.complaints.claim(n, alice);
      expect((await stored(n))!.version).toBe(1);
      expect((await a.complaints.get(n)).status).toBe('claimed');
    } finally {
      await ahead.stop();
    }
  });
});

describe('a retry of a committed change answers as the change’s success', () => {
  it('when the answer to a claim was lost (the commit landed but the client got a 503), then the same agent’s retry succeeds with the same version, not "already claimed by you"', async () => {
    const n = await file();
    const lock = MongoChangeFeed.prototype.lock;
    jest.spyOn(MongoChangeFeed.prototype, 'lock').mockImplementationOnce(async function (this: MongoChangeFeed, ...args) {
      await lock.apply(this, args); // the lock is taken (the change commits) …
      throw new StoreUnavailableError(); // … and the answer never arrives
    });
    await expect(a.complaints.claim(n, alice, 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    const retried = await b.complaints.claim(n, alice, 1);
    expect(retried).toMatchObject({ version: 2, status: 'claimed', owner: { id: 'U_ALICE' } });
    // Also without the version (a button pressed twice): the same agent's claim is answered, not refused.
    expect((await a.complaints.claim(n, alice)).version).toBe(2);
    await expect(a.complaints.claim(n, bob)).rejects.toMatchObject({ code: 'ticket.already_claimed', ownerId: 'U_ALICE' });
    const { entries } = await a.repository.feed.read(0, 100_000);
    expect(entries.filter((e) => e.number === n).map((e) => e.version)).toEqual([1, 2]);
  });

  it('when a resolve is retried after it committed, then the retry answers resolved instead of "cannot be resolved"', async () => {
    const n = await file();
    await a.complaints.claim(n, alice);
    const input = { actor: alice, resolution: { remedy: 'refund' as const, amount: 99, note: 'refunded' } };
    const first = await a.complaints.transition(n, 'resolve', input);
    // The result notice goes out and its outcome is recorded on the ticket (a change of its own)
    // before the retry arrives: record-keeping after the resolve does not make the retry a new resolve.
    for (const s of [a, b]) {
      await s.effects.drain();
      await s.noticeDelivery.drain();
    }
    expect((await a.complaints.get(n)).version).toBeGreaterThan(first.version);
    const again = await b.complaints.transition(n, 'resolve', input);
    expect(again).toMatchObject({ status: 'resolved' });
    const { entries } = await a.repository.feed.read(0, 100_000);
    expect(entries.filter((e) => e.number === n && e.action === 'resolve')).toHaveLength(1);
    // A different resolution on a resolved ticket is still refused.
    await expect(a.complaints.transition(n, 'resolve', { ...input, resolution: { note: 'something else' } })).rejects.toMatchObject({ code: 'ticket.invalid_transition' });
  });
});

describe('every committed change reaches its audit entry and events, however late', () => {
  it('when a filing was committed but its writer died before announcing it, then the filing repair announces it once, its events and audit follow, and a later ticket of the same customer stays the latest', async () => {
    const repo = new MongoTicketRepository(a.database.conn, { personalKey: 'complaint-desk-development-contact-key' });
    const template = await a.complaints.get(await file());
    const [orphan] = await repo.insertNumbered({
      year: template.year,
      count: 1,
      build: ([slot]) => [
        {
          ok: true,
          value: {
            ...structuredClone(template),
            number: slot!.number,
            seq: slot!.seq,
            flags: { highRisk: true, recurrenceOf: null, suspectedMalicious: null },
            createdAt: new Date(Date.now() - 3600_000),
            updatedAt: new Date(Date.now() - 3600_000),
          },
        },
      ],
    });
    expect(orphan!.ok).toBe(true);
    const number = (orphan as { ok: true; value: { number: string } }).value.number;
    expect(await a.repository.feed.entryOf(number, 1)).toBeNull();
    // The same customer files again later (a newer latest-ticket record than the orphan's).
    const later = await a.complaints.file(complaintBody({ customer: { phone: template.customer.contact.phone } }), { actor: { kind: 'api', id: 'rest' } });

    await a.jobs.repairFilings();
    await a.jobs.repairFilings(); // a second run adds nothing

    const entry = await a.repository.feed.entryOf(number, 1);
    expect(entry!.events).toEqual([EVENTS.TICKET_FILED, EVENTS.TICKET_HIGH_RISK]);
    const { entries } = await a.repository.feed.read(0, 100_000);
    expect(entries.filter((e) => e.number === number)).toHaveLength(1);
    await a.effects.drain();
    expect(await a.database.conn.collection('audit_log').countDocuments({ key: `${number}:1` })).toBe(1);
    expect((await verifyAuditChain(a.database.conn)).ok).toBe(true);
    const recent = await a.repository.lastTicketOf(template.customer.key!, template.category);
    expect(recent!.number).toBe(later.ticket.number);
  });

  it('when a change’s writer died after its lock but before anything else, then audit and events still come from the feed', async () => {
    const n = await file();
    failNextProjectionWrite();
    jest.spyOn(MongoChangeFeed.prototype, 'markWon').mockResolvedValueOnce(undefined);
    await a.complaints.reclassify(n, { category: 'billing' }, alice);
    jest.restoreAllMocks();
    await a.effects.drain();
    expect(await a.database.conn.collection('audit_log').findOne({ key: `${n}:2` })).toMatchObject({ action: 'ticket.reclassify' });
    expect(await a.database.conn.collection('classification_feedback').findOne({ _id: `${n}:2` as never })).toMatchObject({ category: 'billing', decidedBy: 'agent' });
    expect((await a.repository.feed.entryOf(n, 2))!.events).toEqual([EVENTS.TICKET_RECLASSIFIED]);
  });
});

describe('filing when the outcome of the insert is unknown', () => {
  it('when the tickets were written but the answer was lost, then they are read back by number and answered 201, with no second ticket', async () => {
    const insertMany = mongoose.Model.insertMany;
    const spy = jest.spyOn(mongoose.Model, 'insertMany').mockImplementation(async function (this: typeof mongoose.Model, ...args: unknown[]) {
      const result = await (insertMany as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      if (this.collection.collectionName === 'tickets') {
        const lost = new Error('connection reset after the write') as Error & { name: string };
        lost.name = 'MongoNetworkError';
        throw lost;
      }
      return result;
    } as never);
    const before = await a.database.conn.collection('tickets').countDocuments();
    const res = await a.post('/api/complaints', complaintBody({ customer: { phone: '+86 131 9999 0001' } }));
    spy.mockRestore();
    expect(res.status).toBe(201);
    expect(await a.database.conn.collection('tickets').countDocuments()).toBe(before + 1);
    expect((await a.complaints.get(res.body.number)).customer.contact.phone).toBe('+86 131 9999 0001');
  });
});

describe('renumbering after another instance took a number', () => {
  it('when a batch is renumbered, then repeats are decided for the numbers it finally gets (never pointing at the other instance’s ticket)', async () => {
    const s = await startTestServer();
    const other = await startTestServer({ MONGODB_DB: s.dbName });
    try {
      await s.post('/api/complaints', complaintBody({ customer: { phone: '+86 132 0000 0001' } })); // s caches: last number is 1
      const repo = s.repository;
      const insert = repo.insertNumbered.bind(repo);
      let calls = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      jest.spyOn(repo, 'insertNumbered').mockImplementation(async (batch) => {
        calls++;
        if (calls === 1) await gate; // hold the first batch while two filings of one customer queue behind it
        if (calls === 2) await other.post('/api/complaints', complaintBody({ customer: { phone: '+86 132 0000 0099' } })); // takes the next number behind s's back
        return insert(batch);
      });
      const same = { phone: '+86 132 5555 0000' };
      const first = s.post('/api/complaints', complaintBody({ customer: { phone: '+86 132 0000 0002' } }));
      await new Promise((r) => setTimeout(r, 50));
      const x = s.post('/api/complaints', complaintBody({ customer: same, category: 'billing' }));
      const y = s.post('/api/complaints', complaintBody({ customer: same, category: 'billing' }));
      await new Promise((r) => setTimeout(r, 50));
      release();
      const [, rx, ry] = await Promise.all([first, x, y]);
      expect([rx.status, ry.status]).toEqual([201, 201]);
      expect(calls).toBe(2); // x and y shared one batch, which clashed with the other instance's ticket
      const othersTicket = `${String(rx.body.number).slice(0, 4)}000003`;
      expect([rx.body.number, ry.body.number]).not.toContain(othersTicket);
      // Whichever of the two got the lower number is the first; the other repeats it.
      const [earlier, later] = [rx.body, ry.body].sort((p, q) => String(p.number).localeCompare(String(q.number)));
      expect(earlier.recurrenceOf).toBeNull();
      expect(later.recurrenceOf).toBe(earlier.number);
    } finally {
      jest.restoreAllMocks();
      await other.stop();
      await s.stop();
    }
  });
});

describe('the numbers of a year run out', () => {
  it('when the last number is used, then filing answers 503 ticket.numbers_exhausted naming the year, raises the alert metric and logs an alert, and writes nothing', async () => {
    const lines: string[] = [];
    const s = await startTestServer({}, { maxTicketSeq: 2, logger: pino({ level: 'error' }, { write: (l: string) => void lines.push(l) }) });
    try {
      const first = await s.post('/api/complaints', complaintBody());
      expect(first.status).toBe(201);
      expect((await s.post('/api/complaints', complaintBody())).status).toBe(201);
      const full = await s.post('/api/complaints', complaintBody());
      expect(full.status).toBe(503);
      expect(full.body.error.code).toBe('ticket.numbers_exhausted');
      expect(full.body.error.details.year).toBe(Number(String(first.body.number).slice(0, 4)));
      expect(await s.database.conn.collection('tickets').countDocuments()).toBe(2);
      expect(String((await s.get('/metrics')).body)).toMatch(/complaint_desk_ticket_numbers_exhausted\{year="\d{4}"\} 1/);
      expect(lines.join('')).toContain('ALERT: every ticket number of the year is used');
    } finally {
      await s.stop();
    }
  });
});
