/** Without Slack keys the service still runs (customers can complain) and says at start that Slack is off. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { complaintBody, startTestServer } from '../../support/server';

describe('Slack off', () => {
  it('when no Slack keys are set, then the service starts, takes complaints, says Slack is off and serves no Slack endpoint', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const server = await startTestServer({}, { logger: pino({ level: 'info' }, sink) });
    try {
      expect(server.slack).toBeNull();
      expect(lines.some((l) => l.includes('Slack is off'))).toBe(true);
      expect((await server.post('/api/complaints', complaintBody())).status).toBe(201);
      expect((await server.post('/slack/events', { type: 'url_verification', challenge: 'x' })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
