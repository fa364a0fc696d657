/**
 * After filing: status lookup with verification, and handoff — once a person is on the ticket the
 * customer is told so and the bot answers only cancel, help and status, until the ticket is resolved.
 * Real activities to /api/messages, the real core; replies caught at the nocked connector.
 */
import crypto from 'node:crypto';
import nock from 'nock';
import { startTestServer, type TestServer } from '../../support/server';
import { buildActivity, CONNECTOR, EVERYTHING_ZH } from '../../fixtures/activities';

let server: TestServer;
const replies = new Map<string, string[]>();

beforeAll(async () => {
  server = await startTestServer();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(CONNECTOR)
    .persist()
    .post(/\/v3\/conversations\/[^/]+\/activities(\/.*)?$/)
    .reply(200, (uri, body) => {
      const conversation = decodeURIComponent(uri.split('/')[3]!);
      replies.set(conversation, [...(replies.get(conversation) ?? []), (body as { text?: string }).text ?? '']);
      return { id: crypto.randomUUID() };
    });
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await server.stop();
});

async function say(conversationId: string, text: string): Promise<string> {
  const before = replies.get(conversationId)?.length ?? 0;
  const res = await server.post('/api/messages', buildActivity(conversationId, { text }));
  expect(res.status).toBe(200);
  return (replies.get(conversationId) ?? []).slice(before).join('\n---\n');
}

async function fileOne(c: string): Promise<{ number: string; code: string }> {
  await say(c, EVERYTHING_ZH);
  await say(c, '完成');
  let r = await say(c, '提交');
  if (r.includes('请问这是关于')) r += await say(c, '1');
  const number = /工单号：(\d{10})/.exec(r)![1]!;
  const code = /查询码 ([A-Z0-9]+)/.exec(r)![1]!;
  return { number, code };
}

describe('status lookup', () => {
  it('when another conversation asks for a ticket, then it needs the phone digits or the lookup code, and wrong ones are refused', async () => {
    const { number, code } = await fileOne(`owner-${crypto.randomUUID()}`);
    const stranger = `stranger-${crypto.randomUUID()}`;
    expect(await say(stranger, `查询 ${number}`)).toContain('后 4 位');
    expect(await say(stranger, '0000')).toContain('与该工单不符');
    expect(await say(stranger, `查询 ${number}`)).toContain('后 4 位');
    const ok = await say(stranger, '5678');
    expect(ok).toContain(`工单 ${number}：已受理`);
    expect(await say(stranger, `status ${number}`)).toContain('后 4 位');
    expect(await say(stranger, code)).toContain(`工单 ${number}`);
  });

  it('when the conversation that filed asks for its status, then it is told without verification', async () => {
    const c = `own-${crypto.randomUUID()}`;
    const { number } = await fileOne(c);
    expect(await say(c, '查询进度')).toContain(`工单 ${number}：已受理`);
  });
});

describe('add information', () => {
  it('when the customer adds information to their ticket, then it is recorded on the ticket with its evidence hash', async () => {
    const c = `add-${crypto.randomUUID()}`;
    const { number } = await fileOne(c);
    expect(await say(c, '补充材料')).toContain('您想补充什么');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), crypto.randomBytes(64)]);
    const before = replies.get(c)?.length ?? 0;
    const res = await server.post(
      '/api/messages',
      buildActivity(c, { text: '补一张发票照片', attachments: [{ name: 'invoice.png', contentType: 'image/png', contentUrl: `data:image/png;base64,${png.toString('base64')}` }] }),
    );
    expect(res.status).toBe(200);
    expect((replies.get(c) ?? []).slice(before).join('\n')).toContain(`已补充到工单 ${number}`);
    const ticket = await server.complaints.get(number);
    expect(ticket.messages.filter((m) => m.direction === 'from_customer')).toHaveLength(1);
    expect(ticket.evidence.map((e) => e.sha256)).toContain(crypto.createHash('sha256').update(png).digest('hex'));
  });
});

describe('handoff', () => {
  it('when an agent claims the ticket, then the customer is told a person is on it and the bot answers only help, status and cancel until it is resolved', async () => {
    const c = `handoff-${crypto.randomUUID()}`;
    const { number } = await fileOne(c);
    await server.complaints.claim(number, { kind: 'agent', id: 'U-agent-1', name: '小李' });

    const joined = await say(c, '帮助');
    expect(joined).toContain(`工作人员已开始处理工单 ${number}`);
    expect(joined).toContain('发“查询”可查看工单状态');
    expect(await say(c, '查询')).toContain('工作人员已接单');
    // What the customer writes now goes to the ticket for the person, and the bot stays quiet.
    expect(await say(c, '我要投诉，还有一个问题：插头也发烫')).toBe('');
    const withMessage = await server.complaints.get(number);
    expect(withMessage.messages.filter((m) => m.direction === 'from_customer')).toHaveLength(1);

    await server.complaints.transition(number, 'resolve', { actor: { kind: 'agent', id: 'U-agent-1' }, resolution: { remedy: 'refund', amount: 299, note: '已退款' } });
    const back = await say(c, '谢谢');
    expect(back).toContain('不客气');
    expect(back).toContain(`工单 ${number} 已处理完毕。我回来了`);
    expect(await say(c, '你好')).toContain('请直接描述遇到的问题');
  });

  it('when the customer asks for a person after filing, then a person is requested for that ticket and "cancel" leaves the handoff', async () => {
    const c = `person-${crypto.randomUUID()}`;
    const { number } = await fileOne(c);
    expect(await say(c, '转人工')).toContain(`工作人员将接手工单 ${number}`);
    // The core records the request (its own event, which the agents' side shows), not a message.
    const requested = await server.complaints.get(number);
    expect(requested.flags.personRequestedAt).toBeInstanceOf(Date);
    expect(requested.messages.filter((m) => m.direction === 'from_customer')).toHaveLength(0);
    const { entries } = await server.repository.feed.read(0, 10_000);
    expect(entries.filter((e) => e.number === number && e.events.includes('ticket.person_requested'))).toHaveLength(1);
    // While waiting for the person, what the customer writes goes to the ticket, once per activity.
    const again = buildActivity(c, { text: '我等着' });
    await server.post('/api/messages', again);
    await server.post('/api/messages', again);
    expect((await server.complaints.get(number)).messages.filter((m) => m.direction === 'from_customer')).toHaveLength(1);
    expect(await say(c, '取消')).toContain(`您已结束与工作人员的对话，工单 ${number} 仍在处理中`);
    expect(await say(c, '你好')).toContain('请直接描述遇到的问题');
  });
});
