/**
 * Two service instances share one database and its outbox: every ticket gets one root message,
 * and a root whose poster died between posting and recording it is found, not posted again.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import { startTestServer, type TestServer } from '../../support/server';
import { blockNetwork, file, restoreNetwork, rootPost, settle, slackEnv, slackOptions, AGENTS_CHANNEL } from '../../support/slack';
import { MongoLease } from '../../../src/store/mongo-lease';

describe('Slack outbox with two instances', () => {
  const fake = new FakeSlack();
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    const env = slackEnv(fake, { SLACK_RATE_PER_CHANNEL: '50' });
    a = await startTestServer(env, slackOptions());
    // The second instance's outbox has its own lease object (another process); it stands by while the first delivers.
    b = await startTestServer({ ...env, MONGODB_DB: a.dbName }, slackOptions({ slack: { lease: new MongoLease(a.database.conn, 'delivery:slack', 1500) } }));
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
    await fake.stop();
    restoreNetwork();
  });

  it('when both instances file and change tickets, then each ticket has exactly one root message and every change reaches it', async () => {
    const numbers = await Promise.all(Array.from({ length: 10 }, (_, i) => file(i % 2 ? a : b)));
    for (const n of numbers.slice(0, 5)) await (Number(n.slice(-1)) % 2 ? a : b).complaints.claim(n, { kind: 'agent', id: 'U0TWIN001', name: 'twin' });
    await Promise.all([settle(a), settle(b)]);
    for (const n of numbers) {
      const roots = fake.callsOf('chat.postMessage').filter((c) => c.args.metadata?.event_payload?.number === n);
      expect(roots).toHaveLength(1);
    }
    for (const n of numbers.slice(0, 5)) {
      // What the channel shows last: the latest update, or the root itself when it was posted after the claim.
      const root = rootPost(fake, n)!;
      const last = fake.callsOf('chat.update').filter((c) => c.args.ts === root.response!.ts).pop() ?? root;
      expect(JSON.stringify(last.args.blocks)).toContain('<@U0TWIN001>');
    }
  });

  it('when the instance that delivers stops, then the other takes over and nothing is lost or doubled', async () => {
    await a.slack!.worker.stop(); // releases its lease
    const numbers = [await file(a), await file(b), await file(a)];
    await Promise.all([a.complaints.settled(), b.complaints.settled()]);
    await b.slack!.worker.drain(30_000);
    for (const n of numbers) expect(fake.callsOf('chat.postMessage').filter((c) => c.args.metadata?.event_payload?.number === n)).toHaveLength(1);
    a.slack!.worker.start();
  });

  it('when a root was posted but its poster died before recording it, then the next attempt finds it instead of posting again', async () => {
    const worker = a.slack!.worker;
    const other = b.slack!.worker;
    await Promise.all([worker.stop(), other.stop()]);
    const n = await file(a);
    // What a crash between Slack's answer and the record leaves: a reservation without ts, and the message in the channel.
    const at = new Date(Date.now() - 10 * 60_000);
    await a.database.conn.collection('slack_threads').insertOne({ _id: n as never, channel: AGENTS_CHANNEL, ts: null, holder: 'dead-instance', at, cardVersion: 0 });
    const seeded = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: AGENTS_CHANNEL, text: 'root', metadata: { event_type: 'complaint_ticket', event_payload: { number: n } } }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    worker.start();
    other.start();
    await settle(a);
    const roots = fake.callsOf('chat.postMessage').filter((c) => c.args.metadata?.event_payload?.number === n);
    expect(roots).toHaveLength(1); // the seeded one only
    const thread = await a.database.conn.collection('slack_threads').findOne({ _id: n as never });
    expect(thread?.ts).toBe(seeded.ts);
    expect(fake.callsOf('conversations.history').length).toBeGreaterThan(0);
  });
});
