/**
 * The generic delivery worker against the real change feed and database: every event is
 * delivered once, in order per key, paced per lane, through failures, rate limits, restarts and
 * two workers racing on the same deliveries.
 */
import { eventsOf } from '../../../src/domain/events';
import type { FeedEntry } from '../../../src/domain/ports';
import { DeliveryError, DeliveryWorker, type DeliveryConsumer, type DeliveryOutcome, type PlannedDelivery } from '../../../src/jobs/delivery-worker';
import { MongoCursorStore } from '../../../src/store/mongo-change-feed';
import { MongoDeliveryStore } from '../../../src/store/mongo-deliveries';
import { MongoLease } from '../../../src/store/mongo-lease';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Sent {
  id: string;
  lane: string;
  key: string;
  at: number;
}

/** A consumer that plans one delivery per event, on lane = ticket number's last digit mod `lanes`, and records what it "sends". */
function recordingConsumer(name: string, sent: Sent[], options: { lanes?: number; fail?: (d: PlannedDelivery, attempt: number) => DeliveryError | null; slowMs?: number } = {}): DeliveryConsumer {
  return {
    name,
    plan(entries: FeedEntry[]) {
      return entries.flatMap((e) =>
        eventsOf(e).map((ev) => ({ id: ev.id, seq: e.seq, key: ev.ticketNumber, lane: `lane-${Number(ev.ticketNumber.slice(-1)) % (options.lanes ?? 3)}`, kind: ev.type, data: {} })),
      );
    },
    async deliver(d, ctx): Promise<DeliveryOutcome> {
      if (options.slowMs) await new Promise((r) => setTimeout(r, options.slowMs));
      const err = options.fail?.(d, ctx.attempt) ?? null;
      if (err) throw err;
      sent.push({ id: d.id, lane: d.lane!, key: d.key, at: Date.now() });
      return { status: 'sent', result: { n: sent.length } };
    },
  };
}

describe('delivery worker', () => {
  let server: TestServer;
  const workers: DeliveryWorker[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await server.stop();
  });

  function worker(consumer: DeliveryConsumer, options: ConstructorParameters<typeof DeliveryWorker>[5] = {}): DeliveryWorker {
    const conn = server.database.conn;
    const w = new DeliveryWorker(consumer, server.repository.feed, new MongoCursorStore(conn), new MongoDeliveryStore(conn), silent, { intervalMs: 50, backoffMs: 20, maxBackoffMs: 200, ...options });
    workers.push(w);
    return w;
  }

  async function fileSome(n: number): Promise<string[]> {
    const numbers: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await server.post('/api/complaints', complaintBody({ description: `The kettle number ${i} broke after two days; I want a refund.` }));
      expect(r.status).toBe(201);
      numbers.push(r.body.number);
    }
    await server.complaints.settled(); // every filing answered is in the change feed
    return numbers;
  }

  async function eventIdsSince(after: number): Promise<string[]> {
    const { entries } = await server.repository.feed.read(after, 10_000);
    return entries.flatMap((e) => eventsOf(e).map((ev) => ev.id));
  }

  function expectOnce(sent: Sent[], expected: string[]): void {
    const ids = sent.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
  }

  it('when tickets are filed and changed, then each event is delivered once, in order per ticket, at most the lane rate', async () => {
    const start = await server.repository.feed.last();
    const numbers = await fileSome(6);
    for (const n of numbers.slice(0, 3)) await server.complaints.claim(n, { kind: 'agent', id: 'U1', name: 'a' });
    const expected = await eventIdsSince(start);
    const sent: Sent[] = [];
    const w = worker(recordingConsumer('t1', sent), { ratePerSecond: 20 });
    // Start at the feed position before this test's tickets.
    await new MongoCursorStore(server.database.conn).set(w.cursorName, start);
    w.start();
    await w.drain();
    expectOnce(sent, expected);
    // Per ticket: the filing before the claim.
    for (const n of numbers.slice(0, 3)) {
      const mine = sent.filter((s) => s.key === n).map((s) => s.id);
      expect(mine).toEqual([`${n}:1:ticket.filed`, `${n}:2:ticket.claimed`]);
    }
    // Per lane: consecutive sends at least ~1/20 s apart (timers never fire early).
    const byLane = new Map<string, number[]>();
    for (const s of sent) byLane.set(s.lane, [...(byLane.get(s.lane) ?? []), s.at]);
    for (const times of byLane.values()) for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(45);
    // The cursor moved past everything.
    expect(await new MongoCursorStore(server.database.conn).get(w.cursorName)).toBeGreaterThanOrEqual(await server.repository.feed.last());
  });

  it('when the far side fails and rate-limits for a while, then everything arrives once after it recovers, and permanent failures are recorded', async () => {
    const start = await server.repository.feed.last();
    const numbers = await fileSome(5);
    const expected = await eventIdsSince(start);
    const poison = `${numbers[4]}:1:ticket.filed`;
    const sent: Sent[] = [];
    let calls = 0;
    const settled: Array<{ id: string; status: string; error?: string }> = [];
    const consumer = recordingConsumer('t2', sent, {
      fail: (d, attempt) => {
        calls++;
        if (d.id === poison) return new DeliveryError('channel_not_found', { retryable: false });
        if (calls <= 4) return new DeliveryError('HTTP 500', { retryable: true });
        if (calls <= 7) return new DeliveryError('ratelimited', { retryable: true, retryAfterMs: 100, laneWide: true });
        return attempt > 50 ? new DeliveryError('too many', { retryable: false }) : null;
      },
    });
    const w = worker(consumer, { ratePerSecond: 50, onSettled: (d, o) => settled.push({ id: d.id, status: o.status, ...(o.error ? { error: o.error } : {}) }) });
    await new MongoCursorStore(server.database.conn).set(w.cursorName, start);
    w.start();
    await w.drain();
    expectOnce(sent, expected.filter((id) => id !== poison));
    expect(settled.find((s) => s.id === poison)).toEqual({ id: poison, status: 'failed', error: 'channel_not_found' });
    const store = new MongoDeliveryStore(server.database.conn);
    expect(await store.outcome('t2', poison)).toMatchObject({ status: 'failed', error: 'channel_not_found' });
    expect(await store.outcome('t2', expected[0]!)).toMatchObject({ status: 'sent' });
  });

  it('when a worker stops halfway and another starts, then the second finishes without repeating what was sent', async () => {
    const start = await server.repository.feed.last();
    await fileSome(8);
    const expected = await eventIdsSince(start);
    const sent: Sent[] = [];
    // The first worker delivers three, then stalls (as a process that hangs would) until it is stopped.
    const base = recordingConsumer('t3', sent);
    const stalling: DeliveryConsumer = { ...base, deliver: async (d, ctx) => (sent.length >= 3 ? { status: 'deferred', retryInMs: 50 } : base.deliver(d, ctx)) };
    const first = worker(stalling, { ratePerSecond: 10, lease: new MongoLease(server.database.conn, 'delivery:t3', 2000) });
    await new MongoCursorStore(server.database.conn).set(first.cursorName, start);
    first.start();
    while (sent.length < 3) await new Promise((r) => setTimeout(r, 20));
    await first.stop();
    const before = sent.length;
    expect(before).toBe(3);
    const second = worker(recordingConsumer('t3', sent), { ratePerSecond: 10, lease: new MongoLease(server.database.conn, 'delivery:t3', 2000) });
    second.start();
    await second.drain();
    expectOnce(sent, expected);
  });

  it('when two workers without a lease race over the same deliveries, then each is sent exactly once', async () => {
    const start = await server.repository.feed.last();
    await fileSome(10);
    const expected = await eventIdsSince(start);
    const sent: Sent[] = [];
    const cursors = new MongoCursorStore(server.database.conn);
    const a = worker(recordingConsumer('t4', sent, { slowMs: 5, lanes: 5 }), { ratePerSecond: 200 });
    const b = worker(recordingConsumer('t4', sent, { slowMs: 5, lanes: 5 }), { ratePerSecond: 200 });
    await cursors.set(a.cursorName, start);
    a.start();
    b.start();
    await Promise.all([a.drain(), b.drain()]);
    expectOnce(sent, expected);
  });

  it('when a delivery is deferred, then it waits without failing and without holding back other tickets', async () => {
    const start = await server.repository.feed.last();
    const numbers = await fileSome(3);
    const sent: Sent[] = [];
    let ready = false;
    const base = recordingConsumer('t5', sent, { lanes: 1 });
    const consumer: DeliveryConsumer = {
      ...base,
      async deliver(d, ctx) {
        if (d.key === numbers[0] && !ready) return { status: 'deferred', retryInMs: 30 };
        return base.deliver(d, ctx);
      },
    };
    const w = worker(consumer, { ratePerSecond: 100 });
    await new MongoCursorStore(server.database.conn).set(w.cursorName, start);
    w.start();
    while (sent.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(sent.map((s) => s.key).sort()).toEqual([numbers[1], numbers[2]].sort());
    ready = true;
    await w.drain();
    expect(sent.map((s) => s.key)).toContain(numbers[0]);
  });
});
