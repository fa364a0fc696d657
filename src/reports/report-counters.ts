/**
 * The reporting counters, kept by a change-feed handler with a cursor and lease of its own.
 *
 * Every committed filing and change arrives (at least once, in feed order) as an entry with the
 * ticket's record after it. The handler keeps, per ticket, a tally (`report_tickets/<number>`:
 * the contribution the counters hold of it, measures.ts), and applies to the counter documents the
 * difference between the ticket's new contribution and its tally. Counter documents are one per
 * bucket and table (`d:2026-12-03:cube`, `m:2026-12:agent`, `all:cube`), read and written by
 * `_id` only, so a query costs the same at a million tickets as at ten thousand.
 *
 * Why nothing is counted twice (FerretDB 1.x has no atomic update; only unique inserts are):
 * - a batch writes the tallies first, each naming the step it records (the feed positions
 *   `from`..`seq` and the contribution before), then the counter documents;
 * - each counter document carries `mark`, the feed position of the last step applied to it, and a
 *   step is applied to a document only if its position is above the mark (one write per document
 *   per batch, so a document has all of a batch or none of it);
 * - a batch handled again after a crash finds its entries inside the tallies' recorded steps and
 *   re-applies those steps, which the marks skip where they had arrived: the counters end as if the
 *   batch had been handled once; a filing announced twice (crash repair) is one ticket at version 1;
 * - batches are handled one at a time in this process (a mutex); a lease keeps one instance at it.
 *   Should two instances both believe they hold the lease (clocks far apart), their read-modify-
 *   writes of one document may lose a step: `rebuild()` (`npm run report:rebuild`) recounts from the tickets.
 */
import type { FeedHandler } from '../domain/effects';
import type { ChangeFeed, Clock, CoreLogger, CursorStore, FeedEntry } from '../domain/ports';
import { addInto, contributionDelta, contributionOf, MAX_NAMED_ROWS, OTHER_ROW, splitRowId, type Contribution, type Counts } from './measures';
import { bucketHas, bucketsOfDay } from './periods';
import { counterId, type CounterDoc, type ReportStore, type TicketSource, type TicketTally } from './ports';
import type { SpikeWatch } from './spikes';

/** Bump when contributions change meaning: the counters are then rebuilt from the tickets at start. */
export const COUNTER_FORMAT = 2;
export const COUNTERS_META = 'counters';
export const REBUILD_REQUEST = 'rebuild-request';
/** The cursor (in `feed_cursors`) of this consumer, beside `effects`. */
export const REPORT_CURSOR = 'reports';

interface Step {
  tag: number;
  day: string;
  delta: Map<string, Counts>;
  agentName?: { id: string; name: string };
}

export interface RebuildResult {
  tickets: number;
  documents: number;
  replayed: number;
  ms: number;
}

export interface ReportCountersDeps {
  store: ReportStore;
  feed: ChangeFeed;
  cursors: CursorStore;
  clock: Clock;
  logger: CoreLogger;
  timeZone: string;
  spikes?: SpikeWatch;
  /** Called between chunks of a rebuild: keeps the lease of the instance rebuilding (a rebuild may outlast it). */
  keepAlive?: () => Promise<unknown>;
}

export class ReportCounters implements FeedHandler {
  readonly name = 'reports';
  private chain: Promise<unknown> = Promise.resolve();
  private ready = false;
  /** The highest feed position this process has handled (what a rebuild replays up to). */
  private handledTo = 0;

  constructor(private readonly deps: ReportCountersDeps) {}

  handle(entries: FeedEntry[]): Promise<void> {
    return this.exclusive(async () => {
      await this.ensureBuilt();
      await this.apply(entries);
    });
  }

  /**
   * Recount every ticket (repair, or a new counter format): clear the counters and tallies, count
   * each ticket's record once, then replay what the feed holds after the point the tickets were
   * certainly up to date. Runs between batches; the counters read low while it runs.
   */
  rebuild(reason: string, source?: TicketSource): Promise<RebuildResult> {
    return this.exclusive(() => this.doRebuild(reason, source));
  }

  /** Build the counters if they were never built (or were built in an older format). */
  ensureReady(): Promise<void> {
    return this.exclusive(() => this.ensureBuilt());
  }

  /** Run a rebuild that an operator asked for (`npm run report:rebuild` while the service runs). */
  async serveRebuildRequest(): Promise<RebuildResult | null> {
    const request = await this.deps.store.getMeta(REBUILD_REQUEST);
    if (!request) return null;
    const result = await this.rebuild(`requested by ${String(request.by ?? 'an operator')}`);
    await this.deps.store.deleteMeta(REBUILD_REQUEST);
    return result;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async ensureBuilt(): Promise<void> {
    if (this.ready) return;
    const meta = await this.deps.store.getMeta(COUNTERS_META);
    if (meta?.format !== COUNTER_FORMAT) await this.doRebuild(meta ? `counter format ${String(meta.format)} → ${COUNTER_FORMAT}` : 'first start');
    this.ready = true;
  }

  // ---- one batch ------------------------------------------------------------------------------

  private async apply(entries: FeedEntry[]): Promise<void> {
    if (!entries.length) return;
    const { store } = this.deps;
    const byTicket = new Map<string, FeedEntry[]>();
    for (const e of entries) {
      const list = byTicket.get(e.number);
      if (list) list.push(e);
      else byTicket.set(e.number, [e]);
    }
    // Tickets first seen here with their filing have no tally yet (inserted; a clash means they
    // had one after all, e.g. a filing announced twice); the others' tallies are read.
    const filings = [...byTicket.keys()].filter((n) => byTicket.get(n)![0]!.version === 1);
    const others = [...byTicket.keys()].filter((n) => byTicket.get(n)![0]!.version > 1);
    const known = await store.readTallies(others);
    const planned = new Map<string, { tally: TicketTally | null; steps: Step[] }>();
    for (const n of filings) planned.set(n, this.plan(n, null, byTicket.get(n)!));
    for (const n of others) planned.set(n, this.plan(n, known.get(n) ?? null, byTicket.get(n)!));

    const clashes = await store.insertTallies(filings.flatMap((n) => (planned.get(n)!.tally ? [planned.get(n)!.tally!] : [])));
    const rewrite: TicketTally[] = [];
    if (clashes.size) {
      const again = await store.readTallies([...clashes]);
      for (const n of clashes) {
        const p = this.plan(n, again.get(n) ?? null, byTicket.get(n)!);
        planned.set(n, p);
        if (p.tally) rewrite.push(p.tally);
      }
    }
    for (const n of others) {
      const t = planned.get(n)!.tally;
      if (t) rewrite.push(t);
    }
    await store.writeTallies(rewrite);

    const steps = [...planned.values()].flatMap((p) => p.steps);
    const touched = await this.applySteps(steps);
    this.handledTo = Math.max(this.handledTo, entries[entries.length - 1]!.seq);
    await this.deps.spikes?.afterBatch(touched).catch((err: unknown) => {
      this.deps.logger.warn({ err: { message: (err as Error).message } }, 'spike check failed; the next batch checks again');
    });
  }

  /**
   * The steps of one ticket's entries in this batch, given its tally. Entries at or below the
   * tally's version were counted, except that those inside the tally's recorded step are that
   * step being handled again (after a crash): it is re-applied, and the counters' marks skip it
   * wherever it had arrived.
   */
  private plan(number: string, tally: TicketTally | null, entries: FeedEntry[]): { tally: TicketTally | null; steps: Step[] } {
    const steps: Step[] = [];
    let version = tally?.v ?? 0;
    let first: FeedEntry | null = null;
    let last: FeedEntry | null = null;
    let again = false;
    for (const e of entries) {
      if (e.version <= version) {
        if (tally && e.seq >= tally.from && e.seq <= tally.seq) again = true;
        continue;
      }
      version = e.version;
      first ??= e;
      last = e;
    }
    if (again && tally) steps.push(this.step(tally.seq, tally.prev, tally.c));
    if (!last) return { tally: null, steps };
    const c = contributionOf(last.after, this.deps.timeZone);
    const prev = tally?.c ?? null;
    steps.push(this.step(last.seq, prev, c));
    return { tally: { number, v: last.version, seq: last.seq, from: first!.seq, c, prev }, steps };
  }

  private step(tag: number, before: Contribution | null, after: Contribution): Step {
    const s: Step = { tag, day: after.day, delta: contributionDelta(before, after) };
    if (after.agentName) s.agentName = after.agentName;
    return s;
  }

  /** Apply steps to their counter documents (each read once, written once); returns the documents written. */
  private async applySteps(steps: Step[]): Promise<Map<string, CounterDoc>> {
    const perDoc = new Map<string, Array<{ tag: number; rows: Array<[string, Counts]>; agentName?: { id: string; name: string } }>>();
    for (const s of steps) {
      const byTable = new Map<string, Array<[string, Counts]>>();
      for (const [id, counts] of s.delta) {
        const { table, key } = splitRowId(id);
        const list = byTable.get(table) ?? [];
        list.push([key, counts]);
        byTable.set(table, list);
      }
      if (s.agentName && !byTable.has('agent')) byTable.set('agent', []);
      for (const bucket of bucketsOfDay(s.day)) {
        for (const [table, rows] of byTable) {
          if (!bucketHas(bucket, table)) continue;
          const id = counterId(bucket, table as never);
          const list = perDoc.get(id) ?? [];
          list.push({ tag: s.tag, rows, ...(table === 'agent' && s.agentName ? { agentName: s.agentName } : {}) });
          perDoc.set(id, list);
        }
      }
    }
    if (!perDoc.size) return new Map();
    const docs = await this.deps.store.readCounters([...perDoc.keys()]);
    const changed = new Map<string, CounterDoc>();
    for (const [id, list] of perDoc) {
      const doc = docs.get(id) ?? { id, mark: 0, rows: {} };
      let mark = doc.mark;
      list.sort((a, b) => a.tag - b.tag);
      for (const item of list) {
        if (item.tag <= doc.mark) continue;
        for (const [key, counts] of item.rows) addRow(doc, id, key, counts);
        if (item.agentName) (doc.names ??= {})[item.agentName.id] = item.agentName.name;
        mark = Math.max(mark, item.tag);
      }
      if (mark === doc.mark) continue;
      doc.mark = mark;
      changed.set(id, doc);
    }
    await this.deps.store.writeCounters([...changed.values()]);
    return changed;
  }

  // ---- rebuild --------------------------------------------------------------------------------

  /**
   * `source` gives the tickets' records (default: every ticket in the store — on the embedded
   * database reading them costs 1–2 ms each, so 200,000 tickets take minutes); the benchmark passes
   * the records it has just bulk-inserted.
   */
  private async doRebuild(reason: string, source?: TicketSource): Promise<RebuildResult> {
    const started = Date.now();
    const { store, cursors, feed, logger } = this.deps;
    // Everything up to the effects cursor is in the stored tickets (the projection rolled them forward).
    const upTo = await cursors.get('effects');
    this.deps.logger.info({ reason, replayFrom: upTo }, 'report counters: rebuilding from the tickets');
    await store.clear();
    const docs = new Map<string, CounterDoc>();
    let tickets = 0;
    for await (const chunk of source ?? store.tickets(1000)) {
      const tallies = chunk.map((r): TicketTally => ({ number: r.number, v: r.version, seq: 0, from: 0, c: contributionOf(r, this.deps.timeZone), prev: null }));
      await store.insertTallies(tallies);
      for (const t of tallies) {
        const s = this.step(0, null, t.c);
        for (const bucket of bucketsOfDay(s.day)) {
          for (const [rowId, counts] of s.delta) {
            const { table, key } = splitRowId(rowId);
            if (!bucketHas(bucket, table)) continue;
            const id = counterId(bucket, table);
            const doc = docs.get(id) ?? { id, mark: upTo, rows: {} };
            addRow(doc, id, key, counts);
            if (table === 'agent' && s.agentName) (doc.names ??= {})[s.agentName.id] = s.agentName.name;
            docs.set(id, doc);
          }
        }
      }
      tickets += chunk.length;
      await this.deps.keepAlive?.();
    }
    await store.writeCounters([...docs.values()]);
    // Replay what was handled beyond that point (tallies skip what the tickets showed).
    const replayTo = Math.max(this.handledTo, await cursors.get(REPORT_CURSOR));
    let replayed = 0;
    for (let from = upTo; from < replayTo; ) {
      const { entries, cursor } = await feed.read(from, 200);
      if (cursor === from) break;
      await this.apply(entries);
      replayed += entries.length;
      from = cursor;
    }
    const result = { tickets, documents: docs.size, replayed, ms: Date.now() - started };
    // (Seconds, not milliseconds: a stored number should not look like anything a customer wrote.)
    await store.setMeta(COUNTERS_META, { format: COUNTER_FORMAT, builtAt: this.deps.clock.now(), reason, tickets, documents: docs.size, replayed, seconds: Math.round(result.ms / 100) / 10 });
    this.ready = true;
    logger.info(result, 'report counters rebuilt');
    return result;
  }
}

/** Add a row delta to a counter document; names beyond the cap of a name table count as (other). */
function addRow(doc: CounterDoc, id: string, key: string, counts: Counts): void {
  let k = key;
  if (!(k in doc.rows) && (id.endsWith(':product') || id.endsWith(':merchant'))) {
    const full = Object.keys(doc.rows).length >= MAX_NAMED_ROWS;
    if (full || Object.values(counts).some((v) => v < 0)) k = OTHER_ROW;
  }
  const row = addInto(doc.rows[k] ?? {}, counts);
  if (Object.keys(row).length) doc.rows[k] = row;
  else delete doc.rows[k];
}
