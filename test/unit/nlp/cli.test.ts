/** The nlp-models command-line scripts, end to end through child processes. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeModelFile } from '../../../src/nlp/model-file';
import { trainModel } from '../../../src/nlp/training';
import { tinyCsv, tinyExamples } from './fixtures';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(TSX, [path.join(ROOT, 'nlp-models', 'scripts', script), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nlp-models scripts', () => {
  let dir: string;
  let tinyModel: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlp-cli-'));
    fs.writeFileSync(path.join(dir, 'tiny.csv'), tinyCsv());
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'text,label\nmy refund is late,refund request\n');
    fs.writeFileSync(path.join(dir, 'map.json'), JSON.stringify({ 'refund request': 'after_sales' }));
    // a model of the tiny fixture, so these tests do not depend on what the shipped model predicts
    tinyModel = path.join(dir, 'tiny-model');
    writeModelFile(tinyModel, trainModel(tinyExamples(), { folds: 3 }).model);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when classify gets three lines with an invalid one, then it answers three lines in order, the invalid one as an error', () => {
    const input = ['{"text": "电暖器起火了，烫伤了手"}', 'this is not json', '{"text": "I was charged twice for the same bill"}', ''].join('\n');
    const r = run('classify.ts', ['--model', tinyModel], input);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ category: 'safety', severity: 'major', highRisk: false });
    expect(Object.keys(lines[0] as object).sort()).toEqual(['category', 'confidence', 'highRisk', 'reasons', 'severity']);
    expect(lines[1]).toEqual({ error: expect.stringMatching(/^line 2: invalid JSON/) });
    expect(lines[2]).toMatchObject({ category: 'billing' });
  });

  it('when a line has no text field, then that line is an error and the others are answered', () => {
    const r = run('classify.ts', ['--model', tinyModel], '{"txt": "x"}\n{"text": ""}\n');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ error: 'line 1: expected an object with a string "text"' });
    expect(lines[1]).toMatchObject({ category: 'other' });
  });

  it('when train gets a CSV with unknown labels, then it exits 1 and says to pass --labels', () => {
    const r = run('train.ts', ['--data', path.join(dir, 'bad.csv'), '--out', path.join(dir, 'x')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv: 1 label is not a category: "refund request".*--labels/);
  });

  it('when train gets its own data and a label mapping, then it writes a model that classify can use', () => {
    const out = path.join(dir, 'model');
    const data = path.join(dir, 'all.csv');
    fs.writeFileSync(data, tinyCsv() + ['"my refund is late",refund request,', '"refund never arrived",refund request,'].join('\n') + '\n');
    const t = run('train.ts', ['--data', data, '--labels', path.join(dir, 'map.json'), '--out', out, '--holdout', '0']);
    expect(t.stderr).toMatch(/wrote .*model\.json/);
    expect(t.status).toBe(0);
    const c = run('classify.ts', ['--model', out], '{"text": "电暖器起火了"}\n');
    expect(JSON.parse(c.stdout)).toMatchObject({ category: 'safety' });
  });

  it('when train is asked for feedback but the feedback store cannot be reached, then it exits 1 with a clear message and writes no model', () => {
    const r = run('train.ts', ['--data', path.join(dir, 'tiny.csv'), '--out', path.join(dir, 'fb'), '--with-feedback'], '', {
      MONGODB_URI: 'mongodb://127.0.0.1:1/nowhere',
      DB_TIMEOUT_MS: '300',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--with-feedback: cannot read the feedback store/);
    expect(fs.existsSync(path.join(dir, 'fb', 'model.json'))).toBe(false);
  });

  it('when an option is unknown, then the script exits 1 with its usage', () => {
    const r = run('classify.ts', ['--nope']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Unknown option '--nope'.*\nusage: npm run --silent classify/);
  });
});
