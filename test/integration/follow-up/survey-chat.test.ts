/**
 * The survey in the customer's own chat (Direct Line, as the widget uses it): the resolved
 * ticket's result notice and survey card arrive in the conversation; "4 …" rates and closes the
 * ticket (the comment kept as a message); on another ticket "1" offers an appeal and "appeal"
 * reopens it.
 */
import { startTestServer, type TestServer } from '../../support/server';

const ORIGIN = 'http://localhost:5173';
const AGENT = { kind: 'agent' as const, id: 'U1', name: 'Wang' };

describe('survey in the chat', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { noticeDelivery: { intervalMs: 50, backoffMs: 20 } });
  });
  afterAll(async () => {
    await server.stop();
  });

  async function chat(): Promise<{ say(text: string): Promise<string[]>; conversationId: string }> {
    const t = await server.post('/api/widget/token', {}, { origin: ORIGIN });
    const { token, conversationId } = t.body as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${token}` };
    await server.post('/v3/directline/conversations', { locale: 'en' }, auth);
    let watermark = '0';
    const read = async () => {
      const r = await server.get(`/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, auth);
      watermark = r.body.watermark as string;
      return r.body.activities as Array<{ text?: string; from: { role?: string }; attachments?: Array<{ content?: { buttons?: Array<{ value: string }> } }> }>;
    };
    return {
      conversationId,
      async say(text: string) {
        await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', text, from: { id: 'u', role: 'user' } }, auth);
        await server.effects.drain();
        await server.noticeDelivery.drain();
        return (await read()).filter((a) => a.from.role !== 'user').map((a) => `${a.text ?? ''}${a.attachments?.length ? ` [${a.attachments.flatMap((x) => x.content?.buttons ?? []).map((b) => b.value).join('|')}]` : ''}`);
      },
    };
  }

  /** File through the chat: answer what the bot asks until it gives a ticket number. */
  async function fileIn(c: Awaited<ReturnType<typeof chat>>): Promise<string> {
    let replies = await c.say('The kettle I bought at the Central Mall shop stopped heating after two days, I want a refund. I am Li Lei, phone 13812345678.');
    for (let i = 0; i < 8; i++) {
      const all = replies.join('\n');
      const n = /\b(20\d{8})\b/.exec(all)?.[1];
      if (n) return n;
      if (/submit/i.test(all)) replies = await c.say('Submit');
      else if (/photo|evidence|picture/i.test(all)) replies = await c.say('no');
      else if (/when/i.test(all)) replies = await c.say('yesterday');
      else replies = await c.say('no');
    }
    throw new Error(`no ticket number: ${replies.join(' / ')}`);
  }

  async function resolve(number: string): Promise<void> {
    await server.complaints.claim(number, AGENT);
    await server.complaints.transition(number, 'resolve', { actor: AGENT, resolution: { remedy: 'refund', amount: null, note: 'done' }, customerNotice: 'The heating element was faulty.' });
    await server.effects.drain();
    await server.noticeDelivery.drain();
  }

  it('when the customer answers the survey card with "4 quick and polite", then the rating is recorded, the ticket closed and the comment kept as a message', async () => {
    const c = await chat();
    const n = await fileIn(c);
    await resolve(n);
    const shown = await c.say('hello');
    expect(shown.join('\n')).toContain('What we found: The heating element was faulty.');
    expect(shown.join('\n')).toContain('[1|2|3|4|5|not satisfied]');
    const replies = await c.say('4 quick and polite');
    expect(replies.join('\n')).toContain(`Thank you for rating ticket ${n}: 4 of 5.`);
    const t = await server.complaints.get(n);
    expect(t.status).toBe('closed');
    expect(t.satisfaction?.rating).toBe(4);
    const last = t.messages[t.messages.length - 1]!;
    expect(last.direction).toBe('from_customer');
    const stored = await server.database.conn.collection('ticket_messages').findOne({ _id: last.id } as never);
    expect(JSON.stringify(stored)).toContain('quick and polite');
  });

  it('when the customer rates 1, then an appeal is offered, and "Appeal" reopens the ticket', async () => {
    const c = await chat();
    const n = await fileIn(c);
    await resolve(n);
    const offered = await c.say('1');
    expect(offered.join('\n')).toContain(`Would you like to appeal? Ticket ${n} will be reopened`);
    const replies = await c.say('Appeal');
    expect(replies.join('\n')).toContain(`ticket ${n} is reopened`);
    const t = await server.complaints.get(n);
    expect(t.status).toBe('reopened');
    expect(t.satisfaction?.rating).toBe(1);
  });
});
