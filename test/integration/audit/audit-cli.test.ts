/**
 * `npm run audit:verify` as an operator runs it: a child process reading MONGODB_URI,
 * MONGODB_DB and AUDIT_SECRET from its environment. Exit 0 whole, 2 broken, 1 error.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { AuditRecord } from '../../../src/store/audit-log';
import { testServerUri } from '../../support/db';
import { startTestServer, type TestServer } from '../../support/server';
import { AGENT_U1, auditColl, auditDocs, fileComplaints } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(ROOT, 'src', 'cli', 'audit-verify.ts');
const SECRET = 'cli-audit-secret-0123456789abcdef';

jest.setTimeout(120_000);

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(env: Record<string, string>, args: string[] = []): Promise<CliResult> {
  const base = { ...process.env };
  for (const k of ['MONGODB_URI', 'MONGODB_DB', 'AUDIT_SECRET', 'DB_TIMEOUT_MS']) delete base[k];
  return new Promise((resolve) => {
    execFile(
      TSX,
      [CLI, ...args],
      { cwd: ROOT, env: { ...base, DOTENV_CONFIG_QUIET: 'true', ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The test server's URI without a database path (the CLI takes the name from MONGODB_DB). */
function serverUriWithoutDb(): string {
  const u = new URL(testServerUri());
  u.pathname = '/';
  return u.toString();
}

describe('audit:verify CLI', () => {
  let server: TestServer;
  let docs: AuditRecord[];
  const env = () => ({ MONGODB_URI: serverUriWithoutDb(), MONGODB_DB: server.dbName });

  beforeEach(async () => {
    server = await startTestServer();
    const tickets = await fileComplaints(server, 3);
    await server.complaints.claim(tickets[0]!.number, AGENT_U1);
    await server.effects.drain();
    docs = await auditDocs(server.database.conn);
    expect(docs).toHaveLength(4);
  });
  afterEach(async () => {
    await server.stop();
  });

  it('when the chain is whole, then it exits 0 and prints "audit chain OK" with the head, which then works as an anchor', async () => {
    const r = await runCli(env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit chain OK: 4 entries');
    expect(r.stdout).toContain(server.dbName);
    const head = `4:${docs[3]!.hash}`;
    expect(r.stdout).toContain(`head (keep it as an anchor): ${head}`);

    const anchored = await runCli(env(), ['--anchor', head]);
    expect(anchored.code).toBe(0);
    expect(anchored.stdout).toContain('audit chain OK: 4 entries');
  });

  it('when an entry was edited, then it exits 2 and stderr names that entry', async () => {
    await auditColl(server.database.conn).updateOne({ _id: docs[2]!._id } as never, { $set: { action: 'ticket.rejected' } });

    const r = await runCli(env());
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('audit chain OK');
    expect(r.stderr).toContain('audit chain BROKEN at entry 3');
    expect(r.stderr).toContain('entries checked before the break: 2');
  });

  it('when an entry was removed, then it exits 2 and stderr names the missing entry', async () => {
    await auditColl(server.database.conn).deleteOne({ _id: docs[1]!._id } as never);

    const r = await runCli(env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('audit chain BROKEN at entry 2');
    expect(r.stderr).toContain('entries checked before the break: 1');
  });

  it('when the last entry was removed, then it exits 0 without an anchor but 2 with the earlier head as anchor', async () => {
    const head = `4:${docs[3]!.hash}`;
    await auditColl(server.database.conn).deleteOne({ _id: docs[3]!._id } as never);

    const plain = await runCli(env());
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('audit chain OK: 3 entries');

    const anchored = await runCli(env(), ['--anchor', head]);
    expect(anchored.code).toBe(2);
    expect(anchored.stderr).toContain('audit chain BROKEN at entry 4');
    expect(anchored.stderr).toContain('entries checked before the break: 3');
  });

  it.each([
    ['not SEQ:HASH', ['--anchor', 'banana']],
    ['a short hash', ['--anchor', '4:abc123']],
    ['sequence 0', ['--anchor', `0:${'a'.repeat(64)}`]],
    ['no value at all', ['--anchor']],
  ])('when --anchor is given %s, then it exits 1 with a clear message', async (_what, args) => {
    const r = await runCli(env(), args);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('audit chain OK');
    expect(r.stderr).toContain('--anchor must look like SEQ:HASH');
  });

  it('when the database cannot be reached, then it exits 1', async () => {
    const r = await runCli({ MONGODB_URI: 'mongodb://127.0.0.1:1/', MONGODB_DB: server.dbName, DB_TIMEOUT_MS: '500' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('audit:verify failed');
  });
});

describe('audit:verify CLI with AUDIT_SECRET', () => {
  let server: TestServer;
  const env = (secret?: string) => ({
    MONGODB_URI: serverUriWithoutDb(),
    MONGODB_DB: server.dbName,
    ...(secret ? { AUDIT_SECRET: secret } : {}),
  });

  beforeAll(async () => {
    server = await startTestServer({ AUDIT_SECRET: SECRET });
    await fileComplaints(server, 2);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('when the service writes HMACs, then the CLI accepts the chain with the same secret and rejects it without', async () => {
    const withSecret = await runCli(env(SECRET));
    expect(withSecret.code).toBe(0);
    expect(withSecret.stdout).toContain('audit chain OK: 2 entries');

    const withoutSecret = await runCli(env());
    expect(withoutSecret.code).toBe(2);
    expect(withoutSecret.stderr).toContain('audit chain BROKEN at entry 1');
  });
});
