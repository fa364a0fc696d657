/**
 * Ticket numbers: year + 6-digit sequence, unique and gap-free under concurrency, also when
 * two service instances file into one database at once (FerretDB has no atomic counters, so
 * this exercises the unique-insert numbering for real).
 */
import { localYear } from '../../../src/domain/file-complaint';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

function expectGapFree(numbers: string[], year: number): void {
  const seqs = numbers.map((n) => Number(n.slice(4))).sort((a, b) => a - b);
  expect(numbers.every((n) => n.startsWith(String(year)))).toBe(true);
  expect(new Set(numbers).size).toBe(numbers.length);
  expect(seqs).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
}

describe('ticket numbering', () => {
  let a: TestServer;
  let b: TestServer;
  const year = localYear(new Date(), 'Asia/Shanghai');

  beforeAll(async () => {
    a = await startTestServer();
    // A second instance on the same database, as when two copies of the service run.
    b = await startTestServer({ MONGODB_DB: a.dbName });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('when 200 complaints are filed at once through HTTP, then they get 200 distinct, gap-free numbers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => a.post('/api/complaints', complaintBody({ description: `Complaint number ${i}: the parcel never arrived.` }))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(201));
    expectGapFree(
      answers.map((r) => r.body.number),
      year,
    );
    expect(await a.database.conn.collection('tickets').countDocuments()).toBe(200);
  });

  it('when two instances file 100 each at the same time, then numbering continues gap-free across both', async () => {
    const file = (s: TestServer, i: number) => s.post('/api/complaints', complaintBody({ description: `Instance race ${i}` }));
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => file(i % 2 ? a : b, i)));
    expect(answers.every((r) => r.status === 201)).toBe(true);
    const docs = await a.database.conn.collection('tickets').find({}, { projection: { _id: 1 } }).toArray();
    expectGapFree(
      docs.map((d) => String(d._id)),
      year,
    );
    expect(docs).toHaveLength(400);
  });

  it('when an instance restarts, then it continues after the last number instead of reusing one', async () => {
    const c = await startTestServer({ MONGODB_DB: a.dbName });
    try {
      const r = await c.post('/api/complaints', complaintBody());
      expect(r.status).toBe(201);
      expect(r.body.number).toBe(`${year}000401`);
    } finally {
      await c.stop();
    }
  });
});
