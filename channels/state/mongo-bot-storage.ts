/**
 * botbuilder `Storage` over mongoose that honours eTags on MongoDB and on FerretDB 1.x alike.
 *
 * FerretDB performs no conditional update atomically, so an eTag check cannot be a filtered
 * update. It rests on the one atomic primitive both databases share, the insert of a unique `_id`:
 *
 *   bot_state        `_id` = `<key>#<seq>`: version `seq` of the item, whole (a journal). Writing
 *                    with eTag `n` means inserting `<key>#<n+1>`; a duplicate key means someone
 *                    else wrote version n+1 first, and the write fails as an eTag conflict.
 *   bot_state_heads  `_id` = `<key>`: a hint of the latest version, updated after the insert and only
 *                    every few versions. Readers start at the hint (or this instance's cache) and
 *                    probe `<key>#<seq+1>`, … by `_id` until one is missing: the last one found is
 *                    the item. Versions are gap-free, since n+1 can only be inserted by a writer that
 *                    read n.
 *
 * A successful write moves the item's `eTag` on to the version written (so the caller can write
 * again conditionally); "0" means "only if the item does not exist yet".
 *
 * Items are stored as JSON text, so keys with `.` or `$` (which dialog state and activities may
 * carry) never reach the database as field names. Old versions are deleted by `_id` well behind the
 * head (RETAIN versions), so a reader starting from a lagging hint still finds a gap-free run.
 * Every read and write is an exact `_id` lookup or insert: no query scans a collection.
 */
import type { Storage, StoreItems } from 'botbuilder';
import type { Connection } from 'mongoose';
import { deleteByIds } from '../../src/store/mongo-batch';

const STATE = 'bot_state';
const HEADS = 'bot_state_heads';
/** Update the head hint every HEAD_EVERY versions (and on the first). */
const HEAD_EVERY = 16;
/** Versions kept behind the newest; older ones are deleted. */
const RETAIN = 32;
/** How many versions a single read may probe forward before giving up (corrupt or runaway). */
const MAX_PROBE = 10_000;

interface StateDoc {
  _id: string;
  key: string;
  seq: number;
  at: Date;
  /** The item as JSON text (without its eTag). */
  json: string;
}

interface HeadDoc {
  _id: string;
  seq: number;
}

export class ETagConflictError extends Error {
  override name = 'ETagConflictError';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

export interface MongoBotStorageOptions {
  /** Largest item accepted, in bytes of JSON (a runaway state should fail loudly, not fill the database). */
  maxItemBytes?: number;
  /**
   * Serve reads from this instance's cache without probing for newer versions. Safe only for a
   * caller that always writes back with the eTag it read (as the bot does every turn): a version
   * written meanwhile by another instance then makes that write fail as an eTag conflict, the
   * cache entry is dropped, and the caller reads again from the database.
   */
  trustCache?: boolean;
}

export class MongoBotStorage implements Storage {
  /** Latest version this instance has seen per key: a read then costs one `_id` probe. */
  private readonly known = new Map<string, { seq: number; json: string }>();
  private readonly maxItemBytes: number;
  private readonly trustCache: boolean;

  constructor(
    private readonly conn: Connection,
    options: MongoBotStorageOptions = {},
  ) {
    this.maxItemBytes = options.maxItemBytes ?? 4 * 1024 * 1024;
    this.trustCache = options.trustCache ?? false;
  }

  private get state() {
    return this.conn.collection<StateDoc>(STATE);
  }

  private get heads() {
    return this.conn.collection<HeadDoc>(HEADS);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const latest = await this.latest(key);
        if (latest && latest.json !== TOMBSTONE) out[key] = { ...(JSON.parse(latest.json) as object), eTag: String(latest.seq) };
      }),
    );
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.writeOne(key, item as Record<string, unknown>)));
  }

  async delete(keys: string[]): Promise<void> {
    // A delete is a new version holding nothing ("tombstone"), so the journal stays gap-free.
    await Promise.all(
      keys.map(async (key) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const latest = await this.latest(key, true);
          if (!latest || latest.json === TOMBSTONE) return;
          if (await this.insertVersion(key, latest.seq + 1, TOMBSTONE)) return;
        }
        throw new ETagConflictError(key);
      }),
    );
  }

  /**
   * Erase what the item ever held (a customer's erasure): a new, empty version after the newest,
   * then every older version deleted by `_id`. The journal goes on from the empty version, so an
   * instance still holding the old one in its cache finds its next write refused (eTag) and reads
   * the empty one. Idempotent. Answers how many versions were deleted.
   */
  async erase(key: string): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const latest = await this.latest(key, true);
      if (!latest) return 0;
      const seq = latest.seq + 1;
      try {
        await this.state.insertOne({ _id: versionId(key, seq), key, seq, at: new Date(), json: '{}' });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue; // someone wrote meanwhile: erase after theirs
      }
      this.known.set(key, { seq, json: '{}' });
      await this.moveHead(key, seq);
      return deleteByIds(this.state, Array.from({ length: seq - 1 }, (_, i) => versionId(key, i + 1)));
    }
    throw new ETagConflictError(key);
  }

  private async writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const { eTag, ...rest } = item;
    const json = JSON.stringify(rest);
    if (Buffer.byteLength(json) > this.maxItemBytes) throw new Error(`Storage: item "${key}" is larger than ${this.maxItemBytes} bytes`);
    const conditional = typeof eTag === 'string' && eTag !== '*' && eTag !== '';
    if (conditional) {
      const base = Number(eTag);
      if (!Number.isInteger(base) || base < 0) throw new ETagConflictError(key);
      if (!(await this.insertVersion(key, base + 1, json))) throw new ETagConflictError(key);
      item.eTag = String(base + 1);
      return;
    }
    // `*` or no eTag: last writer wins, still as a new version after the latest.
    for (let attempt = 0; attempt < 20; attempt++) {
      const latest = await this.latest(key, true);
      const seq = (latest?.seq ?? 0) + 1;
      if (await this.insertVersion(key, seq, json)) {
        if (eTag !== undefined) item.eTag = String(seq);
        return;
      }
    }
    throw new ETagConflictError(key);
  }

  /** Insert version `seq`; false if it already exists (someone else wrote it). */
  private async insertVersion(key: string, seq: number, json: string): Promise<boolean> {
    try {
      await this.state.insertOne({ _id: versionId(key, seq), key, seq, at: new Date(), json });
    } catch (err) {
      if (isDuplicateKey(err)) {
        this.known.delete(key);
        return false;
      }
      throw err;
    }
    this.known.set(key, { seq, json });
    if (seq === 1 || seq % HEAD_EVERY === 0) await this.advance(key, seq);
    return true;
  }

  /** Move the head hint forward and delete versions far behind it (all by `_id`). */
  private async advance(key: string, seq: number): Promise<void> {
    await this.moveHead(key, seq);
    const from = seq - RETAIN - HEAD_EVERY;
    const ids = [];
    for (let s = Math.max(1, from); s < seq - RETAIN; s++) ids.push(versionId(key, s));
    await deleteByIds(this.state, ids);
  }

  private async moveHead(key: string, seq: number): Promise<void> {
    // Conditional so a late writer does not move the hint back (on FerretDB it may, rarely: it is only a hint).
    const r = await this.heads.updateOne({ _id: key, seq: { $lt: seq } }, { $set: { seq } });
    if (r.matchedCount === 0) await this.heads.insertOne({ _id: key, seq }).catch((err: unknown) => (isDuplicateKey(err) ? undefined : Promise.reject(err)));
  }

  /** The newest version of `key` (a tombstone if it was deleted), or null if it was never written. */
  private async latest(key: string, probe = !this.trustCache): Promise<{ seq: number; json: string } | null> {
    let cur = this.known.get(key) ?? null;
    if (cur && !probe) return cur;
    if (!cur) {
      const head = await this.heads.findOne({ _id: key });
      if (head) {
        const doc = await this.state.findOne({ _id: versionId(key, head.seq) });
        cur = doc ? { seq: doc.seq, json: doc.json } : null;
      }
      if (!cur) {
        // No hint yet (fewer than HEAD_EVERY versions, or never written): versions start at 1.
        const first = await this.state.findOne({ _id: versionId(key, 1) });
        cur = first ? { seq: 1, json: first.json } : null;
      }
      if (!cur) return null;
    }
    for (let i = 0; i < MAX_PROBE; i++) {
      const next: StateDoc | null = await this.state.findOne({ _id: versionId(key, cur.seq + 1) });
      if (!next) break;
      cur = { seq: next.seq, json: next.json };
    }
    this.known.set(key, cur);
    if (this.known.size > 50_000) this.known.clear();
    return cur;
  }
}

const TOMBSTONE = '__deleted__';

function versionId(key: string, seq: number): string {
  return `${key}#${seq}`;
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown } | null;
  return !!e && (e.code === 11000 || e.code === 11001);
}
