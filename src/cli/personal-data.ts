/**
 * `npm run personal-data -- <command>`: a customer's data request, from the operator's shell.
 *
 *   export --phone <p> | --email <e> [--out <file>] [--by <who>]   everything held about them, as JSON
 *   erase  --phone <p> | --email <e> --yes [--by <who>]           erase it (all their tickets)
 *   backfill                                                       index tickets filed before the per-customer index
 *
 * The export goes to `--out` (created readable by its owner only) or to standard output; it is
 * never logged. Both requests are audited (the customer by the keyed hash of their contact, the
 * operator as `cli:<who>`); the erasure's changes reach the audit chain through the running
 * service's feed worker (or the next one to start). Exit code 0 done, 1 failed, 2 bad usage.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../config/load-config';
import type { Config } from '../config/schema';
import { DEV_CONTACT_SECRET } from '../config/dev-keys';
import { customerContactSchema } from '../domain/complaint-input';
import { ComplaintService } from '../domain/complaint-service';
import { DomainError } from '../domain/errors';
import { systemClock, type Classifier, type SlaPlanner } from '../domain/ports';
import { PersonalData, RETENTION_DUE_KIND, closedAtOf } from '../domain/personal-data';
import type { Ticket } from '../domain/ticket';
import { MongoAuditLog } from '../store/audit-log';
import { withCliDatabase } from '../store/cli-database';
import { MongoCustomerIndex } from '../store/mongo-customer-index';
import { MongoDueIndex } from '../store/mongo-due-index';
import { MongoIdempotencyStore } from '../store/mongo-idempotency';
import { MongoLookupGuard } from '../store/mongo-lookup-guard';
import { MongoMessageStore } from '../store/mongo-messages';
import { MongoTicketRepository } from '../store/mongo-ticket-repository';
import { docToTicket } from '../store/ticket-documents';
import type { Connection } from 'mongoose';
import { ChatRecords } from '../../channels/chat-records';

const USAGE = [
  'usage: npm run personal-data -- export --phone <phone> | --email <address> [--out <file>] [--by <who>]',
  '       npm run personal-data -- erase  --phone <phone> | --email <address> --yes [--by <who>]',
  '       npm run personal-data -- backfill',
].join('\n');


/** The CLI neither files nor replans deadlines: these parts are never called. */
const unused = (what: string) => () => {
  throw new Error(`${what} is not available in the personal-data command`);
};
const noClassifier = { version: 'none', classify: unused('classification') } as unknown as Classifier;
const noSla: SlaPlanner = { preset: 'none', plan: unused('deadline planning') };

function service(conn: Connection, config: Config): ComplaintService {
  const secret = config.CONTACT_HASH_SECRET ?? DEV_CONTACT_SECRET;
  const logger = pino({ level: 'warn' });
  const tickets = new MongoTicketRepository(conn, { personalKey: secret });
  return new ComplaintService(
    {
      tickets,
      feed: tickets.feed,
      idempotency: new MongoIdempotencyStore(conn),
      lookupGuard: new MongoLookupGuard(conn, { clientMaxFailures: 1, ticketFreeFailures: 1 }),
      audit: new MongoAuditLog(conn, config.AUDIT_SECRET),
      messages: new MongoMessageStore(conn),
      customers: new MongoCustomerIndex(conn),
      conversations: new ChatRecords(conn),
      classifier: noClassifier,
      sla: noSla,
      clock: systemClock,
      logger,
    },
    { timeZone: config.SLA_TIMEZONE, confidenceThreshold: 1, recurrenceWindowDays: config.RECURRENCE_WINDOW_DAYS, contactHashSecret: secret, retentionClosedDays: config.RETENTION_CLOSED_TICKET_DAYS },
  );
}

/**
 * Index every ticket by its customer (tickets filed before the index existed), and put closed
 * ones in the retention schedule: one pass over the tickets, run once by an operator.
 */
async function backfill(conn: Connection, config: Config): Promise<{ tickets: number; customers: number; scheduled: number }> {
  const index = new MongoCustomerIndex(conn);
  const due = new MongoDueIndex(conn, 'due');
  const byCustomer = new Map<string, { tickets: string[]; rejected: string[] }>();
  let tickets = 0;
  let scheduled = 0;
  const cursor = conn.collection('tickets').find({}, { projection: { personal: 0 } });
  for await (const doc of cursor) {
    const t: Ticket = docToTicket({ ...doc, personal: null });
    tickets++;
    const key = t.customer.key;
    if (key && !t.erased) {
      const entry = byCustomer.get(key) ?? { tickets: [], rejected: [] };
      entry.tickets.push(t.number);
      if (t.rejection) entry.rejected.push(t.number);
      byCustomer.set(key, entry);
    }
    const closedAt = closedAtOf(t);
    if (closedAt && !t.erased && config.RETENTION_CLOSED_TICKET_DAYS > 0) {
      await due.add([{ kind: RETENTION_DUE_KIND, ref: t.number, at: PersonalData.dueAt(closedAt, config.RETENTION_CLOSED_TICKET_DAYS) }]);
      scheduled++;
    }
  }
  for (const [key, e] of byCustomer) {
    await index.addTickets(key, e.tickets);
    await index.addRejected(key, e.rejected);
  }
  return { tickets, customers: byCustomer.size, scheduled };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { phone: { type: 'string' }, email: { type: 'string' }, out: { type: 'string' }, by: { type: 'string' }, yes: { type: 'boolean' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (positionals.length !== 1 || !['export', 'erase', 'backfill'].includes(command ?? '')) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (command === 'backfill') {
    return withCliDatabase(config, async (conn, label) => {
      const r = await backfill(conn, config);
      console.log(`indexed ${r.tickets} tickets of ${r.customers} customers in ${label}; ${r.scheduled} closed tickets put in the retention schedule`);
      return 0;
    });
  }
  const contact = customerContactSchema.safeParse({ ...(values.phone !== undefined ? { phone: values.phone } : {}), ...(values.email !== undefined ? { email: values.email } : {}) });
  if (!contact.success) {
    console.error(`${contact.error.issues.map((i) => `--${i.path.join('.') || 'phone'}: ${i.message}`).join('\n')}\n${USAGE}`);
    return 2;
  }
  if (command === 'erase' && !values.yes) {
    console.error('erasing cannot be undone: add --yes to erase this customer’s personal data');
    return 2;
  }
  const actor = { kind: 'agent' as const, id: `cli:${values.by ?? os.userInfo().username}` };
  return withCliDatabase(config, async (conn) => {
    const desk = service(conn, config);
    try {
      if (command === 'export') {
        const exported = await desk.exportCustomer(contact.data, actor);
        const text = `${JSON.stringify(exported, null, 2)}\n`;
        if (values.out) {
          fs.writeFileSync(values.out, text, { mode: 0o600, flag: 'wx' });
          console.error(`exported ${exported.tickets.length} tickets to ${values.out}`);
        } else {
          process.stdout.write(text);
        }
        return 0;
      }
      const r = await desk.eraseCustomer(contact.data, actor);
      console.log(r.tickets.length ? `erased the personal data of ${r.tickets.length} tickets: ${r.tickets.join(', ')}` : 'no tickets of this customer: nothing erased');
      return 0;
    } catch (err) {
      if (err instanceof DomainError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : `personal-data failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
