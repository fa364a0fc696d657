/** Writes .env.example from the config schema (descriptions, defaults, examples): `npx tsx tools/gen-env-example.ts`. */
import fs from 'node:fs';
import path from 'node:path';
import { configSchema, SETTINGS } from '../src/config/schema';

const defaults = configSchema.parse({});
const lines = [
  '# Complaint desk configuration. Copy to .env and edit; real environment variables win over this file.',
  '# Every key is optional: the commented value is the default (or an example where there is no default).',
  '',
];
for (const key of Object.keys(configSchema.shape)) {
  const doc = SETTINGS[key];
  const value = (defaults as Record<string, unknown>)[key];
  lines.push(`# ${doc?.description ?? ''}`);
  lines.push(`# ${key}=${value === undefined ? (doc?.example ?? '') : String(value)}`);
  lines.push('');
}
fs.writeFileSync(path.join(__dirname, '..', '.env.example'), lines.join('\n'));
