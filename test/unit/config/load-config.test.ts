import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { configSchema, SETTINGS } from '../../../src/config/schema';
import { resolveDbName } from '../../../src/store/database';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.SLA_PRESET).toBe('service');
    expect(c.SLA_TIMEZONE).toBe('Asia/Shanghai');
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.DATA_DIR).toBe('./data');
  });

  it('when values are wrong, then each gives one line naming the key and the rule', () => {
    const lines = problems({
      PORT: 'eighty',
      SLA_PRESET: 'airline',
      SLA_TIMEZONE: 'Mars/Olympus',
      MONGODB_URI: 'postgres://x',
      LOG_LEVEL: 'loud',
      SLA_BUSINESS_HOURS: '9-18',
      CLASSIFIER_CONFIDENCE_THRESHOLD: '1.5',
      TRUST_PROXY: 'maybe',
    });
    expect(lines).toHaveLength(8);
    expect(lines.find((l) => l.startsWith('PORT:'))).toMatch(/number.*"eighty"/);
    expect(lines.find((l) => l.startsWith('SLA_PRESET:'))).toMatch(/service, telecom or ecommerce/);
    expect(lines.find((l) => l.startsWith('SLA_TIMEZONE:'))).toMatch(/IANA/);
    expect(lines.find((l) => l.startsWith('SLA_BUSINESS_HOURS:'))).toMatch(/09:00-18:00/);
    expect(lines.find((l) => l.startsWith('TRUST_PROXY:'))).toMatch(/true or false/);
  });

  it('when a secret is wrong, then its value is not echoed', () => {
    const lines = problems({ MONGODB_URI: 'http://user:hunter2@db', CONTACT_HASH_SECRET: 'short' });
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines.join('\n')).not.toContain('short"');
  });

  it('when a .env file exists, then it is read and the environment wins over it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, 'PORT=4000\nSLA_PRESET=telecom\nMONGODB_URI=\n');
    const saved = { ...process.env };
    try {
      process.env.SLA_PRESET = 'ecommerce';
      const c = loadConfig(undefined, { dotenvPath: file });
      expect(c.PORT).toBe(4000);
      expect(c.SLA_PRESET).toBe('ecommerce');
      expect(c.MONGODB_URI).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it('when .env.example is read, then it documents every setting and only those', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../.env.example'), 'utf8');
    const keys = [...text.matchAll(/^#?\s*([A-Za-z][A-Za-z0-9_]+)=/gm)].map((m) => m[1]);
    const schemaKeys = Object.keys(configSchema.shape).sort();
    expect([...new Set(keys)].sort()).toEqual(schemaKeys);
    expect(Object.keys(SETTINGS).sort()).toEqual(schemaKeys);
  });
});

describe('database name', () => {
  it('when MONGODB_DB is set, then it wins; else the URI path; else complaints', () => {
    expect(resolveDbName('mongodb://h:27017/prod?replicaSet=rs0', 'other')).toBe('other');
    expect(resolveDbName('mongodb://u:p@h1,h2/prod?replicaSet=rs0', undefined)).toBe('prod');
    expect(resolveDbName('mongodb+srv://cluster.example.net/desk', undefined)).toBe('desk');
    expect(resolveDbName('mongodb://h:27017/', undefined)).toBe('complaints');
    expect(resolveDbName('mongodb://h:27017', undefined)).toBe('complaints');
    expect(resolveDbName(undefined, undefined)).toBe('complaints');
  });
});

describe('README', () => {
  it('when the README is read, then it opens with the two newcomer commands and documents every setting', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
    for (const key of Object.keys(configSchema.shape)) expect(readme).toContain(`\`${key}\``);
  });

  it('when CI runs, then it ends with exactly the test command of the README', () => {
    const ci = fs.readFileSync(path.join(__dirname, '../../../.ci/run'), 'utf8');
    expect(ci.trim().split('\n').pop()).toBe('npm test');
  });
});
