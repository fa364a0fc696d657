/**
 * Erasing a customer reaches the chats their tickets came from: the Direct Line transcript, the
 * dialog state, and on WeChat the customer's record and the messages waiting for them. Nothing
 * they wrote is left in any collection; another customer's chat is untouched; both chats go on
 * afterwards from a fresh start.
 */
import { FakeWeChat } from '../../fakes/fake-wechat';
import { complainInOneMessage, connect } from '../../support/directline-client';
import { dumpCollection } from '../../support/dump';
import { WX } from '../../fixtures/wechat-requests';
import { conversationIdOf } from '../../../channels/wechat/wechat-router';
import { complaintBody, type TestServer } from '../../support/server';
import { newOpenId, say, startFakeWeChat, startWeChatServer } from '../../support/wechat';

const SECRET = 'test-directline-secret-erase-0123456789';
const PHONE = '13900001111';
const DL_TEXT = `我叫李雷，手机${PHONE}，昨天在淘宝买的吹风机一开就冒烟，烫伤了手 HD-ERASE-7，花了199元，订单号 2026112099990001，要求退款`;
const WX_TEXT = `我叫李雷，手机${PHONE}，昨天在京东买的电饭煲内胆掉漆，孩子误食 WX-ERASE-3，花了399元，订单号 2026112099990002，要求换货`;
const OTHER_TEXT = '我叫韩梅梅，手机13700002222，昨天在苏宁买的台灯不亮，摔了一跤 KEEP-LAMP-5，花了59元，订单号 2026112099990003，要求退款';
const WAITING = '客服回复：ERASE-WAITING-1 我们已联系商家';

describe('erasing a customer erases their chats', () => {
  let fake: FakeWeChat;
  let s: TestServer;
  beforeAll(async () => {
    fake = await startFakeWeChat();
    s = await startWeChatServer(fake, { DIRECTLINE_SECRET: SECRET });
  });
  afterAll(async () => {
    await s.stop();
    await fake.stop();
  });

  /** Each collection's documents as text. */
  async function dump(): Promise<Map<string, string>> {
    const names = (await s.database.conn.db!.listCollections().toArray()).map((c) => c.name);
    return new Map(await Promise.all(names.map(async (n) => [n, await dumpCollection(s.database.conn, n)] as const)));
  }
  /** The collections whose documents hold `text`. */
  const holding = (all: Map<string, string>, text: string) => [...all].filter(([, d]) => d.includes(text)).map(([n]) => n);

  /** A whole complaint in one message, "完成", then "1"/"提交": the ticket number. */
  async function fileOnWeChat(openId: string, text: string): Promise<string> {
    expect((await say(s, openId, text)).text).toContain('照片');
    expect((await say(s, openId, '完成')).text).toContain('回复 1 提交');
    const filed = (await say(s, openId, '1')).text ?? '';
    return /工单号：(\d{10})/.exec(filed)![1]!;
  }

  it('when a customer who complained on the web chat and on WeChat is erased, then nothing they wrote is left in any chat, others keep theirs, and both chats start afresh', async () => {
    // The web chat (Direct Line).
    const gen = await s.post('/v3/directline/tokens/generate', {}, { authorization: `Bearer ${SECRET}` });
    const { token } = gen.body as { token: string };
    const dl = connect({ domain: `${s.url}/v3/directline`, token });
    try {
      const { number: dlNumber } = await complainInOneMessage(dl, DL_TEXT);

      // WeChat, the same customer (same phone), and another customer.
      const openId = newOpenId();
      const wxNumber = await fileOnWeChat(openId, WX_TEXT);
      const other = newOpenId();
      await fileOnWeChat(other, OTHER_TEXT);
      // An agent's reply waiting for the customer's next message.
      await s.customerEdges.wechat!.store.enqueue(openId, { text: WAITING, kind: 'agent_message' });
      await s.customerEdges.wechat!.settled();
      await s.effects.drain();

      const before = await dump();
      expect(holding(before, 'HD-ERASE-7')).toEqual(expect.arrayContaining(['directline_activities', 'bot_state', 'tickets']));
      expect(holding(before, 'WX-ERASE-3')).toEqual(expect.arrayContaining(['bot_state', 'tickets']));
      expect(holding(before, 'ERASE-WAITING-1')).toEqual(['wechat_pending']);
      expect(holding(before, openId)).toEqual(expect.arrayContaining(['wechat_users', 'wechat_pending']));

      const result = await s.complaints.eraseCustomer({ phone: PHONE }, { kind: 'agent', id: 'U_DPO' });
      expect(result.tickets).toEqual([dlNumber, wxNumber].sort());
      await s.effects.drain();

      const after = await dump();
      for (const secret of ['HD-ERASE-7', 'WX-ERASE-3', 'ERASE-WAITING-1', '李雷', PHONE, '2026112099990001', '2026112099990002', openId]) {
        expect([secret, holding(after, secret)]).toEqual([secret, []]);
      }
      for (const kept of ['KEEP-LAMP-5', '韩梅梅']) expect(holding(after, kept)).toEqual(expect.arrayContaining(['bot_state', 'tickets']));
      expect(holding(after, other)).toEqual(expect.arrayContaining(['wechat_users', 'tickets']));

      // Both chats go on, from the start: the bot no longer knows what was said.
      const seen = dl.activities.length;
      await dl.send('你好');
      expect(await dl.waitForBot(() => true, 10_000, seen)).toContain('请直接描述');
      const again = await say(s, openId, '你好');
      expect(again.text).toContain('请直接描述');
      expect(again.text).not.toContain('ERASE-WAITING-1');
    } finally {
      dl.close();
    }
  });

  it('when a ticket filed by a filing system names a chat (or names one badly), then erasing its customer leaves that chat alone and still succeeds', async () => {
    // A WeChat customer's chat, and a filing system that puts a reference to it on another customer's ticket.
    const openId = newOpenId();
    expect((await say(s, openId, '我要投诉')).text).toContain('请问发生了什么');
    await s.customerEdges.wechat!.settled();
    const ref = JSON.stringify({ channelId: 'wechat', serviceUrl: `wechat:${WX.appId}`, conversation: { id: conversationIdOf(WX.appId, openId) }, user: { id: openId } });
    const api = { actor: { kind: 'api' as const, id: 'hotline' }, source: 'hotline' };
    await s.complaints.file(complaintBody({ customer: { phone: '13600003333' }, channel: 'wechat', conversationRef: ref }), api);
    await s.complaints.file(complaintBody({ customer: { phone: '13600003333' }, conversationRef: 'not a reference at all' }), api);
    await s.effects.drain();

    const result = await s.complaints.eraseCustomer({ phone: '13600003333' }, { kind: 'agent', id: 'U_DPO' });
    expect(result.tickets).toHaveLength(2);
    expect(await s.customerEdges.wechat!.store.user(openId)).not.toBeNull();
    expect((await say(s, openId, '快递员把包裹扔在门口，里面的杯子碎了')).text).toContain('怎么称呼');
  });
});
