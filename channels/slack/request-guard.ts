/**
 * Every request to POST /slack/events is checked before bolt (or any handler) sees it: a v0
 * signature over the raw body, a timestamp within five minutes either way, and a signature not
 * seen before (a replayed request is refused even inside the window). Refusals are 401 with no
 * body. The raw body is handed on as `req.rawBody`, which bolt's receiver reads (and checks again).
 */
import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { verifySlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';

export const MAX_AGE_SECONDS = 5 * 60;

export interface RequestGuardDeps {
  signingSecret: string;
  /** True the first time a key is seen (a unique insert). */
  firstSighting(key: string, now: Date): Promise<boolean>;
  logger: Logger;
  now?: () => number;
  bodyLimit?: string;
}

export function slackRequestGuard(deps: RequestGuardDeps) {
  const now = deps.now ?? Date.now;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let raw: Buffer;
    try {
      raw = await getRawBody(req, { limit: deps.bodyLimit ?? '1mb' });
    } catch (err) {
      const status = (err as { type?: string }).type === 'entity.too.large' ? 413 : 400;
      res.status(status).end();
      return;
    }
    const signature = header(req, 'x-slack-signature');
    const stamp = header(req, 'x-slack-request-timestamp');
    const refuse = (why: string) => {
      deps.logger.warn({ why, retry: header(req, 'x-slack-retry-num') ?? null }, 'slack: request refused');
      res.status(401).end();
    };
    if (!signature || !stamp || !/^\d{1,12}$/.test(stamp)) return refuse('missing or malformed signature headers');
    const ts = Number(stamp);
    const nowMs = now();
    if (Math.abs(nowMs / 1000 - ts) > MAX_AGE_SECONDS) return refuse('stale or future timestamp');
    try {
      verifySlackRequest({ signingSecret: deps.signingSecret, body: raw.toString('utf8'), headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts }, nowMilliseconds: nowMs });
    } catch {
      return refuse('bad signature');
    }
    let first: boolean;
    try {
      first = await deps.firstSighting(`sig:${signature}`, new Date(nowMs));
    } catch {
      // Without the database nothing could be handled anyway: ask Slack to try again later.
      res.status(503).end();
      return;
    }
    if (!first) {
      // The very same signed request again. A retry by Slack is answered without running anything twice.
      if (header(req, 'x-slack-retry-num')) {
        res.status(200).end();
        return;
      }
      return refuse('replayed request');
    }
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    next();
  };
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
