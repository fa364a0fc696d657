/**
 * ReportStore on MongoDB/FerretDB. Every hot read and write is by `_id`: counter documents
 * (`report_counters`, rows kept as one JSON string — FerretDB spends its time converting nested
 * documents, and nothing queries inside them), per-ticket tallies (`report_tickets`), spike alerts
 * (`report_alerts`) and a little state (`report_meta`). Only a rebuild reads the tickets
 * collection as a whole, without the personal values; `pendingAlerts` scans the alerts, a
 * collection of a few documents a day.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { TicketRecord } from '../domain/ticket';
import type { CounterDoc, ReportStore, SpikeAlert, TicketTally } from '../reports/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { ticketModel } from './models/ticket-model';

const { Mixed } = Schema.Types;

const counterSchema = new Schema(
  { _id: { type: String, required: true }, mark: { type: Number, required: true }, body: { type: String, required: true }, at: Date },
  { collection: 'report_counters', versionKey: false },
);
const tallySchema = new Schema(
  { _id: { type: String, required: true }, v: Number, seq: Number, from: Number, body: { type: String, required: true } },
  { collection: 'report_tickets', versionKey: false },
);
const alertSchema = new Schema(
  {
    _id: { type: String, required: true },
    day: String,
    dimension: String,
    key: String,
    count: Number,
    baseline: Number,
    baselineDays: Number,
    factor: Number,
    at: Date,
    notifiedAt: { type: Date, default: null },
  },
  { collection: 'report_alerts', versionKey: false },
);
const metaSchema = new Schema({ _id: { type: String, required: true }, value: { type: Mixed } }, { collection: 'report_meta', versionKey: false, minimize: false });

type AnyModel = Model<Record<string, unknown>>;

function model(conn: Connection, name: string, schema: Schema): AnyModel {
  return ((conn.models[name] as AnyModel | undefined) ?? conn.model(name, schema)) as unknown as AnyModel;
}

const RECORD_FIELDS = {
  version: 1,
  status: 1,
  channel: 1,
  category: 1,
  severity: 1,
  flags: 1,
  owner: 1,
  sla: 1,
  history: 1,
  resolution: 1,
  satisfaction: 1,
  product: 1,
  merchant: 1,
  createdAt: 1,
};

/** Writes per command (FerretDB answers slowly, or never, for large bulk writes). */
const CHUNK = 50;

/** Tallies of many tickets are read this many at a time. */
const READ_PARALLEL = 16;

export class MongoReportStore implements ReportStore {
  private readonly counters: AnyModel;
  private readonly tallies: AnyModel;
  private readonly alerts: AnyModel;
  private readonly meta: AnyModel;

  constructor(private readonly conn: Connection) {
    this.counters = model(conn, 'ReportCounter', counterSchema);
    this.tallies = model(conn, 'ReportTally', tallySchema);
    this.alerts = model(conn, 'ReportAlert', alertSchema);
    this.meta = model(conn, 'ReportMeta', metaSchema);
  }

  async readCounters(ids: string[]): Promise<Map<string, CounterDoc>> {
    const out = new Map<string, CounterDoc>();
    try {
      await inParallel(ids, READ_PARALLEL, async (id) => {
        const d = await this.counters.findOne({ _id: id }).lean<{ _id: string; mark: number; body: string }>();
        if (d) out.set(id, { id, mark: d.mark, ...decodeRows(d.body) });
      });
      return out;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async writeCounters(docs: CounterDoc[]): Promise<void> {
    if (!docs.length) return;
    const at = new Date();
    try {
      for (let i = 0; i < docs.length; i += CHUNK) {
        await this.counters.bulkWrite(
          docs.slice(i, i + CHUNK).map((d) => ({
            replaceOne: { filter: { _id: d.id }, replacement: { _id: d.id, mark: d.mark, body: encodeRows(d), at }, upsert: true },
          })),
          { ordered: true },
        );
      }
    } catch (err) {
      translateStoreError(err);
    }
  }

  async readTallies(numbers: string[]): Promise<Map<string, TicketTally>> {
    const out = new Map<string, TicketTally>();
    try {
      await inParallel(numbers, READ_PARALLEL, async (n) => {
        const d = await this.tallies.findOne({ _id: n }).lean<TallyDoc>();
        if (d) out.set(n, fromTallyDoc(d));
      });
      return out;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async insertTallies(tallies: TicketTally[]): Promise<Set<string>> {
    const clashes = new Set<string>();
    for (let i = 0; i < tallies.length; i += 500) {
      const part = tallies.slice(i, i + 500);
      try {
        await this.tallies.insertMany(part.map(toTallyDoc), { ordered: false, lean: true });
      } catch (err) {
        if (!isDuplicateKey(err)) return translateStoreError(err);
        // Which ones clashed: the error does not always say (FerretDB), so look them up.
        const present = await this.readTallies(part.map((t) => t.number));
        for (const t of part) {
          const d = present.get(t.number);
          if (d && (d.seq !== t.seq || d.v !== t.v)) clashes.add(t.number);
        }
      }
    }
    return clashes;
  }

  async writeTallies(tallies: TicketTally[]): Promise<void> {
    try {
      for (let i = 0; i < tallies.length; i += CHUNK) {
        await this.tallies.bulkWrite(
          tallies.slice(i, i + CHUNK).map((t) => ({ replaceOne: { filter: { _id: t.number }, replacement: toTallyDoc(t), upsert: true } })),
          { ordered: true },
        );
      }
    } catch (err) {
      translateStoreError(err);
    }
  }

  async clear(): Promise<void> {
    try {
      await this.counters.deleteMany({});
      await this.tallies.deleteMany({});
    } catch (err) {
      translateStoreError(err);
    }
  }

  async *tickets(chunk: number): AsyncIterable<TicketRecord[]> {
    // Only what a contribution reads (never the personal values).
    const cursor = ticketModel(this.conn).find({}, RECORD_FIELDS).lean().cursor({ batchSize: chunk });
    let batch: TicketRecord[] = [];
    try {
      for await (const doc of cursor) {
        const d = doc as Record<string, unknown> & { _id: string };
        batch.push({ ...d, number: String(d._id), evidence: [], messages: [], customer: { key: null }, personalDigest: '' } as unknown as TicketRecord);
        if (batch.length >= chunk) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } catch (err) {
      translateStoreError(err);
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async insertAlert(alert: SpikeAlert): Promise<boolean> {
    try {
      await this.alerts.create({ _id: alert.id, ...alert });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      return translateStoreError(err);
    }
  }

  async markAlertNotified(id: string, at: Date): Promise<void> {
    try {
      await this.alerts.updateOne({ _id: id }, { $set: { notifiedAt: at } });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async pendingAlerts(): Promise<SpikeAlert[]> {
    try {
      const docs = await this.alerts.find({ notifiedAt: null }).lean<Array<SpikeAlert & { _id: string }>>();
      return docs.map(fromAlertDoc).sort((a, b) => a.at.getTime() - b.at.getTime());
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async alertsOfDays(days: string[]): Promise<SpikeAlert[]> {
    if (!days.length) return [];
    try {
      // Few documents (an alert is rare): one scan with a day filter.
      const docs = await this.alerts.find({ day: { $in: days } }).lean<Array<SpikeAlert & { _id: string }>>();
      return docs.map(fromAlertDoc).sort((a, b) => b.at.getTime() - a.at.getTime());
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async getMeta(key: string): Promise<Record<string, unknown> | null> {
    try {
      const d = await this.meta.findOne({ _id: key }).lean<{ value: Record<string, unknown> }>();
      return d?.value ?? null;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async setMeta(key: string, value: Record<string, unknown>): Promise<void> {
    try {
      await this.meta.replaceOne({ _id: key }, { _id: key, value }, { upsert: true });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async deleteMeta(key: string): Promise<void> {
    try {
      await this.meta.deleteOne({ _id: key });
    } catch (err) {
      translateStoreError(err);
    }
  }
}

/**
 * A counter document's rows as stored: the measure names once, each row as a dense array in that
 * order (zeros included). What FerretDB costs grows with the bytes of a document (about 50 µs a KB
 * measured here), and dense rows keep a table's size near-constant once its rows exist, however many
 * tickets they count.
 */
export function encodeRows(d: Pick<CounterDoc, 'rows' | 'names'>): string {
  const names = [...new Set(Object.values(d.rows).flatMap((r) => Object.keys(r)))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const rows: Record<string, number[]> = {};
  for (const [key, counts] of Object.entries(d.rows)) {
    const dense = new Array<number>(names.length).fill(0);
    for (const [m, v] of Object.entries(counts)) dense[index.get(m)!] = v;
    rows[key] = dense;
  }
  return JSON.stringify({ m: names, r: rows, ...(d.names ? { names: d.names } : {}) });
}

export function decodeRows(body: string): Pick<CounterDoc, 'rows' | 'names'> {
  const parsed = JSON.parse(body) as { m: string[]; r: Record<string, number[]>; names?: Record<string, string> };
  const rows: CounterDoc['rows'] = {};
  for (const [key, dense] of Object.entries(parsed.r)) {
    const counts: Record<string, number> = {};
    for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) counts[parsed.m[i]!] = dense[i]!;
    rows[key] = counts;
  }
  return { rows, ...(parsed.names ? { names: parsed.names } : {}) };
}

type TallyDoc = {
  _id: string;
  v: number;
  seq: number;
  from: number;
  body: string;
};

function toTallyDoc(t: TicketTally): TallyDoc {
  return { _id: t.number, v: t.v, seq: t.seq, from: t.from, body: JSON.stringify({ c: t.c, prev: t.prev }) };
}

function fromTallyDoc(d: TallyDoc): TicketTally {
  const { c, prev } = JSON.parse(d.body) as Pick<TicketTally, 'c' | 'prev'>;
  return { number: d._id, v: d.v, seq: d.seq, from: d.from, c, prev };
}

function fromAlertDoc(d: SpikeAlert & { _id: string }): SpikeAlert {
  const { _id, ...rest } = d;
  return { ...rest, id: _id, at: new Date(rest.at), notifiedAt: rest.notifiedAt ? new Date(rest.notifiedAt) : null };
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}
