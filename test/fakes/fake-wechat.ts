/**
 * A local fake of WeChat's server API for tests and the benchmark: `cgi-bin/token`,
 * customer-service and template messages, temporary media. It answers with WeChat's documented
 * shapes, records every call, and misbehaves on request: tokens that expire (42001) or are
 * revoked (40001), customers outside the 48-hour window (45015), errors and slow answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWeChatCall {
  path: string;
  query: Record<string, string>;
  body: any;
  at: number;
  /** What the fake answered (JSON calls). */
  answer?: Record<string, unknown>;
}

export interface FakeWeChatFailure {
  path: string;
  /** WeChat's errcode (HTTP 200), or an HTTP status. */
  errcode?: number;
  status?: number;
  times: number;
}

export class FakeWeChat {
  readonly calls: FakeWeChatCall[] = [];
  /** Customer-service messages delivered, per OpenID. */
  readonly custom = new Map<string, string[]>();
  readonly templates: Array<{ touser: string; template_id: string; data: Record<string, { value: string }> }> = [];
  /** Tokens issued and still accepted. */
  private readonly valid = new Map<string, 'ok' | 'expired' | 'revoked'>();
  private tokenCount = 0;
  private readonly media = new Map<string, { bytes: Buffer; type: string }>();
  /** OpenIDs WeChat refuses customer-service messages for (outside 48 h: 45015). */
  readonly outsideWindow = new Set<string>();
  private failures: FakeWeChatFailure[] = [];
  /** Delay before answering, per path (ms). */
  readonly delays = new Map<string, number>();
  private server: http.Server | null = null;
  url = '';

  constructor(
    readonly appId = 'wx0123456789abcdef',
    readonly appSecret = 'fakeappsecret0123456789abcdef012',
  ) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  /** How many tokens were issued. */
  get tokensIssued(): number {
    return this.tokenCount;
  }

  addMedia(mediaId: string, bytes: Buffer, type = 'image/jpeg'): void {
    this.media.set(mediaId, { bytes, type });
  }

  /** Every token issued so far expires (42001) — as after two hours. */
  expireTokens(): void {
    for (const t of this.valid.keys()) this.valid.set(t, 'expired');
  }

  /** Every token issued so far is revoked (40001) — as when someone else fetched a new one. */
  revokeTokens(): void {
    for (const t of this.valid.keys()) this.valid.set(t, 'revoked');
  }

  fail(f: FakeWeChatFailure): void {
    this.failures.push({ ...f });
  }

  clearFailures(): void {
    this.failures = [];
  }

  callsTo(path: string): FakeWeChatCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Text of the customer-service messages one customer got. */
  sentTo(openId: string): string[] {
    return this.custom.get(openId) ?? [];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\//, '');
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const call: FakeWeChatCall = { path, query, body, at: Date.now() };
    this.calls.push(call);
    const delay = this.delays.get(path) ?? 0;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const json = (answer: Record<string, unknown>, status = 200) => {
      call.answer = answer;
      res.writeHead(status, { 'content-type': 'application/json; encoding=utf-8' });
      res.end(JSON.stringify(answer));
    };
    const failure = this.failures.find((f) => f.path === path && f.times > 0);
    if (failure) {
      failure.times--;
      if (failure.status) {
        res.writeHead(failure.status, { 'content-type': 'text/plain' });
        res.end('fake failure');
        return;
      }
      json({ errcode: failure.errcode, errmsg: 'fake failure hint: [fake01]' });
      return;
    }
    if (path === 'cgi-bin/token') {
      if (query.grant_type !== 'client_credential' || query.appid !== this.appId || query.secret !== this.appSecret) {
        json({ errcode: 40125, errmsg: 'invalid appsecret' });
        return;
      }
      const token = `FAKE_TOKEN_${++this.tokenCount}_${Math.random().toString(36).slice(2, 10)}`;
      this.valid.set(token, 'ok');
      json({ access_token: token, expires_in: 7200 });
      return;
    }
    const state = this.valid.get(query.access_token ?? '');
    if (state !== 'ok') {
      json(state === 'expired' ? { errcode: 42001, errmsg: 'access_token expired' } : { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
      return;
    }
    switch (path) {
      case 'cgi-bin/message/custom/send': {
        if (body?.msgtype !== 'text' || typeof body?.text?.content !== 'string' || typeof body?.touser !== 'string') {
          json({ errcode: 44002, errmsg: 'empty post data' });
          return;
        }
        if (Buffer.byteLength(body.text.content) > 2048) {
          json({ errcode: 45002, errmsg: 'content size out of limit' });
          return;
        }
        if (this.outsideWindow.has(body.touser)) {
          json({ errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' });
          return;
        }
        const list = this.custom.get(body.touser) ?? [];
        list.push(body.text.content);
        this.custom.set(body.touser, list);
        json({ errcode: 0, errmsg: 'ok' });
        return;
      }
      case 'cgi-bin/message/template/send': {
        if (typeof body?.template_id !== 'string' || typeof body?.touser !== 'string' || !body.data) {
          json({ errcode: 40037, errmsg: 'invalid template_id' });
          return;
        }
        this.templates.push({ touser: body.touser, template_id: body.template_id, data: body.data });
        json({ errcode: 0, errmsg: 'ok', msgid: 200228332 + this.templates.length });
        return;
      }
      case 'cgi-bin/media/get': {
        const m = this.media.get(query.media_id ?? '');
        if (!m) {
          json({ errcode: 40007, errmsg: 'invalid media_id' });
          return;
        }
        res.writeHead(200, { 'content-type': m.type, 'content-length': String(m.bytes.length), 'content-disposition': 'attachment; filename="media.jpg"' });
        res.end(m.bytes);
        return;
      }
      default:
        json({ errcode: 40066, errmsg: 'invalid url' }, 404);
    }
  }
}
