/**
 * Jest global setup: one real MongoDB-protocol server for the whole run.
 * With MONGODB_URI set, tests use that server (e.g. a MongoDB replica set); otherwise the
 * embedded FerretDB is started on a free port with its data in a temp dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db';

declare global {
  var __EMBEDDED_DB__: { db: EmbeddedDb; dir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complaint-desk-test-'));
  // Should the database stop during the run, say so with what it wrote (the suites then failing
  // with ECONNREFUSED are its consequence, not their own defects).
  const onUnexpectedExit = (code: number | null, signal: NodeJS.Signals | null, stderrTail: string) => {
    process.stderr.write(`\n*** the embedded database stopped during the tests (${code ?? signal}); its last words:\n${stderrTail || '(nothing on stderr)'}\n`);
  };
  const db = await startEmbeddedDb({ dataDir: dir, port: 0, onUnexpectedExit });
  globalThis.__EMBEDDED_DB__ = { db, dir };
  process.env.TEST_MONGODB_URI = db.uri;
}
