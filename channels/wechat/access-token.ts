/**
 * One `access_token` per Official Account across every instance of the service.
 *
 * WeChat allows a limited number of token requests a day, and a new token retires the previous
 * one after a few minutes: instances must share one and must not refresh it together. The token
 * lives in `wechat_tokens/<appId>`; whoever finds it missing, near its expiry or known to be bad
 * takes a refresh lease (`feed_cursors/lease:wechat-token:<appId>`, an insert: one winner), reads
 * the document again (another instance may have just refreshed it), and only then asks WeChat.
 * The others wait for the new document, using the old token meanwhile while it is still valid.
 * An API call answered 40001/42001/40014 marks that token bad here, so the next `get()` refreshes
 * at once — unless another instance already put a different token in the document.
 *
 * The token is a secret: it is never logged, and errors never carry it.
 */
import type { Connection } from 'mongoose';
import { MongoLease } from '../../src/store/mongo-lease';
import { isDuplicateKey } from '../../src/store/mongo-errors';

interface TokenDoc {
  _id: string;
  token: string;
  expiresAt: Date;
  refreshedAt: Date;
}

export interface FetchedToken {
  token: string;
  /** Seconds, as WeChat answers (7200). */
  expiresIn: number;
}

export interface AccessTokenOptions {
  /** Refresh this long before the token expires. */
  marginMs?: number;
  /** How long one refresh may hold the lease. */
  leaseMs?: number;
  /** How long a caller waits for another instance's refresh before giving up. */
  waitMs?: number;
  now?: () => number;
}

export class AccessTokenUnavailableError extends Error {
  override name = 'AccessTokenUnavailableError';
}

export class AccessTokenStore {
  private cached: { token: string; expiresAt: number } | null = null;
  private readonly bad = new Set<string>();
  private readonly lease: MongoLease;
  private readonly marginMs: number;
  private readonly waitMs: number;
  private readonly now: () => number;
  private refreshing: Promise<string> | null = null;
  /** Tokens this instance fetched from WeChat (tests and metrics). */
  fetched = 0;

  constructor(
    private readonly conn: Connection,
    private readonly appId: string,
    private readonly fetchToken: () => Promise<FetchedToken>,
    options: AccessTokenOptions = {},
  ) {
    this.marginMs = options.marginMs ?? 5 * 60_000;
    this.waitMs = options.waitMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.lease = new MongoLease(conn, `wechat-token:${appId}`, options.leaseMs ?? 15_000);
  }

  private get tokens() {
    return this.conn.collection<TokenDoc>('wechat_tokens');
  }

  /** A token good for at least the margin (or, while another instance refreshes, one still valid). */
  async get(): Promise<string> {
    const c = this.cached;
    if (c && !this.bad.has(c.token) && c.expiresAt - this.now() > this.marginMs) return c.token;
    // One refresh at a time per instance; concurrent callers share it.
    this.refreshing ??= this.obtain().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** WeChat said this token is invalid or expired (40001, 42001, 40014): do not use it again. */
  invalidate(token: string): void {
    this.bad.add(token);
    if (this.bad.size > 100) this.bad.delete(this.bad.values().next().value!);
    if (this.cached?.token === token) this.cached = null;
  }

  private fresh(doc: TokenDoc | null): boolean {
    return !!doc && !this.bad.has(doc.token) && doc.expiresAt.getTime() - this.now() > this.marginMs;
  }

  private async obtain(): Promise<string> {
    const deadline = this.now() + this.waitMs;
    for (;;) {
      let doc = await this.tokens.findOne({ _id: this.appId });
      if (doc && this.fresh(doc)) return this.keep(doc);
      if (await this.lease.tryAcquire()) {
        try {
          doc = await this.tokens.findOne({ _id: this.appId });
          if (doc && this.fresh(doc)) return this.keep(doc);
          const got = await this.fetchToken();
          this.fetched++;
          const now = this.now();
          const next: TokenDoc = { _id: this.appId, token: got.token, expiresAt: new Date(now + got.expiresIn * 1000), refreshedAt: new Date(now) };
          await this.write(next);
          return this.keep(next);
        } finally {
          await this.lease.release().catch(() => undefined);
        }
      }
      // Another instance is refreshing: its new token appears in the document. Meanwhile the old
      // one may still be used if it is valid for a while yet and not known to be bad.
      if (doc && !this.bad.has(doc.token) && doc.expiresAt.getTime() - this.now() > 30_000) return doc.token;
      if (this.now() > deadline) throw new AccessTokenUnavailableError('no access_token: another instance holds the refresh lease and no new token appeared');
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  private keep(doc: TokenDoc): string {
    this.cached = { token: doc.token, expiresAt: doc.expiresAt.getTime() };
    return doc.token;
  }

  /** Only the lease holder writes; the very first write is an insert that another (lease-less) writer might race. */
  private async write(doc: TokenDoc): Promise<void> {
    const { _id, ...rest } = doc;
    try {
      await this.tokens.updateOne({ _id }, { $set: rest }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.tokens.updateOne({ _id }, { $set: rest });
    }
  }
}
