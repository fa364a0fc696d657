/** The real service with the WeChat channel on, against a local fake of WeChat's API. */
import { FakeWeChat } from '../fakes/fake-wechat';
import { postWeChat, textXml, wechatEnv, WX, type PostOptions, type WeChatAnswer } from '../fixtures/wechat-requests';
import { startTestServer, type TestServer } from './server';
import type { StartOptions } from '../../src/server/app';

export async function startFakeWeChat(): Promise<FakeWeChat> {
  return new FakeWeChat(WX.appId, WX.appSecret).start();
}

export async function startWeChatServer(fake: FakeWeChat, env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  return startTestServer(wechatEnv(fake.url, env), {
    ...options,
    customerDelivery: { intervalMs: 50, backoffMs: 30, maxBackoffMs: 300, ...options.customerDelivery },
  });
}

let openIds = 0;
/** A fresh customer (OpenIDs are 28 characters of [A-Za-z0-9_-]). */
export function newOpenId(): string {
  return `oWx${String(++openIds).padStart(4, '0')}${Math.random().toString(36).slice(2, 12)}`.padEnd(28, 'x').slice(0, 28);
}

/** Send a text message as the customer and return the passive answer. */
export async function say(server: TestServer, openId: string, text: string, o: PostOptions = {}): Promise<WeChatAnswer> {
  const r = await postWeChat(server.url, textXml(openId, text), o);
  if (r.status !== 200) throw new Error(`POST /wechat answered ${r.status}: ${r.raw}`);
  return r;
}

export const EVERYTHING = '我叫张三，手机13812345678，昨天在京东买的电热水壶第一次用就漏电，花了299元，订单号 2026112012345678，要求退款';

/** A whole complaint in one message, then "完成" and "1" (提交): the ticket number. */
export async function fileByWeChat(server: TestServer, openId: string, o: PostOptions = {}): Promise<string> {
  expect((await say(server, openId, EVERYTHING, o)).text).toContain('照片');
  expect((await say(server, openId, '完成', o)).text).toContain('回复 1 提交，2 修改，3 取消');
  const filed = await say(server, openId, '1', o);
  const number = /工单号：(\d{10})/.exec(filed.text ?? '')?.[1];
  if (!number) throw new Error(`no ticket number in: ${filed.text}`);
  // An unsure classifier asks the customer to pick the category: the first option.
  if (/回复 1 /.test(filed.text ?? '') && !/已登记/.test(filed.text ?? '')) expect((await say(server, openId, '1', o)).text).toContain('已登记');
  return number;
}
