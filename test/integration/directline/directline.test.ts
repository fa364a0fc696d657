/**
 * The self-hosted Direct Line driven by botframework-directlinejs (the real client library) over
 * the websocket, against the real service and database; the protocol's edges over raw HTTP.
 */
import crypto from 'node:crypto';
import { startTestServer, type TestServer } from '../../support/server';
import { complainInOneMessage, connect } from '../../support/directline-client';

const SECRET = 'test-directline-secret-0123456789';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ DIRECTLINE_SECRET: SECRET, DIRECTLINE_RATE_LIMIT: '20' });
});

afterAll(async () => {
  await server.stop();
});

async function generate(base = server) {
  const res = await base.post('/v3/directline/tokens/generate', {}, { authorization: `Bearer ${SECRET}` });
  expect(res.status).toBe(200);
  return res.body as { conversationId: string; token: string; expires_in: number };
}

const EVERYTHING = '我叫张三，手机13812345678，昨天在京东买的电热水壶第一次用就漏电，花了299元，订单号 2026112012345678，要求退款';

describe('Direct Line with botframework-directlinejs over the websocket', () => {
  it('when a customer complains through the client library, then the bot answers on the stream and the ticket is in the database', async () => {
    const { token } = await generate();
    const dl = connect({ domain: `${server.url}/v3/directline`, token });
    try {
      const { number } = await complainInOneMessage(dl, EVERYTHING);
      const ticket = await server.complaints.get(number);
      expect(ticket).toMatchObject({ channel: 'directline', orderId: '2026112012345678' });
      // The customer's own messages came back on the stream with their ids (Web Chat needs the echo).
      expect(dl.activities.filter((a) => a.from.role === 'user' || a.from.id.startsWith('dl_')).length).toBeGreaterThanOrEqual(3);
    } finally {
      dl.close();
    }
  });

  it('when the client reconnects with its watermark, then it gets only what is new, not the history', async () => {
    const { token, conversationId } = await generate();
    const first = connect({ domain: `${server.url}/v3/directline`, token });
    await first.waitForBot((t) => t.includes('投诉助手'));
    await first.send('快递员态度很差，把包裹直接扔在门口');
    await first.waitForBot((t) => t.includes('怎么称呼'));
    const watermark = String(first.activities.length);
    first.close();
    const again = connect({ domain: `${server.url}/v3/directline`, token, conversationId, watermark });
    try {
      await again.send('张三');
      const replies = await again.waitForBot((t) => t.includes('怎么联系您'));
      expect(replies).not.toContain('投诉助手');
      expect(again.activities.some((a) => 'text' in a && a.text === '快递员态度很差，把包裹直接扔在门口')).toBe(false);
    } finally {
      again.close();
    }
  });

  it('when the client polls instead of using the websocket, then the conversation works the same', async () => {
    const { token } = await generate();
    const dl = connect({ domain: `${server.url}/v3/directline`, token, webSocket: false });
    try {
      await dl.waitForBot((t) => t.includes('投诉助手'));
      await dl.send('hello');
      await dl.waitForBot((t) => /Hello|您好|你好/.test(t) && t.includes('2026000123'));
    } finally {
      dl.close();
    }
  });

  it('when a websocket is held by one instance and the message is posted through another, then the reply reaches the socket within a second', async () => {
    const second = await startTestServer({ MONGODB_DB: server.dbName, DIRECTLINE_SECRET: SECRET });
    try {
      const { token, conversationId } = await generate();
      const dl = connect({ domain: `${server.url}/v3/directline`, token });
      try {
        await dl.waitForBot((t) => t.includes('投诉助手'));
        const seen = dl.activities.length;
        const res = await second.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', from: { id: 'x' }, text: '快递员态度很差，把包裹直接扔在门口' }, { authorization: `Bearer ${token}` });
        expect(res.status).toBe(200);
        // Found by the other instance's poll of the next position (every 700 ms), not by a push.
        await dl.waitForBot((t) => t.includes('怎么称呼'), 5000, seen);
      } finally {
        dl.close();
      }
    } finally {
      await second.stop();
    }
  });
});

describe('reaching the customer again', () => {
  it('when an agent writes to the customer, then the Direct Line customer channel puts it on the open websocket', async () => {
    const { token } = await generate();
    const dl = connect({ domain: `${server.url}/v3/directline`, token });
    try {
      await dl.waitForBot((t) => t.includes('投诉助手'));
      await dl.send(EVERYTHING);
      await dl.waitForBot((t) => t.includes('照片'));
      await dl.send('完成');
      await dl.waitForBot((t) => t.includes('请核对'));
      let seen = dl.activities.length;
      await dl.send('提交');
      const number = /工单号：(\d{10})/.exec(await dl.waitForBot((t) => /工单号：\d{10}/.test(t), 10_000, seen))![1]!;
      const agent = { kind: 'agent' as const, id: 'U-agent-7', name: '小王' };
      await server.complaints.claim(number, agent);
      const { ticket } = await server.complaints.sendAgentMessage(number, { text: '您好，我是客服小王，我们已安排退款。' }, agent);
      // What the core's delivery worker does for a ticket.agent_message event:
      const channel = server.customerChannels.find((c) => c.name === ticket.channel)!;
      seen = dl.activities.length;
      await channel.send(ticket.conversationRef!, { text: '您好，我是客服小王，我们已安排退款。', language: 'zh', from: { kind: 'agent', name: '小王' } });
      await dl.waitForBot((t) => t.includes('我们已安排退款'), 5000, seen);
      const received = dl.activities.slice(seen).find((a) => 'text' in a && a.text?.includes('我们已安排退款'))!;
      expect(received.from.name).toBe('小王');
    } finally {
      dl.close();
    }
  });
});

describe('Direct Line protocol edges', () => {
  it('when the token is refreshed, then the new one works and the conversation is the same', async () => {
    const { token, conversationId } = await generate();
    await server.post('/v3/directline/conversations', {}, { authorization: `Bearer ${token}` });
    const r = await server.post('/v3/directline/tokens/refresh', {}, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(r.body.conversationId).toBe(conversationId);
    expect(r.body.token).not.toBe(token);
    const page = await server.get(`/v3/directline/conversations/${conversationId}/activities`, { authorization: `Bearer ${r.body.token}` });
    expect(page.status).toBe(200);
    expect(page.body.activities.length).toBeGreaterThan(0);
  });

  it('when a conversation is asked for without its token, then it is refused', async () => {
    const a = await generate();
    const b = await generate();
    await server.post('/v3/directline/conversations', {}, { authorization: `Bearer ${a.token}` });
    expect((await server.get(`/v3/directline/conversations/${a.conversationId}/activities`)).status).toBe(401);
    expect((await server.get(`/v3/directline/conversations/${a.conversationId}/activities`, { authorization: `Bearer ${b.token}` })).status).toBe(403);
    expect((await server.get(`/v3/directline/conversations/${a.conversationId}/activities`, { authorization: 'Bearer dl1.forged.token' })).status).toBe(403);
    expect((await server.post('/v3/directline/tokens/generate', {}, { authorization: 'Bearer wrong-secret' })).status).toBe(403);
  });

  it('when bad activities are posted, then each gets a clear 4xx or a clear reply, and nothing is lost', async () => {
    const { token, conversationId } = await generate();
    const auth = { authorization: `Bearer ${token}` };
    await server.post('/v3/directline/conversations', {}, auth);
    const post = (body: unknown) => server.post(`/v3/directline/conversations/${conversationId}/activities`, body, auth);
    expect((await post('{"type":')).status).toBe(400);
    expect((await post([1, 2])).status).toBe(400);
    expect((await post({ text: 'no type' })).status).toBe(400);
    const big = await post({ type: 'message', text: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/larger than/);
    expect((await post({ type: 'somethingNew', value: { $where: 1 } })).status).toBe(200);
    expect((await post({ type: 'message', text: '快递员态度很差，把包裹直接扔在门口', channelData: { $gt: 1, 'a.b': 2 } })).status).toBe(200);
    expect((await post({ type: 'message', text: '🙂🙂🙂' })).status).toBe(200);
    const page = await server.get(`/v3/directline/conversations/${conversationId}/activities?watermark=0`, auth);
    const texts = (page.body.activities as Array<{ text?: string; type: string }>).map((a) => a.text ?? a.type);
    expect(texts).toContain('somethingNew');
    expect(texts.join('\n')).toContain('怎么称呼');
    expect(texts.join('\n')).toContain('只能读懂文字');
  });

  it('when one conversation posts faster than the rate limit, then it gets 429 with Retry-After', async () => {
    const { token, conversationId } = await generate();
    const auth = { authorization: `Bearer ${token}` };
    await server.post('/v3/directline/conversations', {}, auth);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 25; i++) {
      const r = await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'typing' }, auth);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200).length).toBe(20);
    expect(statuses.filter((s) => s === 429).length).toBe(5);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('when a photo is uploaded and one file is too large, then the photo is stored with its hash and the bot names the refused file', async () => {
    const { token, conversationId } = await generate();
    const auth = { authorization: `Bearer ${token}` };
    await server.post('/v3/directline/conversations', {}, auth);
    await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', text: EVERYTHING }, auth);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(2000)]);
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'kettle.png');
    form.append('file', new Blob([Buffer.alloc(11 * 1024 * 1024, 1)], { type: 'image/png' }), 'huge.png');
    form.append('activity', new Blob([JSON.stringify({ type: 'message', from: { id: 'u' } })], { type: 'application/vnd.microsoft.activity' }));
    const res = await fetch(`${server.url}/v3/directline/conversations/${conversationId}/upload?userId=u`, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(200);
    const page = await server.get(`/v3/directline/conversations/${conversationId}/activities`, auth);
    const all = page.body.activities as Array<{ text?: string; attachments?: Array<{ name: string; contentUrl: string }> }>;
    const texts = all.map((a) => a.text ?? '').join('\n');
    expect(texts).toContain('“huge.png”超过 10 MB');
    expect(texts).toContain('已保存 1 个文件');
    // The echo links the stored photo; the link serves the same bytes.
    const link = all.flatMap((a) => a.attachments ?? []).find((a) => a.name === 'kettle.png')!.contentUrl;
    const served = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(served.equals(png)).toBe(true);
    expect((await fetch(link.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(404);
    await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', text: '提交' }, auth);
    const after = await server.get(`/v3/directline/conversations/${conversationId}/activities`, auth);
    const number = /工单号：(\d{10})/.exec((after.body.activities as Array<{ text?: string }>).map((a) => a.text ?? '').join('\n'))![1]!;
    const ticket = await server.complaints.get(number);
    expect(ticket.evidence).toEqual([{ name: 'kettle.png', contentType: 'image/png', size: png.length, sha256: crypto.createHash('sha256').update(png).digest('hex') }]);
  });
});
