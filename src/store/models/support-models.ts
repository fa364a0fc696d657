/**
 * The small collections around tickets. Every contended write here is an insert of a unique
 * key, the one operation FerretDB 1.x performs atomically.
 */
import { Schema, type Connection, type Model } from 'mongoose';

const { Mixed } = Schema.Types;

/** One document per ticket change, `_id` = `<number>:<version>`: winning this insert is the right to write that version. */
const ticketEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    version: { type: Number, required: true },
    at: { type: Date, required: true },
    /** The whole ticket document after the change, so a crashed writer's change can be rolled forward. */
    after: { type: Mixed, required: true },
    events: { type: [String], default: [] },
    actor: { type: Mixed, required: true },
    action: { type: String, required: true },
  },
  { collection: 'ticket_events', versionKey: false, minimize: false },
);
ticketEventSchema.index({ at: 1 });

/** Tamper-evident audit chain; `_id` is the zero-padded sequence, `key` makes appends idempotent. */
const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    key: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: Mixed, required: true },
    action: { type: String, required: true },
    entity: { type: Mixed, required: true },
    /** JSON text: before/after may hold keys MongoDB would refuse (`.`/`$`), and hashing needs exact bytes. */
    before: { type: String, default: null },
    after: { type: String, default: null },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ key: 1 }, { unique: true });

/** Domain events waiting for delivery (Slack, customers). `_id` is the deterministic event id. */
const outboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    ticketNumber: { type: String, required: true },
    ticketVersion: { type: Number, required: true },
    at: { type: Date, required: true },
    data: { type: Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { collection: 'outbox', versionKey: false, minimize: false },
);
outboxSchema.index({ createdAt: 1 });

/** Idempotency-Key → ticket number, claimed by insert before filing. */
const idempotencySchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, default: null },
    /** SHA-256 of the request body: the same key with another body is refused. */
    fingerprint: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);

/** Latest ticket per (customer key, category): repeat detection by one point lookup. */
const customerRecentSchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'customer_recent', versionKey: false },
);

/** Failed lookups: `_id` = `<number>:<bucket>:<n>`; the n-th insert in a bucket is the n-th failure. */
const lookupFailureSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'lookup_failures', versionKey: false },
);

export interface SupportModels {
  TicketEvent: Model<Record<string, unknown>>;
  Audit: Model<Record<string, unknown>>;
  Outbox: Model<Record<string, unknown>>;
  Idempotency: Model<Record<string, unknown>>;
  CustomerRecent: Model<Record<string, unknown>>;
  LookupFailure: Model<Record<string, unknown>>;
}

function model(conn: Connection, name: string, schema: Schema): Model<Record<string, unknown>> {
  return ((conn.models[name] as Model<Record<string, unknown>> | undefined) ?? conn.model(name, schema)) as unknown as Model<
    Record<string, unknown>
  >;
}

export function supportModels(conn: Connection): SupportModels {
  return {
    TicketEvent: model(conn, 'TicketEvent', ticketEventSchema),
    Audit: model(conn, 'Audit', auditSchema),
    Outbox: model(conn, 'Outbox', outboxSchema),
    Idempotency: model(conn, 'Idempotency', idempotencySchema),
    CustomerRecent: model(conn, 'CustomerRecent', customerRecentSchema),
    LookupFailure: model(conn, 'LookupFailure', lookupFailureSchema),
  };
}
