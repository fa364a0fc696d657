/**
 * Direct Line tokens: a signed statement "this bearer may use conversation C until T", so any
 * instance can check one without a database read. Signed with a key derived from
 * DIRECTLINE_SECRET, or, without one, from a random key the instances share through the database
 * (created once by a unique insert, so two instances starting together agree on it).
 */
import crypto from 'node:crypto';
import type { Connection } from 'mongoose';

export interface TokenClaims {
  /** Conversation id. */
  c: string;
  /** Channel the conversation is on: the widget's web chat, or any Direct Line client. */
  ch: 'webchat' | 'directline';
  /** User id bound to the token, if any. */
  u?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Random nonce: every token issued is distinct. */
  n?: string;
}

const PREFIX = 'dl1';

export class TokenSigner {
  private constructor(private readonly key: Buffer) {}

  static fromSecret(secret: string): TokenSigner {
    return new TokenSigner(crypto.createHmac('sha256', secret).update('complaint-desk directline token key').digest());
  }

  /** The shared random key in the database (`directline_keys`, `_id: 'token'`), created by the first instance. */
  static async fromDatabase(conn: Connection): Promise<TokenSigner> {
    const keys = conn.collection<{ _id: string; key: string; createdAt: Date }>('directline_keys');
    const existing = await keys.findOne({ _id: 'token' });
    if (existing) return new TokenSigner(Buffer.from(existing.key, 'base64'));
    const key = crypto.randomBytes(32).toString('base64');
    try {
      await keys.insertOne({ _id: 'token', key, createdAt: new Date() });
      return new TokenSigner(Buffer.from(key, 'base64'));
    } catch {
      const winner = await keys.findOne({ _id: 'token' });
      if (!winner) throw new Error('cannot create or read the Direct Line token key');
      return new TokenSigner(Buffer.from(winner.key, 'base64'));
    }
  }

  sign(claims: TokenClaims): string {
    const body = Buffer.from(JSON.stringify({ ...claims, n: crypto.randomBytes(6).toString('base64url') })).toString('base64url');
    return `${PREFIX}.${body}.${this.mac(body)}`;
  }

  /** The claims of a valid, unexpired token, or null. */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) return null;
    const [, body, mac] = parts as [string, string, string];
    const expected = this.mac(body);
    if (mac.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      if (typeof claims.c !== 'string' || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
      return claims;
    } catch {
      return null;
    }
  }

  /** A short signature binding an attachment to a conversation (for attachment links in activities). */
  attachmentSig(sha256: string, conversationId: string): string {
    return crypto.createHmac('sha256', this.key).update(`att:${conversationId}:${sha256}`).digest('base64url').slice(0, 32);
  }

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

export function newConversationId(): string {
  return crypto.randomBytes(16).toString('base64url');
}

export function secretMatches(given: string, secret: string | undefined): boolean {
  if (!secret) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(secret).digest();
  return crypto.timingSafeEqual(a, b);
}
