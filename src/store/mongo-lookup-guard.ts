/**
 * Brute-force guard of lookups (see src/domain/lookup-ticket.ts for the policy). Failures are
 * counted with slot counters (unique inserts):
 * - per client (IP), in 15-minute windows: past `clientMaxFailures`, the client waits for the window's end;
 * - per ticket, for wrong last-4 answers only, per day: past `ticketFreeFailures`, the last four
 *   digits are checked only after base × 2^(excess) seconds since the last failure (capped).
 */
import type { Connection } from 'mongoose';
import type { LookupGuard } from '../domain/ports';
import { translateStoreError } from './mongo-errors';
import { supportModels } from './models/support-models';
import { SlotCounter } from './slot-counter';

const CLIENT_WINDOW_MS = 15 * 60_000;
const TICKET_WINDOW_MS = 24 * 3600_000;

export interface LookupGuardSettings {
  /** Wrong answers one client may give in 15 minutes. */
  clientMaxFailures: number;
  /** Wrong last-4 answers a ticket takes (from anyone, per day) before the wait starts. */
  ticketFreeFailures: number;
  baseDelaySeconds?: number;
  maxDelaySeconds?: number;
}

export class MongoLookupGuard implements LookupGuard {
  private readonly counter: SlotCounter;
  private readonly base: number;
  private readonly max: number;

  constructor(
    conn: Connection,
    private readonly settings: LookupGuardSettings,
  ) {
    this.counter = new SlotCounter(supportModels(conn).LookupFailure);
    this.base = settings.baseDelaySeconds ?? 30;
    this.max = settings.maxDelaySeconds ?? 3600;
  }

  async clientWait(client: string, now: Date): Promise<number> {
    const window = Math.floor(now.getTime() / CLIENT_WINDOW_MS);
    try {
      const { n } = await this.counter.count(`c:${client}`, window);
      if (n < this.settings.clientMaxFailures) return 0;
      return Math.max(1, Math.ceil(((window + 1) * CLIENT_WINDOW_MS - now.getTime()) / 1000));
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async last4Wait(number: string, now: Date): Promise<number> {
    const window = Math.floor(now.getTime() / TICKET_WINDOW_MS);
    try {
      const { n, lastAt } = await this.counter.count(`t:${number}`, window);
      const excess = n - this.settings.ticketFreeFailures;
      if (excess < 0 || !lastAt) return 0;
      const delay = Math.min(this.base * 2 ** excess, this.max);
      const wait = Math.ceil((lastAt.getTime() + delay * 1000 - now.getTime()) / 1000);
      return Math.max(0, wait);
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async recordFailure(input: { client: string; number: string; last4: boolean }, now: Date): Promise<void> {
    try {
      const cap = this.settings.clientMaxFailures + 1;
      await this.counter.increment(`c:${input.client}`, Math.floor(now.getTime() / CLIENT_WINDOW_MS), now, cap);
      if (input.last4) await this.counter.increment(`t:${input.number}`, Math.floor(now.getTime() / TICKET_WINDOW_MS), now, this.settings.ticketFreeFailures + 40);
    } catch (err) {
      translateStoreError(err);
    }
  }
}
