/**
 * A local fake of the Slack Web API (and of response URLs and Socket Mode's websocket) for tests
 * and the benchmark: answers the methods the app calls with Slack's documented shapes, records
 * every call, and can fail on purpose — HTTP 500s, 429s with Retry-After, or a per-channel rate
 * limit like Slack's (about N messages per second per channel).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import querystring from 'node:querystring';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeCall {
  method: string;
  args: Record<string, any>;
  at: number;
  /** HTTP status answered, and whether Slack said ok. */
  status?: number;
  ok?: boolean;
  response?: Record<string, any>;
}

export interface FakeFailure {
  /** Only calls of this method (all when absent). */
  method?: string;
  status: 500 | 429 | 'platform';
  /** Seconds, for 429. */
  retryAfter?: number;
  /** Slack's error code, for 'platform' (an HTTP 200 with ok:false). */
  error?: string;
  /** How many calls fail (Infinity: until cleared). */
  times: number;
}

export class FakeSlack {
  readonly calls: FakeCall[] = [];
  readonly responses: Array<{ id: string; body: Record<string, any> }> = [];
  private server: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private sockets = new Set<WebSocket>();
  private failures: FakeFailure[] = [];
  private tsCounter = 0;
  /** chat.postMessage/update per channel limit (messages per second), or null. */
  private rate: number | null = null;
  /** Token buckets per channel: `rate` tokens a second, at most `burst` saved up. */
  private buckets = new Map<string, { tokens: number; at: number }>();
  private burst = 2;
  private posts = new Map<string, Array<{ ts: string; metadata?: unknown; text?: string }>>();
  /** Members of user groups (usergroups.users.list). */
  readonly groups = new Map<string, string[]>();
  readonly botUserId = 'UBOT00001';
  readonly botId = 'BBOT00001';
  /** Files uploaded through files.uploadV2 (getUploadURLExternal, the upload, completeUploadExternal), by file id. */
  readonly files = new Map<string, { filename: string; length: number; bytes: Buffer | null; channel?: string; title?: string; initialComment?: string }>();
  /** Channels the bot is not in (file uploads there answer not_in_channel). */
  readonly notIn = new Set<string>();
  /** Envelopes the app acknowledged over the socket (Socket Mode). */
  readonly socketAcks: Array<{ envelope_id: string; payload?: unknown }> = [];
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      this.wss!.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.on('message', (data) => {
          try {
            const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
            if (msg.envelope_id) this.socketAcks.push({ envelope_id: msg.envelope_id, ...(msg.payload !== undefined ? { payload: msg.payload } : {}) });
          } catch {
            // not JSON: ignore
          }
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0FAKE' } }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  /** Base URL for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response URL the fake records (for slash commands and actions). */
  responseUrl(id: string): string {
    return `${this.url}/respond/${id}`;
  }

  fail(f: FakeFailure): void {
    this.failures.push({ ...f });
  }

  clearFailures(): void {
    this.failures = [];
  }

  /**
   * Answer 429 (Retry-After: 1) to chat.postMessage/chat.update above `perSecond` per channel: a
   * token bucket refilled at that rate, holding at most `burst` (a sender at the rate with a few
   * milliseconds of jitter passes; anything faster is refused).
   */
  rateLimit(perSecond: number | null, burst = 2): void {
    this.rate = perSecond;
    this.burst = burst;
    this.buckets.clear();
  }

  /** Calls of a method that Slack accepted (HTTP 200, ok: true). */
  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && c.ok === true);
  }

  /** Every call of a method, refused ones included. */
  attemptsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Send an envelope over every open Socket Mode connection. */
  sendEnvelope(envelope: Record<string, unknown>): number {
    for (const s of this.sockets) s.send(JSON.stringify(envelope));
    return this.sockets.size;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error('fake slack: condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private nextTs(): string {
    this.tsCounter++;
    return `${1_700_000_000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    const type = String(req.headers['content-type'] ?? '');
    const args: Record<string, any> = type.includes('application/json') ? (raw ? JSON.parse(raw) : {}) : (querystring.parse(raw) as Record<string, any>);
    for (const k of ['blocks', 'metadata', 'view', 'attachments']) {
      if (typeof args[k] === 'string' && /^[[{]/.test(args[k])) args[k] = JSON.parse(args[k]);
    }
    let call: FakeCall | null = null;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (call) {
        call.status = status;
        call.ok = (body as { ok?: boolean }).ok === true;
        call.response = body as Record<string, any>;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.startsWith('/upload/')) {
      // The file's bytes, posted by the Web API client as multipart form data.
      const f = this.files.get(url.slice('/upload/'.length));
      if (!f) return json(404, { ok: false, error: 'unknown upload' });
      f.bytes = multipartFile(Buffer.concat(chunks), type);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${f.bytes?.length ?? 0}`);
      return;
    }
    if (url.startsWith('/respond/')) {
      this.responses.push({ id: url.slice('/respond/'.length), body: args });
      return json(200, { ok: true });
    }
    const method = url.replace(/^\/api\//, '').split('?')[0]!;
    call = { method, args, at: Date.now() };
    this.calls.push(call);

    const failure = this.failures.find((f) => f.times > 0 && (!f.method || f.method === method));
    if (failure) {
      failure.times--;
      if (failure.status === 429) return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 1) });
      if (failure.status === 500) return json(500, { ok: false, error: 'internal_error' });
      return json(200, { ok: false, error: failure.error ?? 'fatal_error' });
    }
    if (this.rate !== null && (method === 'chat.postMessage' || method === 'chat.update')) {
      const channel = String(args.channel);
      const now = Date.now();
      const b = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
      this.buckets.set(channel, b);
      if (b.tokens < 1) return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      b.tokens -= 1;
    }
    switch (method) {
      case 'auth.test':
        return json(200, { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: 'complaint-desk', team_id: 'T0FAKE', user_id: this.botUserId, bot_id: this.botId });
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const channel = String(args.channel);
        if (!args.thread_ts) this.posts.set(channel, [...(this.posts.get(channel) ?? []), { ts, metadata: args.metadata, text: args.text }]);
        return json(200, { ok: true, channel, ts, message: { type: 'message', text: args.text, ts, bot_id: this.botId } });
      }
      case 'chat.update':
        return json(200, { ok: true, channel: args.channel, ts: args.ts, text: args.text });
      case 'chat.postEphemeral':
        return json(200, { ok: true, message_ts: this.nextTs() });
      case 'chat.delete':
        return json(200, { ok: true, channel: args.channel, ts: args.ts });
      case 'conversations.history':
        return json(200, { ok: true, messages: [...(this.posts.get(String(args.channel)) ?? [])].reverse().map((p) => ({ type: 'message', ts: p.ts, text: p.text, bot_id: this.botId, ...(p.metadata ? { metadata: p.metadata } : {}) })), has_more: false });
      case 'chat.getPermalink':
        return json(200, { ok: true, channel: args.channel, permalink: `https://fake.slack.test/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}` });
      case 'reactions.add':
        return json(200, { ok: true });
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return json(200, { ok: true, view: { id: `V${this.nextTs().replace('.', '')}`, ...(typeof args.view === 'object' ? args.view : {}) } });
      case 'views.publish':
        return json(200, { ok: true, view: { id: 'VHOME' } });
      case 'usergroups.users.list':
        return json(200, { ok: true, users: this.groups.get(String(args.usergroup)) ?? [] });
      case 'files.getUploadURLExternal': {
        const id = `F${this.nextTs().replace('.', '')}`;
        this.files.set(id, { filename: String(args.filename), length: Number(args.length), bytes: null });
        return json(200, { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as Array<{ id: string; title?: string }>;
        const channel = args.channel_id ? String(args.channel_id) : undefined;
        if (channel && this.notIn.has(channel)) return json(200, { ok: false, error: 'not_in_channel' });
        for (const f of list) {
          const known = this.files.get(f.id);
          if (!known || !known.bytes) return json(200, { ok: false, error: 'file_not_found' });
          Object.assign(known, { ...(channel ? { channel } : {}), ...(f.title ? { title: f.title } : {}), ...(args.initial_comment ? { initialComment: String(args.initial_comment) } : {}) });
        }
        return json(200, { ok: true, files: list.map((f) => ({ id: f.id, title: f.title ?? this.files.get(f.id)!.filename, name: this.files.get(f.id)!.filename })) });
      }
      case 'conversations.open':
        return json(200, { ok: true, channel: { id: `D${String(args.users).replace(/^U/, '')}` } });
      case 'apps.connections.open':
        return json(200, { ok: true, url: `${this.url.replace('http', 'ws')}/link` });
      default:
        return json(200, { ok: false, error: 'unknown_method' });
    }
  }
}

/** The first file part of a multipart/form-data body. */
function multipartFile(body: Buffer, contentType: string): Buffer | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return body;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(marker);
  if (start < 0) return null;
  const headersEnd = body.indexOf('\r\n\r\n', start);
  const end = body.indexOf(Buffer.concat([Buffer.from('\r\n'), marker]), headersEnd);
  return headersEnd < 0 || end < 0 ? null : body.subarray(headersEnd + 4, end);
}
