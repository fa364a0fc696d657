import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { configSchema, type Config } from './schema';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validate settings once. `env` defaults to process.env merged over `.env` in the working
 * folder (process.env wins, as with dotenv). Every wrong or missing value gives one line.
 */
export function loadConfig(env?: NodeJS.ProcessEnv, options: { dotenvPath?: string } = {}): Config {
  let source: NodeJS.ProcessEnv;
  if (env) {
    source = env;
  } else {
    const file = options.dotenvPath ?? path.resolve('.env');
    const fromFile = fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};
    source = { ...fromFile, ...process.env };
  }
  // Empty strings mean "not set" (a .env line like `MONGODB_URI=`).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = i.path.join('.');
        const got = cleaned[key];
        const shown = got === undefined ? '' : ` (got ${JSON.stringify(isSecret(key) ? '***' : got)})`;
        return `${key}: ${i.message}${shown}`;
      }),
    );
  }
  return result.data;
}

function isSecret(key: string): boolean {
  return /secret|password|token|uri|keys|aes_key/i.test(key);
}
