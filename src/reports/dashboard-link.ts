/**
 * Short-lived signed links to the supervisor dashboard: `/dashboard?token=<claims>.<signature>`,
 * the claims (who, until when) as base64url JSON and the signature an HMAC-SHA256 of them with
 * DASHBOARD_SECRET. No database lookup: whoever holds a link until it expires may look, nobody can
 * lengthen or forge one without the secret.
 */
import crypto from 'node:crypto';

export interface DashboardClaims {
  /** Who it was handed to: a Slack user id (`slack:U123`) or an operator (`admin`). */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type TokenCheck = { ok: true; claims: DashboardClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function sign(secret: string, payload: string): string {
  return b64(crypto.createHmac('sha256', secret).update(`dashboard.${payload}`).digest());
}

export function signDashboardToken(secret: string, sub: string, expiresAt: Date): string {
  const payload = b64(JSON.stringify({ sub, exp: Math.floor(expiresAt.getTime() / 1000) } satisfies DashboardClaims));
  return `${payload}.${sign(secret, payload)}`;
}

export function verifyDashboardToken(secret: string, token: unknown, now: Date): TokenCheck {
  if (typeof token !== 'string' || token.length > 1000) return { ok: false, reason: 'malformed' };
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  let claims: DashboardClaims;
  try {
    claims = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as DashboardClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** A link for `sub`, valid for `minutes` from `now`. */
export function dashboardLink(baseUrl: string, secret: string, sub: string, now: Date, minutes: number): { url: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  return { url: `${baseUrl.replace(/\/+$/, '')}/dashboard?token=${signDashboardToken(secret, sub, expiresAt)}`, expiresAt };
}

/** Used when DASHBOARD_SECRET is not set (development only; production refuses to start without it). */
export const DEV_DASHBOARD_SECRET = 'complaint-desk-development-dashboard-key';
