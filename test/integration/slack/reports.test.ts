/**
 * Reporting in Slack against the real service and a local fake of Slack's Web API, on the
 * hand-computed data set (test/support/report-data.ts): `/complaints stats` from the counters and
 * the dashboard's CSV export agreeing with it, `/complaints dashboard` giving a working link to
 * supervisors only, `/complaints report` posting the chart and the CSV (or to a direct message
 * where the app may not post), and spike alerts in the escalation channel.
 */
import { parse } from 'csv-parse/sync';
import { FakeSlack } from '../../fakes/fake-slack';
import { sendSlack, slashCommand, type SlackUser } from '../../fixtures/slack-requests';
import { decodePng } from '../../support/png';
import { seedReportData, TestClock } from '../../support/report-data';
import type { TestServer } from '../../support/server';
import { blockNetwork, ESCALATION_CHANNEL, restoreNetwork, settle, startSlackServer } from '../../support/slack';

const agent: SlackUser = { id: 'U0AGENTX1', username: 'ann' };
const boss: SlackUser = { id: 'U0BOSSX01', username: 'ben' };
const NOW = new Date('2026-12-01T02:00:00Z');

describe('reporting in Slack', () => {
  const fake = new FakeSlack();
  let server: TestServer;
  const clock = new TestClock();
  let seq = 0;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    server = await startSlackServer(
      fake,
      {
        SLACK_SUPERVISORS: boss.id,
        SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
        DASHBOARD_SECRET: 'slack-dashboard-secret-0123456789',
        SPIKE_FACTOR: '3',
        SPIKE_MIN_COUNT: '4',
        SPIKE_BASELINE_DAYS: '7',
      },
      { clock },
    );
    await seedReportData(server, clock);
    clock.set(NOW);
    await settle(server);
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function run(user: SlackUser, text: string, channel?: string): Promise<{ text: string; blocks: string; all: Array<Record<string, any>> }> {
    const id = `rep${++seq}`;
    const r = await sendSlack(server.url, slashCommand(user, text, fake.responseUrl(id), channel ? { channel } : {}));
    expect(r.status).toBe(200);
    await settle(server);
    const answers = fake.responses.filter((x) => x.id === id).map((x) => x.body);
    if (!answers.length) throw new Error(`no answer to "${text}"`);
    const last = answers[answers.length - 1]!;
    return { text: String(last.text), blocks: JSON.stringify(last.blocks ?? []), all: answers };
  }

  /** The stats lines as numbers: label → [filed, open, resolved, rejected, late]. */
  function statsLines(blocks: string): Map<string, number[]> {
    const text = (JSON.parse(blocks) as Array<{ text?: { text?: string } }>).map((b) => b.text?.text ?? '').join('\n');
    const out = new Map<string, number[]>();
    for (const m of text.matchAll(/^• (.+?): filed \*(\d+)\* · open (\d+) · resolved (\d+) · rejected (\d+) · late (\d+)$/gm)) out.set(m[1]!, m.slice(2).map(Number));
    return out;
  }

  it('when a supervisor asks for stats, then the counters answer with the hand-computed figures, and the dashboard CSV says the same', async () => {
    const stats = await run(boss, 'stats 2026-11 by category');
    expect(stats.text).toBe('Tickets filed 2026-11-01 – 2026-11-30, by category');
    const lines = statsLines(stats.blocks);
    // Product quality: T1 T2 T6, all resolved; billing: T3 resolved (late fact check), T4 open.
    expect(lines.get('Product quality')).toEqual([3, 0, 3, 0, 1]);
    expect(lines.get('Billing')).toEqual([2, 1, 1, 0, 1]);
    expect(stats.blocks).toContain('Σ: filed *10* · open 2 · resolved 7 · rejected 1 · late 6');

    const link = await run(boss, 'dashboard');
    const url = /<(http[^|>]+)\|/.exec(link.text)![1]!;
    const token = new URL(url).searchParams.get('token')!;
    const csv = await fetch(`${server.url}/dashboard/export.csv?token=${token}&period=2026-11&by=category&lang=en`);
    const rows = (parse(await csv.text(), { columns: true, bom: true }) as Array<Record<string, string>>).filter((r) => r.dimension === 'category');
    expect(rows).toHaveLength(lines.size);
    for (const r of rows) expect(lines.get(r.label!)).toEqual([+r.filed!, +r.open!, +r.resolved!, +r.rejected!, +r.late!]);
    // By agent (the data set's agent ids are not Slack ids, so they are shown as they are).
    const byAgent = await run(boss, 'stats 2026-11 by agent');
    expect(byAgent.blocks).toContain('U_A: filed *5* · open 0 · resolved 4 · rejected 1 · late 3');
  });

  it('when a supervisor asks for the dashboard, then a link for them alone opens it; agents are refused', async () => {
    const answer = await run(boss, 'dashboard');
    expect(answer.all.every((a) => a.response_type === 'ephemeral')).toBe(true);
    const url = /<(http[^|>]+)\|/.exec(answer.text)![1]!;
    expect(url.startsWith('http://localhost:')).toBe(true);
    const res = await fetch(`${server.url}${new URL(url).pathname}${new URL(url).search}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toContain('HttpOnly');
    expect((await run(agent, 'dashboard')).text).toContain('for supervisors only');
    expect((await run(agent, 'report')).text).toContain('for supervisors only');
  });

  it('when a supervisor asks for the quarterly report, then the chart and the CSV are posted with the report as comment', async () => {
    const before = fake.files.size;
    const answer = await run(boss, 'report 2026Q4');
    expect(answer.all[0]!.text).toBe('Building the 2026Q4 report…');
    expect(answer.text).toBe('The report is posted in <#C0AGENTS1>.');
    const files = [...fake.files.values()].slice(before);
    expect(files.map((f) => [f.filename, f.channel])).toEqual([
      ['complaints-2026Q4.png', 'C0AGENTS1'],
      ['complaints-2026Q4.csv', 'C0AGENTS1'],
    ]);
    const png = decodePng(files[0]!.bytes!);
    expect([png.width, png.height]).toEqual([1200, 640]);
    const csv = parse(files[1]!.bytes!, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(csv.find((r) => r.dimension === 'all')).toMatchObject({ filed: '11', resolved: '8' });
    const comment = files[0]!.initialComment!;
    expect(comment).toContain('*Complaint distribution and frequent problems, 2026Q4*');
    expect(comment).toContain('Product quality: 4 (36.4%)');
    expect(comment).toContain('CSAT: no ratings yet');
    expect(comment).not.toMatch(/Test Customer|13800000/);
  });

  it('when the app may not post in the channel, then the report goes to the supervisor’s direct messages; a bad quarter gets usage', async () => {
    fake.notIn.add('C0SECRET1');
    const before = fake.files.size;
    const answer = await run(boss, 'report 2026Q4', 'C0SECRET1');
    expect(answer.text).toBe(`The report is posted in <@${boss.id}>.`);
    expect([...fake.files.values()].slice(before).filter((f) => f.channel).map((f) => f.channel)).toEqual(['D0BOSSX01', 'D0BOSSX01']);
    expect((await run(boss, 'report 2026Q9')).text).toContain('Give the period');
  });

  it('when complaints about one product jump, then the escalation channel is told once, mentioning the supervisors', async () => {
    // Baseline week: one "Phone X" and two "Tablet Y" a day → Phone X 1 a day, product quality 3.
    // Today Phone X reaches 4 (≥ 4 and > 3 × 1); product quality (4–6 against 3 a day) does not alert.
    let phone = 0;
    const fileOne = (product: string) =>
      server.complaints.file({ description: 'The screen flickers.', customer: { phone: `1371111${String(++phone).padStart(4, '0')}` }, category: 'product_quality', product }, { actor: { kind: 'api', id: 't' } });
    for (let d = 7; d >= 1; d--) {
      clock.set(NOW.getTime() - d * 86_400_000);
      for (const p of ['Phone X', 'Tablet Y', 'Tablet Y']) await fileOne(p);
    }
    clock.set(NOW);
    await settle(server);
    const alerts = () => fake.callsOf('chat.postMessage').filter((c) => c.args.channel === ESCALATION_CHANNEL && String(c.args.text).includes('Complaint spike'));
    expect(alerts()).toHaveLength(0);
    for (let i = 0; i < 6; i++) {
      await fileOne('Phone X');
      await server.effects.drain();
    }
    await settle(server);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]!.args.text).toBe(
      `:chart_with_upwards_trend: <@${boss.id}> *Complaint spike* — product “phone x”: *4* today against 1 a day over the last 7 days (alert above 3×). Crisis response: look for a common cause; \`/complaints dashboard\` shows the detail.`,
    );
  });
});
