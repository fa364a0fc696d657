/**
 * Socket Mode: with SLACK_APP_TOKEN the app opens a websocket (apps.connections.open) instead of
 * serving POST /slack/events, so a desk behind a firewall needs no public URL. Tested against a
 * local fake of apps.connections.open and its websocket.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import type { TestServer } from '../../support/server';
import { blockNetwork, file, restoreNetwork, settle, startSlackServer } from '../../support/slack';

describe('Slack Socket Mode', () => {
  const fake = new FakeSlack();
  let server: TestServer;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(fake, { SLACK_APP_TOKEN: 'xapp-1-A0FAKE-1-secret' });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  it('when started with an app token, then the app connects by websocket and POST /slack/events is not served', async () => {
    expect(server.slack!.mode).toBe('socket');
    await fake.waitFor(() => fake.socketCount > 0);
    const opened = fake.callsOf('apps.connections.open');
    expect(opened).toHaveLength(1);
    const r = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(404);
  });

  it('when Slack sends a slash command and a button click over the socket, then each envelope is acknowledged and acted on', async () => {
    await fake.waitFor(() => fake.socketCount > 0);
    const n = await file(server);
    await settle(server);
    fake.sendEnvelope({
      envelope_id: 'env-command-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: { token: 't', team_id: 'T0FAKE', channel_id: 'C0AGENTS1', user_id: 'U0SOCKET1', user_name: 'sam', command: '/complaints', text: `status ${n}`, response_url: fake.responseUrl('socket-status'), trigger_id: 'trig' },
    });
    const answer = await fake.waitFor(() => fake.responses.find((x) => x.id === 'socket-status'));
    expect(JSON.stringify(answer.body.blocks)).toContain(n);
    expect(fake.socketAcks.map((a) => a.envelope_id)).toContain('env-command-1');

    fake.sendEnvelope({
      envelope_id: 'env-action-1',
      type: 'interactive',
      accepts_response_payload: true,
      payload: {
        type: 'block_actions',
        user: { id: 'U0SOCKET1', username: 'sam', name: 'sam', team_id: 'T0FAKE' },
        team: { id: 'T0FAKE', domain: 'fake' },
        channel: { id: 'C0AGENTS1', name: 'agents' },
        container: { type: 'message', message_ts: '1.1', channel_id: 'C0AGENTS1' },
        trigger_id: 'trig',
        response_url: fake.responseUrl('socket-claim'),
        actions: [{ action_id: 'ticket_claim', block_id: 'b', type: 'button', value: `${n}:1`, action_ts: '1.2' }],
      },
    });
    await fake.waitFor(() => fake.socketAcks.find((a) => a.envelope_id === 'env-action-1'));
    await settle(server);
    expect((await server.complaints.get(n)).owner?.id).toBe('U0SOCKET1');
  });
});
