/**
 * The service is stopped and started again between two turns of a dialog: the conversation
 * continues at the same step, with the same Direct Line token (its key lives in the database when
 * no DIRECTLINE_SECRET is set).
 */
import { startTestServer, type TestServer } from '../../support/server';
import { uniqueDbName } from '../../support/db';

const ORIGIN = 'http://localhost:5173';

it('when the service restarts mid-dialog, then the next turn continues at the same step', async () => {
  const dbName = uniqueDbName();
  let server: TestServer = await startTestServer({ MONGODB_DB: dbName });
  let dropped = false;
  try {
    const t = await server.post('/api/widget/token', {}, { origin: ORIGIN });
    expect(t.status).toBe(200);
    const { token, conversationId } = t.body as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${token}` };
    await server.post('/v3/directline/conversations', { locale: 'zh-CN' }, auth);
    await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', text: '快递员态度很差，把包裹直接扔在门口' }, auth);
    const before = await server.get(`/v3/directline/conversations/${conversationId}/activities`, auth);
    expect(JSON.stringify(before.body)).toContain('怎么称呼');
    const watermark = before.body.watermark as string;

    await server.stop();
    server = await startTestServer({ MONGODB_DB: dbName });

    const posted = await server.post(`/v3/directline/conversations/${conversationId}/activities`, { type: 'message', text: '张三' }, auth);
    expect(posted.status).toBe(200);
    const after = await server.get(`/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, auth);
    const texts = (after.body.activities as Array<{ text?: string }>).map((a) => a.text ?? '');
    expect(texts).toEqual(['张三', '我们怎么联系您？请留下手机号码或电子邮箱。']);
    await server.database.conn.dropDatabase();
    dropped = true;
  } finally {
    if (!dropped) await server.database.conn.dropDatabase().catch(() => undefined);
    await server.stop();
  }
});
