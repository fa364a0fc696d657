/**
 * The durable scheduler against the real database: items reachable by `_id` per minute, handed over
 * once due (not before), never lost behind the scanner, resumed after a restart, and handled by two
 * instances' scanners without any item being missed.
 */
import pino from 'pino';
import type { Connection } from 'mongoose';
import { DueScanner } from '../../../src/jobs/due-scanner';
import { MongoDueIndex, type DueSlot } from '../../../src/store/mongo-due-index';
import { MongoLease } from '../../../src/store/mongo-lease';
import { startTestServer, type TestServer } from '../../support/server';

const logger = pino({ level: 'silent' });
const MIN = 60_000;

describe('the due index and its scanner', () => {
  let s: TestServer;
  let conn: Connection;
  let clockAt: number;
  const clock = { now: () => new Date(clockAt) };

  beforeEach(async () => {
    s = await startTestServer();
    conn = s.database.conn;
    clockAt = Math.floor(Date.now() / MIN) * MIN + 30_000;
  });
  afterEach(() => s.stop());

  function scanner(index: MongoDueIndex, seen: DueSlot[], fail?: (i: DueSlot) => boolean) {
    return new DueScanner(index, { test: async (item) => {
      if (fail?.(item)) throw new Error('handler failed');
      seen.push(item);
    } }, clock, logger);
  }

  it('when items fall due over the next minutes, then each pass hands over exactly those now due, and an item in the past is never lost', async () => {
    const index = new MongoDueIndex(conn, 'test-1');
    const seen: DueSlot[] = [];
    const scan = scanner(index, seen);
    await scan.scan(true); // first pass: sets the cursor near now
    await index.add([
      { kind: 'test', ref: 'A', at: new Date(clockAt + 2 * MIN) },
      { kind: 'test', ref: 'B', at: new Date(clockAt + 5 * MIN) },
      { kind: 'test', ref: 'C', at: new Date(clockAt - 3 * MIN) }, // already due
    ]);
    await scan.scan(true);
    expect(seen.map((i) => i.ref)).toEqual(['C']);
    clockAt += 3 * MIN;
    await scan.scan(true);
    expect(seen.map((i) => i.ref)).toEqual(['C', 'A']);
    clockAt += 3 * MIN;
    await scan.scan(true);
    expect(seen.map((i) => i.ref)).toEqual(['C', 'A', 'B']);
    // Nothing is handed over twice once its minute is past.
    await scan.scan(true);
    expect(seen).toHaveLength(3);
  });

  it('when an item is added for a minute the scanner has already passed, then it goes to the next minute it has not, and is handled', async () => {
    const index = new MongoDueIndex(conn, 'test-2');
    const seen: DueSlot[] = [];
    const scan = scanner(index, seen);
    await scan.scan(true);
    clockAt += 10 * MIN;
    await scan.scan(true); // the cursor is now 10 minutes further
    const passed = await index.scannedUpTo(true);
    // An adder whose clock is 20 minutes behind still adds ahead of the scanner.
    await index.add([{ kind: 'test', ref: 'LATE', at: new Date(clockAt - 20 * MIN) }], true);
    expect(await index.count(passed)).toBe(0);
    expect(await index.count(passed + 1)).toBe(1);
    clockAt += 2 * MIN;
    await scan.scan(true);
    expect(seen.map((i) => i.ref)).toEqual(['LATE']);
  });

  it('when a scanner stops part-way and another one starts, then it carries on from the stored cursor without losing or repeating past minutes', async () => {
    const index = new MongoDueIndex(conn, 'test-3');
    const first: DueSlot[] = [];
    await scanner(index, first).scan(true);
    await index.add(Array.from({ length: 6 }, (_, i) => ({ kind: 'test', ref: `R${i}`, at: new Date(clockAt + (i + 1) * MIN) })));
    clockAt += 3 * MIN - 10_000; // R0 and R1 are due, R2 (in the open minute) not yet
    await scanner(index, first).scan(true);
    expect(first.map((i) => i.ref)).toEqual(['R0', 'R1']);
    // "Restart": a new index and scanner (no memory of the old ones).
    const second: DueSlot[] = [];
    const restarted = new MongoDueIndex(conn, 'test-3');
    clockAt += 10 * MIN;
    await scanner(restarted, second).scan(true);
    expect(second.map((i) => i.ref)).toEqual(['R2', 'R3', 'R4', 'R5']);
  });

  it('when a handler fails, then its item is retried later and the others are not held up', async () => {
    const index = new MongoDueIndex(conn, 'test-4');
    const seen: DueSlot[] = [];
    let failures = 0;
    const scan = scanner(index, seen, (i) => i.ref === 'BAD' && failures++ === 0);
    await scan.scan(true);
    await index.add([{ kind: 'test', ref: 'BAD', at: new Date(clockAt) }, { kind: 'test', ref: 'GOOD', at: new Date(clockAt) }]);
    clockAt += MIN;
    await scan.scan(true);
    expect(seen.map((i) => i.ref)).toEqual(['GOOD']);
    clockAt += 2 * MIN;
    await scan.scan(true);
    expect(seen.map((i) => i.ref)).toEqual(['GOOD', 'BAD']);
    expect(seen[1]!.data).toMatchObject({ attempt: 1 });
  });

  it('when two instances add items and scan at the same time, then every item is handed over and no minute is skipped', async () => {
    const [ia, ib] = [new MongoDueIndex(conn, 'test-5'), new MongoDueIndex(conn, 'test-5')];
    const seen: DueSlot[] = [];
    const [sa, sb] = [scanner(ia, seen), scanner(ib, seen)];
    await sa.scan(true);
    const refs = Array.from({ length: 60 }, (_, i) => `X${i}`);
    const adds = refs.map((ref, i) => (i % 2 ? ia : ib).add([{ kind: 'test', ref, at: new Date(clockAt + ((i % 5) + 1) * MIN) }]));
    const scans: Promise<number>[] = [];
    for (let step = 0; step < 8; step++) {
      clockAt += MIN;
      scans.push(sa.scan(true), sb.scan(true));
    }
    await Promise.all([...adds, ...scans]);
    clockAt += 5 * MIN;
    await sa.scan(true);
    // At least once, each of them (a minute scanned by both at once hands its items to both).
    expect(new Set(seen.map((i) => i.ref))).toEqual(new Set(refs));
  });

  it('when a lease holder scans, then the other instance stands by', async () => {
    const index = new MongoDueIndex(conn, 'test-6');
    const seenA: DueSlot[] = [];
    const seenB: DueSlot[] = [];
    const a = new DueScanner(index, { test: async (i) => void seenA.push(i) }, clock, logger, { lease: new MongoLease(conn, 'due-test-6') });
    const b = new DueScanner(index, { test: async (i) => void seenB.push(i) }, clock, logger, { lease: new MongoLease(conn, 'due-test-6') });
    await a.scan();
    await index.add([{ kind: 'test', ref: 'L', at: new Date(clockAt) }]);
    clockAt += MIN;
    expect(await b.scan()).toBe(0);
    expect(await a.scan()).toBe(1);
    expect([seenA.length, seenB.length]).toEqual([1, 0]);
  });
});
