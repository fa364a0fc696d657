/**
 * `/complaints survey <number>` with SURVEY_AUTO=false: resolving sends no survey; the ticket's
 * owner (or a supervisor) sends it from Slack, and may send it again while the customer has not
 * rated (a new round with a new window); someone else's ticket, an open ticket and a rated one are
 * refused with a clear sentence.
 */
import { FakeCustomerChannel } from '../../fakes/fake-customer-channel';
import { FakeSlack } from '../../fakes/fake-slack';
import { sendSlack, slashCommand, type SlackUser } from '../../fixtures/slack-requests';
import { complaintBody, type TestServer } from '../../support/server';
import { blockNetwork, restoreNetwork, settle, startSlackServer } from '../../support/slack';

const owner: SlackUser = { id: 'U0OWNSUR1', username: 'olga' };
const other: SlackUser = { id: 'U0OTHSUR1', username: 'otto' };
const boss: SlackUser = { id: 'U0BOSSUR1', username: 'ben' };

describe('/complaints survey', () => {
  const fake = new FakeSlack();
  const webchat = new FakeCustomerChannel('webchat');
  let server: TestServer;
  let seq = 0;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, { SURVEY_AUTO: 'false', SURVEY_TIMEOUT_DAYS: '3', SLACK_SUPERVISORS: boss.id }, { customerChannels: [webchat], noticeDelivery: { intervalMs: 50, backoffMs: 20 } });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function run(user: SlackUser, text: string): Promise<string> {
    const id = `s${++seq}`;
    const r = await sendSlack(server.url, slashCommand(user, text, fake.responseUrl(id)));
    expect(r.status).toBe(200);
    await settle(server);
    await server.noticeDelivery.drain();
    const answer = fake.responses.find((x) => x.id === id);
    if (!answer) throw new Error(`no answer to "${text}"`);
    expect(answer.body.response_type).toBe('ephemeral');
    return String(answer.body.text);
  }

  async function resolvedTicket(): Promise<string> {
    const { ticket } = await server.complaints.file(
      { ...complaintBody(), channel: 'webchat', conversationRef: JSON.stringify({ conversation: { id: `c-${Math.random()}` } }), language: 'en' },
      { actor: { kind: 'customer', id: 'visitor' } },
    );
    const agent = { kind: 'agent' as const, id: owner.id, name: owner.username };
    await server.complaints.claim(ticket.number, agent);
    await server.complaints.transition(ticket.number, 'resolve', { actor: agent, resolution: { remedy: 'refund', amount: null, note: 'refunded' } });
    await server.noticeDelivery.drain();
    return ticket.number;
  }

  const surveysTo = (n: string) => webchat.sent.filter((s) => s.kind === 'survey' && s.text.includes(n));

  it('when the owner sends the survey of a resolved ticket, then the customer gets it with a window; sent again, a new round; once rated, it is refused', async () => {
    const n = await resolvedTicket();
    const resolved = await server.complaints.get(n);
    expect(resolved.survey ?? null).toBeNull(); // SURVEY_AUTO=false: nothing went out on resolving
    expect(surveysTo(n)).toHaveLength(0);

    const answer = await run(owner, `survey ${n}`);
    expect(answer).toMatch(new RegExp(`^The satisfaction survey of ticket ${n} is on its way to the customer; without an answer by <!date\\^\\d+\\^.*> the ticket closes without rating\\.$`));
    expect(surveysTo(n)).toHaveLength(1);
    expect(surveysTo(n)[0]!.choices?.length).toBeGreaterThanOrEqual(5);
    const first = (await server.complaints.get(n)).survey!;
    expect(first).toMatchObject({ round: 1, answeredAt: null });
    expect(first.dueAt.getTime() - first.at.getTime()).toBe(3 * 86_400_000);

    // Sent again (the customer did not see it): a new round, a new window.
    await run(owner, `survey ${n}`);
    expect(surveysTo(n)).toHaveLength(2);
    expect((await server.complaints.get(n)).survey).toMatchObject({ round: 2, answeredAt: null });

    await server.complaints.rate(n, 2, { kind: 'customer', id: 'visitor' });
    expect(await run(owner, `survey ${n}`)).toBe(`Ticket ${n}: The customer has already rated this resolution.`);
    expect(surveysTo(n)).toHaveLength(2);
  });

  it('when someone else asks, then only a supervisor may; an open ticket, a bad number and an unknown ticket are refused', async () => {
    const n = await resolvedTicket();
    expect(await run(other, `survey ${n}`)).toBe(`Ticket ${n} is owned by someone else; only its owner or a supervisor can change it.`);
    expect(surveysTo(n)).toHaveLength(0);
    expect(await run(boss, `survey ${n}`)).toContain(`The satisfaction survey of ticket ${n} is on its way`);
    expect(surveysTo(n)).toHaveLength(1);

    const { ticket: open } = await server.complaints.file(complaintBody(), { actor: { kind: 'api', id: 'rest' } });
    expect(await run(boss, `survey ${open.number}`)).toBe(`Ticket ${open.number}: The ticket is not resolved: a survey follows a resolution.`);
    expect(await run(owner, 'survey 42')).toBe('Give a ticket number: `/complaints survey 2026000123`.');
    expect(await run(owner, 'survey 2026999999')).toBe('There is no ticket 2026999999.');
    expect(await run(owner, 'help')).toContain('`survey <number>`');
  });
});
