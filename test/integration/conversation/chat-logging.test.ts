/**
 * A whole chat — Direct Line and Bot Framework, including a failing turn and bad input — logged at
 * trace level: no line carries what the customer wrote, their contact, name, token or lookup code.
 */
import crypto from 'node:crypto';
import nock from 'nock';
import { createLogger } from '../../../src/logging/logger';
import { startTestServer, type TestServer } from '../../support/server';
import { buildActivity, CONNECTOR } from '../../fixtures/activities';

const SECRET = 'log-test-directline-secret-0123';
const PHONE = '13579246801';
const EMAIL = 'xiuying.wang.secret@example.net';
const NAME = '王秀英';
const STORY = '昨天在苏宁买的紫色烤面包机ZQX-7781冒火花，把台面烧黑了，花了199元，订单号 A-99887766';

const lines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  server = await startTestServer({ LOG_LEVEL: 'trace', DIRECTLINE_SECRET: SECRET }, { logger });
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // The connector refuses the replies: the bot's error path runs too.
  nock(CONNECTOR).persist().post(/.*/).reply(500, { error: { message: `no ${EMAIL}` } });
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await server.stop();
});

it('when a customer chats and things fail, then the logs hold ids and statuses but nothing the customer wrote', async () => {
  const message = `我叫${NAME}，电话${PHONE}，邮箱${EMAIL}，${STORY}，要求赔偿`;
  const gen = await server.post('/v3/directline/tokens/generate', {}, { authorization: `Bearer ${SECRET}` });
  const { token, conversationId } = gen.body as { token: string; conversationId: string };
  const auth = { authorization: `Bearer ${token}` };
  await server.post('/v3/directline/conversations', {}, auth);
  for (const text of [message, '完成', '提交', '1', 'x'.repeat(40_000)]) {
    await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', text }, auth);
  }
  const page = await server.get(`/v3/directline/conversations/${conversationId}/activities`, auth);
  const code = /查询码 ([A-Z0-9]+)/.exec(JSON.stringify(page.body))?.[1];
  expect(code).toBeDefined();
  await server.get(`/v3/directline/conversations/${conversationId}/activities?watermark=0&t=${token}`);
  await server.post('/api/messages', buildActivity(`c-${crypto.randomUUID()}`, { text: message }));

  const all = lines.join('\n');
  expect(lines.length).toBeGreaterThan(5);
  for (const secret of [PHONE, EMAIL, NAME, STORY, 'ZQX-7781', 'A-99887766', token, SECRET, code!]) expect(all).not.toContain(secret);
});
