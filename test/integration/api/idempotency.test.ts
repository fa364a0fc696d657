/**
 * Idempotency-Key on POST /api/complaints: a repeated request gets the same ticket, never a second one.
 */
import crypto from 'node:crypto';
import { StoreUnavailableError } from '../../../src/domain/errors';
import { MongoIdempotencyStore } from '../../../src/store/mongo-idempotency';
import { canonicalJson } from '../../../src/support/canonical-json';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

let server: TestServer;
let sibling: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  // A second instance on the same database, as behind a load balancer.
  sibling = await startTestServer({ MONGODB_DB: server.dbName });
});

afterAll(async () => {
  await sibling?.stop();
  await server?.stop();
});

function newKey(): string {
  return `order-${crypto.randomUUID()}`;
}

async function ticketCount(where: Record<string, unknown> = {}): Promise<number> {
  return server.database.conn.collection('tickets').countDocuments(where);
}

describe('Idempotency-Key', () => {
  it('when the same key is sent twice, then the first answer is 201, the second 200 replayed with the same number and no lookup code, and one ticket exists', async () => {
    const key = newKey();
    const before = await ticketCount();
    const first = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    const second = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });

    expect(first.status).toBe(201);
    expect(first.body.replayed).toBe(false);
    expect(typeof first.body.lookupCode).toBe('string');

    expect(second.status).toBe(200);
    expect(second.body.replayed).toBe(true);
    expect(second.body.number).toBe(first.body.number);
    expect(second.body.lookupCode).toBeNull();
    expect(second.headers.get('location')).toBe(`/api/complaints/${first.body.number}`);
    expect(second.body.createdAt).toBe(first.body.createdAt);

    expect(await ticketCount()).toBe(before + 1);
    expect(await ticketCount({ idempotencyKey: key })).toBe(1);
  });

  it('when a replay is made, then the lookup code from the first answer still works and the replay did not change it', async () => {
    const key = newKey();
    const first = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    const lookup = await server.get(`/api/complaints/${first.body.number}`, { 'X-Lookup-Code': first.body.lookupCode });
    expect(lookup.status).toBe(200);
    expect(lookup.body.number).toBe(first.body.number);
  });

  it('when the replay goes to another instance on the same database, then it is still a replay of the same ticket', async () => {
    const key = newKey();
    const first = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    const again = await sibling.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    expect(again.body.number).toBe(first.body.number);
    expect(await ticketCount({ idempotencyKey: key })).toBe(1);
  });

  it('when a key is reused for a different complaint, then 422 idempotency.key_reused and no second ticket; the same body in another key order is still a replay', async () => {
    const key = 'reuse-key-0001';
    const body = complaintBody({ description: 'first complaint with this key' });
    const first = await server.post('/api/complaints', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const other = await server.post('/api/complaints', complaintBody({ description: 'a different complaint' }), { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency.key_reused');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const replay = await server.post('/api/complaints', reordered, { 'Idempotency-Key': key });
    expect(replay.status).toBe(200);
    expect(replay.body.number).toBe(first.body.number);
    expect(await server.database.conn.collection('tickets').countDocuments({ 'personal.description': 'a different complaint' })).toBe(0);
  });

  it('when two different keys are used, then two tickets are filed', async () => {
    const a = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': newKey() });
    const b = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': newKey() });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.number).not.toBe(b.body.number);
  });

  it('when no key is sent, then the same body filed twice gives two tickets', async () => {
    const before = await ticketCount();
    const a = await server.post('/api/complaints', complaintBody());
    const b = await server.post('/api/complaints', complaintBody());
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.number).not.toBe(b.body.number);
    expect(await ticketCount()).toBe(before + 2);
  });

  it('when the other instance filed meanwhile, then the key records a number issued before its ticket (the bound a repair searches after)', async () => {
    const mine = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': newKey() });
    const seqOf = (n: unknown) => Number(String(n).slice(4));
    const theirs = await Promise.all(Array.from({ length: 5 }, () => sibling.post('/api/complaints', complaintBody(), { 'Idempotency-Key': newKey() })));
    const key = newKey();
    const filed = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    const recorded = (await server.database.conn.collection('idempotency_keys').findOne({ _id: key as never }))!;
    expect(recorded.afterSeq).toBeGreaterThanOrEqual(seqOf(mine.body.number));
    expect(recorded.afterSeq).toBeLessThan(seqOf(filed.body.number));
    expect(Math.max(...theirs.map((t) => seqOf(t.body.number)))).toBeLessThan(seqOf(filed.body.number));
  });

  it('when 10 requests with one key arrive at once, then exactly one ticket is filed and every answer names it (no "in progress" refusals)', async () => {
    const key = newKey();
    const before = await ticketCount();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key })),
    );

    const statuses = answers.map((a) => a.status);
    for (const s of statuses) expect([200, 201]).toContain(s);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);

    const numbers = new Set(answers.map((a) => a.body.number));
    expect(numbers.size).toBe(1);
    for (const a of answers.filter((x) => x.status === 200)) expect(a.body.replayed).toBe(true);

    expect(await ticketCount()).toBe(before + 1);
    expect(await ticketCount({ idempotencyKey: key })).toBe(1);

    // Once the dust settles, a retry is a plain replay of that ticket.
    const retry = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.body.number).toBe([...numbers][0]);
  });

  it('when 10 requests with one key arrive at two instances at once, then exactly one ticket is filed', async () => {
    const key = newKey();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? sibling : server).post('/api/complaints', complaintBody(), { 'Idempotency-Key': key })),
    );
    for (const a of answers) expect([200, 201]).toContain(a.status);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.number)).size).toBe(1);
    expect(await ticketCount({ idempotencyKey: key })).toBe(1);
  });

  it('when a request with a key fails validation, then the key is not used up and a valid retry with it files a ticket', async () => {
    const key = newKey();
    const bad = await server.post('/api/complaints', complaintBody({ description: '' }), { 'Idempotency-Key': key });
    expect(bad.status).toBe(400);
    expect(await ticketCount({ idempotencyKey: key })).toBe(0);
    const good = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(good.status).toBe(201);
    expect(good.body.replayed).toBe(false);
  });

  it.each([
    ['too short', 'abc1234'],
    ['with spaces', 'order 12345678'],
    ['with illegal characters', 'order/1234$5678'],
    ['too long', 'k'.repeat(129)],
    ['empty', ''],
  ])('when the key is invalid (%s), then 400 validation.failed naming Idempotency-Key and nothing is filed', async (_what, key) => {
    const before = await ticketCount();
    const res = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation.failed');
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(await ticketCount()).toBe(before);
    expect(await server.database.conn.collection('idempotency_keys').countDocuments({ _id: key as never })).toBe(0);
  });

  it.each([
    ['shortest allowed', 'abcd1234'],
    ['longest allowed with every allowed symbol', `a_b.c:d-${'9'.repeat(120)}`],
  ])('when the key is valid (%s), then it is accepted', async (_what, key) => {
    const res = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(res.status).toBe(201);
    const again = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.body.number).toBe(res.body.number);
  });
});

describe('Idempotency-Key when a filer fails part-way', () => {
  const keys = () => server.database.conn.collection('idempotency_keys');

  afterEach(() => jest.restoreAllMocks());

  it('when recording the ticket under the key fails after the ticket was committed, then the retry answers with that same ticket', async () => {
    const key = newKey();
    jest.spyOn(MongoIdempotencyStore.prototype, 'complete').mockRejectedValueOnce(new StoreUnavailableError());
    const first = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(await keys().findOne({ _id: key as never })).toMatchObject({ number: null });

    const retry = await sibling.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ replayed: true, number: first.body.number });
    expect(await ticketCount({ idempotencyKey: key })).toBe(1);
    // The retry recorded what the first could not.
    expect(await keys().findOne({ _id: key as never })).toMatchObject({ number: first.body.number });
  });

  it('when a key was recorded long ago by a filer that died before its ticket was stored, then a retry files it once (never taken over twice), and further retries replay it', async () => {
    const key = newKey();
    const body = complaintBody({ description: 'the filer of this one died' });
    // What a filer leaves behind when it dies right after recording the key: no number, long ago.
    const probe = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': newKey() });
    const year = Number(String(probe.body.number).slice(0, 4));
    await keys().insertOne({
      _id: key as never,
      number: null,
      fingerprint: crypto.createHash('sha256').update(canonicalJson(body)).digest('hex'),
      year,
      afterSeq: Number(String(probe.body.number).slice(4)),
      createdAt: new Date(Date.now() - 3 * 3600_000),
    });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? sibling : server).post('/api/complaints', body, { 'Idempotency-Key': key })));
    for (const a of answers) expect([200, 201]).toContain(a.status);
    expect(new Set(answers.map((a) => a.body.number)).size).toBe(1);
    expect(await ticketCount({ idempotencyKey: key })).toBe(1);
  });
});
