/**
 * The WeChat endpoint as WeChat uses it: server verification, plain and safe mode, refusals of
 * anything not signed for us, a whole complaint in Simplified Chinese, numbered options, images
 * as evidence through the media API, voice, menu and subscription events, WeChat's retries of
 * one MsgId, and an answer that is not ready in time.
 */
import crypto from 'node:crypto';
import pino from 'pino';
import { Writable } from 'node:stream';
import { FakeWeChat } from '../../fakes/fake-wechat';
import { eventXml, imageXml, locationXml, nextMsgId, postWeChat, sha1Sorted, textXml, voiceXml, WX } from '../../fixtures/wechat-requests';
import type { TestServer } from '../../support/server';
import type { WeChatStore } from '../../../channels/wechat/wechat-store';
import { EVERYTHING, fileByWeChat, newOpenId, say, startFakeWeChat, startWeChatServer } from '../../support/wechat';

// A real (tiny) JPEG: SOI, then bytes; the evidence check looks at the magic number.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a customer photo of a burnt plug')]);

/** Hold the writes of customers' records (the store's real `saveUser`, delayed) until `open()`; `held` records the calls. */
function holdCustomerRecords(store: WeChatStore): { held: jest.SpyInstance; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const save = store.saveUser.bind(store);
  const held = jest.spyOn(store, 'saveUser').mockImplementation(async (...args) => {
    await gate;
    return save(...args);
  });
  return { held, open };
}

describe('WeChat endpoint (plain mode)', () => {
  let fake: FakeWeChat;
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    fake = await startFakeWeChat();
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    server = await startWeChatServer(fake, {}, { logger: pino({ level: 'debug' }, sink) });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
  });

  it('when WeChat verifies the server URL, then a good signature gets echostr back and anything else 401', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const q = (o: Record<string, string>) => new URLSearchParams({ timestamp: ts, nonce: '1234567', echostr: 'echo-5838479218127813673', ...o });
    const ok = await fetch(`${server.url}/wechat?${q({ signature: sha1Sorted(WX.token, ts, '1234567') })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('echo-5838479218127813673');
    expect((await fetch(`${server.url}/wechat?${q({ signature: sha1Sorted('otherToken', ts, '1234567') })}`)).status).toBe(401);
    expect((await fetch(`${server.url}/wechat?${q({ signature: 'f'.repeat(40) })}`)).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    expect((await fetch(`${server.url}/wechat?${new URLSearchParams({ timestamp: stale, nonce: '1', echostr: 'x', signature: sha1Sorted(WX.token, stale, '1') })}`)).status).toBe(401);
    expect((await fetch(`${server.url}/wechat`)).status).toBe(401);
  });

  it('when a post is not signed for us, is stale or is not a WeChat message, then it is refused and nothing is processed', async () => {
    const openId = newOpenId();
    const xml = textXml(openId, '快递丢了没人管');
    const inbound = server.database.conn.collection('wechat_inbound');
    const before = await inbound.countDocuments({});
    expect((await postWeChat(server.url, xml, { token: 'someoneElse' })).status).toBe(401);
    expect((await postWeChat(server.url, xml, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await postWeChat(server.url, xml, { timestamp: Math.floor(Date.now() / 1000) + 600 })).status).toBe(401);
    expect((await postWeChat(server.url, '<xml><ToUserName>gh</ToUserName>')).status).toBe(400);
    expect((await postWeChat(server.url, '{"not":"xml"}')).status).toBe(400);
    expect((await postWeChat(server.url, '<xml><Content>no sender</Content></xml>')).status).toBe(400);
    expect((await postWeChat(server.url, `<!DOCTYPE x [<!ENTITY e "e">]>${xml}`)).status).toBe(400);
    // Encrypted, but this server has no EncodingAESKey.
    expect((await postWeChat(server.url, xml, { safe: true })).status).toBe(400);
    const big = await postWeChat(server.url, textXml(openId, '长'.repeat(40_000)));
    expect(big.status).toBe(413);
    expect(await inbound.countDocuments({})).toBe(before);
    expect(await server.database.conn.collection('wechat_users').findOne({ _id: `${WX.appId}:${openId}` as never })).toBeNull();
    expect(fake.calls).toHaveLength(0);
  });

  it('when a customer complains in Simplified Chinese, then every answer is a passive reply, options are numbered, numbers are understood, and the ticket number comes back', async () => {
    const openId = newOpenId();
    fake.addMedia('media-burnt-plug', JPEG);
    const first = await say(server, openId, '我要投诉');
    expect(first.fields).toMatchObject({ ToUserName: openId, FromUserName: WX.account, MsgType: 'text' });
    expect(first.text).toContain('请问发生了什么');
    expect((await say(server, openId, '昨天买的电热水壶第一次用就漏电了，手被电了一下')).text).toContain('怎么称呼');
    expect((await say(server, openId, '张三')).text).toContain('怎么联系您');
    const where = await say(server, openId, '13812345678');
    expect(where.text).toContain('哪个订单');
    // A single option is named ("回复“跳过”"), never numbered: a bare "1" stays an answer.
    expect(where.text).toContain('回复“跳过”');
    expect(where.text).not.toContain('1 跳过');
    expect((await say(server, openId, '订单号 2026112012345678')).text).toContain('多少钱');
    const remedy = await say(server, openId, '299元');
    expect(remedy.text).toContain('怎么处理');
    expect(remedy.text).toMatch(/回复数字：\n1\. 退款\n2\. 换货/);
    // "1" is the first option: 退款.
    expect((await say(server, openId, '1')).text).toContain('照片');
    // The photo answers the evidence question: saved, then the summary as text with numbered choices.
    const summary = await postWeChat(server.url, imageXml(openId, 'media-burnt-plug'));
    expect(summary.text).toContain('已保存 1 个文件');
    expect(summary.text).toContain('请核对');
    expect(summary.text).toContain('诉求: 退款');
    expect(summary.text).toContain('回复 1 提交，2 修改，3 取消');
    expect(summary.text).not.toMatch(/adaptive|\{"type"/i);
    const filed = await say(server, openId, '1');
    const number = /工单号：(\d{10})/.exec(filed.text ?? '')?.[1];
    expect(number).toBeDefined();
    const ticket = await server.complaints.get(number!);
    expect(ticket).toMatchObject({ channel: 'wechat', desiredRemedy: 'refund', orderId: '2026112012345678', customer: { name: '张三', contact: { phone: '13812345678' } } });
    // The photo, downloaded through the media API, hashed and stored like any evidence.
    expect(ticket.evidence).toHaveLength(1);
    expect(ticket.evidence[0]!.sha256).toBe(crypto.createHash('sha256').update(JPEG).digest('hex'));
    expect(await server.customerEdges.evidence.read(ticket.evidence[0]!.sha256)).toEqual(JPEG);
    expect(fake.callsTo('cgi-bin/media/get').at(-1)?.query.media_id).toBe('media-burnt-plug');
    // The customer's OpenID is how the desk reaches them again; conversation ids name no OpenID.
    const ref = JSON.parse(ticket.conversationRef!);
    expect(ref).toMatchObject({ channelId: 'wechat', serviceUrl: `wechat:${WX.appId}`, user: { id: openId } });
    expect(ref.conversation.id).not.toContain(openId);
    // Logs hold neither what the customer wrote nor their OpenID.
    const log = lines.join('\n');
    expect(log).not.toContain('电热水壶');
    expect(log).not.toContain('13812345678');
    expect(log).not.toContain(openId);
    expect(log).not.toContain(WX.appSecret);
  });

  it('when WeChat posts the same MsgId again (at once and later), then the dialog runs once and only one post gets the answer', async () => {
    const openId = newOpenId();
    expect((await say(server, openId, '我要投诉')).text).toContain('请问发生了什么');
    const msgId = nextMsgId();
    const xml = textXml(openId, '快递员把包裹扔在门口，里面的杯子碎了', { msgId });
    const answers = await Promise.all([1, 2, 3].map(() => postWeChat(server.url, xml)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const withText = answers.filter((a) => a.text !== null);
    expect(withText).toHaveLength(1);
    expect(withText[0]!.text).toContain('怎么称呼');
    expect(answers.filter((a) => a.raw === 'success')).toHaveLength(2);
    const later = await postWeChat(server.url, xml);
    expect(later.raw).toBe('success');
    // Had the description been taken twice, the second would have answered the name question.
    expect((await say(server, openId, '李四')).text).toContain('怎么联系您');
  });

  it('when a message\'s first holder went quiet, then a retry takes it over: answered if the bot never answered it, and never answered twice', async () => {
    const inbound = server.database.conn.collection<{ _id: string; at: Date; holder: string }>('wechat_inbound');
    const quietFor = (ms: number) => new Date(Date.now() - ms);
    const openId = newOpenId();
    expect((await say(server, openId, '我要投诉')).text).toContain('请问发生了什么');

    // Another instance claimed this message 10 s ago and died before answering: the retry runs it.
    const msgId = nextMsgId();
    const lost = textXml(openId, '快递员把包裹扔在门口，里面的杯子碎了', { msgId });
    const lostId = `${WX.appId}:m:${msgId}`;
    await inbound.insertOne({ _id: lostId, at: quietFor(10_000), holder: 'an-instance-that-died' });
    const logged = lines.length;
    const taken = await postWeChat(server.url, lost);
    expect(taken.text).toContain('怎么称呼');
    expect(lines.slice(logged).join('')).toContain('took over');
    await server.customerEdges.wechat!.settled();
    expect((await inbound.findOne({ _id: lostId }))?.holder).not.toBe('an-instance-that-died');

    // A retry 4 s after the claim is only acknowledged (the holder may still answer it).
    await inbound.updateOne({ _id: lostId }, { $set: { at: quietFor(4_000), holder: 'another-instance' } });
    expect((await postWeChat(server.url, lost)).raw).toBe('success');

    // The same message answered here, then retried after its claim looks quiet (the answer was
    // lost on the way): taken over, but the bot knows it processed it, so nothing is said twice.
    await inbound.updateOne({ _id: lostId }, { $set: { at: quietFor(10_000), holder: 'another-instance' } });
    expect((await postWeChat(server.url, lost)).raw).toBe('success');
    await server.customerEdges.wechat!.settled();
    expect((await inbound.findOne({ _id: lostId }))?.holder).not.toBe('another-instance');
    // Had the description been taken again, the name question would come back instead of the contact one.
    expect((await say(server, openId, '李四')).text).toContain('怎么联系您');
  });

  it('when a retry comes while this instance still records the message it answered, then it is acknowledged and not taken over, however old the claim looks', async () => {
    const inbound = server.database.conn.collection<{ _id: string; at: Date; holder: string }>('wechat_inbound');
    const store = server.customerEdges.wechat!.store;
    const openId = newOpenId();
    // Written two minutes ago (as WeChat stamps it): the next message moves the customer's record.
    expect((await postWeChat(server.url, textXml(openId, '我要投诉', { createTime: Math.floor(Date.now() / 1000) - 120 }))).text).toContain('请问发生了什么');
    await server.customerEdges.wechat!.settled();
    const { held, open } = holdCustomerRecords(store);
    try {
      const msgId = nextMsgId();
      const xml = textXml(openId, '快递员把包裹扔在门口，里面的杯子碎了', { msgId });
      expect((await postWeChat(server.url, xml)).text).toContain('怎么称呼');
      expect(held).toHaveBeenCalled();
      const _id = `${WX.appId}:m:${msgId}`;
      const longAgo = new Date(Date.now() - 60_000);
      await inbound.updateOne({ _id }, { $set: { at: longAgo } });
      const logged = lines.length;
      expect((await postWeChat(server.url, xml)).raw).toBe('success');
      // Not taken over: a takeover claims the message anew (a new time) and says so in the log.
      expect((await inbound.findOne({ _id }))?.at.getTime()).toBe(longAgo.getTime());
      expect(lines.slice(logged).join('')).not.toContain('took over');
    } finally {
      open();
      held.mockRestore();
    }
    await server.customerEdges.wechat!.settled();
    expect((await say(server, openId, '李四')).text).toContain('怎么联系您');
  });

  it('when a customer answers a numbered question at once, then the answer before went out without waiting for the customer\'s record, and the number is read against the options it showed', async () => {
    const openId = newOpenId();
    const store = server.customerEdges.wechat!.store;
    expect((await say(server, openId, EVERYTHING)).text).toContain('照片');
    await server.customerEdges.wechat!.settled();
    // The customer's record cannot be written until `open()`.
    const { held, open } = holdCustomerRecords(store);
    try {
      const confirm = await say(server, openId, '完成');
      expect(confirm.text).toContain('回复 1 提交，2 修改，3 取消');
      expect(held).toHaveBeenCalled();
      // "1" arrives (and is claimed) while the record with those options is still being written.
      const msgId = nextMsgId();
      const filed = postWeChat(server.url, textXml(openId, '1', { msgId }));
      await waitFor(async () => !!(await server.database.conn.collection('wechat_inbound').findOne({ _id: `${WX.appId}:m:${msgId}` as never })));
      open();
      const text = (await filed).text ?? '';
      expect(text).toMatch(/工单号：\d{10}/);
    } finally {
      open();
      held.mockRestore();
    }
  });

  it('when a customer writes again within a minute and nothing else changed, then the record keeps the earlier time; a message later than that moves it', async () => {
    const openId = newOpenId();
    const record = async () => {
      await server.customerEdges.wechat!.settled();
      return server.customerEdges.wechat!.store.user(openId);
    };
    // Messages as WeChat stamps them (CreateTime), 30 s and then 90 s after the first.
    const at = (text: string, createTime: number) => postWeChat(server.url, textXml(openId, text, { createTime }));
    const t0 = Math.floor(Date.now() / 1000) - 200;
    expect((await at('我要投诉', t0)).text).toContain('请问发生了什么');
    expect((await record())?.lastMessageAt?.getTime()).toBe(t0 * 1000);
    expect((await at('快递员把包裹扔在门口，里面的杯子碎了', t0 + 30)).text).toContain('怎么称呼');
    expect((await record())?.lastMessageAt?.getTime()).toBe(t0 * 1000);
    expect((await at('王五', t0 + 90)).text).toContain('怎么联系您');
    expect((await record())?.lastMessageAt?.getTime()).toBe((t0 + 90) * 1000);
  });

  it('when a customer subscribes, uses the menu and sends voice, location or video, then each gets a fitting answer in their language', async () => {
    const openId = newOpenId();
    const hello = await postWeChat(server.url, eventXml(openId, 'subscribe'));
    expect(hello.text).toContain('投诉助手');
    // WeChat retries an event with the same sender and CreateTime: answered once.
    const createTime = Math.floor(Date.now() / 1000);
    const mine = await postWeChat(server.url, eventXml(openId, 'CLICK', { key: 'COMPLAINT_MINE', createTime }));
    expect(mine.text).toContain('还没有提交过投诉');
    expect((await postWeChat(server.url, eventXml(openId, 'CLICK', { key: 'COMPLAINT_MINE', createTime }))).raw).toBe('success');
    const heard = await postWeChat(server.url, voiceXml(openId, null));
    expect(heard.text).toContain('没有收到文字内容');
    const started = await postWeChat(server.url, eventXml(openId, 'CLICK', { key: 'COMPLAINT_NEW' }));
    expect(started.text).toContain('请问发生了什么');
    expect((await postWeChat(server.url, voiceXml(openId, '快递少了一件东西，打电话也没人理'))).text).toContain('怎么称呼');
    expect((await say(server, openId, '王五')).text).toContain('怎么联系您');
    expect((await say(server, openId, '13900001111')).text).toContain('什么时候');
    expect((await say(server, openId, '前天')).text).toContain('哪个订单');
    // A location answers "where"; the next question follows.
    expect((await postWeChat(server.url, locationXml(openId, '广东省深圳市南山区科技园'))).text).toContain('什么商品');
    // A video is not evidence the desk takes: the customer is told, and the question asked again.
    const video = await postWeChat(server.url, `<xml><ToUserName><![CDATA[${WX.account}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[v1]]></MediaId><MsgId>${nextMsgId()}</MsgId></xml>`);
    expect(video.text).toContain('无法接收');
    expect(video.text).toContain('什么商品');
    expect(fake.callsTo('cgi-bin/media/get').filter((c) => c.query.media_id === 'v1')).toHaveLength(0);
    expect((await postWeChat(server.url, eventXml(openId, 'VIEW', { key: 'https://example.com' }))).raw).toBe('success');
    expect((await postWeChat(server.url, eventXml(openId, 'unsubscribe'))).raw).toBe('success');
  });

  it('when a customer asks for "my complaints", then the tickets filed from this WeChat are listed with their status', async () => {
    const openId = newOpenId();
    const number = await fileByWeChat(server, openId);
    const mine = await postWeChat(server.url, eventXml(openId, 'CLICK', { key: 'COMPLAINT_MINE' }));
    expect(mine.text).toContain('您在这里提交的投诉（1 个）');
    expect(mine.text).toContain(number);
    expect(mine.text).toContain('等待工作人员接单');
    // Typed, in Traditional script, it works the same (and answers in Traditional).
    expect((await say(server, openId, '我的投訴')).text).toContain(number);
  });
});

describe('WeChat endpoint (safe mode)', () => {
  let fake: FakeWeChat;
  let server: TestServer;

  beforeAll(async () => {
    fake = await startFakeWeChat();
    server = await startWeChatServer(fake, { WECHAT_ENCODING_AES_KEY: WX.aesKey });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
  });

  it('when a customer complains in safe mode, then posts are decrypted and every reply comes back encrypted and signed', async () => {
    const openId = newOpenId();
    // postWeChat checks each reply's MsgSignature and decrypts it as WeChat does.
    const number = await fileByWeChat(server, openId, { safe: true });
    expect((await server.complaints.get(number)).channel).toBe('wechat');
  });

  it('when a safe-mode post is for another AppID, has a wrong msg_signature, or comes in plain, then it is refused', async () => {
    const openId = newOpenId();
    const xml = textXml(openId, EVERYTHING);
    const inbound = server.database.conn.collection('wechat_inbound');
    const before = await inbound.countDocuments({});
    expect((await postWeChat(server.url, xml, { safe: true, appId: 'wx9999999999999999' })).status).toBe(401);
    expect((await postWeChat(server.url, xml, { safe: true, msgSignature: 'a'.repeat(40) })).status).toBe(401);
    expect((await postWeChat(server.url, xml)).status).toBe(400);
    const garbled = await fetch(`${server.url}/wechat?${signed()}`, { method: 'POST', body: '<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[bm90IGNpcGhlcnRleHQ=]]></Encrypt></xml>' });
    expect(garbled.status).toBe(401); // its msg_signature (none) does not match
    expect(await inbound.countDocuments({})).toBe(before);
    expect(await server.database.conn.collection('wechat_users').findOne({ _id: `${WX.appId}:${openId}` as never })).toBeNull();

    function signed() {
      const ts = String(Math.floor(Date.now() / 1000));
      return new URLSearchParams({ timestamp: ts, nonce: '42', signature: sha1Sorted(WX.token, ts, '42') });
    }
  });
});

describe('WeChat endpoint when the answer is late', () => {
  let fake: FakeWeChat;
  let server: TestServer;

  beforeAll(async () => {
    fake = await startFakeWeChat();
    // No time at all for the dialog: every post is answered "success" and the answer follows by the API.
    server = await startWeChatServer(fake, {}, { customerEdges: { wechat: { replyBudgetMs: 0 } } });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
  });

  it('when the dialog is not ready within the budget, then WeChat gets "success" and the answer arrives as a customer-service message', async () => {
    const openId = newOpenId();
    const r = await postWeChat(server.url, textXml(openId, '我要投诉'));
    expect(r.raw).toBe('success');
    await waitFor(() => fake.sentTo(openId).length === 1);
    expect(fake.sentTo(openId)[0]).toContain('请问发生了什么');
    expect(fake.tokensIssued).toBe(1);
    await postWeChat(server.url, textXml(openId, '昨天买的电热水壶第一次用就漏电了'));
    await waitFor(() => fake.sentTo(openId).length === 2);
    expect(fake.sentTo(openId)[1]).toContain('怎么称呼');
    // The token is kept in the database and reused.
    expect(fake.tokensIssued).toBe(1);
    const doc = await server.database.conn.collection('wechat_tokens').findOne({ _id: WX.appId as never });
    expect(doc?.token).toMatch(/^FAKE_TOKEN_1_/);
  });

  it('when WeChat refuses the late answer (outside the window), then it waits and comes with the next answer', async () => {
    const openId = newOpenId();
    fake.outsideWindow.add(openId);
    await postWeChat(server.url, textXml(openId, '我要投诉'));
    await waitFor(async () => (await server.customerEdges.wechat!.store.waiting(openId)).length === 1);
    fake.outsideWindow.delete(openId);
    await postWeChat(server.url, textXml(openId, '你好'));
    await waitFor(async () => (await server.customerEdges.wechat!.store.waiting(openId)).length === 0);
    expect(fake.sentTo(openId)).toHaveLength(1);
    expect(fake.sentTo(openId)[0]).toContain('请问发生了什么');
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
