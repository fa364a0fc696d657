/**
 * Every request to POST /slack/events is checked before any handler runs: forged, replayed and
 * stale requests get 401; Slack's retries of an event are handled once; bad payloads get 4xx or
 * a clear answer.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import { blockAction, buildSignedSlackRequest, eventCallback, sendSlack, threadReply } from '../../fixtures/slack-requests';
import type { TestServer } from '../../support/server';
import { AGENTS_CHANNEL, blockNetwork, file, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';

const carol = { id: 'U0CAROL01', username: 'carol' };

describe('Slack requests', () => {
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

  const claimClick = (n: string, options: { secret?: string; timestamp?: number } = {}) =>
    blockAction(carol, { actionId: 'ticket_claim', value: `${n}:1` }, { channel: AGENTS_CHANNEL, messageTs: '1.000001', responseUrl: fake.responseUrl('claim') }, options);

  it('when a request is signed with another secret, is stale, is from the future, or has no signature, then it gets 401 and nothing happens', async () => {
    const n = await file(server);
    const forged = claimClick(n, { secret: 'not-the-signing-secret-000000000000' });
    const stale = claimClick(n, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const future = claimClick(n, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    const unsigned = { body: claimClick(n).body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    const tampered = claimClick(n);
    tampered.body = tampered.body.replace('U0CAROL01', 'U0MALLORY');
    for (const req of [forged, stale, future, unsigned, tampered]) expect((await sendSlack(server.url, req)).status).toBe(401);
    await settle(server);
    expect((await server.complaints.get(n)).status).toBe('new');
    expect(fake.attemptsOf('chat.postEphemeral')).toHaveLength(0);
  });

  it('when the same signed request is sent again, then the replay gets 401 and the action ran once', async () => {
    const n = await file(server);
    const req = claimClick(n);
    expect((await sendSlack(server.url, req)).status).toBe(200);
    expect((await sendSlack(server.url, req)).status).toBe(401);
    await settle(server);
    const t = await server.complaints.get(n);
    expect(t.owner?.id).toBe('U0CAROL01');
    expect(t.version).toBe(2);
  });

  it('when Slack retries an event (same event_id, new signature), then it is handled once', async () => {
    const n = await file(server);
    const root = await rootTs(fake, server, n);
    // Not the owner (nobody owns it): the reply is answered with one ephemeral hint.
    const first = threadReply(carol, root.channel, root.ts, '>> we will refund you');
    const eventId = JSON.parse(first.body).event_id as string;
    expect((await sendSlack(server.url, first)).status).toBe(200);
    const retry = eventCallback(JSON.parse(first.body).event, { eventId, retryNum: 1 });
    expect((await sendSlack(server.url, retry)).status).toBe(200);
    await settle(server);
    expect(fake.callsOf('chat.postEphemeral').filter((c) => c.args.thread_ts === root.ts)).toHaveLength(1);
  });

  it('when Slack verifies the URL, then the challenge is echoed', async () => {
    const r = await sendSlack(server.url, buildSignedSlackRequest(JSON.stringify({ token: 't', challenge: 'abc123', type: 'url_verification' }), 'json'));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ challenge: 'abc123' });
  });

  it('when a signed payload is not JSON, then it gets 400; an unknown button gets a clear ephemeral answer', async () => {
    expect((await sendSlack(server.url, buildSignedSlackRequest('{not json', 'json'))).status).toBe(400);
    const n = await file(server);
    const before = fake.attemptsOf('chat.postEphemeral').length;
    const unknown = blockAction(carol, { actionId: 'ticket_teleport', value: `${n}:1` }, { channel: AGENTS_CHANNEL, messageTs: '1.000002', responseUrl: fake.responseUrl('x') });
    expect((await sendSlack(server.url, unknown)).status).toBe(200);
    await settle(server);
    const told = fake.callsOf('chat.postEphemeral').slice(before);
    expect(told.map((c) => c.args.text)).toEqual([expect.stringContaining('not recognised')]);
    // A button value that is not ours: told, nothing changed.
    const bad = blockAction(carol, { actionId: 'ticket_claim', value: 'DROP TABLE' }, { channel: AGENTS_CHANNEL, messageTs: '1.000003', responseUrl: fake.responseUrl('x') });
    expect((await sendSlack(server.url, bad)).status).toBe(200);
    await settle(server);
    expect(fake.callsOf('chat.postEphemeral').slice(before)).toHaveLength(2);
    expect((await server.complaints.get(n)).status).toBe('new');
  });
});
