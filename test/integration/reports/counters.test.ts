/**
 * The counters against what the change feed promises — every entry at least once, in order — and
 * what can go wrong: a batch handled twice, a crash between the tallies and the counters or in the
 * middle of the counter writes, a filing announced twice, two service instances. In every case the
 * counters must equal a recount from the tickets (`rebuild`).
 */
import pino from 'pino';
import type { FeedEntry } from '../../../src/domain/ports';
import { parsePeriod } from '../../../src/reports/periods';
import { ReportCounters } from '../../../src/reports/report-counters';
import type { CounterDoc, ReportStore } from '../../../src/reports/ports';
import { MongoCursorStore } from '../../../src/store/mongo-change-feed';
import { decodeRows, MongoReportStore } from '../../../src/store/mongo-report-store';
import { seedReportData, TestClock } from '../../support/report-data';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const logger = pino({ level: 'silent' });

async function snapshot(s: TestServer): Promise<Record<string, unknown>> {
  const docs = await s.database.conn.collection('report_counters').find({}).toArray();
  return Object.fromEntries(docs.map((d) => [String(d._id), decodeRows(String(d.body)).rows]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

async function allEntries(s: TestServer): Promise<FeedEntry[]> {
  const out: FeedEntry[] = [];
  for (let from = 0; ; ) {
    const r = await s.repository.feed.read(from, 100);
    if (r.cursor === from) return out;
    out.push(...r.entries);
    from = r.cursor;
  }
}

/** A store that fails the way a crash would: after `okWrites` counter documents, or before any counter write. */
class CrashingStore implements ReportStore {
  constructor(
    private readonly inner: ReportStore,
    private readonly okWrites: number,
  ) {}
  readCounters = (ids: string[]) => this.inner.readCounters(ids);
  async writeCounters(docs: CounterDoc[]): Promise<void> {
    await this.inner.writeCounters(docs.slice(0, this.okWrites));
    throw new Error('crash in the middle of the counter writes');
  }
  readTallies = (n: string[]) => this.inner.readTallies(n);
  insertTallies = (t: Parameters<ReportStore['insertTallies']>[0]) => this.inner.insertTallies(t);
  writeTallies = (t: Parameters<ReportStore['writeTallies']>[0]) => this.inner.writeTallies(t);
  clear = () => this.inner.clear();
  tickets = (chunk: number) => this.inner.tickets(chunk);
  insertAlert = (a: Parameters<ReportStore['insertAlert']>[0]) => this.inner.insertAlert(a);
  markAlertNotified = (id: string, at: Date) => this.inner.markAlertNotified(id, at);
  pendingAlerts = () => this.inner.pendingAlerts();
  alertsOfDays = (d: string[]) => this.inner.alertsOfDays(d);
  getMeta = (k: string) => this.inner.getMeta(k);
  setMeta = (k: string, v: Record<string, unknown>) => this.inner.setMeta(k, v);
  deleteMeta = (k: string) => this.inner.deleteMeta(k);
}

describe('report counters under at-least-once delivery', () => {
  let s: TestServer;
  const clock = new TestClock();
  let entries: FeedEntry[];
  let recount: Record<string, unknown>;

  const handler = (store: ReportStore) =>
    new ReportCounters({ store, feed: s.repository.feed, cursors: new MongoCursorStore(s.database.conn), clock, logger, timeZone: 'Asia/Shanghai' });

  beforeAll(async () => {
    s = await startTestServer({}, { clock });
    await seedReportData(s, clock);
    entries = await allEntries(s);
    // The service's own counters, kept as the feed went by, equal a recount from the tickets.
    const live = await snapshot(s);
    await s.reports.counters.rebuild('test');
    recount = await snapshot(s);
    expect(live).toEqual(recount);
    // From here on, this test drives the handler itself.
    await s.reports.worker.stop();
  });
  afterAll(() => s.stop());

  beforeEach(async () => {
    // Counters and tallies as they were before any entry was counted.
    await new MongoReportStore(s.database.conn).clear();
  });

  it('when every batch is handled twice, then nothing is counted twice', async () => {
    const h = handler(new MongoReportStore(s.database.conn));
    for (let i = 0; i < entries.length; i += 7) {
      const batch = entries.slice(i, i + 7);
      await h.handle(batch);
      await h.handle(batch);
    }
    expect(await snapshot(s)).toEqual(recount);
  });

  it('when a run repeats from an older cursor with larger batches, then the result is the same', async () => {
    const h = handler(new MongoReportStore(s.database.conn));
    await h.handle(entries.slice(0, 10));
    await h.handle(entries.slice(0, 25));
    await h.handle(entries.slice(10));
    expect(await snapshot(s)).toEqual(recount);
  });

  it('when the process dies between the tallies and the counters, or halfway through the counter documents, then the next run completes exactly', async () => {
    for (const okWrites of [0, 1, 3]) {
      await new MongoReportStore(s.database.conn).clear();
      const mongo = new MongoReportStore(s.database.conn);
      const half = Math.floor(entries.length / 2);
      await handler(mongo).handle(entries.slice(0, half));
      await expect(handler(new CrashingStore(mongo, okWrites)).handle(entries.slice(half, half + 8))).rejects.toThrow('crash');
      // A new process starts from the saved cursor and reads a larger batch: the crashed entries and more.
      await handler(mongo).handle(entries.slice(half));
      expect(await snapshot(s)).toEqual(recount);
    }
  });

  it('when a filing is announced twice (crash repair), then it is one ticket', async () => {
    const h = handler(new MongoReportStore(s.database.conn));
    await h.handle(entries);
    const first = entries.find((e) => e.kind === 'filing')!;
    const ticket = await s.complaints.get(first.number);
    const before = await s.repository.feed.last();
    await s.repository.feed.announceFilings([ticket]);
    const again = (await s.repository.feed.read(before, 10)).entries;
    expect(again.map((e) => [e.number, e.version])).toEqual([[first.number, 1]]);
    await h.handle(again);
    expect(await snapshot(s)).toEqual(recount);
  });
});

describe('report counters with two service instances', () => {
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

  it('when both file and change tickets at once, then the counters equal a recount', async () => {
    const file = (s: TestServer, i: number) => s.complaints.file(complaintBody({ customer: { phone: `1390000${String(i).padStart(4, '0')}` }, product: `P${i % 3}` }), { actor: { kind: 'api', id: 't' } });
    const filed = await Promise.all(Array.from({ length: 24 }, (_, i) => file(i % 2 ? a : b, i)));
    await Promise.all(
      filed.map(async (r, i) => {
        const s = i % 2 ? b : a;
        const agent = { kind: 'agent' as const, id: `U${i % 4}`, name: `Agent ${i % 4}` };
        await s.complaints.claim(r.ticket.number, agent);
        if (i % 3 === 0) await s.complaints.transition(r.ticket.number, 'resolve', { actor: agent, resolution: { remedy: 'refund', amount: i, note: 'ok' } });
      }),
    );
    await a.effects.drain();
    await b.effects.drain();
    const live = await snapshot(a);
    const k = await a.reports.service.kpis(parsePeriod('year', new Date(), 'Asia/Shanghai'));
    expect(k).toMatchObject({ filed: 24, resolved: 8, open: 16 });
    await a.reports.counters.rebuild('test');
    expect(await snapshot(a)).toEqual(live);
  });
});
