/**
 * The API contract: Schemathesis (all its checks, the stateful phase on, a fixed seed, bounded
 * examples) against the running service and its own /api/openapi.json. Any answer the document
 * does not allow — an undocumented status, a body off its schema, a valid request refused, an
 * invalid one accepted, a missing Allow header, an ignored API key — fails this test, so the
 * document and the service cannot drift apart.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { newApiKey } from '../../src/config/api-keys';
import { ensureSchemathesis } from '../../tools/contract/ensure-schemathesis';
import { startTestServer, type TestServer } from '../support/server';

jest.setTimeout(20 * 60_000);

const CONTRACT = path.resolve(__dirname, '../../tools/contract');

describe('the API contract', () => {
  let s: TestServer;
  let schemathesis: string;
  const key = newApiKey('contract');
  const admin = newApiKey('contract-dpo', 'admin');

  beforeAll(async () => {
    schemathesis = ensureSchemathesis();
    // Rate limits out of the way (they are tested elsewhere); API keys on, as in production.
    s = await startTestServer({ API_KEYS: `${key.entry},${admin.entry}`, API_RATE_LIMIT: '100000', IP_RATE_LIMIT: '100000' });
  });
  afterAll(() => s?.stop());

  it('when Schemathesis exercises every operation with every check, then it finds no difference between the document and the service', async () => {
    const args = [
      '--config-file', path.join(CONTRACT, 'schemathesis.toml'),
      'run', `${s.url}/api/openapi.json`,
      '--checks', 'all',
      '--phases', 'examples,coverage,fuzzing,stateful',
      '--max-examples', process.env.CONTRACT_MAX_EXAMPLES ?? '40',
      '--seed', '20261203',
      '--workers', '1',
      '--no-color',
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(schemathesis, args, {
        env: { ...process.env, CONTRACT_API_KEY: key.key, CONTRACT_ADMIN_KEY: admin.key, SCHEMATHESIS_HOOKS: path.join(CONTRACT, 'hooks.py') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.on('close', (c) => resolve({ code: c, output: out }));
    });
    const summary = output.slice(output.indexOf('SUMMARY'));
    expect({ code, report: code === 0 ? 'ok' : output.slice(-6000) }).toEqual({ code: 0, report: 'ok' });
    expect(summary).toMatch(/Tested: 9/);
    expect(summary).toMatch(/Stateful/);
  });
});
