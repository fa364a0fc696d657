/**
 * The outbox delivers the core's events to Slack: routed, with the ticket message's content
 * masked and escaped, updated on every change, and complete after an outage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../../fakes/fake-slack';
import type { TestServer } from '../../support/server';
import { AGENTS_CHANNEL, allText, blockNetwork, ESCALATION_CHANNEL, file, restoreNetwork, rootPost, settle, startSlackServer } from '../../support/slack';

describe('Slack outbox', () => {
  const fake = new FakeSlack();
  let server: TestServer;
  let routingFile: string;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    routingFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'routing-')), 'routing.json');
    fs.writeFileSync(routingFile, JSON.stringify({ routes: [{ category: 'billing', channel: 'C0BILLING' }, { severity: 'major', category: ['safety'], channel: 'C0SAFETY1' }] }));
    server = await startSlackServer(fake, { SLACK_ROUTING_FILE: routingFile, SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL, SLACK_SUPERVISORS: 'S0SUPERVI' });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  it('when complaints are filed, then each goes to its routed channel, and major ones also to the escalation channel mentioning the supervisors', async () => {
    const kettle = await file(server);
    const bill = await file(server, { description: 'I was charged twice for my monthly plan, the bill shows a double charge of 99 yuan.' });
    const fire = await file(server, { description: 'The charger caught fire and burned my hand, my child was injured. This is dangerous.' });
    await settle(server);
    expect(rootPost(fake, kettle)?.args.channel).toBe(AGENTS_CHANNEL);
    expect(rootPost(fake, bill)?.args.channel).toBe('C0BILLING');
    expect(rootPost(fake, fire)?.args.channel).toBe('C0SAFETY1');
    const escalations = fake.callsOf('chat.postMessage').filter((c) => c.args.channel === ESCALATION_CHANNEL);
    expect(escalations).toHaveLength(1);
    expect(allText(escalations[0]!.args.blocks)).toContain('<!subteam^S0SUPERVI>');
    expect(allText(escalations[0]!.args.blocks)).toContain(fire);
    expect(allText(escalations[0]!.args.blocks)).toContain('<#C0SAFETY1>');
  });

  it('when the ticket message is posted, then contacts are masked, customer text is escaped and cut, and the new-ticket buttons are there', async () => {
    const long = `<!channel> <https://evil.example|your bank> & more. ${'The kettle leaks badly. '.repeat(60)}`;
    const n = await file(server, { description: long, customer: { name: 'Zhang San', phone: '13812345678', email: 'zhang.san@example.com' }, amount: { value: 199, currency: 'CNY' } });
    await settle(server);
    const post = rootPost(fake, n)!;
    const text = allText(post.args.blocks);
    expect(text).toContain('138****5678');
    expect(text).toContain('z***@e***.com');
    expect(text).toContain('Z*** S***');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('zhang.san@example.com');
    expect(text).not.toContain('Zhang San');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('CNY 199.00');
    expect(text).toContain('ticket_more'); // cut, with the full text a click away
    const actions = (post.args.blocks as any[]).find((b) => b.type === 'actions');
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['ticket_claim', 'ticket_reclassify', 'ticket_reject']);
    expect(actions.elements[0].value).toBe(`${n}:1`);
  });

  it('when a ticket changes, then its message is updated to the truth and the change is noted in its thread', async () => {
    const n = await file(server);
    await settle(server);
    const root = rootPost(fake, n)!;
    const { ts } = (await server.database.conn.collection('slack_threads').findOne({ _id: n as never }))!;
    await server.complaints.claim(n, { kind: 'agent', id: 'U0ALICE01', name: 'alice' });
    await settle(server);
    const update = fake.callsOf('chat.update').filter((c) => c.args.ts === ts).pop()!;
    expect(update.args.channel).toBe(root.args.channel);
    expect(allText(update.args.blocks)).toContain('<@U0ALICE01>');
    const buttons = (update.args.blocks as any[]).find((b) => b.type === 'actions').elements.map((e: any) => e.action_id);
    expect(buttons).toEqual(expect.arrayContaining(['ticket_reply', 'ticket_resolve', 'ticket_request_info', 'ticket_escalate', 'ticket_release']));
    expect(buttons).not.toContain('ticket_claim');
    const note = fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === ts && String(c.args.text).includes('Claimed by <@U0ALICE01>'));
    expect(note).toBeDefined();
  });

  it('when Slack answers 500s and 429s for a while, then every message arrives once afterwards', async () => {
    fake.fail({ method: 'chat.postMessage', status: 500, times: 4 });
    fake.fail({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 3 });
    const numbers = [await file(server), await file(server), await file(server)];
    await settle(server);
    const refused = fake.attemptsOf('chat.postMessage').filter((c) => c.ok !== true);
    expect(refused.map((c) => c.status).sort()).toEqual([429, 429, 429, 500, 500, 500, 500]);
    for (const n of numbers) {
      // Tried again after the failures, accepted exactly once, and its thread recorded.
      const accepted = fake.callsOf('chat.postMessage').filter((c) => c.args.metadata?.event_payload?.number === n);
      expect(accepted).toHaveLength(1);
      const doc = await server.database.conn.collection('slack_threads').findOne({ _id: n as never });
      expect(doc?.ts).toBe(accepted[0]!.response!.ts);
    }
  });
});
