/**
 * Bad requests at the REST edge: each gets the right 4xx and the `{error:{code,message}}` shape,
 * and none of them writes a ticket, an audit entry or an outbox event.
 */
import zlib from 'node:zlib';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

let server: TestServer;
let smallLimit: TestServer;

beforeAll(async () => {
  [server, smallLimit] = await Promise.all([startTestServer(), startTestServer({ API_BODY_LIMIT: '1kb' })]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), smallLimit?.stop()]);
});

const COLLECTIONS = ['tickets', 'change_feed', 'audit_log'] as const;

/** What is stored, once the effects of everything committed so far have caught up. */
async function counts(s: TestServer): Promise<Record<string, number>> {
  await s.effects.drain();
  const out: Record<string, number> = {};
  for (const c of COLLECTIONS) out[c] = await s.database.conn.collection(c).countDocuments();
  return out;
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Raw POST: any body text and content type. */
async function rawPost(
  s: TestServer,
  body: string | Buffer | undefined,
  contentType: string | null,
  path = '/api/complaints',
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (contentType !== null) headers['content-type'] = contentType;
  const res = await fetch(s.url + path, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // leave as text; the assertions below then fail on the shape
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

function expectError(res: Answer, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

/** Sends, checks status/code, and checks that nothing was written. */
async function expectRejectedWithoutWrites(s: TestServer, send: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
  const before = await counts(s);
  const res = await send();
  expectError(res, status, code);
  expect(await counts(s)).toEqual(before);
  return res;
}

/** A validation failure naming `field` among its problems, with nothing written. */
async function expectInvalidField(overrides: Record<string, unknown>, field: string): Promise<Answer> {
  const res = await expectRejectedWithoutWrites(server, () => server.post('/api/complaints', complaintBody(overrides)), 400, 'validation.failed');
  const fields = (res.body.error.details?.problems ?? []).map((p: { field: string }) => p.field);
  expect(fields).toContain(field);
  expect(res.body.error.message).toContain(field);
  return res;
}

describe('the write check itself', () => {
  it('when a valid complaint is filed, then the ticket, change-feed and audit counts go up (so the checks below can see writes)', async () => {
    const before = await counts(server);
    const res = await server.post('/api/complaints', complaintBody());
    expect(res.status).toBe(201);
    const after = await counts(server);
    expect(after.tickets).toBe(before.tickets! + 1);
    expect(after.change_feed).toBe(before.change_feed! + 1);
    expect(after.audit_log).toBe(before.audit_log! + 1);
  });
});

/** Scalars are valid JSON texts but not complaint bodies; strict JSON parsing refuses them before the route. */
const SCALAR_BODY_CODE = 'request.invalid_json';

describe('POST /api/complaints with a body that is not a JSON object', () => {
  it('when the JSON is malformed, then 400 request.invalid_json', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, '{"description": "broken', 'application/json'), 400, 'request.invalid_json');
  });

  it('when the body is a JSON array, then 400 and nothing is written', async () => {
    const res = await expectRejectedWithoutWrites(server, () => rawPost(server, JSON.stringify([complaintBody()]), 'application/json'), 400, 'request.invalid_body');
    expect(res.body.error.message).toMatch(/object/i);
  });

  it('when the body is a JSON string, then 400 and nothing is written', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, '"I want a refund"', 'application/json'), 400, SCALAR_BODY_CODE);
  });

  it('when the body is a JSON number, then 400 and nothing is written', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, '42', 'application/json'), 400, SCALAR_BODY_CODE);
  });

  it('when the body is JSON null, then 400 and nothing is written', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, 'null', 'application/json'), 400, SCALAR_BODY_CODE);
  });

  it('when the body is empty with a JSON content type, then 400 validation.failed naming the required fields', async () => {
    const res = await expectRejectedWithoutWrites(server, () => rawPost(server, '', 'application/json'), 400, 'validation.failed');
    const fields = res.body.error.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['description', 'customer']));
  });

  it('when the content type is text/plain, then 415', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, JSON.stringify(complaintBody()), 'text/plain'), 415, 'request.unsupported_media_type');
  });

  it('when the content type is a form, then 415', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, 'description=refund&phone=13812345678', 'application/x-www-form-urlencoded'), 415, 'request.unsupported_media_type');
  });

  it('when there is no content type at all, then 415', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, JSON.stringify(complaintBody()), null), 415, 'request.unsupported_media_type');
  });

  it('when the JSON declares a charset other than UTF-8, then 415', async () => {
    await expectRejectedWithoutWrites(server, () => rawPost(server, JSON.stringify(complaintBody()), 'application/json; charset=latin1'), 415, 'request.unsupported_encoding');
  });

  it('when the JSON declares charset=utf-8, then it is accepted', async () => {
    const res = await rawPost(server, JSON.stringify(complaintBody()), 'application/json; charset=utf-8');
    expect(res.status).toBe(201);
  });
});

describe('POST /api/complaints with forbidden or unknown keys', () => {
  it('when an unknown top-level field is sent, then 400 validation.failed naming it', async () => {
    const res = await expectInvalidField({ favouriteColour: 'blue' }, 'favouriteColour');
    expect(res.body.error.details.problems).toContainEqual({ field: 'favouriteColour', message: 'unknown field' });
  });

  it('when an unknown nested field is sent, then 400 validation.failed naming its path', async () => {
    await expectInvalidField({ customer: { phone: '13812345678', wechatId: 'lilei88' } }, 'customer.wechatId');
  });

  it('when an unknown field is sent inside the amount, then 400 validation.failed naming its path', async () => {
    await expectInvalidField({ amount: { value: 10, currency: 'CNY', tax: 1 } }, 'amount.tax');
  });

  it('when a $-prefixed key is sent at the top level, then 400 request.forbidden_key', async () => {
    const res = await expectRejectedWithoutWrites(server, () => server.post('/api/complaints', { ...complaintBody(), $where: 'sleep(1000)' }), 400, 'request.forbidden_key');
    expect(res.body.error.message).toContain('$where');
  });

  it('when a $-prefixed key is nested, then 400 request.forbidden_key naming its path', async () => {
    const res = await expectRejectedWithoutWrites(
      server,
      () => server.post('/api/complaints', complaintBody({ customer: { phone: { $ne: null } } })),
      400,
      'request.forbidden_key',
    );
    expect(res.body.error.message).toContain('customer.phone.$ne');
  });

  it('when a $-prefixed key hides inside an array, then 400 request.forbidden_key', async () => {
    const evidence = [{ name: 'a.jpg', contentType: 'image/jpeg', size: 1, sha256: 'a'.repeat(64), $set: { x: 1 } }];
    await expectRejectedWithoutWrites(server, () => server.post('/api/complaints', complaintBody({ evidence })), 400, 'request.forbidden_key');
  });

  it('when a dotted key is sent, then 400 request.forbidden_key', async () => {
    const res = await expectRejectedWithoutWrites(
      server,
      () => server.post('/api/complaints', { ...complaintBody(), 'customer.phone': '13800000000' }),
      400,
      'request.forbidden_key',
    );
    expect(res.body.error.message).toContain('customer.phone');
  });

  it('when a __proto__ key is sent, then 400 and nothing is written', async () => {
    const text = JSON.stringify(complaintBody()).replace(/^\{/, '{"__proto__":{"isAdmin":true},');
    const res = await expectRejectedWithoutWrites(server, () => rawPost(server, text, 'application/json'), 400, 'validation.failed');
    expect(res.body.error.details.problems).toContainEqual({ field: '__proto__', message: 'unknown field' });
  });
});

describe('POST /api/complaints with a body that is too large', () => {
  it('when the body is over the default 64kb limit, then 413 request.too_large', async () => {
    const body = JSON.stringify(complaintBody({ description: 'x'.repeat(70 * 1024) }));
    await expectRejectedWithoutWrites(server, () => rawPost(server, body, 'application/json'), 413, 'request.too_large');
  });

  it('when API_BODY_LIMIT is 1kb and the body is 2kb, then 413 request.too_large', async () => {
    const body = JSON.stringify(complaintBody({ description: 'The kettle broke. '.repeat(110) }));
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024);
    expect(Buffer.byteLength(body)).toBeLessThan(5000);
    await expectRejectedWithoutWrites(smallLimit, () => rawPost(smallLimit, body, 'application/json'), 413, 'request.too_large');
  });

  it('when a gzip body inflates beyond the limit, then 413 request.too_large', async () => {
    const json = JSON.stringify(complaintBody({ description: 'x'.repeat(200 * 1024) }));
    const gz = zlib.gzipSync(json);
    expect(gz.length).toBeLessThan(64 * 1024);
    await expectRejectedWithoutWrites(server, () => rawPost(server, gz, 'application/json', '/api/complaints', { 'content-encoding': 'gzip' }), 413, 'request.too_large');
  });

  it('when a gzip body is small, then it is filed', async () => {
    const gz = zlib.gzipSync(JSON.stringify(complaintBody()));
    const res = await rawPost(server, gz, 'application/json', '/api/complaints', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(201);
  });

  it('when the body uses an unknown content encoding, then 415 request.unsupported_encoding', async () => {
    await expectRejectedWithoutWrites(
      server,
      () => rawPost(server, JSON.stringify(complaintBody()), 'application/json', '/api/complaints', { 'content-encoding': 'x-snappy' }),
      415,
      'request.unsupported_encoding',
    );
  });

  it('when API_BODY_LIMIT is 1kb and the body is small, then it is filed', async () => {
    const res = await smallLimit.post('/api/complaints', complaintBody());
    expect(res.status).toBe(201);
  });
});

describe('POST /api/complaints with invalid values', () => {
  it('when the description is empty, then 400 naming description', async () => {
    await expectInvalidField({ description: '' }, 'description');
  });

  it('when the description is only whitespace, then 400 naming description', async () => {
    await expectInvalidField({ description: ' \n\t　 ' }, 'description');
  });

  it('when the description is longer than 5000 characters, then 400 naming description', async () => {
    await expectInvalidField({ description: '质'.repeat(5001) }, 'description');
  });

  it('when the description is missing, then 400 naming description', async () => {
    const body = complaintBody();
    delete body.description;
    const res = await expectRejectedWithoutWrites(server, () => server.post('/api/complaints', body), 400, 'validation.failed');
    expect(res.body.error.details.problems.map((p: { field: string }) => p.field)).toContain('description');
  });

  it('when the description is a number, then 400 naming description', async () => {
    await expectInvalidField({ description: 12345 }, 'description');
  });

  it('when the phone is not a phone number, then 400 naming customer.phone', async () => {
    await expectInvalidField({ customer: { phone: 'call me maybe' } }, 'customer.phone');
  });

  it('when the phone has too few digits, then 400 naming customer.phone', async () => {
    await expectInvalidField({ customer: { phone: '12345' } }, 'customer.phone');
  });

  it('when the phone is mostly punctuation with only two digits, then 400 naming customer.phone', async () => {
    // The message promises "7–20 digits"; separators are not digits.
    await expectInvalidField({ customer: { phone: '1------2' } }, 'customer.phone');
  });

  it('when the phone has more than 20 digits, then 400 naming customer.phone', async () => {
    await expectInvalidField({ customer: { phone: '+1234567890123456789012' } }, 'customer.phone');
  });

  it('when the e-mail is not an e-mail address, then 400 naming customer.email', async () => {
    await expectInvalidField({ customer: { email: 'li.lei at example.com' } }, 'customer.email');
  });

  it('when the customer gives no phone and no e-mail, then 400 saying a contact is needed', async () => {
    const res = await expectInvalidField({ customer: { name: 'Li Lei' } }, 'customer.phone');
    expect(res.body.error.message).toMatch(/phone or an e-mail/);
  });

  it('when there is no customer at all, then 400 naming customer', async () => {
    const body = complaintBody();
    delete body.customer;
    const res = await expectRejectedWithoutWrites(server, () => server.post('/api/complaints', body), 400, 'validation.failed');
    expect(res.body.error.details.problems.map((p: { field: string }) => p.field)).toContain('customer');
  });

  it('when the amount is negative, then 400 naming amount.value', async () => {
    await expectInvalidField({ amount: { value: -1, currency: 'CNY' } }, 'amount.value');
  });

  it('when the amount is a string, then 400 naming amount.value', async () => {
    await expectInvalidField({ amount: { value: '100', currency: 'CNY' } }, 'amount.value');
  });

  it('when the currency is not a 3-letter code, then 400 naming amount.currency', async () => {
    await expectInvalidField({ amount: { value: 100, currency: 'rmb' } }, 'amount.currency');
  });

  it('when occurredAt is not a date, then 400 naming occurredAt', async () => {
    await expectInvalidField({ occurredAt: 'last tuesday-ish' }, 'occurredAt');
  });

  it('when occurredAt is a calendar date that does not exist (30 February), then 400 naming occurredAt', async () => {
    await expectInvalidField({ occurredAt: '2026-02-30' }, 'occurredAt');
  });

  it('when occurredAt is not a string (true), then 400 naming occurredAt instead of storing 1970-01-01', async () => {
    await expectInvalidField({ occurredAt: true }, 'occurredAt');
  });

  it('when occurredAt is null, then 400 naming occurredAt instead of storing 1970-01-01', async () => {
    await expectInvalidField({ occurredAt: null }, 'occurredAt');
  });

  it('when the category is unknown, then 400 naming category', async () => {
    await expectInvalidField({ category: 'vibes' }, 'category');
  });

  it('when the severity is unknown, then 400 naming severity', async () => {
    await expectInvalidField({ severity: 'catastrophic' }, 'severity');
  });

  it('when the desired remedy is unknown, then 400 naming desiredRemedy', async () => {
    await expectInvalidField({ desiredRemedy: 'revenge' }, 'desiredRemedy');
  });

  it('when the channel is unknown, then 400 naming channel', async () => {
    await expectInvalidField({ channel: 'carrier-pigeon' }, 'channel');
  });

  it('when the language is unknown, then 400 naming language', async () => {
    await expectInvalidField({ language: 'fr' }, 'language');
  });

  it('when there are more than 20 evidence items, then 400 naming evidence', async () => {
    const evidence = Array.from({ length: 21 }, (_, i) => ({ name: `photo-${i}.jpg`, contentType: 'image/jpeg', size: 1000 + i, sha256: 'ab'.repeat(32) }));
    await expectInvalidField({ evidence }, 'evidence');
  });

  it('when an evidence item has a bad sha256, then 400 naming its path', async () => {
    const evidence = [{ name: 'photo.jpg', contentType: 'image/jpeg', size: 1000, sha256: 'not-a-hash' }];
    await expectInvalidField({ evidence }, 'evidence.0.sha256');
  });

  it('when an evidence item has an upper-case sha256 of the wrong length, then 400 naming its path', async () => {
    const evidence = [{ name: 'photo.jpg', contentType: 'image/jpeg', size: 1000, sha256: 'AB'.repeat(31) }];
    await expectInvalidField({ evidence }, 'evidence.0.sha256');
  });

  it('when several fields are wrong, then every problem is listed', async () => {
    const res = await expectInvalidField({ description: '', category: 'vibes', amount: { value: -5, currency: 'CNY' } }, 'description');
    const fields = res.body.error.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['description', 'category', 'amount.value']));
  });
});

describe('GET /api/complaints/:number', () => {
  let number: string;
  let lookupCode: string;
  let year: string;

  beforeAll(async () => {
    const res = await server.post('/api/complaints', complaintBody({ customer: { phone: '+86 138 0000 9753' } }));
    expect(res.status).toBe(201);
    number = res.body.number;
    lookupCode = res.body.lookupCode;
    year = number.slice(0, 4);
  });

  it('when the number has the right shape but no ticket can have it (2026000000), then it is answered like any unknown ticket: 404', async () => {
    const res = await server.get('/api/complaints/2026000000', { 'X-Lookup-Code': 'ABCDEFGHJK' });
    expectError(res, 404, 'ticket.verification_failed');
  });

  it.each(['123', 'abcdefghij', '20260000001', '2026-00001'])('when the number is malformed (%s), then 400 request.invalid_ticket_number', async (bad) => {
    const res = await server.get(`/api/complaints/${encodeURIComponent(bad)}`, { 'X-Lookup-Code': 'ABCDEFGHJK' });
    expectError(res, 400, 'request.invalid_ticket_number');
  });

  it('when no verification is given, then 401 ticket.verification_required', async () => {
    const res = await server.get(`/api/complaints/${number}`);
    expectError(res, 401, 'ticket.verification_required');
    expect(JSON.stringify(res.body)).not.toContain('9753');
  });

  it('when the lookup code is wrong, then 404 ticket.verification_failed without ticket data', async () => {
    const res = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': 'WRONGCODE2' });
    expectError(res, 404, 'ticket.verification_failed');
    expect(res.body).not.toHaveProperty('description');
    expect(JSON.stringify(res.body)).not.toContain('kettle');
  });

  it('when the last 4 digits are wrong, then 404 ticket.verification_failed', async () => {
    const res = await server.get(`/api/complaints/${number}`, { 'X-Contact-Last4': '0000' });
    expectError(res, 404, 'ticket.verification_failed');
  });

  it('when the ticket does not exist, then the answer is the same 404 as for a wrong code (no existence oracle)', async () => {
    const missing = `${year}999999`;
    const wrong = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': 'WRONGCODE3' });
    const absent = await server.get(`/api/complaints/${missing}`, { 'X-Lookup-Code': 'WRONGCODE3' });
    expect(absent.status).toBe(wrong.status);
    expect(absent.body.error.code).toBe(wrong.body.error.code);
    // Apart from echoing the number the client sent, the two answers are identical.
    expect(JSON.stringify(absent.body).split(missing).join('N')).toBe(JSON.stringify(wrong.body).split(number).join('N'));
    expect([...absent.headers.keys()].sort()).toEqual([...wrong.headers.keys()].sort());
  });

  it('when the right code is given after wrong ones (below the limit), then 200', async () => {
    const res = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': lookupCode });
    expect(res.status).toBe(200);
  });
});

describe('unknown routes', () => {
  it('when an unknown route under /api is requested, then 404 route.not_found as JSON naming the full path', async () => {
    const res = await server.get('/api/nope');
    expectError(res, 404, 'route.not_found');
    expect(res.body.error.message).toContain('/api/nope');
  });

  it('when GET /api/complaints is requested without a number, then 405 with Allow: POST', async () => {
    const res = await server.get('/api/complaints');
    expectError(res, 405, 'request.method_not_allowed');
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('when a JSON POST goes to an unknown route under /api, then 404 and nothing is written', async () => {
    await expectRejectedWithoutWrites(server, () => server.post('/api/tickets', complaintBody()), 404, 'route.not_found');
  });

  it.each(['DELETE', 'PUT', 'PATCH'])('when %s is sent to a ticket, then 405 with Allow: GET, HEAD and the ticket still exists', async (method) => {
    const filed = await server.post('/api/complaints', complaintBody());
    const res = await fetch(`${server.url}/api/complaints/${filed.body.number}`, { method, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(((await res.json()) as any).error.code).toBe('request.method_not_allowed');
    expect((await server.get(`/api/complaints/${filed.body.number}`, { 'X-Lookup-Code': filed.body.lookupCode })).status).toBe(200);
  });

  it('when an unknown route outside /api is requested, then 404 JSON too', async () => {
    expectError(await server.get('/definitely-not-here'), 404, 'route.not_found');
  });
});
