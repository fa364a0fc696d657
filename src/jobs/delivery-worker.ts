/**
 * Delivers what the change feed says to somebody outside (Slack today, customer channels next):
 * a consumer of the feed with its own durable cursor and lease that turns each committed entry
 * into deliveries, sends them paced per lane, and records each one's fate.
 *
 * - **Finding work** never scans a collection: the feed is read by `_id` from the consumer's
 *   cursor; what is pending lives in memory on the instance that holds the lease, and is rebuilt
 *   from the cursor after a restart or a takeover. The cursor only moves past an entry once every
 *   delivery planned for it is settled (sent, or failed for good), so nothing is lost to a crash,
 *   a restart or an outage of the far side — it is only late.
 * - **No doubles**: each attempt of each delivery is claimed by a unique insert
 *   (`<consumer>:<delivery id>#<attempt>`), its end by another (`…#done`). The lease keeps one
 *   instance at the work; the claims keep two from sending the same thing should both believe
 *   they hold it (a paused process, far-apart clocks). The one window left: a process that dies
 *   after the far side accepted a delivery but before `#done` is written leaves a claim that
 *   expires, and the next holder sends it again (at-least-once for that one call).
 * - **Order**: deliveries of one `key` (e.g. a ticket) are sent one after another in feed order;
 *   a key waiting for a retry holds back only its own later deliveries.
 * - **Pace**: at most one delivery in flight per lane and `ratePerSecond` per lane; a lane told
 *   to wait (HTTP 429 `Retry-After`) waits as a whole.
 * - **Retries**: exponential backoff; a retryable failure is retried until it works (or
 *   `maxAttempts`), a permanent one is recorded as failed with its reason.
 *
 * Nothing here knows what a lane or a delivery means: consumers (channels/slack/outbox-relay.ts,
 * customer-delivery.ts) plan and perform them.
 */
import crypto from 'node:crypto';
import type { ChangeFeed, CoreLogger, CursorStore, FeedEntry } from '../domain/ports';
import type { Lease } from './feed-worker';

/** One thing to deliver, planned from a feed entry. Must be derivable again from the same entry (after a restart). */
export interface PlannedDelivery {
  /** Unique within the consumer, deterministic: e.g. the event id, or `<event id>/<target>`. */
  id: string;
  /** Feed position of the entry it was planned from. */
  seq: number;
  /** Deliveries of one key go out in feed order (e.g. the ticket number). */
  key: string;
  /** The lane that paces it (e.g. a Slack channel); when absent the consumer's `laneOf` names it once the delivery is next in its key. */
  lane?: string;
  /** What to do (consumer-defined) and the small facts it needs. */
  kind: string;
  data: Record<string, unknown>;
}

export type DeliveryOutcome =
  /** Done; `result` is kept with the record (e.g. the message's id on the far side). */
  | { status: 'sent'; result?: Record<string, unknown> }
  /** Nothing had to be sent after all (e.g. the far side already shows it): the lane's slot is not used. */
  | { status: 'skipped'; result?: Record<string, unknown> }
  /** Not possible yet, and not a failure (e.g. it waits for another consumer): try again later. */
  | { status: 'deferred'; retryInMs: number };

/** Thrown by a consumer's `deliver`. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly retryable: boolean;
  /** The far side said when to try again (e.g. 429 `Retry-After`). */
  readonly retryAfterMs: number | null;
  /** The wait applies to the whole lane (a rate limit), not only to this delivery. */
  readonly laneWide: boolean;
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number | null; laneWide?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.laneWide = options.laneWide ?? false;
  }
}

export interface DeliveryContext {
  attempt: number;
  /**
   * Wait for the lane's next slot; call it right before each call to the far side (a consumer
   * whose `pacesItself` is true). Work before it (reading, claiming) overlaps other deliveries
   * of the lane; the calls themselves keep the lane's rate.
   */
  pace(): Promise<void>;
}

export interface DeliveryConsumer {
  /** Names the cursor, the lease and the delivery records. */
  readonly name: string;
  /** The deliveries of a batch of feed entries, in feed order (an entry may give none). */
  plan(entries: FeedEntry[]): Promise<PlannedDelivery[]> | PlannedDelivery[];
  /** The lane of a delivery planned without one, asked when it is next in its key. */
  laneOf?(d: PlannedDelivery): Promise<string>;
  /** True when `deliver` calls `ctx.pace()` before each call; otherwise the worker paces each delivery as a whole. */
  readonly pacesItself?: boolean;
  deliver(d: PlannedDelivery, ctx: DeliveryContext): Promise<DeliveryOutcome>;
}

/** How a delivery ended. */
export interface SettledDelivery {
  status: 'sent' | 'skipped' | 'failed';
  at: Date;
  attempts: number;
  result?: Record<string, unknown>;
  error?: string;
}

export interface AttemptRecord {
  n: number;
  holder: string;
  until: Date;
  /** Set when the holder gave the attempt up (failed or deferred): the next attempt may start at `retryAt`. */
  retryAt: Date | null;
  error: string | null;
}

/** Durable delivery state; every contended write is a unique insert. */
export interface DeliveryStore {
  /** Claim attempt `n` of a delivery (false: someone else has it). */
  claim(consumer: string, id: string, n: number, holder: string, until: Date): Promise<boolean>;
  /** The latest attempt of a delivery (attempts are numbered without gaps). */
  lastAttempt(consumer: string, id: string): Promise<AttemptRecord | null>;
  /** The holder gives its attempt up (only the holder writes its attempt). */
  release(consumer: string, id: string, n: number, retryAt: Date, error: string | null): Promise<void>;
  /** Record the end of a delivery (idempotent: the first record stands). */
  settle(consumer: string, id: string, outcome: SettledDelivery): Promise<void>;
  outcome(consumer: string, id: string): Promise<SettledDelivery | null>;
}

export interface DeliveryWorkerOptions {
  /** Deliveries per second per lane (Slack: about 1 per channel). */
  ratePerSecond?: number;
  /** Feed documents read per batch (a document holds one change or a group commit's filings, up to a few dozen). */
  batch?: number;
  /** Stop reading the feed ahead while this many deliveries are pending. */
  maxPending?: number;
  /** Retryable failures before a delivery is recorded as failed (Infinity: retry until it works). */
  maxAttempts?: number;
  /** First backoff after a failure; doubles each attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claim is good for (longer than one delivery can take). */
  claimTtlMs?: number;
  /** How often to look for entries committed elsewhere (ms). */
  intervalMs?: number;
  /** Deliveries in flight at once, over all lanes. */
  concurrency?: number;
  /** Deliveries of one lane in flight at once (their calls still keep the lane's pace); 1 unless the consumer paces itself. */
  laneConcurrency?: number;
  lease?: Lease;
  /** Told about every settled delivery (metrics, tests). */
  onSettled?: (d: PlannedDelivery, outcome: SettledDelivery) => void;
}

interface Item {
  d: PlannedDelivery;
  seq: number;
  lane: string | null;
  /** Attempt to claim next. */
  attempt: number;
  failures: number;
  notBefore: number;
  state: 'waiting' | 'busy';
  /** Sent, but `#done` could not be written yet: only the record is retried, never the send. */
  unrecorded: SettledDelivery | null;
}

interface LaneState {
  /** When the lane's next call may go. */
  nextAt: number;
  /** Deliveries of the lane in flight. */
  busy: number;
  /** Slots are granted one after another (each after the previous one's call has left). */
  gate: Promise<void>;
}

export class DeliveryWorker {
  readonly holder = crypto.randomBytes(8).toString('hex');
  private readonly interval: number;
  private readonly batch: number;
  private readonly maxPending: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly claimTtlMs: number;
  private readonly concurrency: number;
  private readonly laneConcurrency: number;

  /** Items by delivery id, in feed order (a Map keeps insertion order). */
  private items = new Map<string, Item>();
  private byKey = new Map<string, string[]>();
  /** Unsettled deliveries per feed position. */
  private open = new Map<number, number>();
  private lanes = new Map<string, LaneState>();
  /** The feed has been read (and planned) up to here. */
  private readTo: number | null = null;
  private savedCursor: number | null = null;
  private busy = 0;
  private leased = false;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private poll: NodeJS.Timeout | null = null;
  private cursorTimer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private failures = 0;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly consumer: DeliveryConsumer,
    private readonly feed: ChangeFeed,
    private readonly cursors: CursorStore,
    private readonly store: DeliveryStore,
    private readonly logger: CoreLogger,
    private readonly options: DeliveryWorkerOptions = {},
  ) {
    this.interval = 1000 / (options.ratePerSecond ?? 1);
    this.batch = options.batch ?? 8;
    this.maxPending = options.maxPending ?? 5000;
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.claimTtlMs = options.claimTtlMs ?? 60_000;
    this.concurrency = options.concurrency ?? 32;
    this.laneConcurrency = consumer.pacesItself ? (options.laneConcurrency ?? 4) : 1;
  }

  get name(): string {
    return this.consumer.name;
  }

  /** Where the consumer's cursor is kept (`feed_cursors`), beside the other feed consumers'. */
  get cursorName(): string {
    return `delivery:${this.consumer.name}`;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const every = this.options.intervalMs ?? 1000;
    if (every > 0) {
      this.poll = setInterval(() => this.kick(), every);
      this.poll.unref();
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.poll, this.timer, this.cursorTimer]) if (t) clearTimeout(t);
    this.poll = this.timer = this.cursorTimer = null;
    await this.reading?.catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
    await this.saveCursor().catch(() => undefined);
    this.forget();
    await this.options.lease?.release().catch(() => undefined);
  }

  /** Something was committed (or time passed): read the feed soon, then deliver what may go. */
  kick(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = (async () => {
      try {
        do {
          this.readAgain = false;
          await this.readFeed();
        } while (this.readAgain && !this.stopped);
      } finally {
        this.reading = null;
      }
    })();
  }

  /** Deliveries pending on this instance (tests, metrics). */
  pending(): number {
    return this.items.size;
  }

  /**
   * Wait until everything committed before the call is settled (sent, skipped or failed), by
   * this instance or by whichever holds the lease. For tests and benchmarks.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const target = await this.feed.last();
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; ; round++) {
      if (this.stopped) throw new Error(`delivery worker ${this.name} is stopped`);
      if (round % 10 === 0) this.kick();
      await new Promise((r) => setTimeout(r, 20));
      if (this.leased) {
        if (this.readTo !== null && this.readTo >= target && this.lowWater() >= target) {
          await this.saveCursor();
          return;
        }
      } else if ((await this.cursors.get(this.cursorName)) >= target) return;
      if (Date.now() > deadline) throw new Error(`delivery worker ${this.name} does not catch up (target ${target}, pending ${this.items.size})`);
    }
  }

  // ---- reading the feed -----------------------------------------------------------------------

  private async readFeed(): Promise<void> {
    try {
      const lease = this.options.lease;
      if (lease && !(await lease.tryAcquire())) {
        if (this.leased) this.logger.info({ consumer: this.name }, 'delivery lease lost: another instance delivers now');
        this.forget();
        return;
      }
      if (!this.leased) {
        const cursor = await this.cursors.get(this.cursorName);
        this.leased = true;
        this.readTo = this.savedCursor = cursor;
      }
      while (!this.stopped && this.leased && this.items.size < this.maxPending && this.readTo !== null) {
        const from = this.readTo;
        const { entries, cursor } = await this.feed.read(from, this.batch);
        if (cursor === from) break;
        const planned = entries.length ? await this.consumer.plan(entries) : [];
        if (this.readTo !== from) break; // forgotten meanwhile (lease lost)
        for (const d of planned) this.add(d);
        this.readTo = cursor;
        // Deliver what this batch brought while the next one is read (a long backlog starts at once).
        this.schedule();
      }
      this.failures = 0;
      this.saveCursorSoon();
    } catch (err) {
      this.failures++;
      const log = this.failures > 3 ? this.logger.error : this.logger.warn;
      log.call(this.logger, { err: errInfo(err), consumer: this.name, failures: this.failures }, 'delivery worker: reading the feed failed; it resumes from its cursor');
      setTimeout(() => this.kick(), Math.min(this.backoffMs * 2 ** Math.min(this.failures, 10), 30_000)).unref();
    }
    this.schedule();
  }

  private add(d: PlannedDelivery): void {
    if (this.items.has(d.id)) return;
    this.items.set(d.id, { d, seq: d.seq, lane: d.lane ?? null, attempt: 1, failures: 0, notBefore: 0, state: 'waiting', unrecorded: null });
    const list = this.byKey.get(d.key);
    if (list) list.push(d.id);
    else this.byKey.set(d.key, [d.id]);
    this.open.set(d.seq, (this.open.get(d.seq) ?? 0) + 1);
  }

  // ---- scheduling -----------------------------------------------------------------------------

  /** Start whatever may go now; set a timer for the earliest that may go later. */
  private schedule(): void {
    if (this.stopped || !this.leased) return;
    const now = Date.now();
    let wake = Infinity;
    for (const ids of this.byKey.values()) {
      if (this.busy >= this.concurrency) break;
      const item = this.items.get(ids[0]!);
      if (!item || item.state !== 'waiting') continue;
      if (item.notBefore > now) {
        wake = Math.min(wake, item.notBefore);
        continue;
      }
      if (item.unrecorded) {
        this.run(item, null);
        continue;
      }
      if (item.lane === null) {
        this.resolveLane(item);
        continue;
      }
      const lane = this.lane(item.lane);
      if (lane.busy >= this.laneConcurrency) continue;
      // A lane paced by the worker waits here; one pacing itself may prepare while it waits.
      if (!this.consumer.pacesItself && lane.nextAt > now) {
        wake = Math.min(wake, lane.nextAt);
        continue;
      }
      lane.busy++;
      this.run(item, lane);
    }
    if (wake < Infinity) this.wakeAt(wake);
  }

  private resolveLane(item: Item): void {
    item.state = 'busy';
    this.track(
      (async () => {
        try {
          item.lane = this.consumer.laneOf ? await this.consumer.laneOf(item.d) : '';
        } catch (err) {
          item.failures++;
          item.notBefore = Date.now() + this.backoff(item.failures);
          this.logger.warn({ err: errInfo(err), consumer: this.name, delivery: item.d.id }, 'delivery: its lane is not known yet; trying again later');
        } finally {
          item.state = 'waiting';
          this.schedule();
        }
      })(),
    );
  }

  /** Run one attempt; `lane` is held (busy) for its duration, or null for a record-only retry. */
  private run(item: Item, lane: LaneState | null): void {
    item.state = 'busy';
    this.busy++;
    this.track(
      (async () => {
        try {
          if (item.unrecorded) await this.record(item, item.unrecorded);
          else await this.attempt(item, lane!);
        } catch (err) {
          this.storeTrouble(item, err);
        } finally {
          this.busy--;
          if (lane) lane.busy--;
          item.state = 'waiting';
          this.saveCursorSoon();
          this.schedule();
        }
      })(),
    );
  }

  private async attempt(item: Item, lane: LaneState): Promise<void> {
    const { d } = item;
    const name = this.consumer.name;
    // 1. Claim this attempt (one winner across instances).
    let claimed: boolean;
    try {
      claimed = await this.store.claim(name, d.id, item.attempt, this.holder, new Date(Date.now() + this.claimTtlMs));
    } catch (err) {
      this.storeTrouble(item, err);
      return;
    }
    if (!claimed) {
      await this.learn(item);
      return;
    }
    if (item.attempt > 1) {
      // An earlier attempt may have been someone else's that finished meanwhile.
      const done = await this.store.outcome(name, d.id);
      if (done) {
        this.settled(item, done, false);
        return;
      }
    }
    // 2. Deliver, paced: each call to the far side takes the lane's next slot.
    const pace = () => this.slot(lane);
    let outcome: DeliveryOutcome;
    try {
      if (!this.consumer.pacesItself) await pace();
      outcome = await this.consumer.deliver(d, { attempt: item.attempt, pace });
    } catch (err) {
      await this.failed(item, lane, err);
      return;
    }
    if (outcome.status === 'deferred') {
      const retryAt = Date.now() + outcome.retryInMs;
      item.notBefore = retryAt;
      await this.store.release(name, d.id, item.attempt, new Date(retryAt), null).catch(() => undefined);
      item.attempt++;
      return;
    }
    // 3. Record it (a record that fails to write is retried alone: the send is never repeated for it).
    await this.record(item, { status: outcome.status, at: new Date(), attempts: item.attempt, ...(outcome.result ? { result: outcome.result } : {}) });
  }

  /** Someone else holds this attempt: find out whether the delivery is done, in progress or free again. */
  private async learn(item: Item): Promise<void> {
    const name = this.consumer.name;
    const done = await this.store.outcome(name, item.d.id);
    if (done) {
      this.settled(item, done, false);
      return;
    }
    const last = await this.store.lastAttempt(name, item.d.id);
    const now = Date.now();
    if (!last) {
      item.notBefore = now + 200;
      return;
    }
    item.attempt = last.n + 1;
    if (last.retryAt) item.notBefore = Math.max(now, last.retryAt.getTime());
    // Another instance is at it: look again when its claim runs out (or sooner, to see it done).
    else if (last.until.getTime() > now) item.notBefore = Math.min(last.until.getTime(), now + 1_000);
  }

  private async failed(item: Item, lane: LaneState, err: unknown): Promise<void> {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err), { retryable: true, cause: err });
    const now = Date.now();
    // A rate limit is the far side pacing us, not a failure of this delivery.
    const paced = e.laneWide && e.retryAfterMs !== null;
    if (paced) lane.nextAt = Math.max(lane.nextAt, now + e.retryAfterMs!);
    else item.failures++;
    if (!e.retryable || item.failures >= this.maxAttempts) {
      this.logger.warn({ consumer: this.name, delivery: item.d.id, kind: item.d.kind, attempts: item.attempt, error: e.message }, 'delivery failed for good');
      await this.record(item, { status: 'failed', at: new Date(), attempts: item.attempt, error: e.message });
      return;
    }
    const wait = Math.max(e.retryAfterMs ?? 0, paced ? 0 : this.backoff(item.failures));
    item.notBefore = now + wait;
    if (!paced) {
      const log = item.failures > 3 ? this.logger.warn : this.logger.info;
      log.call(this.logger, { consumer: this.name, delivery: item.d.id, kind: item.d.kind, attempt: item.attempt, retryInMs: wait, error: e.message }, 'delivery failed; retrying later');
    }
    await this.store.release(this.consumer.name, item.d.id, item.attempt, new Date(now + wait), e.message).catch(() => undefined);
    item.attempt++;
  }

  private async record(item: Item, outcome: SettledDelivery): Promise<void> {
    try {
      await this.store.settle(this.consumer.name, item.d.id, outcome);
    } catch (err) {
      item.unrecorded = outcome;
      this.storeTrouble(item, err);
      return;
    }
    item.unrecorded = null;
    this.settled(item, outcome, true);
  }

  private storeTrouble(item: Item, err: unknown): void {
    item.failures++;
    item.notBefore = Date.now() + this.backoff(item.failures);
    this.logger.warn({ err: errInfo(err), consumer: this.name, delivery: item.d.id }, 'delivery state not readable or writable; retrying later');
  }

  private settled(item: Item, outcome: SettledDelivery, ours: boolean): void {
    const { d } = item;
    if (this.items.get(d.id) !== item) return;
    this.items.delete(d.id);
    const ids = this.byKey.get(d.key);
    if (ids) {
      const i = ids.indexOf(d.id);
      if (i >= 0) ids.splice(i, 1);
      if (!ids.length) this.byKey.delete(d.key);
    }
    const left = (this.open.get(item.seq) ?? 1) - 1;
    if (left > 0) this.open.set(item.seq, left);
    else this.open.delete(item.seq);
    if (ours) {
      try {
        this.options.onSettled?.(d, outcome);
      } catch {
        // an observer must not break delivery
      }
    }
    // Room again after a full window: read on.
    if (this.items.size === Math.floor(this.maxPending / 2)) this.kick();
  }

  // ---- cursor, lanes, timers ------------------------------------------------------------------

  /** Everything at or below this position is settled. */
  private lowWater(): number {
    let low = this.readTo ?? 0;
    for (const seq of this.open.keys()) low = Math.min(low, seq - 1);
    return low;
  }

  private saveCursorSoon(): void {
    if (this.cursorTimer || this.stopped) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = null;
      this.saveCursor().catch((err: unknown) => this.logger.warn({ err: errInfo(err), consumer: this.name }, 'delivery cursor not saved; the next holder repeats some lookups'));
    }, 200);
    this.cursorTimer.unref();
  }

  private saving: Promise<void> = Promise.resolve();

  /** Save the low-water mark; one save at a time (a first save is an upsert, which FerretDB does not make atomic). */
  private saveCursor(): Promise<void> {
    const run = this.saving.then(async () => {
      if (!this.leased || this.readTo === null) return;
      const low = this.lowWater();
      if (this.savedCursor !== null && low <= this.savedCursor) return;
      try {
        await this.cursors.set(this.cursorName, low);
      } catch {
        // Another instance's first save raced ours (duplicate key on the upsert): once more.
        await this.cursors.set(this.cursorName, low);
      }
      this.savedCursor = Math.max(this.savedCursor ?? 0, low);
    });
    this.saving = run.catch(() => undefined);
    return run;
  }

  private forget(): void {
    this.leased = false;
    this.items.clear();
    this.byKey.clear();
    this.open.clear();
    this.lanes.clear();
    this.readTo = null;
    this.savedCursor = null;
  }

  private lane(name: string): LaneState {
    let l = this.lanes.get(name);
    if (!l) this.lanes.set(name, (l = { nextAt: 0, busy: 0, gate: Promise.resolve() }));
    return l;
  }

  /**
   * Wait for the lane's next slot. Slots are granted one after another, each at least one
   * interval after the previous grant as it happened: a timer that fires late never lets two
   * grants come together. A timer that fired much too late means the process stalled, and the
   * previous call may only be leaving now: half an interval more keeps the two apart at the far
   * side (a burst there is answered with 429 and a second's wait). The lane runs a little below
   * its rate when timers are late; that costs less than one 429.
   */
  private slot(lane: LaneState): Promise<void> {
    const granted = lane.gate.then(async () => {
      const wait = lane.nextAt - Date.now();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
        if (Date.now() - lane.nextAt > this.interval / 4) await new Promise((r) => setTimeout(r, this.interval / 2));
      }
      lane.nextAt = Date.now() + this.interval;
    });
    lane.gate = granted.catch(() => undefined);
    return granted;
  }

  private backoff(failures: number): number {
    const base = Math.min(this.backoffMs * 2 ** Math.max(0, failures - 1), this.maxBackoffMs);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private wakeAt(at: number): void {
    if (this.stopped) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.schedule();
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }
}

function errInfo(err: unknown): { message: string; code?: unknown } {
  const e = err as { message?: string; code?: unknown } | null;
  return { message: e?.message ?? String(err), ...(e?.code !== undefined ? { code: e.code } : {}) };
}
