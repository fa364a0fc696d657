/**
 * Reaching a WeChat customer after filing: an agent's reply from the ticket's Slack thread
 * inside the 48-hour window (customer-service message), outside it (template message, and the
 * text waits for the customer's next message), refused by WeChat (it waits), with an expired
 * token (refreshed once), and two instances sharing one access_token.
 */
import pino from 'pino';
import { Writable } from 'node:stream';
import { FakeSlack } from '../../fakes/fake-slack';
import type { FakeWeChat } from '../../fakes/fake-wechat';
import { sendSlack, threadReply } from '../../fixtures/slack-requests';
import { wechatEnv, WX } from '../../fixtures/wechat-requests';
import { startTestServer, type TestServer } from '../../support/server';
import { blockNetwork, restoreNetwork, rootTs, settle, slackEnv, slackOptions } from '../../support/slack';
import { fileByWeChat, newOpenId, say, startFakeWeChat } from '../../support/wechat';

const owner = { id: 'U0OWNER01', username: 'olivia' };
const TEMPLATE = 'tMpl_RESULT_0123456789';

describe('WeChat: agents reach customers', () => {
  const slack = new FakeSlack();
  let wx: FakeWeChat;
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    blockNetwork();
    await slack.start();
    wx = await startFakeWeChat();
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    server = await startTestServer({ ...slackEnv(slack, { SLACK_RATE_PER_CHANNEL: '50' }), ...wechatEnv(wx.url, { WECHAT_TEMPLATE_RESULT: TEMPLATE }) }, slackOptions({ logger: pino({ level: 'debug' }, sink) }));
  });
  afterAll(async () => {
    await server.stop();
    await wx.stop();
    await slack.stop();
    restoreNetwork();
  });

  /** A ticket filed from WeChat, claimed by the owner, with its Slack thread. */
  async function wechatTicket(): Promise<{ openId: string; number: string; channel: string; ts: string }> {
    const openId = newOpenId();
    const number = await fileByWeChat(server, openId);
    await server.complaints.claim(number, { kind: 'agent', id: owner.id, name: owner.username });
    return { openId, number, ...(await rootTs(slack, server, number)) };
  }

  async function agentReplies(t: { channel: string; ts: string }, text: string): Promise<string> {
    const reply = threadReply(owner, t.channel, t.ts, `&gt;&gt; ${text}`);
    expect((await sendSlack(server.url, reply)).status).toBe(200);
    await settle(server);
    return JSON.parse(reply.body).event.ts as string;
  }

  const reactions = (ts: string) => slack.callsOf('reactions.add').filter((c) => c.args.timestamp === ts).map((c) => c.args.name);
  const threadTexts = (ts: string) => slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts).map((c) => String(c.args.text));

  async function deliveryOf(number: string): Promise<Record<string, any>> {
    const docs = await server.database.conn.collection('deliveries').find({}).toArray();
    const done = docs.filter((d) => String(d._id).startsWith(`customer:${number}:`) && String(d._id).endsWith('#done'));
    expect(done).toHaveLength(1);
    return done[0]!;
  }

  it('when the owner replies within 48 hours of the customer\'s last message, then a customer-service message carries it and Slack marks it delivered', async () => {
    const t = await wechatTicket();
    const before = wx.sentTo(t.openId).length;
    const replyTs = await agentReplies(t, '您好，退款已安排，3 个工作日内到账。详情见 <https://shop.example.com/refund/1|退款进度>');
    expect(wx.sentTo(t.openId).slice(before)).toEqual(['客服：\n您好，退款已安排，3 个工作日内到账。详情见 <a href="https://shop.example.com/refund/1">退款进度</a>']);
    expect(reactions(replyTs)).toEqual(['white_check_mark']);
    expect((await deliveryOf(t.number)).result).toEqual({ via: 'customer_service' });
    expect(wx.templates.filter((x) => x.touser === t.openId)).toHaveLength(0);
  });

  it('when the customer last wrote more than 48 hours ago, then a template message tells them, the text waits for their next message, and Slack says so', async () => {
    const t = await wechatTicket();
    // Three days pass: the customer's last message is now outside the window.
    await server.database.conn.collection('wechat_users').updateOne({ _id: `${WX.appId}:${t.openId}` as never }, { $set: { lastMessageAt: new Date(Date.now() - 72 * 3600_000) } });
    const before = wx.sentTo(t.openId).length;
    const replyTs = await agentReplies(t, '我们查到了物流记录，请问您方便接电话吗？');
    expect(wx.sentTo(t.openId).length).toBe(before);
    const template = wx.templates.filter((x) => x.touser === t.openId);
    expect(template).toHaveLength(1);
    expect(template[0]!.template_id).toBe(TEMPLATE);
    expect(template[0]!.data.keyword1!.value).toBe(t.number);
    expect(template[0]!.data.keyword2!.value).toBe('客服已回复');
    expect(template[0]!.data.remark!.value).toContain('回复任意消息');
    expect((await deliveryOf(t.number)).result).toEqual({ via: 'template', waiting: true });
    expect(reactions(replyTs)).toEqual(['hourglass_flowing_sand']);
    expect(threadTexts(t.ts).some((x) => x.includes('48-hour window') && x.includes('template message'))).toBe(true);
    // The customer writes again: the waiting reply comes with the answer, once.
    const back = await say(server, t.openId, '你好');
    expect(back.text).toContain('您不在线时，我们给您留了消息');
    expect(back.text).toContain('客服：\n我们查到了物流记录，请问您方便接电话吗？');
    const again = await say(server, t.openId, '好的');
    expect(again.text ?? '').not.toContain('物流记录');
    expect(await server.customerEdges.wechat!.store.waiting(t.openId)).toEqual([]);
  });

  it('when WeChat refuses the customer-service message (45015) and the template too, then the reply waits and nothing is lost', async () => {
    const t = await wechatTicket();
    wx.outsideWindow.add(t.openId);
    wx.fail({ path: 'cgi-bin/message/template/send', errcode: 43004, times: 1 });
    try {
      const replyTs = await agentReplies(t, '请补充一张发票照片。');
      expect((await deliveryOf(t.number)).result).toEqual({ via: 'queued', waiting: true });
      expect(reactions(replyTs)).toEqual(['hourglass_flowing_sand']);
      expect(threadTexts(t.ts).some((x) => x.includes('goes out when they next write') && !x.includes('template'))).toBe(true);
      expect((await server.customerEdges.wechat!.store.waiting(t.openId)).map((w) => w.text)).toEqual(['客服：\n请补充一张发票照片。']);
    } finally {
      wx.outsideWindow.delete(t.openId);
      wx.clearFailures();
    }
    // In handoff the customer's message goes to the agent; the waiting reply still comes back with the answer.
    const back = await say(server, t.openId, '好的，我晚点发');
    expect(back.text).toContain('请补充一张发票照片。');
  });

  it('when the access_token has expired, then it is refreshed once and the reply goes out once; no token reaches the logs', async () => {
    const t = await wechatTicket();
    await agentReplies(t, '第一条回复');
    const issued = wx.tokensIssued;
    wx.expireTokens();
    const before = wx.sentTo(t.openId).length;
    await agentReplies(t, '第二条回复');
    expect(wx.sentTo(t.openId).slice(before)).toEqual(['客服：\n第二条回复']);
    expect(wx.tokensIssued).toBe(issued + 1);
    const sends = wx.callsTo('cgi-bin/message/custom/send').slice(-2).map((c) => c.answer?.errcode);
    expect(sends).toEqual([42001, 0]);
    const log = lines.join('\n');
    expect(log).not.toContain('FAKE_TOKEN');
    expect(log).not.toContain(WX.appSecret);
    expect(log).not.toContain(t.openId);
  });
});

describe('WeChat: two instances share one access_token', () => {
  let wx: FakeWeChat;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    wx = await startFakeWeChat();
    a = await startTestServer(wechatEnv(wx.url));
    b = await startTestServer(wechatEnv(wx.url, { MONGODB_DB: a.dbName }));
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
    await wx.stop();
  });

  it('when both send at once with no token yet, and again after WeChat revoked it, then exactly one token is fetched each time and every message goes once', async () => {
    const customers = Array.from({ length: 6 }, () => newOpenId());
    for (const c of customers) await a.customerEdges.wechat!.store.saveUser(c, { lastMessageAt: new Date() });
    const sendAll = (round: string) =>
      Promise.all(
        customers.flatMap((c, i) => [
          a.customerEdges.wechat!.messenger.deliver(c, { text: `${round} a${i}`, kind: 'notice' }),
          b.customerEdges.wechat!.messenger.deliver(c, { text: `${round} b${i}`, kind: 'notice' }),
        ]),
      );
    const first = await sendAll('r1');
    expect(first.every((r) => r.via === 'customer_service')).toBe(true);
    expect(wx.tokensIssued).toBe(1);
    wx.revokeTokens();
    const second = await sendAll('r2');
    expect(second.every((r) => r.via === 'customer_service')).toBe(true);
    expect(wx.tokensIssued).toBe(2);
    for (const [i, c] of customers.entries()) expect([...wx.sentTo(c)].sort()).toEqual([`r1 a${i}`, `r1 b${i}`, `r2 a${i}`, `r2 b${i}`].sort());
    // One document holds the app's token; both instances use it.
    const docs = await a.database.conn.collection('wechat_tokens').find({}).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.token).toMatch(/^FAKE_TOKEN_2_/);
  });
});
