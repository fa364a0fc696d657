/**
 * Runs the feed handlers: follows the change feed from one durable cursor, reading each batch
 * once and handing it to every handler in turn, at least once. A commit in this process wakes
 * it (`kick`); a timer catches what other instances committed. A lease keeps one instance at
 * this work at a time (the others stand by and take over when its lease lapses); should two
 * run at once, every handler is idempotent. A failing handler stops the batch, which is tried
 * again later for all of them — no entry is ever skipped.
 */
import type { ChangeFeed, CoreLogger, CursorStore } from '../domain/ports';
import type { FeedHandler } from '../domain/effects';

export interface Lease {
  tryAcquire(now?: Date): Promise<boolean>;
  release(): Promise<void>;
}

export interface FeedWorkerOptions {
  /** Entries per batch. */
  batch?: number;
  /** How often to look for entries committed elsewhere (ms); 0: only when kicked. */
  intervalMs?: number;
  /** Pause after a failed batch before the next try (ms). */
  retryMs?: number;
  /** A kick waits this long so that the commits of one burst share one run (ms). */
  kickDelayMs?: number;
  /** Who may run now; without one, this instance always runs. */
  lease?: Lease;
}

export class FeedWorker {
  private timer: NodeJS.Timeout | null = null;
  /** The cursor as this instance last read or wrote it (trusted while it holds the lease). */
  private cursor: number | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private readonly batch: number;
  private readonly intervalMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly cursors: CursorStore,
    private readonly handlers: FeedHandler[],
    private readonly logger: CoreLogger,
    private readonly options: FeedWorkerOptions = {},
    /** Name of the cursor (one per set of handlers). */
    private readonly name = 'effects',
  ) {
    this.batch = options.batch ?? 200;
    this.intervalMs = options.intervalMs ?? 2000;
    this.retryMs = options.retryMs ?? 1000;
  }

  start(): void {
    this.stopped = false;
    if (this.intervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.runSoon(), this.intervalMs);
      this.timer.unref();
    }
    this.runSoon();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.timer = null;
    this.kickTimer = null;
    await this.running?.catch(() => undefined);
    await this.options.lease?.release().catch(() => undefined);
  }

  private kickTimer: NodeJS.Timeout | null = null;

  /** Wake the handlers soon (commits made while a run is going on are picked up by one more run). */
  kick(): void {
    if (this.stopped || this.kickTimer) return;
    const delay = this.options.kickDelayMs ?? 50;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      this.runSoon();
    }, delay);
    this.kickTimer.unref();
  }

  private runSoon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.runOnce(false);
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    })();
  }

  /**
   * Wait until every handler has handled everything committed before the call (tests,
   * benchmarks, shutdown): run here if this instance may, else wait for the one that holds the lease.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const target = await this.feed.last();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.running?.catch(() => undefined);
      if ((await this.cursors.get(this.name)) >= target) return;
      if (Date.now() > deadline) throw new Error('feed handlers do not catch up');
      if (!this.options.lease || (await this.options.lease.tryAcquire())) await this.runOnce(true);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async runOnce(leased: boolean): Promise<void> {
    let moved = false;
    try {
      const lease = this.options.lease;
      if (!leased && lease && !(await lease.tryAcquire())) {
        this.cursor = null; // someone else moves it now
        return;
      }
      let from = this.cursor ?? (await this.cursors.get(this.name));
      this.cursor = from;
      while (!this.stopped || leased) {
        const { entries, cursor, docs } = await this.feed.read(from, this.batch);
        if (cursor === from) break;
        if (entries.length) for (const h of this.handlers) await h.handle(entries);
        from = this.cursor = cursor;
        moved = true;
        this.failures = 0;
        if (docs < this.batch) break; // the end of the feed for now
      }
    } catch (err) {
      this.failures++;
      const log = this.failures > 3 ? this.logger.error : this.logger.warn;
      log.call(this.logger, { err: { message: (err as Error).message, code: (err as { code?: unknown }).code }, failures: this.failures }, 'feed handlers failed; they resume from their cursor');
      await new Promise((res) => setTimeout(res, Math.min(this.retryMs * this.failures, 30_000)).unref());
    } finally {
      // The cursor moves once per run (a crash before this repeats the run's batches: handlers are idempotent).
      if (moved && this.cursor !== null) {
        await this.cursors.set(this.name, this.cursor).catch((err: unknown) => {
          this.logger.warn({ err: { message: (err as Error).message } }, 'feed cursor not saved; the next run repeats some entries');
        });
      }
    }
  }
}
