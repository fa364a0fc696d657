/**
 * Boots the real service in-process on port 0 against the test database server, with a
 * fresh database per call. `stop()` stops it and drops the database.
 */
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config';
import type { Config } from '../../src/config/schema';
import { startServer, type ServerHandle, type StartOptions } from '../../src/server/app';
import { testServerUri, uniqueDbName } from './db';

export interface TestServer extends ServerHandle {
  dbName: string;
  /** POST/GET helpers against this server. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function startTestServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dbName = env.MONGODB_DB ?? uniqueDbName();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MONGODB_URI: testServerUri(),
    MONGODB_DB: dbName,
    DB_TIMEOUT_MS: '3000',
    ...env,
  });
  const handle = await startServer(config, { logger: options.logger ?? pino({ level: 'silent' }), sweepIntervalMs: 0, retentionIntervalMs: 0, scanIntervalMs: 0, reportUpkeepIntervalMs: 0, ...options });
  await handle.database.ready;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(handle.url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics)
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return {
    ...handle,
    dbName,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
    async stop() {
      // Drop the database only if this server created it (a second instance shares the first one's).
      if (!env.MONGODB_DB) await handle.database.conn.dropDatabase().catch(() => undefined);
      await handle.stop();
    },
  };
}

/** A valid complaint body; override what the test is about. */
export function complaintBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'The kettle I bought stopped heating after two days; I want a refund.',
    customer: { name: 'Li Lei', phone: '+86 138 1234 5678' },
    orderId: 'A-20261120-0001',
    desiredRemedy: 'refund',
    ...overrides,
  };
}
