/**
 * The outbox as the service fills it, and MongoOutbox's write-twice-store-once contract,
 * against the real database.
 */
import type { Connection } from 'mongoose';
import type { DomainEvent } from '../../../src/domain/events';
import { MongoOutbox } from '../../../src/store/mongo-outbox';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';
import { AGENT_U1, API_ACTOR } from './helpers';

interface OutboxDoc {
  _id: string;
  type: string;
  ticketNumber: string;
  ticketVersion: number;
  at: Date;
  data: Record<string, unknown>;
  createdAt: Date;
}

const PHONE = '+86 138 1234 5678';
const EMAIL = 'li.lei@example.com';
const DESCRIPTION = 'The kettle I bought stopped heating after two days; I want a refund of the full price.';

describe('outbox written by the service', () => {
  let server: TestServer;
  let conn: Connection;

  const outbox = () => conn.collection<OutboxDoc>('outbox');
  const outboxFor = async (number: string) => (await outbox().find({ ticketNumber: number }).toArray()).sort((a, b) => a._id.localeCompare(b._id));

  beforeAll(async () => {
    server = await startTestServer();
    conn = server.database.conn;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('when a complaint is filed, then ticket.filed is written with id <number>:1:ticket.filed and only non-personal data', async () => {
    const { ticket } = await server.complaints.file(complaintBody({ description: DESCRIPTION, customer: { name: 'Li Lei', phone: PHONE, email: EMAIL } }), {
      actor: API_ACTOR,
    });
    expect(ticket.flags.highRisk).toBe(false);

    const docs = await outboxFor(ticket.number);
    expect(docs.map((d) => d._id)).toEqual([`${ticket.number}:1:ticket.filed`]);
    const filed = docs[0]!;
    expect(filed).toMatchObject({ type: 'ticket.filed', ticketNumber: ticket.number, ticketVersion: 1 });
    expect(new Date(filed.at).getTime()).toBe(ticket.createdAt.getTime());
    expect(filed.createdAt).toBeInstanceOf(Date);
    expect(filed.data).toMatchObject({ status: 'new', category: ticket.category, severity: ticket.severity, highRisk: false, ownerId: null });
    expect(typeof filed.data.category).toBe('string');
    expect(typeof filed.data.severity).toBe('string');

    const raw = JSON.stringify(filed);
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain(PHONE.replace(/\D/g, ''));
    expect(raw).not.toContain(EMAIL);
    expect(raw).not.toContain('kettle');
    expect(raw).not.toContain('Li Lei');
    expect(filed.data).not.toHaveProperty('description');
    expect(filed.data).not.toHaveProperty('customer');
    expect(filed.data).not.toHaveProperty('contact');
  });

  it('when a high-risk complaint (an anger word) is filed, then ticket.high_risk is written next to ticket.filed', async () => {
    const { ticket } = await server.complaints.file(
      complaintBody({ description: 'This shop is a scam, I am furious: the kettle broke after two days.', customer: { phone: '+86 138 0000 4321' } }),
      { actor: API_ACTOR },
    );
    expect(ticket.flags.highRisk).toBe(true);

    const docs = await outboxFor(ticket.number);
    expect(docs.map((d) => d._id)).toEqual([`${ticket.number}:1:ticket.filed`, `${ticket.number}:1:ticket.high_risk`]);
    const risk = docs[1]!;
    expect(risk).toMatchObject({ type: 'ticket.high_risk', ticketVersion: 1, data: { highRisk: true, status: 'new' } });
    expect(JSON.stringify(risk)).not.toContain('scam');
  });

  it('when a ticket is claimed, then ticket.claimed is written at version 2 with the owner id', async () => {
    const { ticket } = await server.complaints.file(complaintBody({ customer: { phone: '+86 138 0000 1111' } }), { actor: API_ACTOR });
    const claimed = await server.complaints.claim(ticket.number, AGENT_U1);
    expect(claimed.version).toBe(2);

    const docs = await outboxFor(ticket.number);
    expect(docs.map((d) => d._id)).toEqual([`${ticket.number}:1:ticket.filed`, `${ticket.number}:2:ticket.claimed`]);
    expect(docs[1]).toMatchObject({
      type: 'ticket.claimed',
      ticketNumber: ticket.number,
      ticketVersion: 2,
      data: { status: 'claimed', ownerId: 'U1', actor: { kind: 'agent', id: 'U1' } },
    });
  });

  it('when a filing is replayed with the same Idempotency-Key, then the same ticket comes back and no outbox document is added', async () => {
    const key = `outbox-replay-${Date.now()}`;
    const first = await server.post('/api/complaints', complaintBody({ customer: { phone: '+86 138 0000 2222' } }), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const number = first.body.number as string;
    const before = await outbox().countDocuments({});
    expect(await outbox().countDocuments({ ticketNumber: number })).toBe(1);

    const replay = await server.post('/api/complaints', complaintBody({ customer: { phone: '+86 138 0000 2222' } }), { 'Idempotency-Key': key });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ number, replayed: true });
    expect(await outbox().countDocuments({})).toBe(before);
    expect(await outbox().countDocuments({ ticketNumber: number })).toBe(1);
  });
});

describe('MongoOutbox', () => {
  let server: TestServer;
  let conn: Connection;
  let box: MongoOutbox;

  const event = (number: string, version: number, type: DomainEvent['type'], data: Record<string, unknown> = {}): DomainEvent => ({
    id: `${number}:${version}:${type}`,
    type,
    ticketNumber: number,
    ticketVersion: version,
    at: new Date('2026-03-01T08:00:00Z'),
    data,
  });

  beforeAll(async () => {
    // A booted service gives a database with the real indexes; the outbox under test is a fresh instance.
    server = await startTestServer();
    conn = server.database.conn;
    box = new MongoOutbox(conn);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('when the same event is added twice, then it is stored once with the first write kept', async () => {
    const e = event('2026999001', 1, 'ticket.filed', { status: 'new' });
    await box.add([e]);
    await box.add([{ ...e, data: { status: 'changed' } }]);

    const docs = await conn.collection('outbox').find({ ticketNumber: '2026999001' }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ _id: e.id, type: 'ticket.filed', ticketVersion: 1, data: { status: 'new' } });
  });

  it('when the same events are added concurrently, then each is stored once and every call succeeds', async () => {
    const events = [event('2026999002', 1, 'ticket.filed'), event('2026999002', 1, 'ticket.high_risk')];
    await expect(Promise.all([box.add(events), box.add(events), box.add([events[1]!])])).resolves.toBeDefined();

    const ids = (await conn.collection('outbox').find({ ticketNumber: '2026999002' }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual(events.map((e) => e.id).sort());
  });

  it('when a batch mixes an already stored event with new ones, then the new ones are stored too', async () => {
    const old = event('2026999003', 1, 'ticket.filed');
    await box.add([old]);
    const fresh = [event('2026999003', 2, 'ticket.claimed'), event('2026999003', 3, 'ticket.released')];
    await box.add([fresh[0]!, old, fresh[1]!]);

    const ids = (await conn.collection('outbox').find({ ticketNumber: '2026999003' }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual([old.id, ...fresh.map((e) => e.id)].sort());
  });

  it('when two outbox instances (two service instances) add the same event, then it is stored once', async () => {
    const other = new MongoOutbox(conn);
    const e = event('2026999004', 2, 'ticket.claimed', { ownerId: 'U1' });
    await Promise.all([box.add([e]), other.add([e])]);

    expect(await conn.collection('outbox').countDocuments({ ticketNumber: '2026999004' })).toBe(1);
  });

  it('when an event cannot be stored (missing required field), then add rejects instead of dropping it silently', async () => {
    const bad = { ...event('2026999005', 1, 'ticket.filed'), ticketNumber: undefined } as unknown as DomainEvent;
    await expect(box.add([bad])).rejects.toThrow();
    expect(await conn.collection('outbox').countDocuments({ _id: bad.id } as never)).toBe(0);
  });

  it('when one caller in a group-committed batch has an invalid event, then only that caller fails and the others are stored', async () => {
    const busy = box.add([event('2026999006', 1, 'ticket.filed')]);
    // These two queue up behind the first flush and are written as one batch.
    const good = box.add([event('2026999006', 2, 'ticket.claimed')]);
    const bad = box.add([{ ...event('2026999006', 3, 'ticket.released'), ticketVersion: 'three' } as unknown as DomainEvent]);
    const [b, g, x] = await Promise.allSettled([busy, good, bad]);
    expect(b.status).toBe('fulfilled');
    expect(g.status).toBe('fulfilled');
    expect(x.status).toBe('rejected');

    const ids = (await conn.collection('outbox').find({ ticketNumber: '2026999006' }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual(['2026999006:1:ticket.filed', '2026999006:2:ticket.claimed']);
  });
});
