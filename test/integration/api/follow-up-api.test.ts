/**
 * After resolution over HTTP, for filing systems (API key): the customer's answer to the survey
 * (`POST /api/complaints/{number}/satisfaction`: a rating 1–5 with a comment, or "not satisfied")
 * and their appeal (`POST /api/complaints/{number}/appeal`), with the JSON error shapes of the other
 * routes: 401 without a key, 404 for an unknown ticket, 409 when no survey is open (or no appeal is
 * possible), 422 for a bad rating, 405 for other methods.
 */
import { newApiKey } from '../../../src/config/api-keys';
import { EVENTS } from '../../../src/domain/events';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const hotline = newApiKey('hotline');
const auth = { authorization: `Bearer ${hotline.key}` };
const AGENT = { kind: 'agent' as const, id: 'U0AGENTAPI', name: 'ann' };

describe('satisfaction and appeal over the REST API', () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer({ API_KEYS: hotline.entry });
  });
  afterAll(() => s.stop());

  async function filed(): Promise<string> {
    const r = await s.post('/api/complaints', complaintBody(), auth);
    expect(r.status).toBe(201);
    return r.body.number as string;
  }

  /** Filed by the hotline, resolved by an agent: the survey request went out (to the webhook). */
  async function resolved(): Promise<string> {
    const n = await filed();
    await s.complaints.claim(n, AGENT);
    await s.complaints.transition(n, 'resolve', { actor: AGENT, resolution: { remedy: 'refund', amount: null, note: 'refunded' } });
    expect((await s.complaints.get(n)).survey).toMatchObject({ round: 1, answeredAt: null });
    return n;
  }

  const rate = (n: string, body: unknown, headers: Record<string, string> = auth) => s.post(`/api/complaints/${n}/satisfaction`, body, headers);
  const appeal = (n: string, body: unknown, headers: Record<string, string> = auth) => s.post(`/api/complaints/${n}/appeal`, body, headers);

  it('when the customer rates 2 with a comment and then appeals, then the rating and comment are kept, an appeal is offered, and the appeal reopens the ticket with a new deadline', async () => {
    const n = await resolved();
    const r = await rate(n, { rating: 2, comment: 'The refund took three weeks.' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ number: n, status: 'resolved', rating: 2, closed: false, offerAppeal: true });
    const rated = await s.complaints.get(n);
    expect(rated.satisfaction).toMatchObject({ rating: 2 });
    const comment = rated.messages.filter((m) => m.direction === 'from_customer').pop()!;
    expect((await s.database.conn.collection('ticket_messages').findOne({ _id: comment.id as never }))?.text).toBe('The refund took three weeks.');
    // The survey is answered: a second answer is a conflict.
    const again = await rate(n, { rating: 4 });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'ticket.invalid_transition', message: `Ticket ${n} is not waiting for a rating.` });

    const a = await appeal(n, { reason: 'I still have not received the money.' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ number: n, status: 'reopened', scope: 'status' });
    expect(new Date(a.body.deadlines.resolution.dueAt).getTime()).toBeGreaterThan(Date.now());
    await s.effects.drain();
    const feed = (await s.repository.feed.read(0, 100_000)).entries.filter((e) => e.number === n && e.events.includes(EVENTS.TICKET_APPEALED));
    expect(feed).toHaveLength(1);
    // The customer's words are a message of the ticket, not in the feed.
    expect(JSON.stringify(feed)).not.toContain('received the money');
    const reopened = await appeal(n, {});
    expect(reopened.status).toBe(409);
    expect(reopened.body.error.code).toBe('ticket.invalid_transition');
  });

  it('when the customer rates 5, then the ticket is closed; "not satisfied" alone offers an appeal and leaves the survey open', async () => {
    const happy = await resolved();
    expect((await rate(happy, { rating: 5 })).body).toEqual({ number: happy, status: 'closed', rating: 5, closed: true, offerAppeal: false });
    expect((await s.complaints.get(happy)).status).toBe('closed');

    const unhappy = await resolved();
    const r = await rate(unhappy, { notSatisfied: true, comment: '   ' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ number: unhappy, status: 'resolved', rating: null, closed: false, offerAppeal: true });
    const t = await s.complaints.get(unhappy);
    expect(t.survey?.answeredAt ?? null).toBeNull();
    expect(t.messages.filter((m) => m.direction === 'from_customer')).toHaveLength(0); // a blank comment is no comment
  });

  it('when the request is wrong, then the same error shapes as the other routes: 401, 404, 409, 422, 400, 405', async () => {
    const n = await resolved();
    const noKey = await rate(n, { rating: 4 }, {});
    expect(noKey.status).toBe(401);
    expect(noKey.body.error.code).toBe('auth.api_key_required');
    expect((await appeal(n, {}, {})).status).toBe(401);

    const unknown = await rate('2026999999', { rating: 4 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'ticket.not_found' });
    expect((await appeal('2026999999', {})).status).toBe(404);

    const open = await filed();
    const notYet = await rate(open, { rating: 4 });
    expect(notYet.status).toBe(409);
    expect(notYet.body.error.code).toBe('ticket.invalid_transition');
    expect((await rate(open, { notSatisfied: true })).status).toBe(409);
    expect((await appeal(open, {})).status).toBe(409);

    for (const bad of [{ rating: 6 }, { rating: 0 }, { rating: 2.5 }, { rating: '5' }, {}, { notSatisfied: false }, { rating: 3, mood: 'ok' }, { rating: 3, comment: 'x'.repeat(2001) }]) {
      const r = await rate(n, bad);
      expect({ bad, status: r.status, code: r.body.error?.code }).toEqual({ bad, status: 422, code: 'validation.failed' });
      expect(r.body.error.details.problems.length).toBeGreaterThan(0);
    }
    expect((await rate(n, { rating: 6 })).body.error.details.problems).toEqual([{ field: 'rating', message: expect.stringMatching(/5/) }]);
    expect((await appeal(n, { reason: 'y'.repeat(2001) })).status).toBe(422);
    expect((await s.complaints.get(n)).status).toBe('resolved'); // nothing of the above changed it

    expect((await rate(n, [1, 2])).status).toBe(400);
    expect((await rate('12345', { rating: 4 })).body.error.code).toBe('request.invalid_ticket_number');
    expect((await rate(n, '{"rating":', { ...auth })).status).toBe(400);
    const text = await fetch(`${s.url}/api/complaints/${n}/satisfaction`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'four' });
    expect(text.status).toBe(415);
    const put = await fetch(`${s.url}/api/complaints/${n}/satisfaction`, { method: 'PUT', headers: auth });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    expect((await fetch(`${s.url}/api/complaints/${n}/appeal`, { method: 'GET', headers: auth })).status).toBe(405);
  });
});
