/**
 * The Slack Web API clients of the app and how their errors map to the delivery worker's:
 * rate limits (429 `Retry-After`) pace the channel's lane, outages and server errors are
 * retried, and errors Slack will repeat for ever (an unknown channel, a refused block) are
 * recorded as failed with Slack's reason.
 */
import { LogLevel, webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { DeliveryError } from '../../src/jobs/delivery-worker';

// The Web API package as bolt ships it (one copy, the version bolt was tested with).
const { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } = webApi;
type WebClient = webApi.WebClient;
type RetryOptions = webApi.RetryOptions;

export interface SlackClientSettings {
  token: string;
  apiUrl: string;
  /** Retries of interactive calls (tests pass `{ retries: 0 }`); the outbox never retries inside the client. */
  retryConfig?: RetryOptions;
  timeoutMs?: number;
}

/**
 * Slack's SDK logs request bodies at debug level (customer text): this adapter drops its debug
 * lines, and passes the rest to pino as plain messages.
 */
export function slackLogger(logger: Logger): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  let name = 'slack';
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    debug: () => undefined,
    info: (...args: unknown[]) => logger.debug({ component: name }, line(args)),
    warn: (...args: unknown[]) => logger.warn({ component: name }, line(args)),
    error: (...args: unknown[]) => logger.error({ component: name }, line(args)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}

/** The client the outbox sends with: no retries of its own and 429s thrown at once (the worker paces and retries). */
export function outboxClient(s: SlackClientSettings, logger: Logger): WebClient {
  return new WebClient(s.token, {
    slackApiUrl: s.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: s.timeoutMs ?? 15_000,
    logger: slackLogger(logger),
  });
}

/** Options of the clients bolt gives handlers (interactive calls: a few quick retries, unless told otherwise). */
export function interactiveClientOptions(s: SlackClientSettings, logger: Logger) {
  return {
    slackApiUrl: s.apiUrl,
    retryConfig: s.retryConfig ?? { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 },
    timeout: s.timeoutMs ?? 10_000,
    logger: slackLogger(logger),
  };
}

/** Slack errors that repeating the same call will not cure. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_metadata_format',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'restricted_action',
  'thread_not_found',
  'too_many_attachments',
]);

/** The Slack error behind a failed call, as the delivery worker's error. */
export function deliveryErrorOf(err: unknown, what: string): DeliveryError {
  if (err instanceof WebAPIRateLimitedError) {
    return new DeliveryError(`${what}: rate limited`, { retryable: true, retryAfterMs: Math.max(1, err.retryAfter) * 1000, laneWide: true, cause: err });
  }
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    if (code === 'ratelimited') return new DeliveryError(`${what}: ratelimited`, { retryable: true, retryAfterMs: 1000, laneWide: true, cause: err });
    return new DeliveryError(`${what}: ${code}`, { retryable: !PERMANENT.has(code), cause: err });
  }
  if (err instanceof WebAPIHTTPError) return new DeliveryError(`${what}: HTTP ${err.statusCode}`, { retryable: true, cause: err });
  if (err instanceof WebAPIRequestError) return new DeliveryError(`${what}: ${err.original?.message ?? 'request failed'}`, { retryable: true, cause: err });
  if (err instanceof DeliveryError) return err;
  return new DeliveryError(`${what}: ${(err as Error)?.message ?? String(err)}`, { retryable: true, cause: err });
}

/** Did Slack answer the failed call (so nothing was done), as opposed to no answer at all (it may have been done)? */
export function answeredBySlack(err: unknown): boolean {
  return !(err instanceof WebAPIRequestError);
}

/** Slack's error code of a failed call, if Slack answered (e.g. `already_reacted`). */
export function slackErrorCode(err: unknown): string | null {
  return err instanceof WebAPIPlatformError ? err.data.error : null;
}
