/** Express middleware that requires an API key (see src/config/api-keys.ts for the format). */
import type { RequestHandler } from 'express';
import { identify, type ApiKeyEntry, type ApiKeyScope } from '../config/api-keys';
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

/**
 * Require a valid key of the admin scope (the personal-data API). Never open: without admin keys
 * configured the routes answer 403 and say how to make one.
 */
export function requireAdminKey(keys: ApiKeyEntry[] | null): RequestHandler {
  const scope: ApiKeyScope = 'admin';
  return (req, res, next) => {
    if (!keys?.some((k) => k.scope === scope)) {
      return next(new HttpError(403, 'auth.admin_key_not_configured', 'The personal-data API needs an admin API key: npm run api-key -- --name <who> --admin, then add its entry to API_KEYS.'));
    }
    const m = /^Bearer\s+(\S{16,200})\s*$/i.exec(req.get('Authorization') ?? '');
    const name = m ? identify(keys, m[1]!, scope) : null;
    if (!name) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="complaint-desk-admin"');
      return next(new HttpError(401, 'auth.admin_key_required', 'Send a valid admin API key as "Authorization: Bearer <key>".'));
    }
    res.locals.apiClient = name;
    next();
  };
}
