/**
 * Exactly once with two scheduler instances on one real database: both scan the same minutes at
 * the same time, and every warning and every escalation is committed once; one instance
 * restarts (another process takes its place) and one stops: nothing due is lost.
 */
import { EVENTS } from '../../../src/domain/events';
import type { FeedEntry } from '../../../src/domain/ports';
import { startTestServer, complaintBody, type TestServer } from '../../support/server';

const MIN = 60_000;
const MONDAY_10 = Date.parse('2026-03-09T10:00:00+08:00');

describe('two scheduler instances', () => {
  let now = MONDAY_10;
  const clock = { now: () => new Date(now) };
  let a: TestServer;
  let b: TestServer;
  const numbers: string[] = [];

  beforeAll(async () => {
    a = await startTestServer({}, { clock });
    b = await startTestServer({ MONGODB_DB: a.dbName }, { clock });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  async function feedOf(s: TestServer): Promise<FeedEntry[]> {
    return (await s.repository.feed.read(0, 100_000)).entries;
  }

  function count(entries: FeedEntry[], n: string, event: string): number {
    return entries.filter((e) => e.number === n && e.events.includes(event as never)).length;
  }

  /** Both instances scan at once, repeatedly, forcing past their lease (the version lock alone must keep it exact). */
  async function scanBoth(x: TestServer, y: TestServer): Promise<void> {
    await Promise.all([x.effects.drain(), y.effects.drain()]);
    await Promise.all([x.jobs.scan(), y.jobs.scan(), x.jobs.scan(), y.jobs.scan()]);
    await Promise.all([x.effects.drain(), y.effects.drain()]);
  }

  it('when both scan the same due minutes at once, then each ticket gets its warning once', async () => {
    const filed = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).post('/api/complaints', complaintBody({ description: `Kettle ${i} stopped heating; refund please.` }))));
    numbers.push(...filed.map((r) => r.body.number as string));
    await Promise.all([a.complaints.settled(), b.complaints.settled()]);
    await scanBoth(a, b); // starts both scanners' cursor near now
    now = MONDAY_10 + 49 * MIN; // first contact's 80 % point (10:48)
    await scanBoth(a, b);
    await scanBoth(a, b);
    const feed = await feedOf(a);
    for (const n of numbers) {
      expect(count(feed, n, EVENTS.TICKET_WARNED)).toBe(1);
      const t = await a.complaints.get(n);
      expect(t.sla.deadlines.find((d) => d.kind === 'firstContact')!.warningsGiven).toBe(1);
    }
  });

  it('when one instance restarts and both scan as the deadline passes, then each ticket is escalated exactly once', async () => {
    await b.stop();
    b = await startTestServer({ MONGODB_DB: a.dbName }, { clock }); // a new process, no memory of the old one
    now = MONDAY_10 + 61 * MIN;
    await scanBoth(a, b);
    await scanBoth(a, b);
    const feed = await feedOf(a);
    for (const n of numbers) {
      expect(count(feed, n, EVENTS.TICKET_OVERDUE)).toBe(1);
      expect(count(feed, n, EVENTS.TICKET_ESCALATED)).toBe(1);
      expect((await a.complaints.get(n)).sla.escalationTier).toBe(1);
    }
    // Audit: one entry per committed change, the chain holds each check once.
    await a.effects.drain();
    const audited = await a.database.conn.collection('audit_log').countDocuments({ action: 'ticket.sla_check' });
    expect(audited).toBe(numbers.length * 2);
  });

  it('when one instance stops, then the other one finds everything that fell due meanwhile', async () => {
    await b.stop();
    // Fact check (24 h, clock hours): 80 % at 19 h 12 min, then 23 h — both passed while nobody scanned.
    now = MONDAY_10 + (23 * 60 + 30) * MIN;
    const { due } = a.scheduler;
    do await a.jobs.scan();
    while ((await due.scannedUpTo(true)) < due.bucketOf(clock.now()) - 1);
    await a.effects.drain();
    const feed = await feedOf(a);
    for (const n of numbers) {
      const fact = (await a.complaints.get(n)).sla.deadlines.find((d) => d.kind === 'factCheck')!;
      // Two warning points passed at once: one warning, both counted as given.
      expect(fact.warningsGiven).toBe(2);
      expect(count(feed, n, EVENTS.TICKET_WARNED)).toBe(2); // first contact's, then this one
    }
    b = await startTestServer({ MONGODB_DB: a.dbName }, { clock }); // for afterAll
  });
});
