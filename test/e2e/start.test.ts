/**
 * The service as a newcomer runs it: a process with no MONGODB_URI provisions the embedded
 * database under DATA_DIR, serves, stops cleanly on SIGTERM (taking the database child with
 * it), and finds its tickets again after a restart.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureEmbeddedDbBinary, EmbeddedDbUnavailableError } from '../../src/store/embedded-db';

const root = path.join(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  dbPort: number;
  output: () => string;
}

function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(tsx, ['src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOTENV_CONFIG_QUIET: 'true', ...env },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const url = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
      const dbPort = /"port":(\d+),"msg":"embedded database/.exec(out)?.[1];
      if (url && dbPort) {
        clearTimeout(timer);
        resolve({ child, url, dbPort: Number(dbPort), output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (c) => resolve(c))));
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('npm start (the service process)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-data-'));
  // The shipped model, as a newcomer's `npm start` runs it.
  const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when started without MONGODB_URI, then it runs the embedded database, files, stops on SIGTERM and finds the ticket after a restart', async () => {
    const first = await start(env);
    const filed = await fetch(`${first.url}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: '宽带又断了，三天没网', customer: { phone: '13900001111' } }),
    });
    expect(filed.status).toBe(201);
    const ticket = (await filed.json()) as { number: string; lookupCode: string; category: string; classification: { modelVersion: string } };
    expect(ticket.classification.modelVersion).toMatch(/^tfidf-softmax@/);
    expect(ticket.category).toBe('service_quality');
    expect(fs.readdirSync(dataDir).length).toBeGreaterThan(0);

    first.child.kill('SIGTERM');
    expect(await exitCode(first.child)).toBe(0);
    expect(first.output()).toContain('stopped');
    expect(await portOpen(first.dbPort)).toBe(false);

    const second = await start(env);
    try {
      const got = await fetch(`${second.url}/api/complaints/${ticket.number}`, { headers: { 'X-Lookup-Code': ticket.lookupCode } });
      expect(got.status).toBe(200);
      expect(((await got.json()) as { description: string }).description).toBe('宽带又断了，三天没网');
      // The phone's last four digits show where it stands, not what it says.
      const status = await fetch(`${second.url}/api/complaints/${ticket.number}`, { headers: { 'X-Contact-Last4': '1111' } });
      expect(status.status).toBe(200);
      const shown = (await status.json()) as Record<string, unknown>;
      expect(shown).toMatchObject({ number: ticket.number, status: 'new', scope: 'status' });
      expect(shown).not.toHaveProperty('description');
    } finally {
      second.child.kill('SIGTERM');
      await exitCode(second.child);
    }
  });

  it('when a setting is wrong, then it exits with status 1 and one line per problem', async () => {
    const child = spawn(tsx, ['src/main.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', PORT: 'abc', SLA_PRESET: 'bank' } });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(err).toMatch(/Invalid configuration/);
    expect(err).toMatch(/PORT: .*"abc"/);
    expect(err).toMatch(/SLA_PRESET: must be service, telecom or ecommerce/);
  });

  it('when the taxonomy file is broken, then the start stops with one line naming the file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tx-')), 'taxonomy.json');
    fs.writeFileSync(file, JSON.stringify({ categories: { shipping: { en: 'Shipping' } } }));
    const child = spawn(tsx, ['src/main.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', TAXONOMY_FILE: file, DATA_DIR: dataDir } });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(err).toContain(`TAXONOMY_FILE ${file}`);
    expect(err).toMatch(/shipping/);
  });

  it('when neither Go nor a built database nor MONGODB_URI is available, then one sentence says what to install or set', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-go-'));
    const attempt = ensureEmbeddedDbBinary(() => undefined, { binDir: path.join(empty, 'bin'), cacheDir: path.join(empty, 'cache'), go: path.join(empty, 'no-such-go') });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedDbUnavailableError);
    await expect(attempt).rejects.toThrow(/set MONGODB_URI .* or install Go/);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
