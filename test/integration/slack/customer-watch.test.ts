/**
 * The customer's history in Slack: a repeat complaint links the earlier ticket in its message and
 * thread, the earlier ticket's thread and owner are told, and the repeat is counted; supervisors
 * flag a customer as malicious with a required reason (button and modal, or the command), which is
 * audited without the contact, and the customer's new tickets go to the review channel, marked;
 * many rejections make the desk suggest it; unflagging routes them as usual again.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import { blockAction, sendSlack, slashCommand, viewSubmission, type SlackUser } from '../../fixtures/slack-requests';
import { parsePeriod } from '../../../src/reports/periods';
import { complaintBody, type TestServer } from '../../support/server';
import { AGENTS_CHANNEL, allText, blockNetwork, restoreNetwork, rootPost, rootTs, settle, startSlackServer } from '../../support/slack';

const REVIEW_CHANNEL = 'C0REVIEW9';
const owner: SlackUser = { id: 'U0OWNER09', username: 'olive' };
const agent: SlackUser = { id: 'U0AGENT09', username: 'abe' };
const boss: SlackUser = { id: 'U0SUPER09', username: 'sue' };

describe('recurrence and the malicious flag in Slack', () => {
  const fake = new FakeSlack();
  let server: TestServer;
  let seq = 0;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, { SLACK_SUPERVISORS: boss.id, SLACK_REVIEW_CHANNEL: REVIEW_CHANNEL, MALICIOUS_SUGGEST_REJECTIONS: '2' });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function fileFor(phone: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await server.post('/api/complaints', complaintBody({ customer: { name: 'Repeat Customer', phone }, category: 'billing', description: 'I was charged twice for one order.', ...extra }));
    expect(r.status).toBe(201);
    return r.body.number as string;
  }

  async function command(user: SlackUser, text: string): Promise<string> {
    const id = `w${++seq}`;
    expect((await sendSlack(server.url, slashCommand(user, text, fake.responseUrl(id)))).status).toBe(200);
    await settle(server);
    return String(fake.responses.find((x) => x.id === id)?.body.text ?? '');
  }

  async function click(user: SlackUser, actionId: string, number: string): Promise<any> {
    const t = await server.complaints.get(number);
    const root = await rootTs(fake, server, number);
    const before = fake.callsOf('views.open').length;
    const r = await sendSlack(server.url, blockAction(user, { actionId, value: `${number}:${t.version}` }, { channel: root.channel, messageTs: root.ts, responseUrl: fake.responseUrl(`c${++seq}`) }));
    expect(r.status).toBe(200);
    await settle(server);
    return fake.callsOf('views.open').slice(before)[0]?.args.view ?? null;
  }

  async function submit(user: SlackUser, view: any, reason: string): Promise<any> {
    const r = await sendSlack(server.url, viewSubmission(user, { callbackId: view.callback_id, privateMetadata: view.private_metadata, values: { reason: { text: reason } } }));
    expect(r.status).toBe(200);
    await settle(server);
    return r.json;
  }

  /** The blocks of a ticket's message as Slack shows it now: its last update, or the post itself. */
  const latestCard = (ts: string, number: string) => allText((fake.callsOf('chat.update').filter((c) => c.args.ts === ts).at(-1) ?? rootPost(fake, number))?.args.blocks);

  const threadTexts = (channel: string, ts: string) =>
    fake
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === channel && c.args.thread_ts === ts)
      .map((c) => String(c.args.text));

  it('when a customer complains again in the same category, then the new ticket links the earlier one, whose thread and owner are told, and the repeat is counted', async () => {
    const phone = '+86 131 0909 0001';
    const first = await fileFor(phone);
    await server.complaints.claim(first, { kind: 'agent', id: owner.id, name: owner.username });
    const firstRoot = await rootTs(fake, server, first);
    const repeat = await fileFor(phone, { description: 'Charged twice again for another order.' });
    await settle(server);
    expect((await server.complaints.get(repeat)).flags.recurrenceOf).toBe(first);

    const firstLink = `https://fake.slack.test/archives/${firstRoot.channel}/p${firstRoot.ts.replace('.', '')}`;
    // The new ticket's message links the earlier one; so does its thread, naming the owner.
    expect(allText(rootPost(fake, repeat)!.args.blocks)).toContain(`<${firstLink}|${first}>`);
    const repeatRoot = await rootTs(fake, server, repeat);
    const repeatLink = `https://fake.slack.test/archives/${repeatRoot.channel}/p${repeatRoot.ts.replace('.', '')}`;
    expect(threadTexts(repeatRoot.channel, repeatRoot.ts).find((t) => t.includes('Repeat complaint'))).toBe(
      `:repeat: Repeat complaint: the same customer complained in this category before, ticket <${firstLink}|${first}> (owned by <@${owner.id}>).`,
    );
    // The earlier ticket's thread and its owner hear of it, once.
    expect(threadTexts(firstRoot.channel, firstRoot.ts).filter((t) => t.includes('complained again'))).toEqual([`:repeat: The same customer complained again: ticket <${repeatLink}|${repeat}>.`]);
    expect(fake.callsOf('chat.postMessage').filter((c) => c.args.channel === owner.id).map((c) => c.args.text)).toEqual([
      `:repeat: The customer of your ticket ${first} complained again: ticket <${repeatLink}|${repeat}>.`,
    ]);
    // Counted: one repeat among the complaints filed today.
    const k = await server.reports.service.kpis(parsePeriod('today', new Date(), server.config.SLA_TIMEZONE, 'month'));
    expect(k.recurrence.count).toBe(1);
  });

  it('when a supervisor flags a rejected ticket’s customer with a reason, then it is audited without the contact and their next complaint goes to review, marked; unflagging ends it', async () => {
    const phone = '+86 131 0909 0002';
    const rejected = await fileFor(phone, { category: 'contract', description: 'The contract is unfair, refund everything.' });
    await server.complaints.transition(rejected, 'reject', { actor: { kind: 'agent', id: agent.id }, reason: 'malicious: abusive' });
    await settle(server);
    // The card of a rejected ticket offers the flag (to supervisors).
    const rejectedRoot = await rootTs(fake, server, rejected);
    expect(latestCard(rejectedRoot.ts, rejected)).toContain('ticket_flag_malicious');

    // Not a supervisor: told so, no modal.
    expect(await click(agent, 'ticket_flag_malicious', rejected)).toBeNull();
    expect(fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === agent.id).map((c) => c.args.text)).toEqual(['Only supervisors can flag or unflag a customer as malicious.']);

    const view = await click(boss, 'ticket_flag_malicious', rejected);
    expect(view.callback_id).toBe('view_flag_malicious');
    // The reason is required: an empty one is refused in the modal, and nothing is recorded.
    expect(await submit(boss, view, '   ')).toEqual({ response_action: 'errors', errors: { reason: 'Required.' } });
    expect((await server.complaints.get(rejected)).flags.suspectedMalicious).toBeNull();
    await submit(boss, view, 'Abusive language in five complaints this month');
    const flagged = await server.complaints.get(rejected);
    expect(flagged.flags.suspectedMalicious).toMatchObject({ reason: 'Abusive language in five complaints this month', by: boss.id });
    await server.effects.drain();
    const audit = await server.database.conn.collection('audit_log').findOne({ key: `${rejected}:${flagged.version}` });
    expect(audit).toMatchObject({ action: 'ticket.flag_malicious', actor: { kind: 'agent', id: boss.id } });
    expect(String(audit!.after)).toContain('Abusive language in five complaints this month');
    expect(JSON.stringify(audit)).not.toContain('0909 0002');
    expect(JSON.stringify(audit)).not.toContain('09090002');

    // Still answered, but routed for review and marked.
    const next = await fileFor(phone, { description: 'Another complaint about the contract terms.' });
    await settle(server);
    const post = rootPost(fake, next)!;
    expect(post.args.channel).toBe(REVIEW_CHANNEL);
    expect(allText(post.args.blocks)).toContain(`Customer flagged as malicious (on ${rejected}): Abusive language in five complaints this month`);
    expect(allText(post.args.blocks)).toContain('ticket_unflag_malicious');
    const nextRoot = await rootTs(fake, server, next);
    expect(threadTexts(nextRoot.channel, nextRoot.ts).some((t) => t.includes('Answer them as usual'))).toBe(true);

    // Unflag by the command, with a reason: audited, and the next complaint is routed as usual.
    expect(await command(agent, `unflag ${next} mistake`)).toContain('Only supervisors');
    expect(await command(boss, `unflag ${next} Spoke with the customer; it was a misunderstanding`)).toContain(`no longer flagged`);
    await server.effects.drain();
    const cleared = await server.complaints.get(next);
    expect(cleared.flags).toMatchObject({ suspectedMalicious: null, maliciousCleared: { reason: 'Spoke with the customer; it was a misunderstanding', by: boss.id } });
    expect(await server.database.conn.collection('audit_log').findOne({ key: `${next}:${cleared.version}` })).toMatchObject({ action: 'ticket.unflag_malicious' });
    const after = await fileFor(phone, { description: 'One more about the contract.' });
    await settle(server);
    expect(rootPost(fake, after)!.args.channel).toBe(AGENTS_CHANNEL);
    expect((await server.complaints.get(after)).flags.suspectedMalicious).toBeNull();

    // `/complaints flag <number>` without a reason opens the same modal.
    const opened = fake.callsOf('views.open').length;
    await command(boss, `flag ${after}`);
    expect(fake.callsOf('views.open').slice(opened)[0]?.args.view.callback_id).toBe('view_flag_malicious');
  });

  it('when a contact with many rejected complaints complains again, then the desk suggests flagging to the supervisors', async () => {
    const phone = '+86 131 0909 0003';
    for (const category of ['contract', 'other']) {
      const n = await fileFor(phone, { category, description: `Nonsense complaint about ${category}.` });
      await server.complaints.transition(n, 'reject', { actor: { kind: 'agent', id: agent.id }, reason: 'outside_jurisdiction: not ours' });
    }
    await settle(server);
    await server.effects.drain();
    const third = await fileFor(phone, { category: 'after_sales', description: 'The repair took too long.' });
    await settle(server);
    expect((await server.complaints.get(third)).flags).toMatchObject({ maliciousSuggested: { rejected: 2 }, suspectedMalicious: null });
    const post = rootPost(fake, third)!;
    expect(post.args.channel).toBe(AGENTS_CHANNEL);
    expect(allText(post.args.blocks)).toContain('2 rejected complaints from this contact');
    expect(allText(post.args.blocks)).toContain('ticket_flag_malicious');
    const root = await rootTs(fake, server, third);
    expect(threadTexts(root.channel, root.ts).find((t) => t.includes('rejected complaints'))).toBe(
      `<@${boss.id}> :grey_question: This contact has 2 rejected complaints. If it is abuse, a supervisor may flag the customer as malicious (*Flag as malicious*).`,
    );
  });

  it('when a customer’s data is erased, then their words leave Slack: the card shows nothing of them and the app’s posts of their messages are deleted', async () => {
    const phone = '+86 131 0909 0004';
    const n = await fileFor(phone, { description: 'My neighbour Wang at 8 Erase Street sold me a broken heater HTR-GONE-4.' });
    await server.complaints.addCustomerMessage(n, { text: 'Call me at home, 8 Erase Street, after six.' }, { kind: 'customer', id: 'conv-erase' });
    await settle(server);
    const root = await rootTs(fake, server, n);
    const relayed = fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === root.ts && String(c.args.text).includes('after six'));
    expect(relayed).toBeDefined();
    const relayedTs = (await server.database.conn.collection('deliveries').find({}).toArray()).find((d) => String(d._id).startsWith(`slack:${n}:`) && String(d._id).includes('customer_message/thread#done'))?.result?.ts;
    expect(relayedTs).toBeTruthy();

    await server.complaints.eraseCustomer({ phone }, { kind: 'agent', id: boss.id });
    await settle(server);
    expect(fake.callsOf('chat.delete').map((c) => c.args)).toEqual([expect.objectContaining({ channel: root.channel, ts: relayedTs })]);
    const lastCard = latestCard(root.ts, n);
    expect(lastCard).not.toContain('Erase Street');
    expect(lastCard).toContain('[erased]');
    expect(lastCard).toContain('Personal data erased');
    expect(threadTexts(root.channel, root.ts).some((t) => t.startsWith(':wastebasket: Personal data erased'))).toBe(true);
  });
});
