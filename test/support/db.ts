/**
 * Per-test-file databases on the shared test server: every file gets its own database name,
 * so files can run in parallel without seeing each other's data.
 */
import crypto from 'node:crypto';
import path from 'node:path';

export function testServerUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (global setup starts the database)');
  return uri;
}

/** A database name unique to this test file and run, e.g. `t_state_machine_1a2b3c`. */
export function uniqueDbName(hint = expect.getState().testPath ?? 'test'): string {
  const base = path.basename(hint).replace(/\.test\.ts$/, '').replace(/[^a-zA-Z0-9]/g, '_').slice(0, 30);
  return `t_${base}_${crypto.randomBytes(3).toString('hex')}`;
}

/** Full URI of a fresh database on the test server. */
export function testDbUri(name = uniqueDbName()): string {
  const u = new URL(testServerUri());
  u.pathname = `/${name}`;
  return u.toString();
}
