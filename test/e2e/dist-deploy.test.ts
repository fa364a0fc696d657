/**
 * A deployment of `dist` alone: the compiled service with package.json and node_modules, without
 * the sources, finds its holiday calendars and its default model and files complaints.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDbUri } from '../support/db';

jest.setTimeout(300_000);

const root = path.resolve(__dirname, '../..');

describe('a deployment of dist alone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-deploy-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when only dist, package.json and node_modules are deployed, then it starts with the shipped calendars and model and files a complaint', async () => {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, ['tools/copy-assets.mjs'], { cwd: root });
    fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    expect(fs.existsSync(path.join(dir, 'src'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'nlp-models'))).toBe(false);

    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: testDbUri(), LOG_LEVEL: 'info', DOTENV_CONFIG_QUIET: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const onData = () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        };
        child.stdout.on('data', onData);
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ description: '宽带又断了，三天没网，客服电话打不通', customer: { phone: '13900002222' } }),
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { classification: { modelVersion: string }; deadlines: { resolution: { budget: { unit: string } } } };
      expect(body.classification.modelVersion).toMatch(/^tfidf-softmax@/);
      expect(body.deadlines.resolution.budget.unit).toBe('workingDays');
      // The calendars were found: this year's holidays are known (only years without a calendar file are named).
      const year = new Date().getFullYear();
      const uncovered = out
        .split('\n')
        .filter((l) => l.includes('no holiday calendar'))
        .flatMap((l) => (JSON.parse(l) as { years: number[] }).years);
      expect(uncovered).not.toContain(year);
      expect(out).toContain('classifier model loaded');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
  });
});
