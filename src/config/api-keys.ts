/**
 * API keys for integrating systems (hotline, e-mail gateway …). The client sends
 * `Authorization: Bearer <key>`; the service holds only SHA-256 hashes, one per named system:
 * `API_KEYS=hotline:<sha256 hex>,mail-gateway:<sha256 hex>` (`npm run api-key -- --name hotline`
 * makes a key and its entry). The key's name is who filed the ticket (kept on the ticket and in
 * its audit entry).
 *
 * A key has one scope: filing (the default) or, with a third part `:admin`
 * (`dpo:<sha256 hex>:admin`, `npm run api-key -- --name dpo --admin`), the personal-data API
 * (export and erasure of one customer's data). An admin key cannot file, a filing key cannot
 * reach personal data.
 */
import crypto from 'node:crypto';

export type ApiKeyScope = 'file' | 'admin';

export interface ApiKeyEntry {
  name: string;
  sha256: Buffer;
  /** What the key may do (absent: file). */
  scope?: ApiKeyScope;
}

export const API_KEY_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** `name:hex,name:hex` → entries; throws with a message naming the bad part. */
export function parseApiKeys(value: string): ApiKeyEntry[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, hex, scope, ...rest] = part.split(':');
      if (rest.length || !name || !hex) throw new Error(`"${part.slice(0, 50)}" is not name:sha256-hex`);
      if (scope !== undefined && scope !== 'admin') throw new Error(`the scope of "${name}" must be admin (or nothing, for filing)`);
      if (!API_KEY_NAME.test(name)) throw new Error(`key name "${name}" must be lower-case letters, digits, _ or - (at most 40)`);
      if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`the hash of "${name}" must be 64 hex characters (SHA-256 of the key)`);
      return { name, sha256: Buffer.from(hex, 'hex'), scope: scope === 'admin' ? ('admin' as const) : ('file' as const) };
    });
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new Error(`key name "${e.name}" appears twice`);
    names.add(e.name);
  }
  return entries;
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** A new random key (URL-safe, 256 bits) and its `API_KEYS` entry. */
export function newApiKey(name: string, scope: ApiKeyScope = 'file'): { key: string; entry: string } {
  if (!API_KEY_NAME.test(name)) throw new Error('the name must be lower-case letters, digits, _ or - (at most 40)');
  const key = `cdk_${crypto.randomBytes(32).toString('base64url')}`;
  return { key, entry: `${name}:${hashApiKey(key)}${scope === 'admin' ? ':admin' : ''}` };
}

/** The name of the system whose key this is (of that scope), or null. Constant-time over the configured keys. */
export function identify(keys: ApiKeyEntry[], presented: string, scope: ApiKeyScope = 'file'): string | null {
  const digest = crypto.createHash('sha256').update(presented).digest();
  let found: string | null = null;
  for (const k of keys) if (crypto.timingSafeEqual(digest, k.sha256) && (k.scope ?? 'file') === scope) found = k.name;
  return found;
}

