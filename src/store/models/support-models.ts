/**
 * The small collections around tickets. Every contended write here is an insert of a unique
 * key, the one operation FerretDB 1.x performs atomically.
 */
import { Schema, type Connection, type Model } from 'mongoose';

const { Mixed } = Schema.Types;

/**
 * Version locks, `_id` = `<number>:<version>`: the commit point of a change. Winning this insert
 * is the right to be that version of the ticket; `seq` names the change-feed entry that holds
 * the change (version 1 marks the filing's entry). Small on purpose: the feed has the content.
 */
const ticketEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    version: { type: Number, required: true },
    seq: { type: Number, required: true },
    /** Position of the entry in that feed document (filings of one batch share a document). */
    i: { type: Number, default: 0 },
  },
  { collection: 'ticket_events', versionKey: false },
);

/**
 * The change feed: every filing and change, `_id` = zero-padded gap-free sequence (plus one
 * `floor` document once retention has removed old entries). Holds tickets without personal values.
 */
const changeFeedSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number },
    w: { type: String },
    kind: { type: String, enum: ['filings', 'change'] },
    /** The entries, BSON-encoded (see mongo-change-feed.ts). */
    body: { type: Mixed },
    won: { type: Boolean },
  },
  { collection: 'change_feed', versionKey: false, minimize: false, strict: false },
);

/** How far each consumer of the change feed has got, and the leases of background jobs (`lease:<job>`). */
const feedCursorSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, required: true }, at: { type: Date }, holder: { type: String }, until: { type: Date } },
  { collection: 'feed_cursors', versionKey: false },
);

/** Texts of messages on tickets (personal data), `_id` = message id (`<number>:<random>`). */
const messageSchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    at: { type: Date, required: true },
    direction: { type: String, enum: ['from_customer', 'to_customer'], required: true },
    by: { type: Mixed, required: true },
    text: { type: String, default: '' },
    evidence: { type: Mixed, default: [] },
    customerKey: { type: String, default: null },
  },
  { collection: 'ticket_messages', versionKey: false, minimize: false },
);
messageSchema.index({ number: 1 });

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

/** Idempotency-Key → fingerprint of the first request and, once known, its ticket number. */
const idempotencySchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, default: null },
    /** SHA-256 of the request body: the same key with another body is refused. */
    fingerprint: { type: String, default: null },
    /** Year and last ticket number at first use: the ticket, if any, has a later number. */
    year: { type: Number, required: true },
    afterSeq: { type: Number, required: true },
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

/** Counters built on unique inserts: `_id` = `<counter>:<window>:<n>`; the n-th insert in a window is the n-th event. */
const lookupFailureSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'lookup_failures', versionKey: false },
);

export interface SupportModels {
  TicketEvent: Model<Record<string, unknown>>;
  ChangeFeed: Model<Record<string, unknown>>;
  FeedCursor: Model<Record<string, unknown>>;
  Message: Model<Record<string, unknown>>;
  Audit: Model<Record<string, unknown>>;
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
    ChangeFeed: model(conn, 'ChangeFeed', changeFeedSchema),
    FeedCursor: model(conn, 'FeedCursor', feedCursorSchema),
    Message: model(conn, 'Message', messageSchema),
    Audit: model(conn, 'Audit', auditSchema),
    Idempotency: model(conn, 'Idempotency', idempotencySchema),
    CustomerRecent: model(conn, 'CustomerRecent', customerRecentSchema),
    LookupFailure: model(conn, 'LookupFailure', lookupFailureSchema),
  };
}
