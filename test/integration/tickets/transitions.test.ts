/**
 * Ticket changes through the core against the real database: the lifecycle, typed refusals,
 * the SLA clock pausing in waiting_customer, and claims raced by two service instances.
 */
import { AlreadyClaimedError, InvalidTransitionError, NotOwnerError, ReasonRequiredError } from '../../../src/domain/errors';
import type { Actor } from '../../../src/domain/ticket';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const alice: Actor = { kind: 'agent', id: 'U_ALICE', name: 'Alice' };
const bob: Actor = { kind: 'agent', id: 'U_BOB', name: 'Bob' };

describe('ticket transitions', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({ MONGODB_DB: a.dbName });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  async function file(): Promise<string> {
    const r = await a.post('/api/complaints', complaintBody());
    expect(r.status).toBe(201);
    return r.body.number as string;
  }

  it('when a ticket goes through its whole life, then status, owner, history and versions follow', async () => {
    const n = await file();
    const svc = a.complaints;
    expect((await svc.claim(n, alice)).owner).toEqual({ id: 'U_ALICE', name: 'Alice' });
    await svc.transition(n, 'investigate', { actor: alice });
    const resolved = await svc.transition(n, 'resolve', { actor: alice, resolution: { remedy: 'refund', amount: 199, note: 'Refunded in full' } });
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolution).toMatchObject({ remedy: 'refund', amount: 199, note: 'Refunded in full' });
    expect(resolved.sla.deadlines.every((d) => d.metAt !== null)).toBe(true);
    const reopened = await svc.transition(n, 'reopen', { actor: { kind: 'customer', id: 'c1' }, reason: 'still broken' });
    expect(reopened.resolution).toBeNull();
    const closed = await (async () => {
      await svc.claim(n, bob);
      await svc.transition(n, 'resolve', { actor: bob, resolution: { note: 'Replaced' } });
      return svc.transition(n, 'close', { actor: { kind: 'system', id: 'survey' } });
    })();
    expect(closed.status).toBe('closed');
    // Eight state changes; the result notices' outcomes (the notice delivery, in the background) are changes too.
    await a.effects.drain();
    await a.noticeDelivery.drain();
    const final = await a.complaints.get(n);
    const versions = Array.from({ length: final.version }, (_, i) => i + 1);
    expect(final.version).toBeGreaterThanOrEqual(8);
    expect(closed.history.map((h) => h.to)).toEqual(['new', 'claimed', 'investigating', 'resolved', 'reopened', 'claimed', 'resolved', 'closed']);
    // What the ticket shows is what the database holds.
    expect((await a.complaints.get(n)).status).toBe('closed');
    // Every version, the filing included, holds its lock in the journal and is in the audit chain.
    const journal = await a.database.conn.collection('ticket_events').find({ number: n }).toArray();
    expect(journal.map((e) => e.version).sort((x, y) => x - y)).toEqual(versions);
    await a.effects.drain();
    const audited = await a.database.conn.collection('audit_log').find({ 'entity.id': n }).toArray();
    expect(audited.map((e) => e.key).sort()).toEqual(versions.map((v) => `${n}:${v}`).sort());
    // Changes made through the core (not HTTP) are counted in the metrics all the same.
    const metrics = String((await a.get('/metrics')).body);
    expect(metrics).toMatch(/complaint_desk_ticket_transitions_total\{action="claim"\} 2/);
    expect(metrics).toMatch(/complaint_desk_ticket_transitions_total\{action="close"\} 1/);
  });

  it('when an action is not allowed, then a typed error says so and nothing changes', async () => {
    const n = await file();
    await expect(a.complaints.transition(n, 'resolve', { actor: alice })).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(a.complaints.transition(n, 'reject', { actor: alice })).rejects.toBeInstanceOf(ReasonRequiredError);
    await a.complaints.claim(n, alice);
    await expect(a.complaints.transition(n, 'resolve', { actor: bob, resolution: { note: 'x' } })).rejects.toBeInstanceOf(NotOwnerError);
    const t = await a.complaints.get(n);
    expect(t.version).toBe(2);
    expect(t.status).toBe('claimed');
  });

  it('when a ticket is rejected, then the reason is kept and it is terminal', async () => {
    const n = await file();
    const t = await a.complaints.transition(n, 'reject', { actor: alice, reason: 'duplicate of an earlier ticket' });
    expect(t.rejection).toMatchObject({ reason: 'duplicate of an earlier ticket' });
    await expect(a.complaints.claim(n, bob)).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('when two agents on two instances claim the same ticket at once, then exactly one wins and the other is told who was first', async () => {
    for (let round = 0; round < 5; round++) {
      const n = await file();
      const results = await Promise.allSettled([a.complaints.claim(n, alice), b.complaints.claim(n, bob)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(AlreadyClaimedError);
      const winner = (won[0] as PromiseFulfilledResult<{ owner: { id: string } }>).value.owner.id;
      expect((lost[0]!.reason as AlreadyClaimedError).ownerId).toBe(winner);
      const stored = await a.complaints.get(n);
      expect(stored.owner?.id).toBe(winner);
      expect(stored.version).toBe(2);
    }
  });

  it('when a ticket waits for the customer for 2 hours, then the SLA clock pauses and its clock-hour deadlines move by exactly 2 hours', async () => {
    // A clock the test moves by hand: Tuesday 2026-11-24 10:00 in Shanghai.
    let now = new Date('2026-11-24T02:00:00Z').getTime();
    const clocked = await startTestServer({ MONGODB_DB: a.dbName }, { clock: { now: () => new Date(now) } });
    try {
      // Category and severity fixed by the caller, so the deadlines under test do not depend on the model.
      // A customer of its own, so the repeat rule does not raise severity.
      const filed = await clocked.post(
        '/api/complaints',
        complaintBody({ category: 'product_quality', severity: 'general', customer: { phone: '+86 139 0000 2222' } }),
      );
      expect(filed.body.severity).toBe('general');
      const n = filed.body.number as string;
      await clocked.complaints.claim(n, alice);
      const due = (t: { sla: { deadlines: Array<{ kind: string; dueAt: Date | null }> } }, kind: string) =>
        t.sla.deadlines.find((d) => d.kind === kind)!.dueAt;
      const before = await clocked.complaints.get(n);
      expect(new Date(due(before, 'factCheck')!).toISOString()).toBe('2026-11-25T02:00:00.000Z');

      now += 30 * 60_000;
      const waiting = await clocked.complaints.transition(n, 'request_info', { actor: alice });
      expect(waiting.status).toBe('waiting_customer');
      expect(due(waiting, 'factCheck')).toBeNull();
      expect(waiting.sla.deadlines.find((d) => d.kind === 'firstContact')!.metAt).toEqual(new Date(now));
      // The first contact, met as the clock pauses, keeps the due time it had then (1 h after filing), so it counts as on time.
      expect(new Date(due(waiting, 'firstContact')!).toISOString()).toBe('2026-11-24T03:00:00.000Z');
      expect(waiting.figures?.onTime.firstContact).toBe(true);

      now += 2 * 3600_000;
      const resumed = await clocked.complaints.transition(n, 'customer_reply', { actor: { kind: 'customer', id: 'c' } });
      expect(new Date(due(resumed, 'factCheck')!).toISOString()).toBe('2026-11-25T04:00:00.000Z');
      // 3 working days from Tue 10:00 is Fri 10:00; a 2-hour pause inside a working day adds 2 working hours.
      expect(new Date(due(resumed, 'resolution')!).toISOString()).toBe('2026-11-27T04:00:00.000Z');
      expect(resumed.sla.pauses).toEqual([{ from: new Date(now - 2 * 3600_000), to: new Date(now) }]);
    } finally {
      await clocked.stop();
    }
  });
});
