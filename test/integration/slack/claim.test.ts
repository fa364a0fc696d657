/**
 * Claiming from Slack: twenty agents click at once, exactly one owns the ticket, the others are
 * told who did; the owner is the Slack user, in the audit log by user ID.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import { blockAction, sendSlack } from '../../fixtures/slack-requests';
import type { TestServer } from '../../support/server';
import { blockNetwork, file, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';

describe('claim from Slack', () => {
  const fake = new FakeSlack();
  let server: TestServer;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake);
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  it('when twenty agents click Claim at once, then exactly one owns it and the nineteen others are told who', async () => {
    const n = await file(server);
    const root = await rootTs(fake, server, n);
    const agents = Array.from({ length: 20 }, (_, i) => ({ id: `U0AGENT${String(i).padStart(2, '0')}`, username: `agent${i}` }));
    const responses = await Promise.all(
      agents.map((a) => sendSlack(server.url, blockAction(a, { actionId: 'ticket_claim', value: `${n}:1` }, { channel: root.channel, messageTs: root.ts, responseUrl: fake.responseUrl(a.id) }))),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await settle(server);
    const t = await server.complaints.get(n);
    expect(t.status).toBe('claimed');
    const owner = t.owner!.id;
    expect(agents.map((a) => a.id)).toContain(owner);
    expect(t.owner!.name).toBe(agents.find((a) => a.id === owner)!.username);
    expect(t.version).toBe(2); // one claim committed, no other change
    const told = fake.callsOf('chat.postEphemeral').filter((c) => c.args.channel === root.channel);
    expect(told.map((c) => c.args.user).sort()).toEqual(agents.map((a) => a.id).filter((id) => id !== owner).sort());
    for (const c of told) expect(c.args.text).toBe(`Ticket ${n} is already claimed by <@${owner}>.`);
    // The audit log records the Slack user ID; the card shows the owner by mention (Slack shows the name).
    await server.effects.drain();
    const audit = await server.database.conn.collection('audit_log').findOne({ key: `${n}:2` });
    expect(audit?.actor).toEqual({ kind: 'agent', id: owner });
    const update = fake.callsOf('chat.update').filter((c) => c.args.ts === root.ts).pop()!;
    expect(JSON.stringify(update.args.blocks)).toContain(`<@${owner}>`);
  });

  it('when the owner double-clicks Claim, then the second click is the same request and nothing is refused', async () => {
    const n = await file(server);
    const root = await rootTs(fake, server, n);
    const dave = { id: 'U0DAVE001', username: 'dave' };
    const click = () => sendSlack(server.url, blockAction(dave, { actionId: 'ticket_claim', value: `${n}:1` }, { channel: root.channel, messageTs: root.ts, responseUrl: fake.responseUrl('dave') }));
    const before = fake.attemptsOf('chat.postEphemeral').length;
    await Promise.all([click(), click()]);
    await settle(server);
    expect((await server.complaints.get(n)).owner?.id).toBe('U0DAVE001');
    expect(fake.attemptsOf('chat.postEphemeral').slice(before)).toHaveLength(0);
  });

  it('when claiming alone, then the first-contact deadline is not met; recording a phone contact meets it', async () => {
    const n = await file(server);
    const root = await rootTs(fake, server, n);
    const erin = { id: 'U0ERIN001', username: 'erin' };
    await sendSlack(server.url, blockAction(erin, { actionId: 'ticket_claim', value: `${n}:1` }, { channel: root.channel, messageTs: root.ts, responseUrl: fake.responseUrl('erin') }));
    await settle(server);
    const claimed = await server.complaints.get(n);
    expect(claimed.sla.deadlines.find((d) => d.kind === 'firstContact')?.metAt).toBeNull();
    await sendSlack(server.url, blockAction(erin, { actionId: 'ticket_record_contact', value: `${n}:2` }, { channel: root.channel, messageTs: root.ts, responseUrl: fake.responseUrl('erin') }));
    await settle(server);
    const contacted = await server.complaints.get(n);
    expect(contacted.sla.deadlines.find((d) => d.kind === 'firstContact')?.metAt).not.toBeNull();
    expect(contacted.status).toBe('claimed');
    const note = fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === root.ts && String(c.args.text).includes('Phone contact'));
    expect(note?.args.text).toContain('<@U0ERIN001>');
    // The button is gone from the updated message.
    const update = fake.callsOf('chat.update').filter((c) => c.args.ts === root.ts).pop()!;
    expect(JSON.stringify(update.args.blocks)).not.toContain('ticket_record_contact');
  });
});
