/**
 * Time to answer a WeChat message at N concurrent customers, against the same dialogs over the
 * service's Direct Line in the same run. Each customer goes through the conversation benchmark's
 * whole complaint (12 turns, same texts). A WeChat turn is timed as WeChat sees it: the signed
 * XML POST until the passive reply; when the service answers "success" instead (the dialog was
 * not ready within its 4 s budget), the time until the customer-service message reached the
 * (local, fake) WeChat API is the customer's time, and the POST's own time is what WeChat waited.
 * A Direct Line turn: POST the activity, GET the activities after the watermark until the reply.
 * Each customer starts untimed in both channels: a Direct Line conversation is created and greeted;
 * a WeChat customer follows the account (the `subscribe` event) and is greeted; the first messages
 * wait until every customer has started, so both channels' customers set off together.
 * Then customer i sends message k at k × BENCH_WECHAT_PERIOD_MS (default 1500) plus 0 to that many
 * ms (the same for customer i in every run), or at once when the answer before came later: both
 * channels meet the same arrivals (an open schedule, not a closed loop in which the faster channel's
 * customers would come back sooner). Runs come in BENCH_WECHAT_PAIRS pairs (default 4), the order
 * alternating (W D, D W, W D, …), each on a fresh service process and database, so the machine's
 * changing load falls on both; the ratios are taken per pair and over all turns pooled. The driver
 * counts the service's database commands, so each run also says what a turn costs in round trips.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { barrier, converse, percentile, record, rssMb, script, startChild, thinkMs } from './conversation-bench';

/**
 * When customer `who` sends message `turn`, in ms after all customers started: in the turn's own
 * period, at a point that is the same for the customer in every run.
 */
export function scheduledMs(who: number, turn: number, periodMs: number): number {
  return turn * periodMs + thinkMs(who, turn, periodMs);
}
import { FakeWeChat } from '../../test/fakes/fake-wechat';
import { median } from '../../nlp-models/scripts/perf';
import { sha1Sorted, WX } from '../../test/fixtures/wechat-requests';

export interface WeChatBenchRow {
  channel: 'wechat' | 'directline';
  /** 1-based pair the run belongs to (each pair: one WeChat run and one Direct Line run, order alternating). */
  pair: number;
  customers: number;
  turns: number;
  failed: number;
  tickets: number;
  seconds: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** WeChat: answers that went as customer-service messages after "success". */
  late: number;
  /** WeChat: the longest time WeChat waited for the HTTP answer. */
  maxHttp: number;
  peakRssMb: number;
  /** Database commands the service sent during the run, by command and collection. */
  commands: Record<string, number>;
  /** The run's turn times, sorted (for the pooled percentiles). */
  latencies: number[];
  /** The run's turn times by turn of the script (index: the turn). */
  byTurn: number[][];
}

const cdata = (s: string) => `<![CDATA[${s}]]>`;

/** A text message (with its MsgId), or with `msgId` null the `subscribe` event of a customer following the account. */
async function postWeChat(base: string, openId: string, text: string, msgId: string | null): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(crypto.randomInt(1e8, 1e9));
  const q = new URLSearchParams({ signature: sha1Sorted(WX.token, timestamp, nonce), timestamp, nonce, openid: openId });
  const head = `<ToUserName>${cdata(WX.account)}</ToUserName><FromUserName>${cdata(openId)}</FromUserName><CreateTime>${timestamp}</CreateTime>`;
  const xml = msgId === null ? `<xml>${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata('subscribe')}</Event></xml>` : `<xml>${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content><MsgId>${msgId}</MsgId></xml>`;
  const res = await fetch(`${base}/wechat?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  if (res.status !== 200) throw new Error(`POST /wechat answered ${res.status}`);
  return res.text();
}

async function converseWeChat(base: string, fake: FakeWeChat, i: number, latencies: number[], byTurn: number[][], http: number[], late: { n: number }, think: (turn: number) => number, started: () => Promise<void>): Promise<{ failed: number; ticket: boolean }> {
  const openId = `oBench${String(i).padStart(8, '0')}${crypto.randomBytes(7).toString('hex')}`.slice(0, 28);
  let failed = 0;
  let ticket = false;
  let msg = BigInt(7_000_000_000) * BigInt(i + 1);
  // The customer follows the account first and is greeted (untimed), as a Direct Line customer's
  // conversation is created and greeted before its first timed message.
  if (!(await postWeChat(base, openId, '', null)).startsWith('<xml>')) failed++;
  await started();
  for (const [turn, text] of script(i).entries()) {
    msg += 1n;
    const pause = think(turn);
    if (pause) await new Promise((r) => setTimeout(r, pause));
    const t0 = performance.now();
    const seen = fake.sentTo(openId).length;
    let body: string;
    try {
      body = await postWeChat(base, openId, text, msg.toString());
    } catch {
      failed++;
      continue;
    }
    http.push(performance.now() - t0);
    let answer: string | null;
    if (body.startsWith('<xml>')) answer = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(body)?.[1] ?? null;
    else {
      // "success": the answer follows as a customer-service message.
      late.n++;
      answer = await fake.waitForSent(openId, seen, 30_000);
    }
    if (answer === null) {
      failed++;
      continue;
    }
    record(latencies, byTurn, turn, performance.now() - t0);
    if (/工单号：\d{10}/.test(answer)) ticket = true;
  }
  return { failed, ticket };
}

/** Runs in pairs, WeChat first in odd pairs and Direct Line first in even ones (W D D W W D …). */
export function runOrder(pairs: number): Array<{ channel: WeChatBenchRow['channel']; pair: number }> {
  return Array.from({ length: pairs }, (_, i) => {
    const both: Array<WeChatBenchRow['channel']> = i % 2 === 0 ? ['wechat', 'directline'] : ['directline', 'wechat'];
    return both.map((channel) => ({ channel, pair: i + 1 }));
  }).flat();
}

export async function benchWeChat(
  uri: string,
  options: { customers: number; pairs: number; periodMs: number; server?: () => Promise<{ uri: string; stop: () => Promise<void> }> },
): Promise<WeChatBenchRow[]> {
  const fake = await new FakeWeChat(WX.appId, WX.appSecret).start();
  const env = { WECHAT_TOKEN: WX.token, WECHAT_APP_ID: WX.appId, WECHAT_APP_SECRET: WX.appSecret, WECHAT_API_URL: fake.url };
  // The driver reports every command, so each run also says how many database commands a turn costs.
  const monitored = (u: string) => `${u}${u.includes('?') ? '&' : '?'}monitorCommands=true`;
  const rows: WeChatBenchRow[] = [];
  try {
    for (const [k, { channel, pair }] of runOrder(options.pairs).entries()) {
      const db = `bench_wechat_${channel}_${k}_${crypto.randomBytes(3).toString('hex')}`;
      const server = options.server ? await options.server() : null;
      const { child, url } = await startChild(monitored(server?.uri ?? uri), db, false, '', env);
      let commands: Record<string, number> = {};
      child.stdout!.on('data', (c: Buffer) => {
        for (const line of c.toString().split('\n'))
          if (line.startsWith('{"commands"')) {
            const out = JSON.parse(line) as { commands: Record<string, number>; ms: Record<string, number>; loop: { p99: number; max: number } };
            commands = out.commands;
            console.log(`    event loop delay p99 ${out.loop.p99.toFixed(0)} ms, max ${out.loop.max.toFixed(0)} ms; db ms by command: ${Object.entries(out.ms).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s/${out.commands[k]}`).join(', ')}`);
          }
      });
      let peak = rssMb(child.pid!);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
      const latencies: number[] = [];
      const byTurn: number[][] = [];
      const http: number[] = [];
      const late = { n: 0 };
      const t0 = performance.now();
      // Customer i waits the same times before each turn in every run, WeChat or Direct Line.
      // Every customer's conversation is started (and greeted) before anyone's first message; then
      // customer i sends message k at the same moment of the schedule in every run (or at once when
      // the answer before came later), whatever the channel's answers before it took.
      const started = barrier(options.customers);
      const outcomes = await Promise.all(
        Array.from({ length: options.customers }, (_, i) => {
          const think = (turn: number) => Math.max(0, started.at() + scheduledMs(i, turn, options.periodMs) - performance.now());
          return channel === 'wechat' ? converseWeChat(url, fake, i + k * 100_000, latencies, byTurn, http, late, think, started.arrive) : converse(url, i + k * 100_000, latencies, think, byTurn, started.arrive);
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, rssMb(child.pid!));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await server?.stop();
      latencies.sort((a, b) => a - b);
      const row: WeChatBenchRow = {
        channel,
        pair,
        customers: options.customers,
        turns: latencies.length,
        failed: outcomes.reduce((s, o) => s + o.failed, 0),
        tickets: outcomes.filter((o) => o.ticket).length,
        seconds,
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1] ?? NaN,
        late: late.n,
        maxHttp: http.length ? Math.max(...http) : NaN,
        peakRssMb: peak,
        commands,
        latencies,
        byTurn: byTurn.map((t) => [...t].sort((a, b) => a - b)),
      };
      const perTurn = Object.values(commands).reduce((s, n) => s + n, 0) / Math.max(1, row.turns);
      console.log(
        `  pair ${pair} ${channel}: ${row.turns} turns in ${seconds.toFixed(1)} s, p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, max ${row.max.toFixed(0)} ms${channel === 'wechat' ? `, late ${row.late}, longest HTTP answer ${row.maxHttp.toFixed(0)} ms` : ''}, ${perTurn.toFixed(1)} db commands/turn, tickets ${row.tickets}/${row.customers}, failed ${row.failed}, load ${os.loadavg()[0]!.toFixed(1)}`,
      );
      rows.push(row);
    }
  } finally {
    await fake.stop();
  }
  return rows;
}

/** One turn's times over a channel's runs, sorted. */
const pooledTurn = (rows: WeChatBenchRow[], turn: number) => rows.flatMap((r) => r.byTurn[turn] ?? []).sort((a, b) => a - b);

/** Which turn of the complaint is slowest at p99 in each channel (where the tail of the whole distribution comes from). */
function slowestTurns(wc: WeChatBenchRow[], dl: WeChatBenchRow[]): string {
  const slowest = (rows: WeChatBenchRow[]) =>
    script(0)
      .map((_, t) => ({ t, p99: percentile(pooledTurn(rows, t), 99) }))
      .reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const [w, d] = [slowest(wc), slowest(dl)];
  const says = (t: number) => `“${script(0)[t]!.replace(/（.*）/, '…')}”`;
  return `The slowest turn at p99 is turn ${w.t} (${says(w.t)}) on WeChat, ${w.p99.toFixed(0)} ms, and turn ${d.t} (${says(d.t)}) on Direct Line, ${d.p99.toFixed(0)} ms${w.t === d.t && script(0)[w.t] === '提交' ? ': the filing itself (the ticket\'s numbered insert and its group commit, the repeat lookup, the idempotency key), the same core work in both channels' : ''}.`;
}

/** Commands per turn, summed over a channel's runs, grouped as the service's own work sees them. */
function commandsPerTurn(rows: WeChatBenchRow[]): Map<string, number> {
  const turns = rows.reduce((s, r) => s + r.turns, 0);
  const out = new Map<string, number>();
  for (const r of rows) for (const [k, n] of Object.entries(r.commands)) out.set(k, (out.get(k) ?? 0) + n / turns);
  return out;
}

export function wechatMarkdown(rows: WeChatBenchRow[], periodMs: number, serverPerRun = false): string {
  const wc = rows.filter((r) => r.channel === 'wechat');
  const dl = rows.filter((r) => r.channel === 'directline');
  const n = rows[0]?.customers ?? 0;
  const pairs = [...new Set(rows.map((r) => r.pair))].map((pair) => ({ pair, w: wc.find((r) => r.pair === pair)!, d: dl.find((r) => r.pair === pair)!, wechatFirst: rows.find((r) => r.pair === pair)!.channel === 'wechat' }));
  const pooled = (rs: WeChatBenchRow[]) => rs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const [pw, pd] = [pooled(wc), pooled(dl)];
  const p99Ratios = pairs.map((p) => p.w.p99 / p.d.p99);
  const p50Ratios = pairs.map((p) => p.w.p50 / p.d.p50);
  const longestHttp = Math.max(...wc.map((w) => w.maxHttp));
  const x = (v: number) => `${v.toFixed(2)}×`;
  const [cw, cd] = [commandsPerTurn(wc), commandsPerTurn(dl)];
  const keys = [...new Set([...cw.keys(), ...cd.keys()])].filter((k) => (cw.get(k) ?? 0) >= 0.05 || (cd.get(k) ?? 0) >= 0.05).sort((a, b) => Math.max(cw.get(b) ?? 0, cd.get(b) ?? 0) - Math.max(cw.get(a) ?? 0, cd.get(a) ?? 0));
  const total = (c: Map<string, number>) => [...c.values()].reduce((s, v) => s + v, 0);
  const writes = (c: Map<string, number>) => [...c.entries()].filter(([k]) => !k.startsWith('find') && !k.startsWith('getMore')).reduce((s, [, v]) => s + v, 0);
  return [
    `${n} customers complain at once through WeChat (signed XML posts to \`/wechat\`, plain mode), against ${n} customers with the`,
    'same dialogs through the service\'s Direct Line: each customer starts untimed (a Direct Line conversation is created and',
    'greeted; a WeChat customer follows the account, the `subscribe` event, and is greeted; once all have started, all set off',
    'together), then goes through the conversation benchmark\'s whole complaint',
    `(12 turns, same texts, the last ones filing a real ticket) on one schedule: message k of customer i is sent at k × ${periodMs} ms plus`,
    `0–${periodMs} ms (the same for customer i in every run) after all have started, or as soon as the answer before it came if that`,
    'is later. So both channels meet the same arrivals; a channel that answers faster does not bring its customers\' next',
    'messages (and their filings) forward, which in a closed loop would load the faster channel more. A',
    'WeChat turn is timed as WeChat sees it: the POST until the passive reply; when the service answered "success" because the',
    'dialog was not ready within its 4 s budget, the customer\'s time runs until the customer-service message reached the',
    '(local, fake) WeChat API. A Direct Line turn: POST the activity, then GET after the watermark (every 20 ms) until the',
    `reply. ${pairs.length} pairs of runs, each run on a fresh service process and ${serverPerRun ? 'embedded database server (its own data folder)' : 'database'}, the order alternating (WeChat first in`,
    'odd pairs, Direct Line first in even ones) so the machine\'s changing load falls on both. Targets: WeChat p99 ≤ 1.2× Direct',
    'Line\'s, and every HTTP answer within WeChat\'s 5 s.',
    '',
    '| pair | channel | turns | failed | tickets | turns/s | p50 ms | p90 ms | p99 ms | max ms | late answers | longest HTTP answer ms | db commands / turn | peak RSS MB |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.pair} | ${r.channel === 'wechat' ? 'WeChat' : 'Direct Line'} | ${r.turns} | ${r.failed} | ${r.tickets}/${r.customers} | ${(r.turns / r.seconds).toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p90.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} | ${r.channel === 'wechat' ? r.late : '—'} | ${r.channel === 'wechat' ? r.maxHttp.toFixed(0) : '—'} | ${(Object.values(r.commands).reduce((s, v) => s + v, 0) / Math.max(1, r.turns)).toFixed(1)} | ${r.peakRssMb.toFixed(0)} |`,
    ),
    '',
    '| pair | first | WeChat/Direct Line p50 | WeChat/Direct Line p99 |',
    '|---:|---|---:|---:|',
    ...pairs.map((p) => `| ${p.pair} | ${p.wechatFirst ? 'WeChat' : 'Direct Line'} | ${x(p.w.p50 / p.d.p50)} | **${x(p.w.p99 / p.d.p99)}** |`),
    `| all turns pooled | | ${x(percentile(pw, 50) / percentile(pd, 50))} | **${x(percentile(pw, 99) / percentile(pd, 99))}** |`,
    '',
    `p99 ratio per pair: median **${x(median(p99Ratios))}**, range ${x(Math.min(...p99Ratios))}–${x(Math.max(...p99Ratios))} (p50: median ${x(median(p50Ratios))}). ` +
      `Pooled over all runs: WeChat p99 ${percentile(pw, 99).toFixed(0)} ms against Direct Line ${percentile(pd, 99).toFixed(0)} ms. ` +
      `Longest time WeChat waited for an HTTP answer: ${longestHttp.toFixed(0)} ms (limit 5,000 ms; the dialog's budget is 4,000 ms, after which the post is answered "success"); ` +
      `${wc.reduce((s, r) => s + r.late, 0)} of ${wc.reduce((s, r) => s + r.turns, 0)} WeChat answers went late.`,
    '',
    'By turn of the complaint (all runs of a channel pooled): where the time goes.',
    '',
    '| turn | customer says | WeChat p50 ms | WeChat p99 ms | Direct Line p50 ms | Direct Line p99 ms | p99 ratio |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...script(0).map((text, t) => {
      const [w, d] = [pooledTurn(wc, t), pooledTurn(dl, t)];
      return `| ${t} | ${text.replace(/BENCH-.*/, 'BENCH-…').replace(/（.*）/, '…').replace(/\|/g, '\\|')} | ${percentile(w, 50).toFixed(0)} | ${percentile(w, 99).toFixed(0)} | ${percentile(d, 50).toFixed(0)} | ${percentile(d, 99).toFixed(0)} | ${x(percentile(w, 99) / percentile(d, 99))} |`;
    }),
    '',
    slowestTurns(wc, dl),
    '',
    `Database commands per turn (the driver's count over all runs of a channel, background jobs included): WeChat ${total(cw).toFixed(1)} (${writes(cw).toFixed(1)} writes), Direct Line ${total(cd).toFixed(1)} (${writes(cd).toFixed(1)} writes).`,
    '',
    '| command, collection | WeChat / turn | Direct Line / turn |',
    '|---|---:|---:|',
    ...keys.map((k) => `| ${k} | ${(cw.get(k) ?? 0).toFixed(2)} | ${(cd.get(k) ?? 0).toFixed(2)} |`),
  ].join('\n');
}
