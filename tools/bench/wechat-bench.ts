/**
 * Time to answer a WeChat message at N concurrent customers, against the same dialogs over the
 * service's Direct Line in the same run. Each customer goes through the conversation benchmark's
 * whole complaint (12 turns, same texts). A WeChat turn is timed as WeChat sees it: the signed
 * XML POST until the passive reply; when the service answers "success" instead (the dialog was
 * not ready within its 4 s budget), the time until the customer-service message reached the
 * (local, fake) WeChat API is the customer's time, and the POST's own time is what WeChat waited.
 * A Direct Line turn: POST the activity, GET the activities after the watermark until the reply.
 * Runs alternate (WeChat, Direct Line, WeChat, Direct Line), each on a fresh service process and
 * database, so the machine's changing load falls on both.
 */
import crypto from 'node:crypto';
import { converse, percentile, rssMb, script, startChild } from './conversation-bench';
import { FakeWeChat } from '../../test/fakes/fake-wechat';
import { sha1Sorted, WX } from '../../test/fixtures/wechat-requests';

export interface WeChatBenchRow {
  channel: 'wechat' | 'directline';
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
}

const cdata = (s: string) => `<![CDATA[${s}]]>`;

async function postWeChat(base: string, openId: string, text: string, msgId: string): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(crypto.randomInt(1e8, 1e9));
  const q = new URLSearchParams({ signature: sha1Sorted(WX.token, timestamp, nonce), timestamp, nonce, openid: openId });
  const xml = `<xml><ToUserName>${cdata(WX.account)}</ToUserName><FromUserName>${cdata(openId)}</FromUserName><CreateTime>${timestamp}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content><MsgId>${msgId}</MsgId></xml>`;
  const res = await fetch(`${base}/wechat?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  if (res.status !== 200) throw new Error(`POST /wechat answered ${res.status}`);
  return res.text();
}

async function converseWeChat(base: string, fake: FakeWeChat, i: number, latencies: number[], http: number[], late: { n: number }): Promise<{ failed: number; ticket: boolean }> {
  const openId = `oBench${String(i).padStart(8, '0')}${crypto.randomBytes(7).toString('hex')}`.slice(0, 28);
  let failed = 0;
  let ticket = false;
  let msg = BigInt(7_000_000_000) * BigInt(i + 1);
  for (const text of script(i)) {
    msg += 1n;
    const t0 = performance.now();
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
      const seen = fake.sentTo(openId).length;
      const deadline = performance.now() + 30_000;
      while (fake.sentTo(openId).length === seen && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      answer = fake.sentTo(openId)[seen] ?? null;
    }
    if (answer === null) {
      failed++;
      continue;
    }
    latencies.push(performance.now() - t0);
    if (/工单号：\d{10}/.test(answer)) ticket = true;
  }
  return { failed, ticket };
}

export async function benchWeChat(uri: string, options: { customers: number }): Promise<WeChatBenchRow[]> {
  const fake = await new FakeWeChat(WX.appId, WX.appSecret).start();
  const env = { WECHAT_TOKEN: WX.token, WECHAT_APP_ID: WX.appId, WECHAT_APP_SECRET: WX.appSecret, WECHAT_API_URL: fake.url };
  const rows: WeChatBenchRow[] = [];
  try {
    const order: Array<WeChatBenchRow['channel']> = ['wechat', 'directline', 'wechat', 'directline'];
    for (const [k, channel] of order.entries()) {
      const db = `bench_wechat_${channel}_${k}_${crypto.randomBytes(3).toString('hex')}`;
      const { child, url } = await startChild(uri, db, false, '', env);
      let peak = rssMb(child.pid!);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
      const latencies: number[] = [];
      const http: number[] = [];
      const late = { n: 0 };
      const t0 = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: options.customers }, (_, i) => (channel === 'wechat' ? converseWeChat(url, fake, i + k * 100_000, latencies, http, late) : converse(url, i + k * 100_000, latencies))),
      );
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, rssMb(child.pid!));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      latencies.sort((a, b) => a - b);
      const row: WeChatBenchRow = {
        channel,
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
      };
      console.log(
        `  ${channel}: ${row.turns} turns in ${seconds.toFixed(1)} s, p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, max ${row.max.toFixed(0)} ms${channel === 'wechat' ? `, late ${row.late}, longest HTTP answer ${row.maxHttp.toFixed(0)} ms` : ''}, tickets ${row.tickets}/${row.customers}, failed ${row.failed}`,
      );
      rows.push(row);
    }
  } finally {
    await fake.stop();
  }
  return rows;
}

export function wechatMarkdown(rows: WeChatBenchRow[]): string {
  const wc = rows.filter((r) => r.channel === 'wechat');
  const dl = rows.filter((r) => r.channel === 'directline');
  const n = rows[0]?.customers ?? 0;
  const pairs = wc.map((w, i) => ({ w, d: dl[i]! })).filter((p) => p.d);
  const longestHttp = Math.max(...wc.map((w) => w.maxHttp));
  return [
    `${n} customers complain at once through WeChat (signed XML posts to \`/wechat\`, plain mode), against ${n} customers with the`,
    'same dialogs through the service\'s Direct Line, in the same run: each customer goes through the conversation benchmark\'s',
    'whole complaint (12 turns, same texts, the last ones filing a real ticket). A WeChat turn is timed as WeChat sees it: the POST',
    'until the passive reply; when the service answered "success" because the dialog was not ready within its 4 s budget, the',
    'customer\'s time runs until the customer-service message reached the (local, fake) WeChat API. A Direct Line turn: POST the',
    'activity, then GET after the watermark until the reply. Runs alternate WeChat, Direct Line, WeChat, Direct Line, each on a',
    'fresh service process and database. Targets: WeChat p99 ≤ 1.2× Direct Line\'s, and every HTTP answer within WeChat\'s 5 s.',
    '',
    '| run | channel | turns | failed | tickets | turns/s | p50 ms | p90 ms | p99 ms | max ms | late answers | longest HTTP answer ms | peak RSS MB |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r, i) =>
        `| ${i + 1} | ${r.channel === 'wechat' ? 'WeChat' : 'Direct Line'} | ${r.turns} | ${r.failed} | ${r.tickets}/${r.customers} | ${(r.turns / r.seconds).toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p90.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} | ${r.channel === 'wechat' ? r.late : '—'} | ${r.channel === 'wechat' ? r.maxHttp.toFixed(0) : '—'} | ${r.peakRssMb.toFixed(0)} |`,
    ),
    '',
    '| WeChat run vs the Direct Line run after it | p50 ratio | p99 ratio |',
    '|---|---:|---:|',
    ...pairs.map((p, i) => `| ${i === 0 ? 'first pair' : 'second pair'} | **${(p.w.p50 / p.d.p50).toFixed(2)}×** | **${(p.w.p99 / p.d.p99).toFixed(2)}×** |`),
    '',
    `Longest time WeChat waited for an HTTP answer over both WeChat runs: ${longestHttp.toFixed(0)} ms (limit 5,000 ms; the dialog's budget is 4,000 ms, after which the post is answered "success").`,
    '',
    'A WeChat turn does what a Direct Line turn does with the dialog state (the same bot, the same storage) and, instead of',
    'storing the customer\'s and the bot\'s activities, claims the MsgId (one insert), reads the customer\'s record (one `_id`',
    'lookup: the numbered options, the waiting messages\' position), probes the waiting queue (one `_id` lookup), and records',
    'the customer\'s last message, language and options (one update) and the MsgId as done (one update).',
  ].join('\n');
}
