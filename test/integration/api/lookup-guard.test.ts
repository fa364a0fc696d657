/**
 * Lookups against guessing: the lookup code is never refused because of other people's wrong
 * guesses; wrong answers count per client (IP) and, for the guessable last four digits, per
 * ticket with an exponentially growing wait; the last four digits alone show the status only.
 * A fixed clock in the middle of a 15-minute window keeps the windows from rolling over mid-test.
 */
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const windowMiddle = () => new Date(Math.floor(Date.now() / 900_000) * 900_000 + 7.5 * 60_000);
let clockAt = windowMiddle();

let s: TestServer;
beforeAll(async () => {
  // Behind a proxy, so each test client can have its own address (X-Forwarded-For).
  s = await startTestServer({ LOOKUP_MAX_FAILURES: '4', LOOKUP_LAST4_FREE_FAILURES: '3', TRUST_PROXY: 'true' }, { clock: { now: () => new Date(clockAt) } });
});
afterAll(() => s.stop());
beforeEach(() => {
  clockAt = windowMiddle();
});

let phoneSeq = 0;
async function file(): Promise<{ number: string; lookupCode: string; last4: string }> {
  phoneSeq++;
  const last4 = String(4000 + phoneSeq);
  const r = await s.post('/api/complaints', complaintBody({ customer: { phone: `+86 137 1234 ${last4}` } }));
  expect(r.status).toBe(201);
  return { number: r.body.number, lookupCode: r.body.lookupCode, last4 };
}

const from = (ip: string, headers: Record<string, string>) => ({ 'X-Forwarded-For': ip, ...headers });

describe('lookup guard', () => {
  it('when attackers from many addresses send wrong codes and last-4 guesses for a ticket, then its customer’s lookup code still works at once', async () => {
    const t = await file();
    for (let i = 0; i < 12; i++) {
      const r = await s.get(`/api/complaints/${t.number}`, from(`10.0.1.${i}`, i % 2 ? { 'X-Lookup-Code': `WRONG${i}CODEX` } : { 'X-Contact-Last4': String(1000 + i) }));
      expect([404, 429]).toContain(r.status);
    }
    const mine = await s.get(`/api/complaints/${t.number}`, from('10.9.9.9', { 'X-Lookup-Code': t.lookupCode }));
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ number: t.number, scope: 'full' });
  });

  it('when one address keeps guessing, then after LOOKUP_MAX_FAILURES wrong answers it must wait (429, Retry-After) for any ticket, while other addresses are served', async () => {
    const [t1, t2] = [await file(), await file()];
    for (let i = 0; i < 4; i++) expect((await s.get(`/api/complaints/${t1.number}`, from('10.0.2.1', { 'X-Lookup-Code': `NOPE${i}XXXXX` }))).status).toBe(404);
    const blocked = await s.get(`/api/complaints/${t2.number}`, from('10.0.2.1', { 'X-Lookup-Code': t2.lookupCode }));
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('ticket.lookup_locked');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await s.get(`/api/complaints/${t2.number}`, from('10.0.2.2', { 'X-Lookup-Code': t2.lookupCode }))).status).toBe(200);
    // The next window, the address may try again.
    clockAt = new Date(clockAt.getTime() + 15 * 60_000);
    expect((await s.get(`/api/complaints/${t2.number}`, from('10.0.2.1', { 'X-Lookup-Code': t2.lookupCode }))).status).toBe(200);
  });

  it('when last-4 guesses for one ticket come from many addresses, then after the free ones the last four digits are checked only after a wait that doubles', async () => {
    const t = await file();
    for (let i = 0; i < 3; i++) expect((await s.get(`/api/complaints/${t.number}`, from(`10.0.3.${i}`, { 'X-Contact-Last4': '0000' }))).status).toBe(404);
    const wait1 = await s.get(`/api/complaints/${t.number}`, from('10.0.3.50', { 'X-Contact-Last4': t.last4 }));
    expect(wait1.status).toBe(429);
    const first = Number(wait1.headers.get('retry-after'));
    expect(first).toBeGreaterThan(0);
    // After the wait, one more wrong guess makes the next wait twice as long.
    clockAt = new Date(clockAt.getTime() + first * 1000);
    expect((await s.get(`/api/complaints/${t.number}`, from('10.0.3.51', { 'X-Contact-Last4': '1111' }))).status).toBe(404);
    const wait2 = await s.get(`/api/complaints/${t.number}`, from('10.0.3.52', { 'X-Contact-Last4': t.last4 }));
    expect(wait2.status).toBe(429);
    expect(Number(wait2.headers.get('retry-after'))).toBe(first * 2);
    // The code is not subject to that wait.
    expect((await s.get(`/api/complaints/${t.number}`, from('10.0.3.53', { 'X-Lookup-Code': t.lookupCode }))).status).toBe(200);
    // And once the wait has passed, the right last four digits are accepted (status only).
    clockAt = new Date(clockAt.getTime() + first * 2000);
    const ok = await s.get(`/api/complaints/${t.number}`, from('10.0.3.54', { 'X-Contact-Last4': t.last4 }));
    expect(ok.status).toBe(200);
    expect(ok.body.scope).toBe('status');
  });

  it('when a spray guesses one last-4 value across many tickets, then the sprayer is stopped after LOOKUP_MAX_FAILURES misses and a hit shows no complaint details', async () => {
    const tickets = [await file(), await file(), await file(), await file(), await file()];
    const statuses: number[] = [];
    for (const t of tickets) statuses.push((await s.get(`/api/complaints/${t.number}`, from('10.0.4.1', { 'X-Contact-Last4': '4242' }))).status);
    expect(statuses.slice(0, 4)).toEqual([404, 404, 404, 404]);
    expect(statuses[4]).toBe(429);
    // Had the guess been right, the answer would only say where the ticket stands.
    const hit = await s.get(`/api/complaints/${tickets[0]!.number}`, from('10.0.4.2', { 'X-Contact-Last4': tickets[0]!.last4 }));
    expect(hit.status).toBe(200);
    for (const hidden of ['description', 'orderId', 'amount', 'customer']) expect(hit.body).not.toHaveProperty(hidden);
  });

  it('when a ticket does not exist, then wrong answers about it look exactly like wrong answers about a real one (no existence oracle)', async () => {
    const t = await file();
    const missing = `${t.number.slice(0, 4)}999999`;
    const real = await s.get(`/api/complaints/${t.number}`, from('10.0.5.1', { 'X-Lookup-Code': 'WRONGCODE1' }));
    const absent = await s.get(`/api/complaints/${missing}`, from('10.0.5.2', { 'X-Lookup-Code': 'WRONGCODE1' }));
    expect(absent.status).toBe(real.status);
    expect(JSON.stringify(absent.body).split(missing).join('N')).toBe(JSON.stringify(real.body).split(t.number).join('N'));
  });
});
