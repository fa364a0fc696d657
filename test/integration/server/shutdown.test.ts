/** Graceful shutdown: stop accepting, finish what is in flight, then close the database. */
import http from 'node:http';
import { complaintBody, startTestServer } from '../../support/server';

describe('graceful shutdown', () => {
  it('when stop() is called during an upload, then that request still completes and new connections are refused', async () => {
    const server = await startTestServer();
    const body = JSON.stringify(complaintBody());
    const half = Math.floor(body.length / 2);

    let upload!: http.ClientRequest;
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${server.url}/api/complaints`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, half));
      upload = req;
    });

    // The server has the request (its first half) before shutdown begins …
    await new Promise<void>((r) => server.server.once('request', () => r()));
    const conn = server.database.conn;
    const stopped = server.stop();
    // … and the rest of the upload arrives only once the server no longer accepts connections.
    while (server.server.listening) await new Promise((r) => setImmediate(r));
    upload.end(body.slice(half));

    const answer = await response;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body).number).toMatch(/^\d{10}$/);

    await stopped;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(conn.readyState).toBe(0);
  });
});
