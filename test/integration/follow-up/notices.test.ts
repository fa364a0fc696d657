/**
 * Result notices and survey requests reach the customer: on their channel (the survey with its
 * buttons), by e-mail through a real SMTP server when the channel cannot put it before them now,
 * and to the filing system's webhook (HMAC-signed, retried) for complaints filed through the API.
 * The ticket records how each one went out and whether it arrived.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startTestServer, complaintBody, type TestServer } from '../../support/server';
import { FakeCustomerChannel } from '../../fakes/fake-customer-channel';
import type { Ticket } from '../../../src/domain/ticket';

const AGENT = { kind: 'agent' as const, id: 'U1', name: 'Wang' };
const SECRET = 'webhook-secret-0123456789';

describe('result notices and survey requests', () => {
  let server: TestServer;
  const webchat = new FakeCustomerChannel('webchat');
  const wechat = new FakeCustomerChannel('wechat');
  const mails: Array<{ to: string[]; data: string }> = [];
  const hooks: Array<{ body: any; signature: string; timestamp: string }> = [];
  let hookFailures = 0;
  let smtp: SMTPServer;
  let hookServer: http.Server;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    hookServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (hookFailures > 0) {
          hookFailures--;
          res.writeHead(503).end();
          return;
        }
        hooks.push({ body: JSON.parse(body), signature: String(req.headers['x-complaint-desk-signature']), timestamp: String(req.headers['x-complaint-desk-timestamp']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
    server = await startTestServer(
      {
        SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
        SMTP_FROM: 'Desk <desk@example.com>',
        NOTICE_WEBHOOK_URL: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/notices`,
        NOTICE_WEBHOOK_SECRET: SECRET,
      },
      { customerChannels: [webchat, wechat], noticeDelivery: { backoffMs: 20, maxBackoffMs: 50, intervalMs: 50, maxAttempts: 4 } },
    );
  });
  afterAll(async () => {
    await server.stop();
    await new Promise((r) => smtp.close(() => r(undefined)));
    await new Promise((r) => hookServer.close(() => r(undefined)));
  });

  async function fileChat(channel: 'webchat' | 'wechat', email?: string): Promise<string> {
    const { ticket } = await server.complaints.file(
      { ...complaintBody({ customer: { name: 'Li', phone: '+86 138 0000 0001', ...(email ? { email } : {}) } }), channel, language: 'en', conversationRef: JSON.stringify({ channelId: channel, conversation: { id: `c-${crypto.randomUUID()}` } }) },
      { actor: { kind: 'customer', id: 'conv' } },
    );
    return ticket.number;
  }

  async function resolve(number: string): Promise<Ticket> {
    await server.complaints.claim(number, AGENT);
    await server.complaints.transition(number, 'resolve', { actor: AGENT, resolution: { remedy: 'refund', amount: 99, note: 'faulty heating element' }, customerNotice: 'The kettle was faulty.' });
    await server.effects.drain();
    await server.noticeDelivery.drain();
    return server.complaints.get(number);
  }

  it('when a chat ticket is resolved, then the result notice and the survey card reach the customer on their channel, and the ticket records both as sent', async () => {
    const number = await fileChat('webchat');
    const t = await resolve(number);
    const mine = webchat.sent.filter((s) => s.text.includes(number));
    expect(mine.map((s) => s.kind)).toEqual(['result', 'survey']);
    expect(mine[0]!.text).toContain('What we found: The kettle was faulty.');
    expect(mine[0]!.text).toContain('Remedy: a refund (amount 99.00)');
    expect(mine[0]!.text).toMatch(/appeal/);
    expect(mine[1]!.choices!.map((c) => c.value)).toEqual(['1', '2', '3', '4', '5', 'not satisfied']);
    expect(t.notices!.map((n) => [n.kind, n.status, n.via])).toEqual([
      ['result', 'sent', 'channel'],
      ['survey', 'sent', 'channel'],
    ]);
    expect(t.survey).toMatchObject({ round: 1, answeredAt: null });
    // The texts are kept with the ticket's messages (personal data, erasable).
    const stored = await server.database.conn.collection('ticket_messages').findOne({ _id: t.notices![0]!.id } as never);
    expect(JSON.stringify(stored)).toContain('The kettle was faulty.');
  });

  it('when the channel cannot put the notice before the customer now (WeChat outside its window) and they gave an e-mail, then the result goes by e-mail too', async () => {
    wechat.answer = { via: 'queued', waiting: true };
    const number = await fileChat('wechat', 'li@example.com');
    const t = await resolve(number);
    const mail = mails.find((m) => m.data.includes(number));
    expect(mail?.to).toEqual(['li@example.com']);
    expect(mail!.data).toMatch(/Subject: Result of your complaint \(ticket \d{10}\)/);
    expect(mail!.data).toContain('The kettle was faulty.');
    const [result, survey] = t.notices!;
    expect(result).toMatchObject({ status: 'sent', via: 'email', detail: 'channel: queued, waiting' });
    // The survey waits on the channel (answering by e-mail is not possible).
    expect(survey).toMatchObject({ status: 'sent', via: 'channel', detail: 'queued, waiting' });
    wechat.answer = undefined;
  });

  it('when the channel keeps failing and there is no e-mail address, then the ticket records that the notice did not arrive', async () => {
    webchat.failure = 'conversation gone';
    const number = await fileChat('webchat');
    const t = await resolve(number);
    webchat.failure = null;
    expect(t.notices![0]).toMatchObject({ kind: 'result', status: 'failed', via: null });
    expect(t.notices![0]!.reason).toMatch(/conversation gone|kept failing/);
  });

  it('when a complaint filed through the API is resolved, then its notices go to the webhook, signed, retried after a failure, each once', async () => {
    hookFailures = 1;
    const filed = await server.post('/api/complaints', complaintBody({ language: 'en' }));
    expect(filed.status).toBe(201);
    const number = filed.body.number as string;
    const t = await resolve(number);
    const mine = hooks.filter((h) => h.body.ticket === number);
    expect(mine.map((h) => h.body.type)).toEqual(['result_notice', 'survey_request']);
    for (const h of mine) {
      const expected = `sha256=${crypto.createHmac('sha256', SECRET).update(`${h.timestamp}.${JSON.stringify(h.body)}`).digest('hex')}`;
      expect(h.signature).toBe(expected);
    }
    expect(mine[0]!.body.text).toContain('The kettle was faulty.');
    expect(t.notices!.map((n) => [n.status, n.via])).toEqual([
      ['sent', 'webhook'],
      ['sent', 'webhook'],
    ]);
  });
});
