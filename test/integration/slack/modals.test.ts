/**
 * Every modal, from the button that opens it to what the core records: values out of range are
 * answered in the modal, valid submissions act once through the core and its audit, refusals
 * are told in an ephemeral message.
 */
import { FakeCustomerChannel } from '../../fakes/fake-customer-channel';
import { FakeSlack } from '../../fakes/fake-slack';
import { blockAction, sendSlack, viewSubmission } from '../../fixtures/slack-requests';
import { complaintBody, type TestServer } from '../../support/server';
import { blockNetwork, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';

const owner = { id: 'U0OWNER02', username: 'olga' };
const other = { id: 'U0OTHER02', username: 'otto' };
const colleague = { id: 'U0COLLEA2', username: 'cole' };

describe('Slack modals', () => {
  const fake = new FakeSlack();
  const webchat = new FakeCustomerChannel('webchat');
  let server: TestServer;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, {}, { customerChannels: [webchat] });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function ticket(options: { claim?: boolean } = {}): Promise<{ n: string; channel: string; ts: string }> {
    const { ticket: t } = await server.complaints.file(
      { ...complaintBody(), channel: 'webchat', conversationRef: JSON.stringify({ conversation: { id: `c-${Math.random()}` } }), language: 'en' },
      { actor: { kind: 'customer', id: 'visitor' } },
    );
    if (options.claim !== false) await server.complaints.claim(t.number, { kind: 'agent', id: owner.id, name: owner.username });
    return { n: t.number, ...(await rootTs(fake, server, t.number)) };
  }

  /** Click a ticket button and return the view Slack was asked to open. */
  async function open(t: { n: string; channel: string; ts: string }, actionId: string, who = owner): Promise<any> {
    const version = (await server.complaints.get(t.n)).version;
    const before = fake.callsOf('views.open').length;
    const r = await sendSlack(server.url, blockAction(who, { actionId, value: `${t.n}:${version}` }, { channel: t.channel, messageTs: t.ts, responseUrl: fake.responseUrl('m') }));
    expect(r.status).toBe(200);
    await settle(server);
    return fake.callsOf('views.open').slice(before)[0]?.args.view ?? null;
  }

  async function submit(view: any, values: Record<string, { text?: string; option?: string; user?: string | null }>, who = owner, viewId?: string) {
    const r = await sendSlack(server.url, viewSubmission(who, { callbackId: view.callback_id, privateMetadata: view.private_metadata, values, ...(viewId ? { id: viewId } : {}) }));
    expect(r.status).toBe(200);
    await settle(server);
    return r.json;
  }

  it('when Resolve is submitted with an amount out of range, then the modal says so; when valid, then the ticket is resolved with its remedy and the customer gets the result notice', async () => {
    const t = await ticket();
    const view = await open(t, 'ticket_resolve');
    expect(view.callback_id).toBe('view_resolve');
    expect(view.blocks.map((b: any) => b.block_id).filter(Boolean)).toEqual(['result', 'remedy', 'amount', 'notice']);
    expect(await submit(view, { result: { text: 'Refunded' }, remedy: { option: 'refund' }, amount: { text: '12abc' }, notice: { text: 'Refunded.' } })).toEqual({
      response_action: 'errors',
      errors: { amount: expect.stringContaining('number') },
    });
    expect(await submit(view, { result: { text: '' }, remedy: { option: 'refund' }, amount: { text: '99999999' }, notice: { text: '' } })).toMatchObject({
      response_action: 'errors',
      errors: { result: 'Required.', amount: expect.any(String), notice: 'Required.' },
    });
    expect((await server.complaints.get(t.n)).status).toBe('claimed');
    expect(await submit(view, { result: { text: 'Refunded in full after checking the order' }, remedy: { option: 'refund' }, amount: { text: '199.50' }, notice: { text: 'We refunded 199.50 yuan.' } })).toBeNull();
    const after = await server.complaints.get(t.n);
    expect(after.status).toBe('resolved');
    expect(after.resolution).toMatchObject({ remedy: 'refund', amount: 199.5, note: 'Refunded in full after checking the order', by: { kind: 'agent', id: owner.id } });
    // What the customer is told goes into the result notice (with the remedy and how to appeal).
    await server.noticeDelivery.drain();
    expect(webchat.sent.some((s) => s.text.includes('What we found: We refunded 199.50 yuan.') && s.text.includes('Remedy: a refund (amount 199.50)'))).toBe(true);
    const note = fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === t.ts && String(c.args.text).includes('Resolved by'));
    expect(note?.args.text).toContain('Refund 199.50');
  });

  it('when Reject is submitted, then the reason is required, the ticket is rejected with it and the customer is told', async () => {
    const t = await ticket({ claim: false });
    const view = await open(t, 'ticket_reject', other);
    expect(await submit(view, { reason: { option: 'elsewhere' }, explanation: { text: 'x' } }, other)).toMatchObject({ response_action: 'errors', errors: { reason: 'Required.' } });
    await submit(view, { reason: { option: 'duplicate' }, explanation: { text: 'This is the same as your ticket 2026000001, which we are handling.' } }, other);
    const after = await server.complaints.get(t.n);
    expect(after.status).toBe('rejected');
    expect(after.rejection?.reason).toBe('duplicate: This is the same as your ticket 2026000001, which we are handling.');
    expect(webchat.sent.map((s) => s.text)).toContain('This is the same as your ticket 2026000001, which we are handling.');
  });

  it('when Request info is submitted, then the question goes to the customer and the SLA clock pauses until they answer', async () => {
    const t = await ticket();
    const view = await open(t, 'ticket_request_info');
    await submit(view, { question: { text: 'Could you send a photo of the serial number?' } });
    const waiting = await server.complaints.get(t.n);
    expect(waiting.status).toBe('waiting_customer');
    expect(waiting.sla.pauses.some((p) => p.to === null)).toBe(true);
    expect(waiting.sla.deadlines.find((d) => d.kind === 'resolution')?.dueAt).toBeNull();
    expect(webchat.sent.map((s) => s.text)).toContain('Could you send a photo of the serial number?');
    await server.complaints.addCustomerMessage(t.n, { text: 'Here: SN 12345' }, { kind: 'customer', id: 'visitor' });
    await settle(server);
    expect((await server.complaints.get(t.n)).status).toBe('investigating');
    const notes = fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === t.ts).map((c) => String(c.args.text));
    expect(notes.some((x) => x.includes('Waiting for the customer'))).toBe(true);
    expect(notes.some((x) => x.includes('The customer answered'))).toBe(true);
  });

  it('when Reclassify is submitted, then category and severity change, deadlines are recomputed and a labelled example is kept', async () => {
    const t = await ticket();
    const view = await open(t, 'ticket_reclassify');
    const before = await server.complaints.get(t.n);
    const ephemerals = fake.callsOf('chat.postEphemeral').length;
    await submit(view, { category: { option: before.category }, severity: { option: before.severity } });
    expect(fake.callsOf('chat.postEphemeral').slice(ephemerals).map((c) => c.args.text)).toEqual(['Change the category or the severity.']);
    await submit(view, { category: { option: 'billing' }, severity: { option: 'major' } });
    const after = await server.complaints.get(t.n);
    expect(after).toMatchObject({ category: 'billing', severity: 'major' });
    expect(after.classification.categoryDecidedBy).toBe('agent');
    expect(after.sla.deadlines.find((d) => d.kind === 'resolution')?.budget).not.toEqual(before.sla.deadlines.find((d) => d.kind === 'resolution')?.budget);
    await server.effects.drain();
    const examples = await server.database.conn.collection('classification_feedback').find({ ticketNumber: t.n }).toArray();
    expect(examples).toHaveLength(1);
    expect(examples[0]).toMatchObject({ category: 'billing', severity: 'major', decidedBy: 'agent' });
  });

  it('when Escalate is submitted, then the ticket goes up one tier, and at the top there is nothing to submit', async () => {
    const t = await ticket();
    let view = await open(t, 'ticket_escalate');
    expect(JSON.stringify(view.blocks)).toContain('team lead');
    await submit(view, { note: { text: 'Customer threatens to go to the media' } });
    expect((await server.complaints.get(t.n)).sla.escalationTier).toBe(1);
    view = await open(t, 'ticket_escalate');
    await submit(view, { note: { text: '' } });
    expect((await server.complaints.get(t.n)).sla.escalationTier).toBe(2);
    view = await open(t, 'ticket_escalate');
    // The card no longer offers it; a stale button opens a modal without a submit button.
    expect(view.submit).toBeUndefined();
    const notes = fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === t.ts).map((c) => String(c.args.text));
    expect(notes).toContain(':arrow_double_up: Escalated to the team lead by <@U0OWNER02>');
    expect(notes).toContain('<@U0OWNER02>: Customer threatens to go to the media');
  });

  it('when Unclaim / reassign is submitted, then the ticket goes back to the queue or to the colleague', async () => {
    const t = await ticket();
    let view = await open(t, 'ticket_release');
    await submit(view, { assignee: { user: colleague.id } });
    expect((await server.complaints.get(t.n)).owner?.id).toBe(colleague.id);
    view = await open(t, 'ticket_release', colleague);
    await submit(view, { assignee: { user: null } }, colleague);
    const after = await server.complaints.get(t.n);
    expect(after.status).toBe('new');
    expect(after.owner).toBeNull();
  });

  it('when Reply to customer is used, then the modal shows the language, a preview of exactly what goes out, and Send sends it once', async () => {
    const t = await ticket();
    const view = await open(t, 'ticket_reply');
    expect(JSON.stringify(view.blocks)).toContain('*English*');
    expect(await submit(view, { message: { text: '  ' } })).toMatchObject({ response_action: 'errors', errors: { message: 'Required.' } });
    const preview = await submit(view, { message: { text: 'We will replace the kettle <today>.' } });
    expect(preview.response_action).toBe('update');
    expect(preview.view.callback_id).toBe('view_reply_preview');
    const shown = preview.view.blocks.map((b: any) => b.text?.text).filter(Boolean);
    expect(shown).toContain('>We will replace the kettle &lt;today&gt;.');
    expect(webchat.sent.filter((s) => s.text.startsWith('We will replace'))).toHaveLength(0); // nothing yet
    const viewId = 'V0PREVIEW1';
    await submit(preview.view, {}, owner, viewId);
    await submit(preview.view, {}, owner, viewId); // pressed twice
    expect(webchat.sent.filter((s) => s.text === 'We will replace the kettle <today>.')).toHaveLength(1);
  });

  it('when someone who is not the owner presses an owner button, then no modal opens and they are told why', async () => {
    const t = await ticket();
    const before = fake.callsOf('chat.postEphemeral').length;
    expect(await open(t, 'ticket_resolve', other)).toBeNull();
    expect(fake.callsOf('chat.postEphemeral').slice(before).map((c) => c.args.text)).toEqual([`Ticket ${t.n} is owned by someone else; only its owner or a supervisor can change it.`]);
  });

  it('when a submission meets a transition the state no longer allows, then the agent is told in an ephemeral message', async () => {
    const t = await ticket();
    const view = await open(t, 'ticket_request_info');
    await server.complaints.transition(t.n, 'resolve', { actor: { kind: 'agent', id: owner.id }, resolution: { note: 'done by phone' } });
    const before = fake.callsOf('chat.postEphemeral').length;
    await submit(view, { question: { text: 'One more question?' } });
    const told = fake.callsOf('chat.postEphemeral').slice(before);
    expect(told.map((c) => c.args.text)).toEqual([expect.stringContaining(`Ticket ${t.n}: A ticket that is resolved cannot be`)]);
    expect(told[0]!.args.channel).toBe(t.channel);
  });

  it('when the modal metadata is not ours, then the submission is refused in the modal', async () => {
    const r = await sendSlack(server.url, viewSubmission(owner, { callbackId: 'view_resolve', privateMetadata: '{"n":"oops"}', values: { result: { text: 'x' } } }));
    expect(r.json).toMatchObject({ response_action: 'errors', errors: { result: expect.stringContaining('not recognised') } });
  });
});
