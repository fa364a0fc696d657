/**
 * Tamper-evident audit log: a hash chain. Entry n stores the hash of entry n-1 and its own hash
 * over (seq, key, time, actor, action, entity, before, after, prevHash); with AUDIT_SECRET set
 * the hash is an HMAC, so whoever edits the collection cannot recompute the chain.
 *
 * Appends go through a group commit and an ordered insertMany keyed by the sequence (`_id`), so
 * two instances appending at once cannot fork the chain: the loser's insert fails on the
 * duplicate sequence, it learns the new head and rechains the rest. `key` (unique) makes an
 * append idempotent.
 */
import crypto from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { AuditEntryInput, AuditLog } from '../domain/ports';
import { flushFlattened, GroupCommitQueue, type Outcome } from '../support/group-commit';
import { canonicalJson } from '../support/canonical-json';
import { gallopLast } from './sequence-log';
import { asStoreError, firstWriteErrorIndex, isDuplicateKey } from './mongo-errors';
import { supportModels } from './models/support-models';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  _id: string;
  seq: number;
  key: string;
  at: Date;
  actor: { kind: string; id: string };
  action: string;
  entity: { type: string; id: string };
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

export function auditId(seq: number): string {
  return String(seq).padStart(12, '0');
}

export function hashEntry(e: Omit<AuditRecord, '_id' | 'hash'>, secret?: string): string {
  const text = canonicalJson([e.seq, e.key, e.at, e.actor, e.action, e.entity, e.before, e.after, e.prevHash]);
  return secret
    ? crypto.createHmac('sha256', secret).update(text).digest('hex')
    : crypto.createHash('sha256').update(text).digest('hex');
}

export class MongoAuditLog implements AuditLog {
  private readonly model: Model<Record<string, unknown>>;
  private head: { seq: number; hash: string } | null = null;
  private readonly queue: GroupCommitQueue<AuditEntryInput[], Outcome<void>[]>;

  constructor(
    conn: Connection,
    private readonly secret?: string,
    options: { maxPending?: number; overloaded?: () => Error } = {},
  ) {
    this.model = supportModels(conn).Audit;
    this.queue = new GroupCommitQueue(flushFlattened((flat: AuditEntryInput[]) => this.flush(flat)), options);
  }

  async append(entries: AuditEntryInput[]): Promise<void> {
    if (!entries.length) return;
    const failed = (await this.queue.push(entries)).find((o) => !o.ok);
    if (failed && !failed.ok) throw failed.error;
  }

  private async flush(batch: AuditEntryInput[]): Promise<Outcome<void>[]> {
    const outcomes: Outcome<void>[] = batch.map(() => ({ ok: true, value: undefined }));
    let remaining = batch.map((entry, i) => ({ entry, i }));
    /** An entry known to exist after a lost race: the head is searched from there, not from the start. */
    let known: { seq: number; hash: string } | undefined;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      try {
        const head = this.head ?? (await this.findHead(known));
        const records = this.chain(head, remaining.map((r) => r.entry));
        try {
          await this.model.insertMany(records, { ordered: true, lean: true });
          const last = records[records.length - 1]!;
          this.head = { seq: last.seq, hash: last.hash };
          return outcomes;
        } catch (err) {
          const failedAt = firstWriteErrorIndex(err);
          if (!isDuplicateKey(err) || failedAt < 0 || attempt > 50) throw err;
          const prev = failedAt > 0 ? records[failedAt - 1]! : null;
          this.head = prev ? { seq: prev.seq, hash: prev.hash } : head;
          const clash = records[failedAt]!;
          const taken = await this.model.findOne({ _id: clash._id }, { key: 1, hash: 1 }).lean<{ key: string; hash: string }>();
          if (taken) {
            // Another writer appended at this sequence: learn the head again, searching onwards
            // from the entry that beat us (a search from the start lets a busy writer stay ahead).
            this.head = null;
            known = { seq: clash.seq, hash: taken.hash };
            remaining = remaining.slice(failedAt);
          } else {
            // The sequence was free, so the key was the duplicate: that entry is already in the log.
            remaining = remaining.slice(failedAt + 1);
          }
        }
      } catch (err) {
        this.head = null;
        const error = asStoreError(err);
        for (const r of remaining) outcomes[r.i] = { ok: false, error };
        return outcomes;
      }
    }
    return outcomes;
  }

  private chain(head: { seq: number; hash: string }, entries: AuditEntryInput[]): AuditRecord[] {
    let prev = head;
    return entries.map((e) => {
      const base = {
        seq: prev.seq + 1,
        key: e.key,
        at: e.at,
        actor: { kind: e.actor.kind, id: e.actor.id },
        action: e.action,
        entity: e.entity,
        before: e.before === null || e.before === undefined ? null : canonicalJson(e.before),
        after: e.after === null || e.after === undefined ? null : canonicalJson(e.after),
        prevHash: prev.hash,
      };
      const record: AuditRecord = { _id: auditId(base.seq), ...base, hash: hashEntry(base, this.secret) };
      prev = { seq: record.seq, hash: record.hash };
      return record;
    });
  }

  /**
   * The last entry, found by galloping over `_id` lookups (sequences have no gaps), starting
   * after `from` (an entry known to exist, e.g. the one that beat us) or at the start of the log.
   */
  private async findHead(from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): Promise<{ seq: number; hash: string }> {
    const get = (seq: number) => this.model.findOne({ _id: auditId(seq) }, { hash: 1 }).lean<{ hash: string }>();
    const seq = await gallopLast(async (n) => (await get(n)) !== null, from.seq);
    if (seq === from.seq) return from;
    const doc = await get(seq);
    return { seq, hash: doc!.hash };
  }
}
