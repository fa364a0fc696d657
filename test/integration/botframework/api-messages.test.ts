/**
 * Bot Framework at /api/messages: real activity JSON posted over HTTP to the real service and
 * database; the bot's replies are caught where they would leave the machine (the connector at
 * serviceUrl, nocked).
 */
import crypto from 'node:crypto';
import nock from 'nock';
import { startTestServer, type TestServer } from '../../support/server';
import { buildActivity, CONNECTOR, EVERYTHING_ZH } from '../../fixtures/activities';

let server: TestServer;
const replies = new Map<string, string[]>();

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await server.stop();
});

beforeEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(CONNECTOR)
    .persist()
    .post(/\/v3\/conversations\/[^/]+\/activities(\/.*)?$/)
    .reply(200, (uri, body) => {
      const conversation = decodeURIComponent(uri.split('/')[3]!);
      const b = body as { text?: string; attachments?: Array<{ content?: { body?: Array<{ text?: string }> } }> };
      const facts = (b.attachments ?? []).flatMap((a) => (a.content?.body ?? []).map((x) => (x.text ?? '').replace(/\*\*/g, '').replace(/\\(.)/g, '$1')));
      replies.set(conversation, [...(replies.get(conversation) ?? []), [b.text ?? '', ...facts].join('\n')]);
      return { id: crypto.randomUUID() };
    });
});

async function say(conversationId: string, text: string, overrides: Record<string, unknown> = {}) {
  const before = replies.get(conversationId)?.length ?? 0;
  const res = await server.post('/api/messages', buildActivity(conversationId, { text, ...overrides }));
  return { status: res.status, replies: (replies.get(conversationId) ?? []).slice(before).join('\n---\n') };
}

/** Tickets in the database (the tests of this file run one at a time). */
function ticketCount(): Promise<number> {
  return server.database.conn.collection('tickets').countDocuments({});
}

describe('POST /api/messages', () => {
  it('when a customer complains in one message and submits, then the ticket is saved and the reply names its number', async () => {
    const c = `conv-${crypto.randomUUID()}`;
    expect((await say(c, EVERYTHING_ZH)).replies).toContain('照片');
    expect((await say(c, '完成')).replies).toContain('请核对');
    const done = await say(c, '提交');
    expect(done.status).toBe(200);
    const number = /工单号：(\d{10})/.exec(done.replies)?.[1];
    expect(number).toBeDefined();
    const ticket = await server.complaints.get(number!);
    expect(ticket).toMatchObject({ channel: 'botframework', orderId: '2026112012345678', desiredRemedy: 'refund', amount: { value: 299, currency: 'CNY' }, language: 'zh' });
    expect(ticket.customer.contact.phone).toBe('13812345678');
    const ref = JSON.parse(ticket.conversationRef!);
    expect(ref).toMatchObject({ channelId: 'emulator', serviceUrl: CONNECTOR, conversation: { id: c } });
    expect(ticket.history[0]!.actor).toMatchObject({ kind: 'customer', id: `botframework:${c}` });
  });

  it('when the same activity id is delivered twice, one after the other or at once, then one ticket is filed', async () => {
    for (const concurrent of [false, true]) {
      const c = `dup-${concurrent}-${crypto.randomUUID()}`;
      await say(c, EVERYTHING_ZH);
      await say(c, '完成');
      const before = await ticketCount();
      const submit = buildActivity(c, { text: '提交' });
      if (concurrent) {
        const rs = await Promise.all([server.post('/api/messages', submit), server.post('/api/messages', submit)]);
        expect(rs.map((r) => r.status)).toEqual([200, 200]);
      } else {
        expect((await server.post('/api/messages', submit)).status).toBe(200);
        expect((await server.post('/api/messages', submit)).status).toBe(200);
      }
      expect(await ticketCount()).toBe(before + 1);
      const numbers = new Set((replies.get(c) ?? []).flatMap((r) => [...r.matchAll(/工单号：(\d{10})/g)].map((m) => m[1])));
      expect(numbers.size).toBe(1);
      const ticket = await server.complaints.get([...numbers][0]!);
      expect(JSON.parse(ticket.conversationRef!).conversation.id).toBe(c);
      expect({ concurrent, replies: (replies.get(c) ?? []).filter((r) => r.includes('工单号')) }).toMatchObject({ replies: [expect.any(String)] });
    }
  });

  it('when a restart happens between two turns, then the conversation continues at the same step', async () => {
    const c = `restart-${crypto.randomUUID()}`;
    await say(c, EVERYTHING_ZH);
    // A second instance on the same database stands in for the restarted service.
    const second = await startTestServer({ MONGODB_DB: server.dbName });
    try {
      const res = await second.post('/api/messages', buildActivity(c, { text: '完成' }));
      expect(res.status).toBe(200);
      expect((replies.get(c) ?? []).join('\n')).toContain('请核对');
    } finally {
      await second.stop();
    }
  });

  describe('bad input gets a clear answer and loses nothing', () => {
    it.each([
      ['an empty message', { text: '' }, '没有收到文字'],
      ['only emoji', { text: '😡😡😡🤬' }, '只能读懂文字'],
      ['a 100 KB message', { text: '投'.repeat(34 * 1024) }, '太长了'],
      ['control characters only', { text: '\u0000\u0007\u001b' }, '没有收到文字'],
    ])('when the customer sends %s, then the bot says so in their language', async (_name, overrides, expected) => {
      const c = `bad-${crypto.randomUUID()}`;
      await say(c, '快递员态度很差，把包裹直接扔在门口');
      const r = await say(c, (overrides as { text: string }).text);
      expect(r.status).toBe(200);
      expect(r.replies).toContain(expected);
      // The question asked before is still open: a good answer moves on.
      expect((await say(c, '张三')).replies).toContain('怎么联系您');
    });

    it('when attachments are on the channel\'s server, then a photo is fetched and hashed and one over the size limit is refused by name', async () => {
      const c = `att-${crypto.randomUUID()}`;
      const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(3000)]);
      nock(CONNECTOR).get('/v3/attachments/photo-1/views/original').reply(200, photo, { 'content-type': 'image/jpeg', 'content-length': String(photo.length) });
      nock(CONNECTOR).get('/v3/attachments/huge-1/views/original').reply(200, Buffer.alloc(11 * 1024 * 1024, 1), { 'content-type': 'image/jpeg' });
      await say(c, EVERYTHING_ZH);
      const r = await say(c, '', {
        attachments: [
          { name: 'leak.jpg', contentType: 'image/jpeg', contentUrl: `${CONNECTOR}/v3/attachments/photo-1/views/original` },
          { name: 'video.jpg', contentType: 'image/jpeg', contentUrl: `${CONNECTOR}/v3/attachments/huge-1/views/original` },
          { name: 'elsewhere.jpg', contentType: 'image/jpeg', contentUrl: 'http://169.254.169.254/latest/meta-data' },
        ],
      });
      expect(r.replies).toContain('“video.jpg”超过 10 MB');
      expect(r.replies).toContain('没能获取“elsewhere.jpg”');
      expect(r.replies).toContain('已保存 1 个文件');
      expect(r.replies).toContain('leak.jpg');
      const number = /工单号：(\d{10})/.exec((await say(c, '提交')).replies)![1]!;
      const ticket = await server.complaints.get(number);
      expect(ticket.evidence.map((e) => e.sha256)).toEqual([crypto.createHash('sha256').update(photo).digest('hex')]);
    });

    it('when an activity carries $-keys and dotted keys, then it is processed normally', async () => {
      const c = `dollar-${crypto.randomUUID()}`;
      const r = await say(c, '快递员态度很差，把包裹直接扔在门口', { channelData: { $where: 'sleep(1000)', 'a.b': { $gt: '' } }, entities: [{ type: 'x', $ne: 1 }] });
      expect(r.status).toBe(200);
      expect(r.replies).toContain('怎么称呼');
    });

    it('when an unknown activity type arrives, then it is acknowledged without a reply', async () => {
      const c = `unknown-${crypto.randomUUID()}`;
      const r = await say(c, 'ignored', { type: 'somethingNew' });
      expect(r.status).toBeLessThan(300);
      expect(r.replies).toBe('');
    });

    it.each([
      ['not JSON', '{"type": "message",', 400],
      ['a JSON array', '[1, 2]', 400],
      ['an object without a type', '{"text": "hi"}', 400],
    ])('when the body is %s, then the answer is a 4xx', async (_name, body, status) => {
      const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(status);
    });
  });

  it('when a conversation reference was stored at filing, then a proactive message reaches the connector', async () => {
    const c = `proactive-${crypto.randomUUID()}`;
    await say(c, EVERYTHING_ZH);
    await say(c, '完成');
    const number = /工单号：(\d{10})/.exec((await say(c, '提交')).replies)![1]!;
    const ticket = await server.complaints.get(number);
    const channel = server.customerChannels.find((x) => x.name === 'botframework')!;
    const before = replies.get(c)!.length;
    await channel.send(ticket.conversationRef!, { text: '您好，我是客服小李，已收到您的投诉。', language: 'zh', from: { kind: 'agent', name: '小李' } });
    expect(replies.get(c)!.slice(before)).toEqual(['您好，我是客服小李，已收到您的投诉。']);
  });
});

describe('POST /api/messages with a MicrosoftAppId', () => {
  it('when a request has no Bot Framework token, then it is refused with 401', async () => {
    const secured = await startTestServer({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-password' });
    try {
      const res = await secured.post('/api/messages', buildActivity('secured', { text: 'hello' }));
      expect(res.status).toBe(401);
    } finally {
      await secured.stop();
    }
  });

  it('when the service runs in production without a MicrosoftAppId, then /api/messages is closed rather than open to anyone', async () => {
    const prod = await startTestServer({
      NODE_ENV: 'production',
      CONTACT_HASH_SECRET: 'contact-hash-secret-for-tests-0123',
      AUDIT_SECRET: 'audit-secret-for-tests-0123456789',
      API_KEYS: `hotline:${crypto.createHash('sha256').update('k').digest('hex')}`,
      DASHBOARD_SECRET: 'dashboard-secret-for-tests-0123456',
    });
    try {
      const res = await prod.post('/api/messages', buildActivity('prod', { text: 'hello' }));
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('botframework.not_configured');
    } finally {
      await prod.stop();
    }
  });
});
