/**
 * `npm run report:rebuild`: recount the reporting counters from the tickets (repair). When no
 * service instance keeps the counters (their lease is free), it rebuilds them itself; otherwise it
 * asks the instance that does (which serves the request within a minute) and waits for it.
 * Exit code 0 when rebuilt, 1 when it could not be done.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import pino from 'pino';
import { ConfigError, loadConfig } from '../config/load-config';
import { systemClock } from '../domain/ports';
import { COUNTERS_META, REBUILD_REQUEST, REPORT_CURSOR, ReportCounters } from '../reports/report-counters';
import { withCliDatabase } from '../store/cli-database';
import { MongoCursorStore } from '../store/mongo-change-feed';
import { MongoLease } from '../store/mongo-lease';
import { MongoReportStore } from '../store/mongo-report-store';
import { MongoTicketRepository } from '../store/mongo-ticket-repository';

const WAIT_MS = 15 * 60_000;

async function main(): Promise<number> {
  const config = loadConfig();
  return withCliDatabase(config, async (conn, label) => {
    const store = new MongoReportStore(conn);
    const lease = new MongoLease(conn, 'report-worker');
    if (await lease.tryAcquire()) {
      try {
        // The feed is only read here (to replay what was counted after the tickets' state).
        const feed = new MongoTicketRepository(conn, { personalKey: config.CONTACT_HASH_SECRET ?? 'unused-for-reading' }).feed;
        const counters = new ReportCounters({ store, feed, cursors: new MongoCursorStore(conn), clock: systemClock, logger: pino({ level: 'warn' }), timeZone: config.SLA_TIMEZONE, keepAlive: () => lease.tryAcquire() });
        const r = await counters.rebuild('npm run report:rebuild');
        console.log(`rebuilt the report counters of ${label}: ${r.tickets} tickets, ${r.documents} counter documents, ${r.replayed} feed entries replayed after ${REPORT_CURSOR} (${r.ms} ms)`);
        return 0;
      } finally {
        await lease.release();
      }
    }
    await store.setMeta(REBUILD_REQUEST, { by: 'npm run report:rebuild', at: new Date() });
    console.log(`a service instance keeps the counters of ${label}: asked it to rebuild them; waiting…`);
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2000));
      // The service removes the request once it has rebuilt the counters.
      if (await store.getMeta(REBUILD_REQUEST)) continue;
      const meta = (await store.getMeta(COUNTERS_META)) ?? {};
      console.log(`rebuilt by the service: ${String(meta.tickets)} tickets, ${String(meta.documents)} counter documents (${String(meta.seconds)} s)`);
      return 0;
    }
    console.error('the service did not rebuild the counters within 15 minutes; its log says why (the request stays and is served when it can)');
    return 1;
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : `report:rebuild failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
