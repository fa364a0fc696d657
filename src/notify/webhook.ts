/**
 * Notices for complaints filed through the REST API go back to the filing system (a hotline, an
 * e-mail gateway) at NOTICE_WEBHOOK_URL, which delivers them (phone, SMS). Each request is signed:
 * `X-Complaint-Desk-Timestamp: <unix seconds>` and
 * `X-Complaint-Desk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with NOTICE_WEBHOOK_SECRET>`;
 * the payload's `id` is stable across retries (deduplicate by it). 2xx is success; 408, 429 and
 * 5xx (or no answer) are retried from the outbox; other answers fail the notice.
 */
import crypto from 'node:crypto';
import type { NoticeWebhook } from '../jobs/notice-delivery';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class HttpNoticeWebhook implements NoticeWebhook {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async post(payload: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-complaint-desk-timestamp': timestamp, 'x-complaint-desk-signature': signWebhook(this.secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Error(`no answer (${(err as Error).name})`, { cause: err });
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const e = new Error(`answered ${res.status}`) as Error & { permanent?: boolean };
    e.permanent = !(res.status === 408 || res.status === 429 || res.status >= 500);
    throw e;
  }
}
