/**
 * Tickets. `_id` is the ticket number: inserting it is the atomic, gap-free number claim
 * (FerretDB 1.x has no atomic updates, only unique inserts), and lookups by number are the
 * one query FerretDB's SQLite backend pushes down.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { TICKET_STATUSES } from '../../domain/state-machine';
import { CATEGORIES, CHANNELS, LANGUAGES, REMEDIES, SEVERITIES } from '../../domain/taxonomy';

const { Mixed } = Schema.Types;

const actorSchema = new Schema({ kind: String, id: String, name: String }, { _id: false });

const deadlineSchema = new Schema(
  {
    kind: { type: String, required: true },
    budget: { unit: String, amount: Number },
    dueAt: Date,
    warnAt: Date,
    warnings: { type: [Date], default: undefined },
    warningsGiven: Number,
    metAt: Date,
    warnedAt: Date,
    overdueAt: Date,
  },
  { _id: false },
);

export const ticketSchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    version: { type: Number, required: true },
    status: { type: String, enum: TICKET_STATUSES, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    language: { type: String, enum: LANGUAGES, required: true },
    source: { type: String, default: null },
    /** Keyed hash of the contact; the contact itself is in `personal`. */
    customer: { key: String },
    occurredAt: Date,
    product: String,
    merchant: String,
    amount: { type: new Schema({ value: Number, currency: String }, { _id: false }), default: null },
    desiredRemedy: { type: String, enum: [...REMEDIES, null] },
    /** Hashes, sizes and types of the evidence; names and links are in `personal`. */
    evidence: [new Schema({ contentType: String, size: Number, sha256: String }, { _id: false })],
    category: { type: String, enum: CATEGORIES, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    classification: { type: Mixed, required: true },
    flags: {
      highRisk: { type: Boolean, default: false },
      recurrenceOf: String,
      suspectedMalicious: { type: Mixed, default: null },
      personRequestedAt: { type: Date, default: undefined },
      maliciousSuggested: { type: Mixed, default: undefined },
      maliciousCleared: { type: Mixed, default: undefined },
    },
    owner: { type: new Schema({ id: String, name: String }, { _id: false }), default: null },
    sla: {
      preset: String,
      startedAt: Date,
      pauses: [new Schema({ from: Date, to: Date }, { _id: false })],
      deadlines: [deadlineSchema],
      escalationTier: { type: Number, default: 0 },
      tiers: { type: [new Schema({ tier: Number, from: Date, to: Date, missed: [String] }, { _id: false })], default: undefined },
    },
    history: [
      new Schema(
        { version: Number, from: String, to: String, action: String, at: Date, actor: actorSchema, reason: String },
        { _id: false },
      ),
    ],
    resolution: { type: Mixed, default: null },
    rejection: { type: Mixed, default: null },
    messages: { type: [Mixed], default: [] },
    /** The survey's rating (1–5) and when it was given. */
    satisfaction: { type: Mixed, default: undefined },
    /** Derived figures (src/domain/ticket-figures.ts), kept up to date by every change. */
    figures: { type: Mixed, default: undefined },
    /** Notices to the customer (result, survey) and how each went out (src/domain/notices.ts). */
    notices: { type: [Mixed], default: undefined },
    /** The latest satisfaction survey and the return visit (src/domain/follow-up.ts). */
    survey: { type: Mixed, default: undefined },
    returnVisit: { type: Mixed, default: undefined },
    erased: { type: Boolean, default: false },
    lookupCodeHash: { type: String, required: true },
    idempotencyKey: { type: String, default: undefined },
    personalDigest: { type: String, required: true },
    /**
     * The one place that holds the customer's personal values (name, contact, description,
     * time and place in their words, order id, evidence names). Journal, feed and audit keep
     * `personalDigest` instead, so erasing these leaves every chain verifiable.
     */
    personal: { type: Mixed, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'tickets', versionKey: false, minimize: false, strict: 'throw' },
);

// Indexes for the queries of lists, reports and the SLA scanner on MongoDB. FerretDB 1.x
// keeps them (uniqueness) but scans anyway, so only the ones those queries need are declared.
ticketSchema.index({ status: 1, updatedAt: -1 });
ticketSchema.index({ 'owner.id': 1, status: 1 });
ticketSchema.index({ createdAt: -1 });
// One Idempotency-Key, one ticket, ever: the database refuses a second (sparse: keyless tickets are many).
ticketSchema.index({ idempotencyKey: 1 }, { unique: true, sparse: true });
ticketSchema.index({ 'customer.key': 1 });

export type TicketModel = Model<Record<string, unknown>>;

export function ticketModel(conn: Connection): TicketModel {
  return ((conn.models.Ticket as TicketModel | undefined) ?? conn.model('Ticket', ticketSchema)) as unknown as TicketModel;
}
