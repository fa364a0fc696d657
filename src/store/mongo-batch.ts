/**
 * Writes of one moment sent together (group commit, src/support/group-commit.ts): inserts as one
 * unordered insertMany where a duplicate fails only its own document, and updates by `_id` as
 * one bulkWrite. FerretDB runs commands one at a time, so a busy caller pays a share of a round
 * trip per write instead of one each.
 */
import type { Model } from 'mongoose';
import { GroupCommitQueue, type Outcome } from '../support/group-commit';
import { asStoreError } from './mongo-errors';

/** Per document of an unordered insertMany: true if inserted, false if refused as a duplicate. */
export async function insertEach(model: Model<Record<string, unknown>>, docs: Array<Record<string, unknown>>): Promise<Outcome<boolean>[]> {
  try {
    await model.insertMany(docs, { ordered: false, lean: true });
    return docs.map(() => ({ ok: true, value: true }));
  } catch (err) {
    const raw = (err as { writeErrors?: unknown }).writeErrors;
    const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ index?: number; code?: number; err?: { index?: number; code?: number } }>;
    if (!list.length) {
      const error = asStoreError(err);
      return docs.map(() => ({ ok: false, error }));
    }
    const failed = new Map<number, number | undefined>();
    for (const w of list) failed.set(w.index ?? w.err?.index ?? -1, w.code ?? w.err?.code);
    return docs.map((_d, i) => {
      if (!failed.has(i)) return { ok: true, value: true };
      const code = failed.get(i);
      return code === 11000 || code === 11001 ? { ok: true, value: false } : { ok: false, error: asStoreError(err) };
    });
  }
}

/** Inserts batched: `push(doc)` resolves true (inserted) or false (duplicate `_id`). */
export function insertQueue(model: Model<Record<string, unknown>>): GroupCommitQueue<Record<string, unknown>, boolean> {
  return new GroupCommitQueue((docs) => insertEach(model, docs), { maxBatch: 100 });
}

/** `$set` updates by `_id`, batched (at most one per `_id` in a batch is the caller's concern). */
export function updateQueue(model: Model<Record<string, unknown>>): GroupCommitQueue<{ _id: string; set: Record<string, unknown> }, void> {
  return new GroupCommitQueue<{ _id: string; set: Record<string, unknown> }, void>(
    async (items) => {
      try {
        await model.bulkWrite(
          items.map((u) => ({ updateOne: { filter: { _id: u._id }, update: { $set: u.set } } })),
          { ordered: false },
        );
        return items.map(() => ({ ok: true as const, value: undefined }));
      } catch (err) {
        const error = asStoreError(err);
        return items.map(() => ({ ok: false as const, error }));
      }
    },
    { maxBatch: 50 },
  );
}

/** Delete documents by `_id`, in unordered bulk writes of `chunk`; how many were deleted. */
export async function deleteByIds(
  collection: { bulkWrite(ops: Array<{ deleteOne: { filter: { _id: string } } }>, options: { ordered: false }): Promise<{ deletedCount: number }> },
  ids: string[],
  chunk = 500,
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += chunk) deleted += (await collection.bulkWrite(ids.slice(i, i + chunk).map((_id) => ({ deleteOne: { filter: { _id } } })), { ordered: false })).deletedCount;
  return deleted;
}
