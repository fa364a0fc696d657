/**
 * The Direct Line websocket: `…/conversations/:id/stream?watermark=&t=<token>` sends
 * `{"activities": [...], "watermark": "N"}` frames, starting after the client's watermark (a
 * reconnect resumes there without replaying the history). Activities this instance stores are
 * pushed at once; those stored by another instance are found by a `_id` probe every POLL_MS.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { DirectLineStore } from './activity-store';
import type { DirectLineAdapter } from './directline-adapter';
import type { TokenSigner } from './tokens';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,100})\/stream$/;
const POLL_MS = 700;
const PING_MS = 30_000;

export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sessions = new Set<StreamSession>();
  private pollTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: DirectLineStore,
    private readonly adapter: DirectLineAdapter,
    private readonly signer: () => Promise<TokenSigner>,
    private readonly logger: Logger,
  ) {
    adapter.events.on('appended', (conversationId: string) => {
      for (const s of this.sessions) if (s.conversationId === conversationId) void s.flush();
    });
  }

  /** Handle an HTTP upgrade if it is a Direct Line stream; false if the path is someone else's. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = STREAM_PATH.exec(url.pathname);
    if (!m) return false;
    const conversationId = m[1]!;
    void (async () => {
      const signer = await this.signer();
      const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? url.searchParams.get('t') ?? '';
      const claims = signer.verify(auth);
      if (!claims || claims.c !== conversationId || !(await this.store.get(conversationId))) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const watermark = Math.max(0, Number.parseInt(url.searchParams.get('watermark') ?? '0', 10) || 0);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, conversationId, watermark));
    })().catch((err: unknown) => {
      this.logger.warn({ err }, 'direct line stream upgrade failed');
      socket.destroy();
    });
    return true;
  }

  private open(ws: WebSocket, conversationId: string, watermark: number): void {
    const session = new StreamSession(ws, conversationId, watermark, this.store, this.logger);
    this.sessions.add(session);
    ws.on('close', () => this.sessions.delete(session));
    ws.on('error', () => this.sessions.delete(session));
    ws.on('message', () => undefined); // clients send nothing meaningful on the stream
    this.ensureTimers();
    void session.flush();
  }

  private ensureTimers(): void {
    this.pollTimer ??= setInterval(() => {
      for (const s of this.sessions) void s.flush();
    }, POLL_MS);
    this.pingTimer ??= setInterval(() => {
      for (const s of this.sessions) s.ping();
    }, PING_MS);
    this.pollTimer.unref();
    this.pingTimer.unref();
  }

  get openCount(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const s of this.sessions) s.close();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

class StreamSession {
  private busy: Promise<void> | null = null;
  private again = false;
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    readonly conversationId: string,
    private watermark: number,
    private readonly store: DirectLineStore,
    private readonly logger: Logger,
  ) {
    ws.on('pong', () => (this.alive = true));
  }

  /** Send what is new since the watermark; coalesces concurrent calls. */
  flush(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const page = await this.store.since(this.conversationId, this.watermark);
            if (!page.activities.length) break;
            this.watermark = page.watermark;
            if (this.ws.readyState !== this.ws.OPEN) return;
            this.ws.send(JSON.stringify({ activities: page.activities, watermark: String(page.watermark) }));
          }
        } while (this.again);
      } catch (err) {
        this.logger.warn({ err, conversationId: this.conversationId }, 'direct line stream read failed; retrying on the next poll');
      } finally {
        this.busy = null;
      }
    })();
    return this.busy;
  }

  ping(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  close(): void {
    this.ws.close(1001, 'server shutting down');
  }
}
