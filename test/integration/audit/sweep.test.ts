/**
 * Crash recovery: a change whose commit point was written but whose effects (journal, audit,
 * outbox) were not is finished by the sweep (`settlePending`) or rolled forward by the next
 * writer of that ticket.
 */
import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import { AlreadyClaimedError } from '../../../src/domain/errors';
import type { Ticket } from '../../../src/domain/ticket';
import { verifyAuditChain } from '../../../src/store/audit-verify';
import { MongoTicketRepository, ticketToDoc } from '../../../src/store/mongo-ticket-repository';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';
import { AGENT_U1, API_ACTOR } from './helpers';

const HOUR_AGO = () => new Date(Date.now() - 3600e3);

interface Counts {
  tickets: number;
  audit: number;
  outbox: number;
  events: number;
}

async function counts(conn: Connection): Promise<Counts> {
  const [tickets, audit, outbox, events] = await Promise.all(
    ['tickets', 'audit_log', 'outbox', 'ticket_events'].map((c) => conn.collection(c).countDocuments({})),
  );
  return { tickets: tickets!, audit: audit!, outbox: outbox!, events: events! };
}

async function auditByKey(conn: Connection, key: string) {
  return conn.collection('audit_log').find({ key }).toArray();
}

async function outboxIds(conn: Connection, number: string): Promise<string[]> {
  return (await conn.collection('outbox').find({ ticketNumber: number }).toArray()).map((d) => String(d._id)).sort();
}

/**
 * Store a ticket the way a filing does at its commit point (the numbered insert) and then
 * "crash": nothing else is written. `template` is a ticket filed earlier; number-dependent
 * and per-filing fields are replaced.
 */
async function insertOrphan(repo: MongoTicketRepository, template: Ticket, overrides: Partial<Ticket> = {}): Promise<Ticket> {
  const now = new Date();
  const [outcome] = await repo.insertNumbered([{ year: template.year, build: (number, seq) => ({
    ...structuredClone(template),
    number,
    seq,
    version: 1,
    status: 'new',
    owner: null,
    customer: { name: 'Orphan', contact: { phone: `+86 137 ${String(seq).padStart(4, '0')} 0000` }, key: crypto.randomBytes(16).toString('hex') },
    history: [{ version: 1, from: null, to: 'new', action: 'file', at: now, actor: API_ACTOR }],
    sla: { ...structuredClone(template.sla), startedAt: now },
    lookupCodeHash: crypto.createHash('sha256').update(`code-${number}`).digest('hex'),
    idempotencyKey: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  }) }]);
  if (!outcome?.ok) throw outcome?.error ?? new Error('insert failed');
  return outcome.value;
}

describe('effects sweep after a crash at the commit point of a filing', () => {
  let server: TestServer;
  let conn: Connection;
  let repo: MongoTicketRepository;
  let template: Ticket;

  beforeEach(async () => {
    server = await startTestServer();
    conn = server.database.conn;
    // A second repository on the same connection: the test's own "crashed writer".
    repo = new MongoTicketRepository(conn);
    template = (await server.complaints.file(complaintBody(), { actor: API_ACTOR })).ticket;
  });
  afterEach(async () => {
    await server.stop();
  });

  it('when a ticket was inserted but nothing else, then the sweep writes its journal entry v1, audit entry and ticket.filed event, and a second sweep adds nothing', async () => {
    const orphan = await insertOrphan(repo, template);
    expect(orphan.number).not.toBe(template.number);
    expect(await auditByKey(conn, `${orphan.number}:1`)).toHaveLength(0);
    expect(await outboxIds(conn, orphan.number)).toEqual([]);
    expect(await repo.entry(orphan.number, 1)).toBeNull();

    const first = await server.complaints.settlePending(HOUR_AGO());
    expect(first.filings).toBe(1);

    const journal = await repo.entry(orphan.number, 1);
    expect(journal).toMatchObject({ number: orphan.number, version: 1, action: 'file' });
    expect(journal!.after).toMatchObject({ number: orphan.number, version: 1, status: 'new' });
    const audit = await auditByKey(conn, `${orphan.number}:1`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'ticket.filed', entity: { type: 'ticket', id: orphan.number }, actor: API_ACTOR, before: null });
    expect(await outboxIds(conn, orphan.number)).toEqual([`${orphan.number}:1:ticket.filed`]);
    expect(JSON.stringify(audit)).not.toContain(orphan.customer.contact.phone!);

    const chain = await verifyAuditChain(conn);
    expect(chain).toMatchObject({ ok: true, entries: 2 });

    const settled = await counts(conn);
    const second = await server.complaints.settlePending(HOUR_AGO());
    expect(second.filings).toBe(0);
    expect(await counts(conn)).toEqual(settled);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 2 });
  });

  it('when a high-risk ticket was inserted but nothing else, then the sweep writes both ticket.filed and ticket.high_risk', async () => {
    const orphan = await insertOrphan(repo, template, { flags: { highRisk: true, recurrenceOf: null, suspectedMalicious: null } });

    await server.complaints.settlePending(HOUR_AGO());

    expect(await outboxIds(conn, orphan.number)).toEqual([`${orphan.number}:1:ticket.filed`, `${orphan.number}:1:ticket.high_risk`]);
    expect(await auditByKey(conn, `${orphan.number}:1`)).toHaveLength(1);
  });

  it('when a filing crashed after its audit entry but before its outbox event, then the sweep adds the event without a second audit entry', async () => {
    const before = await counts(conn);
    const deleted = await conn.collection('outbox').deleteOne({ _id: `${template.number}:1:ticket.filed` } as never);
    expect(deleted.deletedCount).toBe(1);

    await server.complaints.settlePending(HOUR_AGO());

    expect(await outboxIds(conn, template.number)).toEqual([`${template.number}:1:ticket.filed`]);
    expect(await auditByKey(conn, `${template.number}:1`)).toHaveLength(1);
    expect(await counts(conn)).toEqual(before);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 1 });
  });

  it('when a claim crashed after its journal entry and ticket update but before its effects, then the sweep writes its audit entry (before = v1) and ticket.claimed', async () => {
    await server.complaints.claim(template.number, AGENT_U1);
    // Undo the claim's effects as if the process had died right after the ticket update; the
    // audit entry is the last one, so removing it leaves a whole (shorter) chain.
    await conn.collection('outbox').deleteOne({ _id: `${template.number}:2:ticket.claimed` } as never);
    await conn.collection('audit_log').deleteOne({ key: `${template.number}:2` });
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 1 });

    // The process that crashed is gone (with its cached audit head): a restarted instance sweeps.
    const restarted = await startTestServer({ MONGODB_DB: server.dbName });
    try {
      await restarted.complaints.settlePending(HOUR_AGO());
    } finally {
      await restarted.stop();
    }

    const audit = await auditByKey(conn, `${template.number}:2`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'ticket.claim', actor: AGENT_U1 });
    expect(JSON.parse(String(audit[0]!.before))).toMatchObject({ version: 1, status: 'new' });
    expect(JSON.parse(String(audit[0]!.after))).toMatchObject({ version: 2, status: 'claimed', owner: { id: 'U1' } });
    expect(await outboxIds(conn, template.number)).toEqual([`${template.number}:1:ticket.filed`, `${template.number}:2:ticket.claimed`]);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 2 });
  });

  it('when two instances sweep the same orphans at once, then each gets exactly one audit entry and one event per type and the chain verifies', async () => {
    const orphans = [await insertOrphan(repo, template), await insertOrphan(repo, template), await insertOrphan(repo, template)];
    const second = await startTestServer({ MONGODB_DB: server.dbName });
    try {
      await Promise.all([server.complaints.settlePending(HOUR_AGO()), second.complaints.settlePending(HOUR_AGO())]);
    } finally {
      await second.stop();
    }

    for (const o of orphans) {
      expect(await auditByKey(conn, `${o.number}:1`)).toHaveLength(1);
      expect(await outboxIds(conn, o.number)).toEqual([`${o.number}:1:ticket.filed`]);
    }
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 4 });
  });
});

describe('roll-forward of a change whose writer died after its journal entry', () => {
  let server: TestServer;
  let conn: Connection;
  let ticket: Ticket;

  beforeEach(async () => {
    server = await startTestServer();
    conn = server.database.conn;
    ticket = (await server.complaints.file(complaintBody(), { actor: API_ACTOR })).ticket;
  });
  afterEach(async () => {
    await server.stop();
  });

  /** The journal entry a claim by U1 writes at its commit point, dated `ageMs` ago; the ticket is not updated. */
  async function journalCrashedClaim(ageMs: number): Promise<Ticket> {
    const at = new Date(Date.now() - ageMs);
    const current = await server.complaints.get(ticket.number);
    const after: Ticket = {
      ...current,
      version: 2,
      status: 'claimed',
      owner: { id: 'U1', name: null },
      updatedAt: at,
      history: [...current.history, { version: 2, from: 'new', to: 'claimed', action: 'claim', at, actor: AGENT_U1 }],
    };
    await conn.collection('ticket_events').insertOne({
      _id: `${ticket.number}:2`,
      number: ticket.number,
      version: 2,
      at,
      after: ticketToDoc(after),
      events: ['ticket.claimed'],
      actor: AGENT_U1,
      action: 'claim',
    } as never);
    return after;
  }

  it('when version 2 is journalled 10 s ago but the ticket still shows version 1, then a claim by another agent is refused and the ticket is rolled forward to version 2', async () => {
    await journalCrashedClaim(10_000);
    expect((await server.complaints.get(ticket.number)).version).toBe(1);

    const attempt = server.complaints.claim(ticket.number, { kind: 'agent', id: 'U2' });
    await expect(attempt).rejects.toBeInstanceOf(AlreadyClaimedError);
    await expect(attempt).rejects.toMatchObject({ ownerId: 'U1' });

    const doc = await conn.collection('tickets').findOne({ _id: ticket.number } as never);
    expect(doc).toMatchObject({ version: 2, status: 'claimed', owner: { id: 'U1' } });
    const journal = await conn.collection('ticket_events').find({ number: ticket.number }).toArray();
    expect(journal.map((e) => e._id)).toContain(`${ticket.number}:2`);
    expect(journal.map((e) => e._id)).not.toContain(`${ticket.number}:3`);
  });

  it('when a change was rolled forward, then the sweep writes the effects its writer never wrote, and the chain verifies', async () => {
    await journalCrashedClaim(10_000);
    await expect(server.complaints.claim(ticket.number, { kind: 'agent', id: 'U2' })).rejects.toBeInstanceOf(AlreadyClaimedError);
    expect(await auditByKey(conn, `${ticket.number}:2`)).toHaveLength(0);

    await server.complaints.settlePending(HOUR_AGO());

    const audit = await auditByKey(conn, `${ticket.number}:2`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'ticket.claim', actor: AGENT_U1 });
    expect(await outboxIds(conn, ticket.number)).toEqual([`${ticket.number}:1:ticket.filed`, `${ticket.number}:2:ticket.claimed`]);
    expect(await verifyAuditChain(conn)).toMatchObject({ ok: true, entries: 2 });
  });

  it('when version 2 is journalled, then the owner of the rolled-forward change can carry on at version 3', async () => {
    await journalCrashedClaim(10_000);
    await expect(server.complaints.claim(ticket.number, { kind: 'agent', id: 'U2' })).rejects.toBeInstanceOf(AlreadyClaimedError);

    const released = await server.complaints.transition(ticket.number, 'release', { actor: AGENT_U1 });
    expect(released).toMatchObject({ version: 3, status: 'new', owner: null });
    expect(await conn.collection('tickets').findOne({ _id: ticket.number } as never)).toMatchObject({ version: 3 });
  });
});
