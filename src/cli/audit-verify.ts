/**
 * `npm run audit:verify [-- --anchor SEQ:HASH]`: walk the audit chain of the configured
 * database and name the first entry that was edited, removed or reordered. Exit code 0 when
 * the chain is whole, 2 when it is broken, 1 when it could not be checked.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { ConfigError, loadConfig } from '../config/load-config';
import { verifyAuditChain } from '../store/audit-verify';
import { withCliDatabase } from '../store/cli-database';

export function parseAnchor(arg: string | undefined): { seq: number; hash: string } | undefined {
  if (arg === undefined) return undefined;
  const m = /^([1-9]\d{0,11}):([a-fA-F0-9]{64})$/.exec(arg.trim());
  if (!m) throw new Error('--anchor must look like SEQ:HASH (the head printed by an earlier run)');
  return { seq: Number(m[1]), hash: m[2]!.toLowerCase() };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const anchorAt = args.indexOf('--anchor');
  // `--anchor` given without a value must not silently verify without one.
  const expectHead = anchorAt >= 0 ? parseAnchor(args[anchorAt + 1] ?? '') : undefined;
  const config = loadConfig();
  return withCliDatabase(config, async (conn, label) => {
    const r = await verifyAuditChain(conn, { secret: config.AUDIT_SECRET, expectHead });
    if (r.ok) {
      console.log(`audit chain OK: ${r.entries} entries in ${label}`);
      if (r.head) console.log(`head (keep it as an anchor): ${r.head.seq}:${r.head.hash}`);
      return 0;
    }
    console.error(`audit chain BROKEN at entry ${r.problem!.seq}: ${r.problem!.message}`);
    // `head` is the last entry that checked out (null when the very first one is broken).
    console.error(`entries checked before the break: ${r.head?.seq ?? 0}`);
    return 2;
  });
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
