/**
 * The few calls of WeChat's server API the channel makes: `access_token`, customer-service
 * messages (客服消息), template messages (模板消息) and temporary media. `WECHAT_API_URL` points it
 * at a proxy or, in tests, at a local fake.
 *
 * Secrets stay out of errors and logs: the AppSecret and the token travel only in the query
 * string of the request, and no error message quotes a URL.
 */
import type { AccessTokenStore, FetchedToken } from './access-token';

/** errcodes meaning "this access_token is not (or no longer) valid": refresh and try once more. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

/**
 * The customer cannot be reached by a customer-service message now: outside the 48-hour window
 * (45015), the window's quota used up (45047), not subscribed (43004), or the account lacks the
 * customer-service permission (48001). A template message or the waiting queue takes over.
 */
export const NOT_REACHABLE_NOW = new Set([43004, 45015, 45047, 48001]);

export class WeChatApiError extends Error {
  override name = 'WeChatApiError';
  constructor(
    message: string,
    /** WeChat's errcode, or null when WeChat did not answer (network, HTTP status). */
    readonly errcode: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface WeChatApiSettings {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
}

export interface TemplateMessage {
  templateId: string;
  data: Record<string, { value: string }>;
  url?: string;
}

export interface Media {
  bytes: Buffer;
  contentType: string;
}

export class WeChatApi {
  private readonly base: string;
  private readonly timeoutMs: number;
  private tokens: Pick<AccessTokenStore, 'get' | 'invalidate'> | null = null;

  constructor(private readonly settings: WeChatApiSettings) {
    this.base = settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`;
    this.timeoutMs = settings.timeoutMs ?? 5000;
  }

  /** The shared token store (built after the API, since it fetches through `fetchAccessToken`). */
  useTokens(tokens: Pick<AccessTokenStore, 'get' | 'invalidate'>): void {
    this.tokens = tokens;
  }

  /** GET cgi-bin/token: a new token from the AppID and AppSecret (the token store calls this under its lease). */
  async fetchAccessToken(): Promise<FetchedToken> {
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.appSecret });
    const body = await this.json('cgi-bin/token', q, undefined);
    const token = body.access_token;
    const expiresIn = Number(body.expires_in);
    if (typeof token !== 'string' || !token || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new WeChatApiError('cgi-bin/token answered without a token', null, true);
    }
    return { token, expiresIn };
  }

  /** A customer-service text message (allowed within 48 hours of the customer's last message). */
  async sendText(openId: string, content: string): Promise<void> {
    await this.withToken('cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content } });
  }

  /** A template message; returns WeChat's msgid. */
  async sendTemplate(openId: string, message: TemplateMessage): Promise<string | null> {
    const body = await this.withToken('cgi-bin/message/template/send', { touser: openId, template_id: message.templateId, ...(message.url ? { url: message.url } : {}), data: message.data });
    return body.msgid !== undefined ? String(body.msgid) : null;
  }

  /** A temporary media file (what a customer's image message names), at most `maxBytes`. */
  async getMedia(mediaId: string, maxBytes: number): Promise<Media | 'too_large'> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const res = await this.request('cgi-bin/media/get', new URLSearchParams({ access_token: token, media_id: mediaId }), undefined);
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type === 'application/json' || type === 'text/plain') {
        const body = parseJson(await res.text());
        const code = Number(body.errcode ?? 0);
        if (TOKEN_ERRORS.has(code) && attempt === 0) {
          this.tokens!.invalidate(token);
          continue;
        }
        throw apiError('cgi-bin/media/get', body);
      }
      if (!res.ok) throw new WeChatApiError(`cgi-bin/media/get answered HTTP ${res.status}`, null, res.status >= 500 || res.status === 429);
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        return 'too_large';
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > maxBytes) return 'too_large';
        chunks.push(Buffer.from(chunk));
      }
      return { bytes: Buffer.concat(chunks), contentType: type || 'application/octet-stream' };
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private token(): Promise<string> {
    if (!this.tokens) throw new Error('WeChatApi: no token store');
    return this.tokens.get();
  }

  /** POST a JSON call that needs the token; a token error refreshes it and tries once more. */
  private async withToken(path: string, payload: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      try {
        return await this.json(path, new URLSearchParams({ access_token: token }), payload);
      } catch (err) {
        if (err instanceof WeChatApiError && err.errcode !== null && TOKEN_ERRORS.has(err.errcode) && attempt === 0) {
          this.tokens!.invalidate(token);
          continue;
        }
        throw err;
      }
    }
  }

  private async json(path: string, query: URLSearchParams, payload: unknown): Promise<Record<string, unknown>> {
    const res = await this.request(path, query, payload);
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new WeChatApiError(`${path} answered HTTP ${res.status}`, null, res.status >= 500 || res.status === 429);
    const body = parseJson(text);
    if (body.errcode !== undefined && Number(body.errcode) !== 0) throw apiError(path, body);
    return body;
  }

  private async request(path: string, query: URLSearchParams, payload: unknown): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}?${query}`, {
        method: payload === undefined ? 'GET' : 'POST',
        ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      // The fetch error may name the URL (with the secret or token in it): say only what failed.
      const what = (err as { name?: string })?.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'could not be reached';
      throw new WeChatApiError(`${path} ${what}`, null, true);
    }
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new WeChatApiError('WeChat answered something that is not a JSON object', null, true);
}

function apiError(path: string, body: Record<string, unknown>): WeChatApiError {
  const code = Number(body.errcode);
  // errmsg is WeChat's own short text ("invalid credential, access_token is invalid or not latest …"): no secrets in it.
  const msg = typeof body.errmsg === 'string' ? body.errmsg.replace(/\s*(hint|rid):.*$/i, '').slice(0, 120) : '';
  // -1: system busy; 45011: the API's per-minute quota. Everything else is an answer another try does not change.
  const retryable = code === -1 || code === 45011 || TOKEN_ERRORS.has(code);
  return new WeChatApiError(`${path}: errcode ${code}${msg ? ` (${msg})` : ''}`, Number.isFinite(code) ? code : null, retryable);
}
