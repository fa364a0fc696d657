/**
 * `npm run audit:verify [-- --anchor SEQ:HASH]`: walk the audit chain of the configured
 * database and name the first entry that was edited, removed or reordered. Exit code 0 when
 * the chain is whole, 2 when it is broken, 1 when it could not be checked.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import mongoose from 'mongoose';
import { ConfigError, loadConfig } from '../config/load-config';
import { redactUri } from '../logging/logger';
import { verifyAuditChain } from '../store/audit-verify';
import { startEmbeddedDb } from '../store/embedded-db';

export function parseAnchor(arg: string | undefined): { seq: number; hash: string } | undefined {
  if (!arg) return undefined;
  const m = /^(\d+):([a-f0-9]{64})$/.exec(arg);
  if (!m) throw new Error('--anchor must look like SEQ:HASH (the head printed by an earlier run)');
  return { seq: Number(m[1]), hash: m[2]! };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const anchorAt = args.indexOf('--anchor');
  const expectHead = parseAnchor(anchorAt >= 0 ? args[anchorAt + 1] : undefined);
  const config = loadConfig();
  const embedded = config.MONGODB_URI ? null : await startEmbeddedDb({ dataDir: config.DATA_DIR, port: 0 });
  const uri = config.MONGODB_URI ?? embedded!.uri;
  const conn = await mongoose
    .createConnection(uri, { dbName: config.MONGODB_DB, bufferCommands: false, serverSelectionTimeoutMS: config.DB_TIMEOUT_MS })
    .asPromise();
  try {
    const r = await verifyAuditChain(conn, { secret: config.AUDIT_SECRET, expectHead });
    if (r.ok) {
      console.log(`audit chain OK: ${r.entries} entries in ${redactUri(uri)} (${config.MONGODB_DB})`);
      if (r.head) console.log(`head (keep it as an anchor): ${r.head.seq}:${r.head.hash}`);
      return 0;
    }
    console.error(`audit chain BROKEN at entry ${r.problem!.seq}: ${r.problem!.message}`);
    console.error(`entries checked before the break: ${r.entries - 1}`);
    return 2;
  } finally {
    await conn.close();
    await embedded?.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : `audit:verify failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
