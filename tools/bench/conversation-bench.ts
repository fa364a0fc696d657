/**
 * Dialog-turn latency through HTTP (the service's Direct Line) at N concurrent conversations, with
 * the conversation state in the database (MongoBotStorage, the default) against the same dialogs
 * with botbuilder's MemoryStorage, in the same run and on the same database (activities and
 * tickets are stored in both: only the state differs). A turn is timed as a client sees it:
 * POST the activity, then GET the activities after the watermark until the bot's reply is there.
 * The service runs as a child process so its peak RSS is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SECRET = 'bench-directline-secret-0123456789';
export const HEAP_CAP_FLAGS = '--max-old-space-size=160';

export interface ConversationBenchResult {
  variant: 'database' | 'memory';
  /** Node flags of the service process ('' = defaults). */
  flags: string;
  conversations: number;
  turns: number;
  failed: number;
  seconds: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  peakRssMb: number;
  tickets: number;
}

/** What each simulated customer says, one turn each (the intake asks for the rest). */
export function script(i: number): string[] {
  const phone = `139${String(10_000_000 + i).slice(-8)}`;
  return [
    '你好',
    `快递员态度很差，把我买的东西直接扔在门口，摔坏了，我很生气（第 ${i} 位顾客）`,
    `顾客${i}`,
    phone,
    '昨天',
    `订单号 BENCH-${i}-${crypto.randomBytes(3).toString('hex')}`,
    '跳过',
    '199元',
    '赔偿',
    '完成',
    '提交',
    '1',
  ];
}

/**
 * How long customer `who` takes before saying turn `turn` (0 = before the first): 0 to `maxMs`,
 * the same for every run, so runs compared with each other meet the same spread of arrivals.
 */
export function thinkMs(who: number, turn: number, maxMs: number): number {
  if (maxMs <= 0) return 0;
  return crypto.createHash('sha256').update(`${who}:${turn}`).digest().readUInt32BE(0) % maxMs;
}

/**
 * A promise each of `n` callers awaits that resolves once all `n` have called (everyone starts
 * together); `at()` is when that was (performance.now()), NaN before.
 */
export function barrier(n: number): { arrive: () => Promise<void>; at: () => number } {
  let arrived = 0;
  let openedAt = NaN;
  let open!: () => void;
  const all = new Promise<void>((r) => (open = r));
  return {
    arrive: () => {
      if (++arrived >= n) {
        openedAt = performance.now();
        open();
      }
      return all;
    },
    at: () => openedAt,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A turn's time, in the run's list and in its turn's list. */
export function record(latencies: number[], byTurn: number[][] | undefined, turn: number, ms: number): void {
  latencies.push(ms);
  if (byTurn) (byTurn[turn] ??= []).push(ms);
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function startChild(uri: string, db: string, memory: boolean, flags = '', env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  // The compiled service (as `npm start` runs it), so its memory is not the TypeScript loader's.
  const script = path.join(__dirname, '..', '..', 'dist', 'tools', 'bench', 'conversation-server.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const nodeFlags = flags.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, script, ...(memory ? ['--memory-state'] : [])], {
    env: { ...process.env, MONGODB_URI: uri, MONGODB_DB: db, DIRECTLINE_SECRET: SECRET, DIRECTLINE_RATE_LIMIT: '10000', DOTENV_CONFIG_QUIET: 'true', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, url };
}

async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) }, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/**
 * One customer's whole complaint over Direct Line. Each answered turn's time goes to `latencies`,
 * and to `byTurn[turn]` when given (which turn of the script it was). `started`, when given, is
 * awaited once the conversation is created and greeted, before the first message.
 */
export async function converse(base: string, i: number, latencies: number[], think?: (turn: number) => number, byTurn?: number[][], started?: () => Promise<void>): Promise<{ failed: number; ticket: boolean }> {
  const gen = await call(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` }, json: {} });
  const { token, conversationId } = gen.body as { token: string; conversationId: string };
  const auth = { authorization: `Bearer ${token}` };
  await call(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth, json: { locale: 'zh-CN' } });
  let watermark = Number(((await call(`${base}/v3/directline/conversations/${conversationId}/activities`, { headers: auth })).body as { watermark: string }).watermark);
  await started?.();
  let failed = 0;
  let ticket = false;
  for (const [turn, text] of script(i).entries()) {
    const pause = think?.(turn) ?? 0;
    if (pause) await new Promise((r) => setTimeout(r, pause));
    const t0 = performance.now();
    const posted = await call(`${base}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: auth, json: { type: 'message', from: { id: 'u' }, text, locale: 'zh-CN' } });
    if (posted.status !== 200) {
      failed++;
      continue;
    }
    let replied = false;
    for (let attempt = 0; attempt < 50 && !replied; attempt++) {
      const page = (await call(`${base}/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, { headers: auth })).body as { activities: Array<{ from: { role?: string }; text?: string }>; watermark: string };
      watermark = Number(page.watermark);
      const bot = page.activities.filter((a) => a.from.role === 'bot');
      if (bot.length) {
        replied = true;
        if (bot.some((a) => /工单号：\d{10}/.test(a.text ?? ''))) ticket = true;
      } else await new Promise((r) => setTimeout(r, 20));
    }
    if (!replied) failed++;
    else record(latencies, byTurn, turn, performance.now() - t0);
  }
  return { failed, ticket };
}

/** RSS of the compiled service right after start, before any conversation (what the conversations add is the rest). */
export async function idleRssMb(uri: string): Promise<number> {
  const { child } = await startChild(uri, `bench_idle_${crypto.randomBytes(3).toString('hex')}`, false);
  await new Promise((r) => setTimeout(r, 1000));
  const rss = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return rss;
}

export async function benchConversations(uri: string, options: { conversations: number }): Promise<ConversationBenchResult[]> {
  const results: ConversationBenchResult[] = [];
  // Database, memory, database again: the ratio is taken against both database runs (cold and warm
  // embedded database), so the order of the runs does not decide the result. A last database run caps
  // V8's old space, to show how much of the peak RSS is live data and how much lazy heap growth.
  const order: Array<['database' | 'memory', string]> = [
    ['database', ''],
    ['memory', ''],
    ['database', ''],
    ['database', HEAP_CAP_FLAGS],
  ];
  for (const [k, [variant, flags]] of order.entries()) {
    const db = `bench_conv_${variant}_${k}_${crypto.randomBytes(3).toString('hex')}`;
    const { child, url } = await startChild(uri, db, variant === 'memory', flags);
    let peak = rssMb(child.pid!);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
    const latencies: number[] = [];
    const t0 = performance.now();
    const outcomes = await Promise.all(Array.from({ length: options.conversations }, (_, i) => converse(url, i + k * 100_000, latencies)));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(child.pid!));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    latencies.sort((a, b) => a - b);
    const r: ConversationBenchResult = {
      variant,
      flags,
      conversations: options.conversations,
      turns: latencies.length,
      failed: outcomes.reduce((s, o) => s + o.failed, 0),
      seconds,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? NaN,
      peakRssMb: peak,
      tickets: outcomes.filter((o) => o.ticket).length,
    };
    console.log(`  ${variant}${flags ? ` (${flags})` : ''}: ${r.turns} turns in ${seconds.toFixed(1)} s, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, peak RSS ${r.peakRssMb.toFixed(0)} MB, tickets ${r.tickets}/${r.conversations}, failed ${r.failed}`);
    results.push(r);
  }
  return results;
}
