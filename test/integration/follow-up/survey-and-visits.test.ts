/**
 * After resolution, with time moved by the test: the rating closes the ticket (3+) or offers an
 * appeal (1–2); an appeal reopens the ticket with its number and a new deadline; no answer in the
 * survey window closes it without rating; a major ticket (and a random share) gets a return visit
 * that one agent claims and records. Two instances on one database: every survey timeout and
 * return visit happens once, none lost over a restart.
 */
import { EVENTS } from '../../../src/domain/events';
import type { FeedEntry } from '../../../src/domain/ports';
import { AlreadyClaimedError } from '../../../src/domain/errors';
import { startTestServer, complaintBody, type TestServer } from '../../support/server';

const DAY = 86_400_000;
const AGENT = { kind: 'agent' as const, id: 'U1', name: 'Wang' };
const OTHER = { kind: 'agent' as const, id: 'U2', name: 'Zhao' };
const CUSTOMER = { kind: 'customer' as const, id: 'webchat:c1' };

// Walking days of minute buckets takes a while on a loaded machine.
jest.setTimeout(300_000);

describe('survey, appeal and return visits', () => {
  let now = Date.parse('2026-03-09T10:00:00+08:00');
  const clock = { now: () => new Date(now) };
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer({ RETURN_VISIT_RATE: '0', RETURN_VISIT_DAYS: '5', SURVEY_TIMEOUT_DAYS: '3' }, { clock });
    b = await startTestServer({ MONGODB_DB: a.dbName, RETURN_VISIT_RATE: '0', RETURN_VISIT_DAYS: '5', SURVEY_TIMEOUT_DAYS: '3' }, { clock });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  async function resolved(body: Record<string, unknown> = {}): Promise<string> {
    const { ticket } = await a.complaints.file(complaintBody(body), { actor: { kind: 'api', id: 'rest' } });
    await a.complaints.claim(ticket.number, AGENT);
    await a.complaints.transition(ticket.number, 'resolve', { actor: AGENT, resolution: { remedy: 'refund', amount: null, note: 'done' } });
    return ticket.number;
  }

  /** One instance walks the due index up to now (the other may be stopped). */
  async function catchUp(s: TestServer): Promise<void> {
    const { due } = s.scheduler;
    do {
      await s.effects.drain();
      await s.jobs.scan();
    } while ((await due.scannedUpTo(true)) < due.bucketOf(clock.now()) - 1);
    await s.effects.drain();
  }

  async function feed(): Promise<FeedEntry[]> {
    return (await a.repository.feed.read(0, 100_000)).entries;
  }

  /**
   * Both instances scan at once (past their leases), repeatedly, until the scanners have walked up
   * to now (a pass walks at most a day of minutes): only the version lock keeps it exact.
   */
  async function scanBoth(): Promise<void> {
    const { due } = a.scheduler;
    do {
      await Promise.all([a.effects.drain(), b.effects.drain()]);
      await Promise.all([a.jobs.scan(), b.jobs.scan(), a.jobs.scan(), b.jobs.scan()]);
      await Promise.all([a.effects.drain(), b.effects.drain()]);
    } while ((await due.scannedUpTo(true)) < due.bucketOf(clock.now()) - 1);
  }

  it('when the customer rates 4, then the rating is on the record and the ticket is closed', async () => {
    const n = await resolved();
    const r = await a.complaints.rate(n, 4, CUSTOMER);
    expect(r).toMatchObject({ closed: true, offerAppeal: false });
    const t = await a.complaints.get(n);
    expect(t.status).toBe('closed');
    expect(t.satisfaction).toEqual({ rating: 4, at: new Date(now) });
    await expect(a.complaints.rate(n, 5, CUSTOMER)).rejects.toThrow(/not waiting for a rating/);
  });

  it('when the customer rates 2 and appeals, then the ticket is reopened with its number, a new deadline and the appeal event; resolved again, it gets a new survey', async () => {
    const n = await resolved();
    const r = await a.complaints.rate(n, 2, CUSTOMER);
    expect(r).toMatchObject({ closed: false, offerAppeal: true });
    now += 3600_000;
    const reopened = await a.complaints.appeal(n, CUSTOMER, 'the refund never came');
    expect(reopened.number).toBe(n);
    expect(reopened.status).toBe('reopened');
    const resolution = reopened.sla.deadlines.find((d) => d.kind === 'resolution')!;
    expect(resolution.metAt ?? null).toBeNull();
    expect(resolution.dueAt!.getTime()).toBeGreaterThan(now);
    const appealed = (await feed()).filter((e) => e.number === n && e.events.includes(EVENTS.TICKET_APPEALED));
    expect(appealed).toHaveLength(1);
    expect(appealed[0]!.events).toContain(EVENTS.TICKET_REOPENED);
    await a.complaints.claim(n, AGENT);
    const again = await a.complaints.transition(n, 'resolve', { actor: AGENT, resolution: { remedy: 'refund', amount: null, note: 'refunded' } });
    expect(again.survey).toMatchObject({ round: 2, answeredAt: null });
    expect(again.notices!.filter((x) => x.kind === 'survey')).toHaveLength(2);
  });

  it('when nobody answers in the survey window, with two instances scanning and one restarting, then each ticket is closed without rating exactly once', async () => {
    const numbers = await Promise.all(Array.from({ length: 6 }, (_, i) => resolved({ description: `Kettle ${i} leaks; refund please.` })));
    const resolvedAt = now;
    await scanBoth(); // the scanners' cursors start near now
    now = resolvedAt + 3 * DAY - 5 * 60_000;
    await catchUp(a);
    for (const n of numbers) expect((await a.complaints.get(n)).status).toBe('resolved');
    await b.stop();
    b = await startTestServer({ MONGODB_DB: a.dbName, RETURN_VISIT_RATE: '0', RETURN_VISIT_DAYS: '5' }, { clock });
    now = resolvedAt + 3 * DAY + 2 * 60_000;
    await scanBoth();
    const entries = await feed();
    for (const n of numbers) {
      const t = await a.complaints.get(n);
      expect(t.status).toBe('closed');
      expect(t.satisfaction ?? null).toBeNull();
      expect(t.survey?.timedOut).toBe(true);
      expect(entries.filter((e) => e.number === n && e.action === 'survey_timeout')).toHaveLength(1);
    }
  });

  it('when a major ticket closes, then its return visit falls due once N days later (two instances, one stopped meanwhile), one agent claims it and records the outcome', async () => {
    const n = await resolved({ description: 'The heater caught fire and burned my hand badly; I was injured and went to hospital.' });
    expect((await a.complaints.get(n)).severity).toBe('major');
    await a.complaints.rate(n, 5, CUSTOMER);
    const closedAt = now;
    await scanBoth();
    now = closedAt + 5 * DAY - 10 * 60_000;
    await catchUp(a);
    expect((await a.complaints.get(n)).returnVisit ?? null).toBeNull();
    // b is stopped while the visit falls due; a restarted b and a then scan the same minutes at once.
    await b.stop();
    now = closedAt + 5 * DAY - 60_000;
    await catchUp(a);
    b = await startTestServer({ MONGODB_DB: a.dbName, RETURN_VISIT_RATE: '0', RETURN_VISIT_DAYS: '5' }, { clock });
    now = closedAt + 5 * DAY + 2 * 60_000;
    await scanBoth();
    const t = await a.complaints.get(n);
    expect(t.returnVisit).toMatchObject({ reason: 'major', status: 'due', claimedBy: null });
    expect((await feed()).filter((e) => e.number === n && e.events.includes(EVENTS.TICKET_RETURN_VISIT_DUE))).toHaveLength(1);

    const claims = await Promise.allSettled([a.complaints.claimReturnVisit(n, AGENT), b.complaints.claimReturnVisit(n, OTHER)]);
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    const lost = claims.find((c) => c.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(AlreadyClaimedError);
    const winner = claims[0]!.status === 'fulfilled' ? AGENT : OTHER;
    const loser = winner === AGENT ? OTHER : AGENT;
    await expect(a.complaints.recordReturnVisit(n, { reached: true, satisfied: true, note: 'all good' }, loser)).rejects.toBeInstanceOf(AlreadyClaimedError);
    const done = await a.complaints.recordReturnVisit(n, { reached: true, satisfied: true, note: 'all good' }, winner);
    expect(done.returnVisit).toMatchObject({ status: 'done', outcome: { reached: true, satisfied: true, note: 'all good', by: { id: winner.id } } });
    await a.effects.drain();
    const audited = await a.database.conn.collection('audit_log').countDocuments({ action: { $in: ['ticket.claim_return_visit', 'ticket.record_return_visit'] } });
    expect(audited).toBe(2);
  });

  it('when RETURN_VISIT_RATE picks tickets at random, then about that share of closings get a visit, always the same ones', async () => {
    const { returnVisitReason } = await import('../../../src/domain/follow-up');
    const picked = Array.from({ length: 2000 }, (_, i) => returnVisitReason({ number: `2026${String(i + 1).padStart(6, '0')}`, severity: 'general' }, 5, { returnVisitRate: 0.2, salt: 's' })).filter(Boolean).length;
    expect(picked / 2000).toBeGreaterThan(0.17);
    expect(picked / 2000).toBeLessThan(0.23);
    expect(returnVisitReason({ number: '2026000007', severity: 'general' }, 5, { returnVisitRate: 0.2, salt: 's' })).toBe(returnVisitReason({ number: '2026000007', severity: 'general' }, 5, { returnVisitRate: 0.2, salt: 's' }));
  });
});
