/**
 * Logs at debug level carry request lines (method, path, status) but never complaint text,
 * customer contacts, names or lookup codes — not even from failing requests.
 */
import { createLogger } from '../../../src/logging/logger';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const PHONE = '+86 135 7924 6801';
const PHONE_DIGITS = '13579246801';
const EMAIL = 'xiuying.wang.secret@example.net';
const NAME = '王秀英';
const DESCRIPTION = 'The purple toaster ZQX-7781 sparked and scorched my counter; 烤面包机冒火花了。';

const lines: string[] = [];
let server: TestServer;
let number: string;
let lookupCode: string;
/** Log lines written while the requests of this file ran, parsed. */
let records: Array<Record<string, any>>;

beforeAll(async () => {
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  server = await startTestServer({ LOG_LEVEL: 'debug' }, { logger });

  const filed = await server.post('/api/complaints', complaintBody({ description: DESCRIPTION, customer: { name: NAME, phone: PHONE, email: EMAIL } }));
  expect(filed.status).toBe(201);
  number = filed.body.number;
  lookupCode = filed.body.lookupCode;

  // Verification in the query string is not accepted (it would land in proxy logs), and not logged here either.
  const byQuery = await server.get(`/api/complaints/${number}?code=${lookupCode}&last4=6801`);
  expect(byQuery.status).toBe(401);
  const byHeader = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': lookupCode });
  expect(byHeader.status).toBe(200);
  expect(byHeader.body.description).toBe(DESCRIPTION);
  expect((await server.get(`/api/complaints/${number}`, { 'X-Contact-Last4': '6801' })).status).toBe(200);

  // 4xx answers, each carrying the secrets somewhere in the request.
  expect((await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': `${lookupCode}X` })).status).toBe(404);
  const invalid = await server.post('/api/complaints', complaintBody({ description: DESCRIPTION, customer: { name: NAME, phone: PHONE, email: 'not-an-email' }, severity: 'nope' }));
  expect(invalid.status).toBe(400);
  const badJson = await fetch(`${server.url}/api/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"customer":{"phone":"${PHONE_DIGITS}","email":"${EMAIL}"},"description":"${DESCRIPTION}"`,
  });
  expect(badJson.status).toBe(400);
  const forbidden = await server.post('/api/complaints', { ...complaintBody({ description: DESCRIPTION, customer: { phone: PHONE, email: EMAIL } }), $where: EMAIL });
  expect(forbidden.status).toBe(400);
  const wrongType = await fetch(`${server.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `${NAME} ${PHONE} ${EMAIL}` });
  expect(wrongType.status).toBe(415);
  const unknown = await fetch(`${server.url}/api/unknown?email=${encodeURIComponent(EMAIL)}`);
  expect(unknown.status).toBe(404);

  // Replays log too.
  const key = 'log-test-key-0001';
  expect((await server.post('/api/complaints', complaintBody({ description: DESCRIPTION, customer: { phone: PHONE } }), { 'Idempotency-Key': key })).status).toBe(201);
  expect((await server.post('/api/complaints', complaintBody({ description: DESCRIPTION, customer: { phone: PHONE } }), { 'Idempotency-Key': key })).status).toBe(200);

  // pino writes synchronously to a plain stream, but let the last 'finish' handlers run.
  await new Promise((r) => setImmediate(r));
  records = lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
});

afterAll(async () => {
  await server?.stop();
});

function requestLines(method: string, path: string, status: number): Array<Record<string, any>> {
  return records.filter((r) => r.req?.method === method && r.req?.path === path && r.res?.statusCode === status);
}

describe('request logs', () => {
  it('when requests are made at debug level, then every log line is JSON and the request lines are there', () => {
    expect(records.length).toBeGreaterThan(5);
    expect(records.every((r) => typeof r.level === 'number' && typeof r.msg === 'string')).toBe(true);
    expect(requestLines('POST', '/api/complaints', 201)).toHaveLength(2);
    expect(requestLines('POST', '/api/complaints', 200)).toHaveLength(1);
    expect(requestLines('GET', `/api/complaints/${number}`, 200)).toHaveLength(2);
    expect(requestLines('GET', `/api/complaints/${number}`, 401)).toHaveLength(1);
    expect(requestLines('GET', `/api/complaints/${number}`, 404)).toHaveLength(1);
    expect(requestLines('POST', '/api/complaints', 400)).toHaveLength(3);
    expect(requestLines('POST', '/api/complaints', 415)).toHaveLength(1);
    expect(requestLines('GET', '/api/unknown', 404)).toHaveLength(1);
  });

  it('when a request succeeds, then it is logged at debug; when it fails with a 4xx, at info', () => {
    for (const r of requestLines('GET', `/api/complaints/${number}`, 200)) expect(r.level).toBe(20);
    for (const r of requestLines('GET', `/api/complaints/${number}`, 404)) expect(r.level).toBe(30);
    for (const r of requestLines('POST', '/api/complaints', 400)) expect(r.level).toBe(30);
  });

  it('when a request is logged, then its path has no query string and no headers are logged', () => {
    const reqs = records.filter((r) => r.req);
    expect(reqs.length).toBeGreaterThan(0);
    for (const r of reqs) {
      expect(String(r.req.path)).not.toContain('?');
      expect(r.req).not.toHaveProperty('url');
      expect(r.req).not.toHaveProperty('headers');
      expect(r.req).not.toHaveProperty('query');
      expect(r.req).not.toHaveProperty('body');
    }
  });

  it('when complaints are filed, looked up and refused with 4xx, then nothing is logged at warn level or above', () => {
    const startup = new Set([
      'no holiday calendar for these years: working days fall back to Monday–Friday',
      // Development without secrets and keys says so once at start.
      'CONTACT_HASH_SECRET is not set: contacts and personal values are hashed with a built-in development key',
      'API_KEYS is not set: POST /api/complaints is open to anyone (allowed outside production only)',
      'AUDIT_SECRET is not set: audit hashes are plain SHA-256, so whoever can write to the database can rebuild the chain',
      'DASHBOARD_SECRET is not set: dashboard links are signed with a built-in development key (allowed outside production only)',
    ]);
    const loud = records.filter((r) => r.level >= 40 && !startup.has(r.msg));
    expect(loud.map((r) => `${r.level} ${r.msg}`)).toEqual([]);
  });

  it('when the service starts, then its startup line is logged with a database address free of credentials', () => {
    const listening = records.find((r) => r.msg === 'complaint desk listening');
    expect(listening).toBeDefined();
    expect(String(listening!.db)).not.toMatch(/\/\/[^/@]+:[^/@]+@/);
  });
});

describe('no personal data or secrets in logs', () => {
  it.each([
    ['the phone as typed', PHONE],
    ['the phone digits', PHONE_DIGITS],
    ['the phone with spaces after the country code', '135 7924 6801'],
    ['the e-mail', EMAIL],
    ['the e-mail local part', 'xiuying.wang.secret'],
    ['the name', NAME],
    ['the description', DESCRIPTION],
    ['a distinctive part of the description', 'ZQX-7781'],
    ['the Chinese part of the description', '烤面包机冒火花'],
    ['the lookup-code query', '?code='],
    ['the last4 query', 'last4='],
  ])('when the log is searched for %s, then it is not there', (_what, needle) => {
    const text = lines.join('');
    expect(text.includes(needle)).toBe(false);
  });

  it('when the log is searched for the lookup code, then it is not there', () => {
    expect(lookupCode).toMatch(/^[A-Z0-9]{8,}$/);
    expect(lines.join('').toUpperCase().includes(lookupCode)).toBe(false);
  });
});
