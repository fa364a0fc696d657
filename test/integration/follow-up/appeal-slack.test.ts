/**
 * A customer's appeal reaches the agents' side: the thread notes the reopen, the owner and each
 * supervisor get a DM — once — and the customer's words stay out of the feed (kept as a message).
 */
import { FakeSlack } from '../../fakes/fake-slack';
import type { TestServer } from '../../support/server';
import { blockNetwork, file, restoreNetwork, rootTs, settle, startSlackServer } from '../../support/slack';

describe('appeal in Slack', () => {
  const fake = new FakeSlack();
  let server: TestServer;
  const owner = { kind: 'agent' as const, id: 'U0OWNER01', name: 'olga' };
  const customer = { kind: 'customer' as const, id: 'webchat:c1' };

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, { SLACK_SUPERVISORS: 'U0SUPER01,U0SUPER02' });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  it('when the customer rates 1 and appeals, then the thread notes the reopen and the owner and supervisors get one DM each', async () => {
    const n = await file(server);
    await server.complaints.claim(n, owner);
    await server.complaints.transition(n, 'resolve', { actor: owner, resolution: { remedy: 'refund', amount: null, note: 'refunded' } });
    const root = await rootTs(fake, server, n);
    await server.complaints.rate(n, 1, customer);
    await server.complaints.appeal(n, customer, 'The refund never arrived, my card 6222 0000 shows nothing');
    await server.effects.drain();
    await settle(server);
    await settle(server);
    const posts = fake.callsOf('chat.postMessage');
    for (const user of [owner.id, 'U0SUPER01', 'U0SUPER02']) {
      const dms = posts.filter((c) => c.args.channel === user && String(c.args.text).includes(`appealed the result of ticket ${n}`));
      expect(dms).toHaveLength(1);
    }
    expect(posts.some((c) => c.args.thread_ts === root.ts && String(c.args.text).includes('Reopened'))).toBe(true);
    // The customer's words are a message of the ticket (relayed to the thread as such), never in the feed.
    const { entries } = await server.repository.feed.read(0, 10_000);
    expect(JSON.stringify(entries.filter((e) => e.number === n))).not.toContain('6222');
    expect((await server.complaints.get(n)).status).toBe('reopened');
  });
});
