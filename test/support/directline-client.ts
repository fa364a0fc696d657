/**
 * botframework-directlinejs (the real client library) in Node: its browser services — the
 * WebSocket constructor and rxjs' XMLHttpRequest-based ajax — are handed in as `ws` and a small
 * fetch-based ajax with the same contract ({response, status} or an error with `status`).
 */
import { DirectLine, type Activity } from 'botframework-directlinejs';
import { Observable } from 'rxjs/Observable';
import WebSocket from 'ws';

interface AjaxRequest {
  method?: string;
  url?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

function ajax(request: AjaxRequest | string): Observable<{ response: unknown; status: number }> {
  const r: AjaxRequest = typeof request === 'string' ? { url: request, method: 'GET' } : request;
  return Observable.create((observer: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => {
    const headers = { ...(r.headers ?? {}) };
    let body: FormData | string | undefined;
    if (r.body instanceof FormData) {
      delete headers['Content-Type'];
      body = r.body;
    } else if (r.body !== undefined) body = JSON.stringify(r.body);
    fetch(r.url!, { method: r.method ?? 'GET', headers, body })
      .then(async (res) => {
        const text = await res.text();
        let response: unknown = text;
        try {
          response = text ? JSON.parse(text) : null;
        } catch {
          // not JSON
        }
        if (res.status >= 400) {
          observer.error(Object.assign(new Error(`HTTP ${res.status}`), { status: res.status, response, xhr: { getResponseHeader: (h: string) => res.headers.get(h) } }));
          return;
        }
        observer.next({ response, status: res.status, xhr: { getResponseHeader: (h: string) => res.headers.get(h) } });
        observer.complete();
      })
      .catch((err: unknown) => observer.error(Object.assign(err as Error, { status: 0 })));
  });
}

export interface DirectLineSession {
  client: DirectLine;
  activities: Activity[];
  /** Wait until a bot activity (after `from` activities seen) satisfies `match`; returns all bot texts since. */
  waitForBot(match: (text: string) => boolean, timeoutMs?: number, from?: number): Promise<string>;
  send(text: string, extra?: Partial<Activity>): Promise<string>;
  close(): void;
}

export function connect(options: { domain: string; token: string; conversationId?: string; watermark?: string; webSocket?: boolean; locale?: string }): DirectLineSession {
  const client = new DirectLine({
    domain: options.domain,
    token: options.token,
    conversationId: options.conversationId,
    watermark: options.watermark,
    webSocket: options.webSocket ?? true,
    pollingInterval: 300,
    conversationStartProperties: { locale: options.locale ?? 'zh-CN' },
    WebSocket: WebSocket as never,
    ajax: ajax as never,
  });
  const activities: Activity[] = [];
  const listeners = new Set<() => void>();
  const sub = client.activity$.subscribe((a) => {
    activities.push(a);
    for (const l of listeners) l();
  });
  const botTexts = (from: number) =>
    activities
      .slice(from)
      .filter((a) => a.from.role === 'bot' || a.from.id === 'complaint-desk')
      .map((a) => ('text' in a ? (a.text ?? '') : ''));
  const waitForBot = (match: (text: string) => boolean, timeoutMs = 10_000, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const texts = botTexts(from);
        if (texts.some(match)) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(texts.join('\n---\n'));
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no matching bot reply within ${timeoutMs} ms; got: ${botTexts(from).join(' | ')}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    client,
    activities,
    waitForBot,
    send: (text, extra = {}) =>
      new Promise((resolve, reject) => {
        client.postActivity({ type: 'message', from: { id: 'user', name: 'Customer' }, text, locale: 'zh-CN', ...extra } as Activity).subscribe({ next: resolve, error: reject });
      }),
    close: () => {
      sub.unsubscribe();
      client.end();
    },
  };
}

/**
 * A whole complaint in one message, then "完成" and "提交", waiting for each answer (after the
 * greeting): the bot texts of the filing turn, which hold the ticket number.
 */
export async function complainInOneMessage(dl: DirectLineSession, text: string): Promise<{ number: string; replies: string }> {
  await dl.waitForBot((t) => t.includes('投诉助手'));
  let seen = dl.activities.length;
  await dl.send(text);
  await dl.waitForBot((t) => t.includes('照片'), 10_000, seen);
  seen = dl.activities.length;
  await dl.send('完成');
  await dl.waitForBot((t) => t.includes('请核对'), 10_000, seen);
  seen = dl.activities.length;
  await dl.send('提交');
  const replies = await dl.waitForBot((t) => /工单号：\d{10}/.test(t), 10_000, seen);
  return { number: /工单号：(\d{10})/.exec(replies)![1]!, replies };
}
