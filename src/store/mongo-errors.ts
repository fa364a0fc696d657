import { StoreUnavailableError } from '../domain/errors';

interface MaybeMongoError {
  name?: string;
  code?: unknown;
  message?: string;
  writeErrors?: Array<{ index: number; code?: unknown }>;
  errorLabelSet?: Set<string>;
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as MaybeMongoError | null;
  return !!e && (e.code === 11000 || e.code === 11001);
}

/** Index in an ordered insertMany where the first write error happened, or -1. */
export function firstWriteErrorIndex(err: unknown): number {
  const e = err as MaybeMongoError | null;
  const list = e?.writeErrors;
  if (Array.isArray(list) && list.length > 0) return Math.min(...list.map((w) => w.index));
  return -1;
}

const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

/** The database could not be reached (as opposed to refusing a write). */
export function isUnavailable(err: unknown): boolean {
  const e = err as MaybeMongoError | null;
  if (!e) return false;
  if (e instanceof StoreUnavailableError) return true;
  if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (e.errorLabelSet?.has('ResetPool') || e.errorLabelSet?.has('RetryableWriteError')) return true;
  const msg = e.message ?? '';
  return (
    e.name === 'MongooseError' &&
    (msg.includes('before initial connection is complete') || msg.includes('buffering timed out') || msg.includes('Connection was force closed'))
  );
}

/** Database outages as the domain's StoreUnavailableError; other errors unchanged. */
export function asStoreError(err: unknown): unknown {
  return isUnavailable(err) && !(err instanceof StoreUnavailableError) ? new StoreUnavailableError(err) : err;
}

/** Re-throw database outages as the domain's StoreUnavailableError; other errors unchanged. */
export function translateStoreError(err: unknown): never {
  throw asStoreError(err);
}
