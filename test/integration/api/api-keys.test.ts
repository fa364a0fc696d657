/**
 * API keys for integrating systems, rate limits, and what production refuses to start without.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { hashApiKey, identify, newApiKey, parseApiKeys } from '../../../src/config/api-keys';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

const hotline = newApiKey('hotline');
const mail = newApiKey('mail-gateway');

describe('API keys', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ API_KEYS: `${hotline.entry},${mail.entry}`, API_RATE_LIMIT: '3' });
  });
  afterAll(() => s.stop());

  it('when a filing comes without a key or with a wrong one, then 401 with WWW-Authenticate and nothing is filed', async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer cdk_not-a-key-at-all-0000000000' }, { Authorization: `Basic ${hotline.key}` }];
    for (const headers of attempts) {
      const r = await s.post('/api/complaints', complaintBody(), headers);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('auth.api_key_required');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(await s.database.conn.collection('tickets').countDocuments()).toBe(0);
  });

  it('when a filing comes with a valid key, then the ticket and its audit entry name the system that filed it', async () => {
    const r = await s.post('/api/complaints', complaintBody(), { Authorization: `Bearer ${mail.key}` });
    expect(r.status).toBe(201);
    expect((await s.complaints.get(r.body.number)).source).toBe('mail-gateway');
    await s.effects.drain();
    expect(await s.database.conn.collection('audit_log').findOne({ key: `${r.body.number}:1` })).toMatchObject({ actor: { kind: 'api', id: 'mail-gateway' } });
  });

  it('when one key sends more filings a minute than API_RATE_LIMIT, then the excess gets 429 with Retry-After, and another key is not affected', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await s.post('/api/complaints', complaintBody(), { Authorization: `Bearer ${hotline.key}` }));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
    expect(answers[3]!.body.error.code).toBe('rate_limited');
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.post('/api/complaints', complaintBody(), { Authorization: `Bearer ${mail.key}` })).status).toBe(201);
  });
});

describe('rate limit per client address', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ IP_RATE_LIMIT: '5' });
  });
  afterAll(() => s.stop());

  it('when one address sends more requests a minute than IP_RATE_LIMIT, then the excess gets 429', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await s.get('/api/complaints/2026000001', { 'X-Lookup-Code': 'ABCDEFGHJK' })).status);
    expect(statuses.slice(0, 5).every((x) => x === 404)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('bodies nested too deeply', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.stop());

  it('when a body nests deeper than 20 levels, then 400 request.too_deep; 19 levels pass this check', async () => {
    const nest = (depth: number): unknown => (depth === 0 ? 'x' : { a: nest(depth - 1) });
    const deep = await s.post('/api/complaints', { ...complaintBody(), extra: nest(21) });
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('request.too_deep');
    const shallow = await s.post('/api/complaints', { ...complaintBody(), extra: nest(18) });
    expect(shallow.body.error.code).toBe('validation.failed'); // past the depth check: refused as an unknown field
  });
});

describe('production settings', () => {
  const secret = 'a-long-random-production-secret-0123456789';
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  };

  it('when NODE_ENV=production lacks API keys and secrets, then the start is refused naming each one', () => {
    const lines = problems({ NODE_ENV: 'production' });
    expect(lines.find((l) => l.startsWith('CONTACT_HASH_SECRET:'))).toMatch(/required in production/);
    expect(lines.find((l) => l.startsWith('AUDIT_SECRET:'))).toMatch(/required in production/);
    expect(lines.find((l) => l.startsWith('API_KEYS:'))).toMatch(/npm run api-key/);
    expect(lines.find((l) => l.startsWith('DASHBOARD_SECRET:'))).toMatch(/required in production.*dashboard links/);
    expect(problems({ NODE_ENV: 'production', CONTACT_HASH_SECRET: secret, AUDIT_SECRET: secret, API_KEYS: hotline.entry, DASHBOARD_SECRET: secret })).toEqual([]);
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('when API_KEYS is malformed, then the start is refused with a line that says what is wrong and never echoes the value', () => {
    const [line] = problems({ API_KEYS: 'hotline:nothex' });
    expect(line).toMatch(/^API_KEYS: the hash of "hotline" must be 64 hex characters/);
    expect(line).not.toContain('nothex');
    expect(problems({ API_KEYS: `${hotline.entry},${hotline.entry}` })[0]).toMatch(/appears twice/);
  });

  it('when `npm run api-key -- --name hotline` is run, then it prints a key and an API_KEYS entry holding the key’s SHA-256', () => {
    const root = path.resolve(__dirname, '../../..');
    const out = execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/api-key.ts', '--name', 'hotline'], { cwd: root, encoding: 'utf8' });
    const key = /\n {2}(cdk_\S+)\n/.exec(out)?.[1];
    const entry = /\n {2}(hotline:[0-9a-f]{64})\s*$/.exec(out)?.[1];
    expect(key).toBeDefined();
    expect(entry).toBe(`hotline:${hashApiKey(key!)}`);
  });

  it('when a key has the admin scope, then `npm run api-key -- --admin` makes it, it reaches only the personal-data API, and a wrong scope is refused at start', () => {
    const root = path.resolve(__dirname, '../../..');
    const out = execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/api-key.ts', '--name', 'dpo', '--admin'], { cwd: root, encoding: 'utf8' });
    const key = /\n {2}(cdk_\S+)\n/.exec(out)?.[1];
    expect(/\n {2}(dpo:[0-9a-f]{64}:admin)\s*$/.exec(out)?.[1]).toBe(`dpo:${hashApiKey(key!)}:admin`);
    const keys = parseApiKeys(`${hotline.entry},dpo:${hashApiKey(key!)}:admin`);
    expect(identify(keys, key!, 'admin')).toBe('dpo');
    expect(identify(keys, key!)).toBeNull();
    expect(identify(keys, hotline.key, 'admin')).toBeNull();
    expect(problems({ API_KEYS: `dpo:${'a'.repeat(64)}:root` })[0]).toMatch(/^API_KEYS: the scope of "dpo" must be admin/);
  });
});
