/**
 * The change feed against the real database: what it holds (no personal values), that it is
 * gap-free with two writing instances, that a version lock decides which of two racing changes
 * counts, that a reader completes a change whose writer died between its two writes, and that
 * retention trims it without ever restarting its numbering.
 */
import type { Connection } from 'mongoose';
import { EVENTS } from '../../../src/domain/events';
import type { Actor } from '../../../src/domain/ticket';
import { sequenceId } from '../../../src/store/sequence-log';
import { dumpCollection } from '../../support/dump';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const agent = (id: string): Actor => ({ kind: 'agent', id, name: id });

describe('the change feed', () => {
  let a: TestServer;
  let b: TestServer;
  let conn: Connection;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({ MONGODB_DB: a.dbName });
    conn = a.database.conn;
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('when a complaint is filed, then its entry holds the ticket without personal values (only their digest) and the events it emits', async () => {
    const phone = '+86 139 8765 4321';
    const { ticket } = await a.complaints.file(
      complaintBody({ customer: { name: '李雷', phone, email: 'li.lei.feed@example.com' }, description: '有人受伤了，热水壶爆炸了 the kettle exploded', orderId: 'ORD-FEED-777' }),
      { actor: { kind: 'api', id: 'rest' } },
    );
    await a.complaints.settled();
    const entry = await a.repository.feed.entryOf(ticket.number, 1);
    expect(entry).toMatchObject({ kind: 'filing', number: ticket.number, version: 1, action: 'file' });
    expect(entry!.events).toEqual([EVENTS.TICKET_FILED, ...(ticket.flags.highRisk ? [EVENTS.TICKET_HIGH_RISK] : [])]);
    expect(entry!.after.personalDigest).toMatch(/^[0-9a-f]{64}$/);
    const stored = await dumpCollection(conn, 'change_feed');
    expect(stored).toContain(entry!.after.personalDigest); // decoded: the search below is meaningful
    for (const secret of [phone, '13987654321', '李雷', 'li.lei.feed', '热水壶', 'ORD-FEED-777']) expect([secret, stored.includes(secret)]).toEqual([secret, false]);
    // The ticket itself holds them (so the check above is not vacuous).
    expect(JSON.stringify(await conn.collection('tickets').findOne({ _id: ticket.number as never }))).toContain('ORD-FEED-777');
  });

  it('when two instances file and change tickets at once, then the feed is gap-free and holds each committed version exactly once', async () => {
    const filed = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).post('/api/complaints', complaintBody({ customer: { phone: `+86 136 0000 ${String(1000 + i)}` } }))));
    expect(filed.every((r) => r.status === 201)).toBe(true);
    const numbers = filed.map((r) => r.body.number as string);
    await Promise.all(numbers.map((n, i) => (i % 2 ? b : a).complaints.claim(n, agent(`U${i}`))));

    const last = await a.repository.feed.last();
    const ids = (await conn.collection('change_feed').find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)).sort();
    expect(ids).toEqual(Array.from({ length: last }, (_, i) => sequenceId(i + 1)));
    const { entries } = await a.repository.feed.read(0, 10_000);
    for (const n of numbers) {
      expect(entries.filter((e) => e.number === n).map((e) => e.version)).toEqual([1, 2]);
    }
  });

  it('when two writers race for the same version, then exactly one change counts and the loser decides again on the new state', async () => {
    const { ticket } = await a.complaints.file(complaintBody({ customer: { phone: '+86 135 1111 0001' } }), { actor: { kind: 'api', id: 'rest' } });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).complaints.claim(ticket.number, agent(`RACER${i}`))));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const owner = (won[0] as PromiseFulfilledResult<{ owner: { id: string } }>).value.owner.id;
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ticket.already_claimed', ownerId: owner });
    }
    const { entries } = await a.repository.feed.read(0, 10_000);
    expect(entries.filter((e) => e.number === ticket.number).map((e) => [e.version, e.actor.id])).toEqual([
      [1, 'rest'],
      [2, owner],
    ]);
    // The losers' entries are in the feed, marked as lost; no reader counts them.
    const raw = JSON.parse(await dumpCollection(conn, 'change_feed')) as Array<{ kind: string; won?: boolean; entries: Array<{ number: string }> }>;
    const mine = raw.filter((d) => d.kind === 'change' && d.entries[0]!.number === ticket.number);
    expect(mine.filter((d) => d.won === true)).toHaveLength(1);
  });

  it('when a writer dies after appending its change but before taking the version lock, then the next reader of the feed completes it, and the writer (had it lived) would learn it committed', async () => {
    const { ticket } = await a.complaints.file(complaintBody({ customer: { phone: '+86 135 1111 0002' } }), { actor: { kind: 'api', id: 'rest' } });
    await a.complaints.settled();
    // Nothing else reads the feed meanwhile (the background readers would complete the change at once).
    const readers = [a.effects.worker, b.effects.worker, a.customerDelivery, b.customerDelivery];
    await Promise.all(readers.map((r) => r.stop()));
    const before = await a.complaints.get(ticket.number);
    const after = { ...before, version: 2, status: 'claimed' as const, owner: { id: 'U_DEAD', name: null }, updatedAt: new Date() };
    const record = a.repository.sealer.record(after);
    // The first of the writer's two writes, and then nothing.
    const [seq] = await a.repository.feed.append([
      { kind: 'change', entries: [{ kind: 'change', number: ticket.number, version: 2, at: after.updatedAt, after: record, events: [EVENTS.TICKET_CLAIMED], actor: agent('U_DEAD'), action: 'claim', requestKey: 'dead-writer' }] },
    ]);
    expect(await a.repository.feed.lockHolder(ticket.number, 2)).toBeNull();
    // Until the change is committed, the ticket reads as before.
    expect((await a.complaints.get(ticket.number)).status).toBe('new');

    await a.effects.drain(); // the feed handlers read the entry and take the lock on its behalf
    for (const r of readers) r.start();
    expect(await a.repository.feed.lockHolder(ticket.number, 2)).toBe(seq);
    expect(await a.repository.feed.lock(ticket.number, 2, seq!)).toBe(seq); // the writer's own late attempt: committed
    const now = await b.complaints.get(ticket.number);
    expect(now).toMatchObject({ version: 2, status: 'claimed', owner: { id: 'U_DEAD' } });
    expect(await conn.collection('audit_log').findOne({ key: `${ticket.number}:2` })).toMatchObject({ action: 'ticket.claim' });
  });
});

describe('retention of the change feed', () => {
  let s: TestServer;
  let clockAt = Date.now();

  beforeAll(async () => {
    s = await startTestServer({ RETENTION_FEED_DAYS: '30' }, { clock: { now: () => new Date(clockAt) } });
  });
  afterAll(() => s.stop());

  it('when entries are older than the retention and every consumer passed them, then they and their locks go, the numbering carries on after them, and tickets still read', async () => {
    clockAt = Date.now() - 40 * 86_400_000;
    const old = await s.post('/api/complaints', complaintBody({ customer: { phone: '+86 133 0000 0001' } }));
    await s.complaints.claim(old.body.number, agent('U_OLD'));
    clockAt = Date.now();
    const recent = await s.post('/api/complaints', complaintBody({ customer: { phone: '+86 133 0000 0002' } }));
    await s.effects.drain();
    const lastBefore = await s.repository.feed.last();
    expect(lastBefore).toBe(3);

    await s.jobs.retention();

    const conn = s.database.conn;
    expect(await conn.collection('change_feed').findOne({ _id: sequenceId(1) as never })).toBeNull();
    expect(await conn.collection('change_feed').findOne({ _id: sequenceId(2) as never })).toBeNull();
    expect(await conn.collection('change_feed').findOne({ _id: sequenceId(3) as never })).not.toBeNull();
    expect(await conn.collection('ticket_events').findOne({ _id: `${old.body.number}:2` as never })).toBeNull();
    expect(await conn.collection('ticket_events').findOne({ _id: `${recent.body.number}:1` as never })).not.toBeNull();
    // The log goes on after the hole; it does not start again at 1.
    expect(await s.repository.feed.last()).toBe(3);
    const next = await s.post('/api/complaints', complaintBody({ customer: { phone: '+86 133 0000 0003' } }));
    expect(next.status).toBe(201);
    await s.complaints.settled();
    expect(await s.repository.feed.last()).toBe(4);
    expect((await s.complaints.get(old.body.number)).status).toBe('claimed');
    // The audit chain keeps everything.
    await s.effects.drain();
    expect(await conn.collection('audit_log').countDocuments()).toBe(4);
  });
});
