/**
 * Return visits in Slack: when a visit falls due (the scheduler, after RETURN_VISIT_DAYS), the
 * outbox posts it to SLACK_RETURN_VISIT_CHANNEL (else the ticket's channel) with a Claim button;
 * of two agents claiming at once one gets it and the other is told who; the message then offers
 * "Record outcome" to whoever took it, whose modal (outcome + required note) records the visit;
 * each step updates the message, and the outcome is noted in the ticket's thread.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import { blockAction, sendSlack, viewSubmission } from '../../fixtures/slack-requests';
import { complaintBody, type TestServer } from '../../support/server';
import { AGENTS_CHANNEL, allText, blockNetwork, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';

const VISITS_CHANNEL = 'C0RETVIS1';
const ann = { id: 'U0ANNVIS1', username: 'ann' };
const bob = { id: 'U0BOBVIS1', username: 'bob' };

describe('return visits in Slack', () => {
  const fake = new FakeSlack();
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const servers: TestServer[] = [];

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function start(env: Record<string, string> = {}): Promise<TestServer> {
    // A visit falls due 0.01 days (14.4 minutes) after closing; only major tickets get one.
    const s = await startSlackServer(fake, { RETURN_VISIT_RATE: '0', RETURN_VISIT_DAYS: '0.01', ...env }, { clock });
    servers.push(s);
    await s.jobs.scan(); // the scheduler's cursor starts now
    return s;
  }

  /** A major ticket resolved, rated and closed; then the clock passes its return visit's due time and the scheduler runs. */
  async function visitDue(s: TestServer): Promise<string> {
    const { ticket } = await s.complaints.file(complaintBody({ category: 'product_quality', severity: 'major', customer: { name: 'Zhao Liu', phone: '13911112222' } }), { actor: { kind: 'api', id: 'rest' } });
    const n = ticket.number;
    await s.complaints.claim(n, { kind: 'agent', id: ann.id, name: ann.username });
    await s.complaints.transition(n, 'resolve', { actor: { kind: 'agent', id: ann.id }, resolution: { remedy: 'refund', amount: null, note: 'refunded' } });
    await s.complaints.rate(n, 5, { kind: 'customer', id: 'c' });
    await s.effects.drain();
    await s.jobs.scan();
    offsetMs += 16 * 60_000;
    await s.jobs.scan();
    await s.effects.drain();
    await settle(s);
    expect((await s.complaints.get(n)).returnVisit).toMatchObject({ reason: 'major', status: 'due' });
    return n;
  }

  const visitPosts = (n: string) => fake.callsOf('chat.postMessage').filter((c) => !c.args.thread_ts && allText(c.args.blocks).includes('return_visit_') && allText(c.args.blocks).includes(n));

  it('when a visit falls due, then it is posted with a Claim button; of two claims one wins, the other is told who; the winner records the outcome in a modal', async () => {
    const s = await start({ SLACK_RETURN_VISIT_CHANNEL: VISITS_CHANNEL });
    const n = await visitDue(s);
    const posts = visitPosts(n);
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.args.channel).toBe(VISITS_CHANNEL);
    const blocks = allText(post.args.blocks);
    expect(blocks).toContain('Return visit due');
    expect(blocks).toContain('return_visit_claim');
    expect(blocks).toContain('139****2222'); // the customer masked, as on the ticket message
    expect(blocks).not.toContain('13911112222');
    expect(blocks).toContain('https://fake.slack.test/archives/'); // a link to the ticket's thread
    const visitTs = String(post.response?.ts);
    const closedVersion = (await s.complaints.get(n)).returnVisit!.closedVersion;
    const click = (who: typeof ann, actionId: string) =>
      sendSlack(s.url, blockAction(who, { actionId, value: `${n}:${closedVersion}` }, { channel: VISITS_CHANNEL, messageTs: visitTs, responseUrl: fake.responseUrl(who.id) }));

    // Two agents claim at once: one takes it, the other is told who has it.
    const ephemeralBefore = fake.callsOf('chat.postEphemeral').length;
    const answers = await Promise.all([click(ann, 'return_visit_claim'), click(bob, 'return_visit_claim')]);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await settle(s);
    const claimed = (await s.complaints.get(n)).returnVisit!;
    expect(claimed.status).toBe('claimed');
    const winner = claimed.claimedBy!.id === ann.id ? ann : bob;
    const loser = winner === ann ? bob : ann;
    const told = fake.callsOf('chat.postEphemeral').slice(ephemeralBefore);
    expect(told.map((c) => [c.args.user, c.args.text])).toEqual([[loser.id, `The return visit of ticket ${n} is already taken by <@${winner.id}>.`]]);
    const afterClaim = fake.callsOf('chat.update').filter((c) => c.args.ts === visitTs).pop()!;
    expect(afterClaim.args.channel).toBe(VISITS_CHANNEL);
    expect(allText(afterClaim.args.blocks)).toContain(`Taken by <@${winner.id}>`);
    expect(allText(afterClaim.args.blocks)).toContain('return_visit_record');
    expect(allText(afterClaim.args.blocks)).not.toContain('return_visit_claim');

    // Only the one who took it may record it.
    const opened = fake.callsOf('views.open').length;
    await click(loser, 'return_visit_record');
    await settle(s);
    expect(fake.callsOf('views.open')).toHaveLength(opened);
    expect(fake.callsOf('chat.postEphemeral').pop()!.args).toMatchObject({ user: loser.id, text: `The return visit of ticket ${n} is already taken by <@${winner.id}>.` });
    await click(winner, 'return_visit_record');
    await settle(s);
    const view = fake.callsOf('views.open').slice(opened)[0]!.args.view;
    expect(view.callback_id).toBe('view_return_visit');
    expect(allText(view.blocks)).toContain('reached_satisfied');
    expect(allText(view.blocks)).toContain('not_reached');

    // The note is required; then the outcome is recorded, audited, and shown.
    const submit = (values: Record<string, { text?: string; option?: string }>) => sendSlack(s.url, viewSubmission(winner, { callbackId: view.callback_id, privateMetadata: view.private_metadata, values }));
    const missing = await submit({ outcome: { option: 'reached_unsatisfied' }, note: { text: '  ' } });
    expect(missing.json).toEqual({ response_action: 'errors', errors: { note: 'Required.' } });
    expect((await s.complaints.get(n)).returnVisit!.status).toBe('claimed');
    const ok = await submit({ outcome: { option: 'reached_unsatisfied' }, note: { text: 'The kettle works, but the refund took too long.' } });
    expect(ok.status).toBe(200);
    await settle(s);
    const done = (await s.complaints.get(n)).returnVisit!;
    expect(done).toMatchObject({ status: 'done', outcome: { reached: true, satisfied: false, note: 'The kettle works, but the refund took too long.', by: { id: winner.id } } });
    await s.effects.drain();
    expect(await s.database.conn.collection('audit_log').countDocuments({ action: 'ticket.record_return_visit' })).toBe(1);
    const afterDone = fake.callsOf('chat.update').filter((c) => c.args.ts === visitTs).pop()!;
    expect(allText(afterDone.args.blocks)).toContain(`Done by <@${winner.id}>: Reached, not satisfied`);
    expect(allText(afterDone.args.blocks)).not.toContain('return_visit_record');
    const root = await rootTs(fake, s, n);
    const note = fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === root.ts && String(c.args.text).includes('Return visit by'));
    expect(note?.args.text).toBe(`:telephone_receiver: Return visit by <@${winner.id}>: Reached, not satisfied — The kettle works, but the refund took too long.`);

    // A click on the finished visit's button changes nothing.
    await click(winner, 'return_visit_claim');
    await settle(s);
    expect(fake.callsOf('chat.postEphemeral').pop()!.args.text).toBe(`This return visit of ticket ${n} is no longer open.`);
    expect((await s.complaints.get(n)).returnVisit!.status).toBe('done');
  });

  it('when no return-visit channel is set, then the visit is posted in the ticket’s own channel', async () => {
    const s = await start();
    const before = fake.callsOf('chat.postMessage').length;
    const n = await visitDue(s);
    const posts = visitPosts(n).filter((c) => fake.callsOf('chat.postMessage').indexOf(c) >= before);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe(AGENTS_CHANNEL);
  });
});
