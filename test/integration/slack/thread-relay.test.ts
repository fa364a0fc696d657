/**
 * The ticket's thread both ways: what the customer adds appears there (escaped); an agent's
 * reply goes to the customer only through an explicit act, only from the owner or a supervisor,
 * and is marked delivered or failed; the bot's own posts never echo; edits and deletions of a
 * sent message are answered.
 */
import pino from 'pino';
import { Writable } from 'node:stream';
import { FakeCustomerChannel } from '../../fakes/fake-customer-channel';
import { FakeSlack } from '../../fakes/fake-slack';
import { eventCallback, sendSlack, threadReply } from '../../fixtures/slack-requests';
import { complaintBody, type TestServer } from '../../support/server';
import { blockNetwork, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';

const owner = { id: 'U0OWNER01', username: 'olivia' };
const other = { id: 'U0OTHER01', username: 'oscar' };
const boss = { id: 'U0BOSS001', username: 'bea' };

describe('Slack thread relay', () => {
  const fake = new FakeSlack();
  const webchat = new FakeCustomerChannel('webchat');
  const lines: string[] = [];
  let server: TestServer;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    server = await startSlackServer(fake, { SLACK_SUPERVISORS: boss.id }, { customerChannels: [webchat], logger: pino({ level: 'debug' }, sink) });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function chatTicket(claimBy = owner): Promise<{ n: string; channel: string; ts: string }> {
    const { ticket } = await server.complaints.file(
      { ...complaintBody(), channel: 'webchat', conversationRef: JSON.stringify({ channelId: 'webchat', conversation: { id: `conv-${Math.random()}` } }), language: 'en' },
      { actor: { kind: 'customer', id: 'web-visitor' } },
    );
    await server.complaints.claim(ticket.number, { kind: 'agent', id: claimBy.id, name: claimBy.username });
    const root = await rootTs(fake, server, ticket.number);
    return { n: ticket.number, ...root };
  }

  const threadPosts = (ts: string) => fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts);

  it('when the customer adds text and evidence, then it appears in the thread, escaped', async () => {
    const t = await chatTicket();
    await server.complaints.addCustomerMessage(
      t.n,
      { text: 'Here is the receipt <!here> <@U0OWNER01>', evidence: [{ name: 'receipt.jpg', contentType: 'image/jpeg', size: 20480, sha256: 'a'.repeat(64) }] },
      { kind: 'customer', id: 'web-visitor' },
    );
    await settle(server);
    const post = threadPosts(t.ts).find((c) => String(c.args.text).includes('Customer'));
    expect(post?.args.text).toContain('Here is the receipt &lt;!here&gt; &lt;@U0OWNER01&gt;');
    expect(post?.args.text).toContain('receipt.jpg');
    // Never logged.
    expect(lines.join('\n')).not.toContain('Here is the receipt');
  });

  it('when the owner replies with the send prefix, then the customer gets it on their channel and the reply is marked delivered', async () => {
    const t = await chatTicket();
    const reply = threadReply(owner, t.channel, t.ts, '&gt;&gt; We are sending a replacement today &amp; will call you.');
    expect((await sendSlack(server.url, reply)).status).toBe(200);
    await settle(server);
    const sent = webchat.sent.filter((s) => s.text === 'We are sending a replacement today & will call you.');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.from).toEqual({ kind: 'agent' });
    const replyTs = JSON.parse(reply.body).event.ts as string;
    expect(fake.callsOf('reactions.add').filter((c) => c.args.timestamp === replyTs).map((c) => c.args.name)).toEqual(['white_check_mark']);
    // First contact is met by the owner's first message.
    expect((await server.complaints.get(t.n)).sla.deadlines.find((d) => d.kind === 'firstContact')?.metAt).not.toBeNull();
    // No copy of a message written in the thread itself, and the bot's own posts are not relayed back.
    expect(threadPosts(t.ts).filter((c) => String(c.args.text).includes('To the customer'))).toHaveLength(0);
    const echo = eventCallback({ type: 'message', subtype: 'bot_message', bot_id: fake.botId, channel: t.channel, text: '>> echo', ts: '1800000000.000001', thread_ts: t.ts });
    const ownPost = eventCallback({ type: 'message', user: fake.botUserId, bot_id: fake.botId, channel: t.channel, text: '>> echo', ts: '1800000000.000002', thread_ts: t.ts });
    await sendSlack(server.url, echo);
    await sendSlack(server.url, ownPost);
    await settle(server);
    expect(webchat.sent.filter((s) => s.text === 'echo')).toHaveLength(0);
  });

  it('when a reply has no prefix, then it stays an internal note; "Note:" typos included', async () => {
    const t = await chatTicket();
    const before = webchat.sent.length;
    for (const text of ['Note: customer sounds angry, check the order first', 'Nte: typo but still internal', 'ok']) {
      await sendSlack(server.url, threadReply(owner, t.channel, t.ts, text));
    }
    await settle(server);
    expect(webchat.sent.length).toBe(before);
    expect((await server.complaints.get(t.n)).messages).toHaveLength(0);
  });

  it('when someone other than the owner uses the prefix, then nothing is sent and they get a hint; a supervisor may send', async () => {
    const t = await chatTicket();
    const before = webchat.sent.length;
    await sendSlack(server.url, threadReply(other, t.channel, t.ts, '>> I am not the owner'));
    await settle(server);
    expect(webchat.sent.length).toBe(before);
    const hint = fake.callsOf('chat.postEphemeral').find((c) => c.args.user === other.id && c.args.thread_ts === t.ts);
    expect(hint?.args.text).toContain('Only the owner');
    await sendSlack(server.url, threadReply(boss, t.channel, t.ts, '>> Supervisor here: we apologise.'));
    await settle(server);
    expect(webchat.sent.map((s) => s.text)).toContain('Supervisor here: we apologise.');
  });

  it('when the customer channel refuses, then the reply is marked failed with the reason in the thread', async () => {
    const t = await chatTicket();
    webchat.failure = 'conversation not found';
    try {
      const reply = threadReply(owner, t.channel, t.ts, '>> Are you still there?');
      await sendSlack(server.url, reply);
      await settle(server);
      const replyTs = JSON.parse(reply.body).event.ts as string;
      expect(fake.callsOf('reactions.add').filter((c) => c.args.timestamp === replyTs).map((c) => c.args.name)).toEqual(['x']);
      const why = threadPosts(t.ts).find((c) => String(c.args.text).includes('Not delivered'));
      expect(why?.args.text).toContain('conversation not found');
    } finally {
      webchat.failure = null;
    }
  });

  it('when a sent reply is edited or deleted in Slack, then its author is told the customer keeps the original', async () => {
    const t = await chatTicket();
    const reply = threadReply(owner, t.channel, t.ts, '>> Refund of 100 yuan is on its way');
    await sendSlack(server.url, reply);
    await settle(server);
    const ts = JSON.parse(reply.body).event.ts as string;
    await sendSlack(server.url, eventCallback({ type: 'message', subtype: 'message_changed', channel: t.channel, hidden: true, ts: '1800000001.000001', message: { type: 'message', user: owner.id, text: '>> Refund of 200 yuan', ts, thread_ts: t.ts, edited: { user: owner.id, ts: '1800000001.000001' } }, previous_message: { type: 'message', user: owner.id, text: '>> Refund of 100 yuan is on its way', ts, thread_ts: t.ts } }));
    await sendSlack(server.url, eventCallback({ type: 'message', subtype: 'message_deleted', channel: t.channel, hidden: true, ts: '1800000002.000001', deleted_ts: ts, previous_message: { type: 'message', user: owner.id, text: '>> Refund of 100 yuan is on its way', ts, thread_ts: t.ts } }));
    await settle(server);
    const told = fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === owner.id && c.args.thread_ts === t.ts).map((c) => String(c.args.text));
    expect(told).toEqual([expect.stringContaining('edits are not sent'), expect.stringContaining('cannot be recalled')]);
    expect(webchat.sent.filter((s) => s.text.includes('200 yuan'))).toHaveLength(0);
  });

  it('when an agent message is written outside the thread (a modal), then a copy is posted in the thread and marked', async () => {
    const t = await chatTicket();
    await server.complaints.sendAgentMessage(t.n, { text: 'Your refund is approved.', messageId: 'modal-test' }, { kind: 'agent', id: owner.id, name: owner.username });
    await settle(server);
    const copy = threadPosts(t.ts).find((c) => String(c.args.text).includes('To the customer'));
    expect(copy?.args.text).toContain('Your refund is approved.');
    expect(fake.callsOf('reactions.add').filter((c) => c.args.timestamp === copy!.response!.ts).map((c) => c.args.name)).toEqual(['white_check_mark']);
  });
});

describe('Slack thread relay with SLACK_THREAD_DEFAULT=customer', () => {
  const fake = new FakeSlack();
  const webchat = new FakeCustomerChannel('webchat');
  let server: TestServer;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, { SLACK_THREAD_DEFAULT: 'customer' }, { customerChannels: [webchat] });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  it('when the default is flipped, then plain replies go out and note-prefixed ones stay internal', async () => {
    const { ticket } = await server.complaints.file({ ...complaintBody(), channel: 'webchat', conversationRef: '{"conversation":{"id":"c"}}' }, { actor: { kind: 'customer', id: 'v' } });
    await server.complaints.claim(ticket.number, { kind: 'agent', id: owner.id, name: owner.username });
    const root = await rootTs(fake, server, ticket.number);
    await sendSlack(server.url, threadReply(owner, root.channel, root.ts, 'Hello, we are on it.'));
    await sendSlack(server.url, threadReply(owner, root.channel, root.ts, '// internal: check the warehouse'));
    await settle(server);
    expect(webchat.sent.map((s) => s.text)).toEqual(['Hello, we are on it.']);
  });
});
