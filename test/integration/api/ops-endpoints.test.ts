/**
 * Operations endpoints (/healthz, /readyz, /metrics), the OpenAPI document and HTTP hygiene
 * (helmet headers, no x-powered-by).
 */
import { loadConfig } from '../../../src/config/load-config';
import { startServer, type ServerHandle } from '../../../src/server/app';
import pino from 'pino';
import { uniqueDbName } from '../../support/db';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

let server: TestServer;
/** The real service pointed at a database address where nothing listens. */
let noDb: ServerHandle;

beforeAll(async () => {
  server = await startTestServer();
  noDb = await startServer(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      MONGODB_URI: 'mongodb://127.0.0.1:1/nothing_here',
      MONGODB_DB: uniqueDbName(),
      DB_TIMEOUT_MS: '300',
      CLASSIFIER: 'keyword',
      SHUTDOWN_TIMEOUT_MS: '1000',
    }),
    { logger: pino({ level: 'silent' }), sweepIntervalMs: 0 },
  );
});

afterAll(async () => {
  await Promise.all([server?.stop(), noDb?.stop()]);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format → samples (enough of the format for prom-client's output). */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(s: { url: string } = server): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${s.url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parseMetrics(text) };
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const hit = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hit?.value ?? 0;
}

describe('/healthz and /readyz', () => {
  it('when /healthz is called, then 200 {status: ok}', async () => {
    const res = await server.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when /readyz is called with the database up, then 200 ready and the database gauge is 1', async () => {
    const res = await server.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', database: 'up' });
    expect(valueOf((await scrape()).samples, 'complaint_desk_database_up', {})).toBe(1);
  });

  it('when the database cannot be reached, then /healthz is still 200 but /readyz is 503 and the gauge is 0', async () => {
    expect((await fetch(`${noDb.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${noDb.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', database: 'down' });
    expect(valueOf((await scrape(noDb)).samples, 'complaint_desk_database_up', {})).toBe(0);
  });

  it('when a complaint is filed while the database cannot be reached, then 503 store.unavailable with Retry-After', async () => {
    const res = await fetch(`${noDb.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(complaintBody()) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('store.unavailable');
    // No driver internals (addresses, error class names) leak to clients.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|Mongo|ECONNREFUSED/);
  });

  it('when a ticket is looked up while the database cannot be reached, then 503 (not 404)', async () => {
    const res = await fetch(`${noDb.url}/api/complaints/2026000001`, { headers: { 'X-Lookup-Code': 'ABCDEFGHJK' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe('store.unavailable');
  });
});

describe('stopping while the database is away', () => {
  it('when a service whose database never answered is stopped, then the stop completes and nothing starts afterwards', async () => {
    // Its scheduler's first pass (run at start) is still waiting for the database: the stop must not wait for it.
    await noDb.stop();
    expect((await fetch(`${noDb.url}/healthz`).catch(() => null))?.status).toBeUndefined();
  });
});

describe('/metrics', () => {
  it('when scraped, then it is Prometheus text with the service metrics and process defaults', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE complaint_desk_tickets_filed_total counter');
    expect(text).toContain('# TYPE complaint_desk_http_requests_total counter');
    expect(text).toContain('# TYPE complaint_desk_http_request_duration_seconds histogram');
    expect(text).toMatch(/^complaint_desk_process_cpu_user_seconds_total /m);
  });

  it('when a complaint is filed, then complaint_desk_tickets_filed_total goes up by one with its category, severity and channel', async () => {
    const before = (await scrape()).samples;
    const res = await server.post('/api/complaints', complaintBody({ category: 'billing', channel: 'phone', description: 'Charged twice for one plan.' }));
    expect(res.status).toBe(201);
    const labels = { category: 'billing', severity: res.body.severity as string, channel: 'phone' };
    const after = (await scrape()).samples;
    expect(valueOf(after, 'complaint_desk_tickets_filed_total', labels)).toBe(valueOf(before, 'complaint_desk_tickets_filed_total', labels) + 1);
  });

  it('when a filing is replayed or refused, then complaint_desk_tickets_filed_total does not move', async () => {
    const key = `metrics-replay-${Date.now()}`;
    const first = await server.post('/api/complaints', complaintBody({ category: 'contract', channel: 'email' }), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const labels = { category: 'contract', severity: first.body.severity as string, channel: 'email' };
    const before = valueOf((await scrape()).samples, 'complaint_desk_tickets_filed_total', labels);
    expect(before).toBeGreaterThanOrEqual(1);

    expect((await server.post('/api/complaints', complaintBody({ category: 'contract', channel: 'email' }), { 'Idempotency-Key': key })).status).toBe(200);
    expect((await server.post('/api/complaints', complaintBody({ category: 'contract', channel: 'email', description: '' }))).status).toBe(400);
    expect(valueOf((await scrape()).samples, 'complaint_desk_tickets_filed_total', labels)).toBe(before);
  });

  it('when a ticket is looked up, then complaint_desk_http_requests_total counts it under the route pattern, never the raw number', async () => {
    const filed = await server.post('/api/complaints', complaintBody());
    const number: string = filed.body.number;
    const ok = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': filed.body.lookupCode });
    const wrong = await server.get(`/api/complaints/${number}`, { 'X-Lookup-Code': 'WRONGWRONG' });
    const unverified = await server.get(`/api/complaints/${number}`);
    expect([ok.status, wrong.status, unverified.status]).toEqual([200, 404, 401]);

    const { text, samples } = await scrape();
    const route = '/api/complaints/:number';
    expect(valueOf(samples, 'complaint_desk_http_requests_total', { method: 'GET', route, status: '200' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'complaint_desk_http_requests_total', { method: 'GET', route, status: '404' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'complaint_desk_http_requests_total', { method: 'GET', route, status: '401' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'complaint_desk_http_requests_total', { method: 'POST', route: '/api/complaints', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => s.name === 'complaint_desk_http_request_duration_seconds_count' && s.labels.route === route)).toBe(true);
    expect(text).not.toContain(number);
  });

  it('when a request is refused before its handler runs (405, 415, bad JSON, forbidden key), then no raw path becomes a label value', async () => {
    const marker = `9${String(Date.now()).slice(-9)}`;
    const r0 = await fetch(`${server.url}/api/complaints/${marker}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const r1 = await fetch(`${server.url}/api/complaints?m=${marker}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    const r2 = await fetch(`${server.url}/api/complaints?m=${marker}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
    const r3 = await fetch(`${server.url}/api/complaints?m=${marker}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"$where":"1"}' });
    expect([r0.status, r1.status, r2.status, r3.status]).toEqual([405, 415, 400, 400]);
    const unknown = await fetch(`${server.url}/api/no-such-thing-${marker}`);
    expect(unknown.status).toBe(404);

    const { text, samples } = await scrape();
    expect(text).not.toContain(marker);
    const routes = new Set(samples.filter((s) => s.name === 'complaint_desk_http_requests_total').map((s) => s.labels.route));
    for (const r of routes) expect([r, /^(\/[a-z.]+|\/api\/complaints(\/:number)?|\/api\/openapi\.json|unmatched)$/.test(r ?? '')]).toEqual([r, true]);
  });

  it('when the ops endpoints are called, then they are counted under their own paths', async () => {
    await server.get('/healthz');
    const { samples } = await scrape();
    expect(valueOf(samples, 'complaint_desk_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(1);
  });
});

describe('/api/openapi.json', () => {
  let doc: any;

  beforeAll(async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = JSON.parse(await res.text());
  });

  it('when fetched, then it is OpenAPI 3.1 with both complaint paths', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(doc.paths['/api/complaints'].post).toBeDefined();
    expect(doc.paths['/api/complaints/{number}'].get).toBeDefined();
  });

  it('when read, then ComplaintInput requires description and customer and refuses unknown fields, also inside customer and amount', () => {
    const input = doc.components.schemas.ComplaintInput;
    expect(input.type).toBe('object');
    expect(input.required).toEqual(expect.arrayContaining(['description', 'customer']));
    expect(input.additionalProperties).toBe(false);
    expect(input.properties.customer.additionalProperties).toBe(false);
    expect(input.properties.amount.additionalProperties).toBe(false);
    expect(input.properties.evidence.items.additionalProperties).toBe(false);
    expect(input.properties.description.maxLength).toBe(5000);
    expect(input.properties.evidence.maxItems).toBe(20);
  });

  it('when read, then only description and customer are required (defaults like channel are not)', () => {
    expect([...doc.components.schemas.ComplaintInput.required].sort()).toEqual(['customer', 'description']);
  });

  it('when read, then the customer schema says a phone or an e-mail is needed, as the server enforces', async () => {
    const customer = doc.components.schemas.ComplaintInput.properties.customer;
    const alternatives: string[][] = (customer.anyOf ?? customer.oneOf ?? []).map((s: { required?: string[] }) => s.required ?? []);
    expect(alternatives).toEqual(expect.arrayContaining([['phone'], ['email']]));
    // The server indeed refuses a customer with neither.
    expect((await server.post('/api/complaints', complaintBody({ customer: { name: 'Li Lei' } }))).status).toBe(400);
  });

  it('when every $ref is followed, then it resolves inside the document', () => {
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.push(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<any>((node, part) => node?.[part], doc);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
  });

  it('when the server judges Idempotency-Key values, then the documented header schema agrees', async () => {
    const param = doc.paths['/api/complaints'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    const schema = param.schema as { minLength?: number; maxLength?: number; pattern?: string };
    const documentedOk = (key: string) =>
      key.length >= (schema.minLength ?? 0) && key.length <= (schema.maxLength ?? Infinity) && (schema.pattern ? new RegExp(schema.pattern).test(key) : true);
    for (const key of ['good-key-123', 'has spaces in it', 'slash/and$dollar', 'short', 'x'.repeat(129), 'tick:et.key_42']) {
      const res = await server.post('/api/complaints', complaintBody(), { 'Idempotency-Key': key });
      const serverOk = res.status === 201 || res.status === 200;
      expect([key, documentedOk(key)]).toEqual([key, serverOk]);
    }
  });

  it('when the API answers typical requests, then each status is a documented response of that operation', async () => {
    const filed = await server.post('/api/complaints', complaintBody());
    const post = doc.paths['/api/complaints'].post.responses;
    const get = doc.paths['/api/complaints/{number}'].get.responses;
    const posts = [
      filed,
      await server.post('/api/complaints', { nope: 1 }),
      await fetch(`${server.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
    ];
    const gets = [
      await server.get(`/api/complaints/${filed.body.number}`, { 'X-Lookup-Code': filed.body.lookupCode }),
      await server.get('/api/complaints/12'),
      await server.get(`/api/complaints/${filed.body.number}`),
      await server.get(`/api/complaints/${filed.body.number}`, { 'X-Lookup-Code': 'WRONGWRONG' }),
    ];
    for (const r of posts) expect(Object.keys(post)).toContain(String(r.status));
    for (const r of gets) expect(Object.keys(get)).toContain(String(r.status));
  });
});

describe('HTTP hygiene', () => {
  it.each([
    ['/healthz', 200],
    ['/api/openapi.json', 200],
    ['/api/nope', 404],
  ])('when %s is requested, then helmet security headers are set and x-powered-by is absent', async (path, status) => {
    const res = await fetch(server.url + path);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.has('x-powered-by')).toBe(false);
  });

  it('when a complaint is filed, then the answer carries the security headers too and no x-powered-by', async () => {
    const res = await server.post('/api/complaints', complaintBody());
    expect(res.status).toBe(201);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.has('x-powered-by')).toBe(false);
  });
});
