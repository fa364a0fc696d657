/**
 * Deadlines come alive: with time moved by an injected clock, the durable scheduler gives each
 * red flag and each overdue escalation once — the Slack message is marked, the owner gets a DM,
 * the thread a note; a missed deadline escalates one tier, goes to the escalation channel and is
 * recorded against the tier that held the ticket; `/complaints overdue` finds it by `_id`.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import type { TestServer } from '../../support/server';
import { blockNetwork, ESCALATION_CHANNEL, file, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';
import { MongoTicketQueries } from '../../../src/store/mongo-ticket-queries';
import { EVENTS } from '../../../src/domain/events';

const MIN = 60_000;
/** Monday 9 March 2026, 10:00 in Shanghai: a working day. */
const MONDAY_10 = Date.parse('2026-03-09T10:00:00+08:00');

describe('red flags and overdue escalation', () => {
  const fake = new FakeSlack();
  let server: TestServer;
  let now = MONDAY_10;
  const clock = { now: () => new Date(now) };
  const owner = { kind: 'agent' as const, id: 'U0OWNER01', name: 'olga' };

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, { SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL, SLACK_TEAM_LEADS: 'S0LEADS01', SLACK_SUPERVISORS: 'U0SUPER01' }, { clock });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  /** Time passes; the scheduler scans (what the feed scheduled is in the due index first). */
  async function at(ms: number): Promise<void> {
    now = ms;
    await server.effects.drain();
    // One pass walks at most a day of minutes; a long jump takes a few.
    const { due } = server.scheduler;
    do await server.jobs.scan();
    while ((await due.scannedUpTo(true)) < due.bucketOf(clock.now()) - 1);
    await server.effects.drain();
    await settle(server);
  }

  async function entriesOf(number: string) {
    const { entries } = await server.repository.feed.read(0, 10_000);
    return entries.filter((e) => e.number === number);
  }

  it('when the first-contact warning point passes, then the card is flagged, the owner gets a DM and the thread a note — once', async () => {
    now = MONDAY_10;
    const n = await file(server);
    await server.complaints.claim(n, owner);
    const root = await rootTs(fake, server, n);
    await at(MONDAY_10 + 47 * MIN);
    expect((await server.complaints.get(n)).sla.deadlines.find((d) => d.kind === 'firstContact')!.warnedAt).toBeNull();

    await at(MONDAY_10 + 49 * MIN); // 80 % of the 1 h first-contact window = 10:48
    const t = await server.complaints.get(n);
    const fc = t.sla.deadlines.find((d) => d.kind === 'firstContact')!;
    expect(fc.warnedAt).toEqual(new Date(MONDAY_10 + 49 * MIN));
    expect(fc.warningsGiven).toBe(1);
    const dm = fake.callsOf('chat.postMessage').filter((c) => c.args.channel === owner.id);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.args.text).toContain(`Ticket ${n} of yours is close to its deadline: First contact`);
    expect(dm[0]!.args.text).toContain('https://fake.slack.test/archives/');
    const notes = fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts && String(c.args.text).includes('SLA warning'));
    expect(notes.map((c) => c.args.text)).toEqual([':alarm_clock: SLA warning: First contact']);
    const card = fake.callsOf('chat.update').filter((c) => c.args.ts === root.ts).pop()!;
    expect(JSON.stringify(card.args.blocks)).toContain(':triangular_flag_on_post:');

    // Scanning again (and again later in the minute) gives nothing more.
    await at(MONDAY_10 + 50 * MIN);
    await at(MONDAY_10 + 51 * MIN);
    expect(fake.callsOf('chat.postMessage').filter((c) => c.args.channel === owner.id)).toHaveLength(1);
    expect((await entriesOf(n)).filter((e) => e.events.includes(EVENTS.TICKET_WARNED))).toHaveLength(1);
  });

  it('when the deadline passes unmet, then the ticket goes up one tier, the miss is the owner tier\'s, the escalation channel is told and /complaints overdue lists it', async () => {
    now = MONDAY_10;
    const n = await file(server);
    await server.complaints.claim(n, owner);
    await at(MONDAY_10 + 49 * MIN);
    await at(MONDAY_10 + 61 * MIN);
    const t = await server.complaints.get(n);
    expect(t.sla.escalationTier).toBe(1);
    expect(t.sla.deadlines.find((d) => d.kind === 'firstContact')!.overdueAt).toEqual(new Date(MONDAY_10 + 61 * MIN));
    expect(t.sla.tiers).toEqual([
      { tier: 0, from: new Date(MONDAY_10), to: new Date(MONDAY_10 + 61 * MIN), missed: ['firstContact'] },
      { tier: 1, from: new Date(MONDAY_10 + 61 * MIN), to: null, missed: [] },
    ]);
    const posted = fake.callsOf('chat.postMessage').filter((c) => c.args.channel === ESCALATION_CHANNEL && String(c.args.text).includes(`Ticket ${n} missed`));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.args.text).toContain('<!subteam^S0LEADS01>');
    expect(posted[0]!.args.text).toContain('escalated to the team lead');
    const ovEntries = (await entriesOf(n)).filter((e) => e.events.includes(EVENTS.TICKET_OVERDUE));
    expect(ovEntries).toHaveLength(1);
    expect(ovEntries[0]!.events).toEqual([EVENTS.TICKET_OVERDUE, EVENTS.TICKET_ESCALATED]);

    const queries = new MongoTicketQueries(server.database.conn);
    expect((await queries.overdue(clock.now(), 50)).map((s) => s.number)).toContain(n);
    // Met later (a phone contact): it leaves the overdue list, and the tier that missed it keeps the miss.
    await server.complaints.recordContact(n, { actor: owner, how: 'phone' });
    expect((await queries.overdue(clock.now(), 50)).map((s) => s.number)).not.toContain(n);
    expect((await server.complaints.get(n)).sla.tiers![0]!.missed).toEqual(['firstContact']);
    // Nothing more happens to it at later scans of its minute.
    await at(MONDAY_10 + 62 * MIN);
    expect((await entriesOf(n)).filter((e) => e.events.includes(EVENTS.TICKET_OVERDUE))).toHaveLength(1);
  });

  it('when a high-risk complaint is filed, then it starts at the team lead\'s tier', async () => {
    now = MONDAY_10;
    const n = await file(server, { description: '你们再不退款我就去找媒体曝光，还要去12315投诉，我要杀了你们这群骗子' });
    const t = await server.complaints.get(n);
    expect(t.flags.highRisk).toBe(true);
    expect(t.sla.escalationTier).toBe(1);
    expect(t.sla.tiers).toEqual([{ tier: 1, from: new Date(MONDAY_10), to: null, missed: [] }]);
  });

  it('when the ticket waits for the customer, then its clock stops, and their message resumes it at once', async () => {
    now = MONDAY_10;
    const n = await file(server);
    await server.complaints.claim(n, owner);
    now = MONDAY_10 + 5 * MIN;
    await server.complaints.sendAgentMessage(n, { text: 'Could you send a photo of the receipt?' }, owner);
    await server.complaints.transition(n, 'request_info', { actor: owner });
    // 24 h fact check (clock hours) paused from 10:05 until the customer answers 25 hours later.
    await at(MONDAY_10 + 25 * 60 * MIN);
    let fact = (await server.complaints.get(n)).sla.deadlines.find((d) => d.kind === 'factCheck')!;
    expect(fact.dueAt).toBeNull();
    expect(fact.overdueAt).toBeNull();
    await server.complaints.addCustomerMessage(n, { text: 'Here it is' }, { kind: 'customer', id: 'c1' });
    fact = (await server.complaints.get(n)).sla.deadlines.find((d) => d.kind === 'factCheck')!;
    // 5 minutes were used before the pause: due 23 h 55 min after the answer.
    expect(fact.dueAt).toEqual(new Date(MONDAY_10 + 25 * 60 * MIN + (24 * 60 - 5) * MIN));
    await at(fact.dueAt!.getTime() + MIN);
    const t = await server.complaints.get(n);
    expect(t.sla.deadlines.find((d) => d.kind === 'factCheck')!.overdueAt).not.toBeNull();
    expect(t.sla.escalationTier).toBe(1);
  });

  it('when the customer asks for a person, then the ticket records it once and its thread and card show it', async () => {
    now = MONDAY_10;
    const n = await file(server);
    const root = await rootTs(fake, server, n);
    const customer = { kind: 'customer' as const, id: 'webchat:conv-1' };
    await server.complaints.requestPerson(n, customer);
    await server.complaints.requestPerson(n, customer);
    await settle(server);
    const notes = fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts && String(c.args.text).includes('asks to talk to a person'));
    expect(notes).toHaveLength(1);
    const card = fake.callsOf('chat.update').filter((c) => c.args.ts === root.ts).pop()!;
    expect(JSON.stringify(card.args.blocks)).toContain('asks for a person');
  });
});
