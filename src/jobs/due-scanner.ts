/**
 * The durable scheduler's runner: walks the due index minute by minute from its cursor and hands
 * every item due by now to the handler of its kind. The cursor and the items live in the database,
 * so a restart loses nothing and nothing depends on in-process timers; a lease keeps one instance
 * at it (two at once only repeat idempotent work). A pass costs one lookup per elapsed minute plus
 * what is due — never what is not.
 *
 * A handler that fails is retried: its item is put back a little later (doubling up to an hour),
 * so one bad item never holds the others up.
 */
import type { Clock, CoreLogger } from '../domain/ports';
import type { DueItem, DueSlot, MongoDueIndex } from '../store/mongo-due-index';
import type { Lease } from './feed-worker';

export type DueHandler = (item: DueSlot, now: Date) => Promise<void>;

export interface DueScannerOptions {
  lease?: Lease;
  /** How far back a scanner that has never run starts (ms). */
  firstLookbackMs?: number;
  /** Most minutes one pass walks (a long outage is caught up over several passes). */
  maxBucketsPerPass?: number;
  /** Items handed over at once (default 8). */
  concurrency?: number;
}

export class DueScanner {
  constructor(
    private readonly index: MongoDueIndex,
    private readonly handlers: Record<string, DueHandler>,
    private readonly clock: Clock,
    private readonly logger: CoreLogger,
    private readonly options: DueScannerOptions = {},
  ) {}

  /** Items of the open (current) minute this scanner already handed over: not again when the minute closes. */
  private readonly handedEarly = new Set<string>();

  /** One pass: every item due by now is handled (at least once). Returns how many were handled. */
  async scan(force = false): Promise<number> {
    if (!force && this.options.lease && !(await this.options.lease.tryAcquire())) return 0;
    const now = this.clock.now();
    const current = this.index.bucketOf(now);
    let cursor = await this.index.scannedUpTo(true);
    if (cursor === 0) cursor = this.index.bucketOf(new Date(now.getTime() - (this.options.firstLookbackMs ?? 3600_000)));
    const last = Math.min(current - 1, cursor + (this.options.maxBucketsPerPass ?? 24 * 60));
    let handled = 0;
    const counts = new Map<number, number>();
    for (let b = cursor + 1; b <= last; b++) {
      const items = await this.index.read(b);
      counts.set(b, items.length);
      handled += await this.handleAll(items.filter((i) => !this.handedEarly.has(i.id)), now);
    }
    if (last > cursor) {
      await this.index.markScanned(last);
      // Items added while these minutes were being read (their adder saw the older cursor; any
      // adder later than this recount sees the new cursor and adds further on).
      for (const [b, seen] of counts) {
        const after = await this.index.read(b);
        handled += await this.handleAll(after.slice(seen).filter((i) => !this.handedEarly.has(i.id)), now);
      }
      for (const id of this.handedEarly) if (Number(id.split(':')[0]) <= last) this.handedEarly.delete(id);
    }
    // The open minute: what is due already (read again next pass until the minute is over).
    if (last === current - 1) {
      const early = (await this.index.read(current)).filter((i) => i.at <= now && !this.handedEarly.has(i.id));
      handled += await this.handleAll(early, now);
      for (const i of early) this.handedEarly.add(i.id);
    }
    return handled;
  }

  /** Hand items over, a few at a time (each handler re-checks its ticket, so their order does not matter). */
  private async handleAll(items: DueSlot[], now: Date): Promise<number> {
    let n = 0;
    let next = 0;
    const lanes = Math.max(1, Math.min(this.options.concurrency ?? 8, items.length));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < items.length) {
          if (await this.handleOne(items[next++]!, now)) n++;
        }
      }),
    );
    return n;
  }

  private async handleOne(item: DueSlot, now: Date): Promise<boolean> {
    const handler = this.handlers[item.kind];
    if (!handler) {
      this.logger.warn({ kind: item.kind, item: item.id }, 'due item of an unknown kind: skipped');
      return false;
    }
    try {
      await handler(item, now);
      return true;
    } catch (err) {
      const attempt = Number(item.data?.attempt ?? 0) + 1;
      const delay = Math.min(60_000 * 2 ** (attempt - 1), 3600_000);
      this.logger.warn({ err: { message: (err as Error).message }, kind: item.kind, ref: item.ref, attempt }, 'due item failed; it is retried later');
      const retry: DueItem = { kind: item.kind, ref: item.ref, at: new Date(now.getTime() + delay), data: { ...(item.data ?? {}), attempt } };
      await this.index.add([retry]);
      return false;
    }
  }
}
