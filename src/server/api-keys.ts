/** Express middleware that requires an API key (see src/config/api-keys.ts for the format). */
import type { RequestHandler } from 'express';
import { identify, type ApiKeyEntry } from '../config/api-keys';
import { HttpError } from './http-error';

/**
 * Require a valid key (when `keys` is null the API is open: development without API_KEYS).
 * Sets `res.locals.apiClient` to the key's name (or `rest` when open).
 */
export function requireApiKey(keys: ApiKeyEntry[] | null): RequestHandler {
  return (req, res, next) => {
    if (keys === null) {
      res.locals.apiClient = 'rest';
      return next();
    }
    const m = /^Bearer\s+(\S{16,200})\s*$/i.exec(req.get('Authorization') ?? '');
    const name = m ? identify(keys, m[1]!) : null;
    if (!name) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="complaint-desk"');
      return next(new HttpError(401, 'auth.api_key_required', 'Send a valid API key as "Authorization: Bearer <key>".'));
    }
    res.locals.apiClient = name;
    next();
  };
}
