/**
 * `/complaints` and App Home, against tickets in the real database: help, status, mine, search
 * for everyone; overdue and stats for supervisors (by user ID or user group) only; answers in
 * the configured language; unknown subcommands print help.
 */
import { FakeSlack } from '../../fakes/fake-slack';
import { eventCallback, sendSlack, slashCommand, type SlackUser } from '../../fixtures/slack-requests';
import type { TestServer } from '../../support/server';
import { blockNetwork, file, restoreNetwork, settle, startSlackServer } from '../../support/slack';

const agent: SlackUser = { id: 'U0AGENTX1', username: 'ann' };
const boss: SlackUser = { id: 'U0BOSSX01', username: 'ben' };
const groupBoss: SlackUser = { id: 'U0GROUPB1', username: 'gus' };

describe('/complaints', () => {
  const fake = new FakeSlack();
  let server: TestServer;
  let offsetMs = 0;
  let seq = 0;

  beforeAll(async () => {
    blockNetwork();
    await fake.start();
    fake.groups.set('S0LEADS01', [groupBoss.id]);
    server = await startSlackServer(fake, { SLACK_SUPERVISORS: `${boss.id},S0LEADS01` }, { clock: { now: () => new Date(Date.now() + offsetMs) } });
  });
  afterAll(async () => {
    await server.stop();
    await fake.stop();
    restoreNetwork();
  });

  async function run(user: SlackUser, text: string): Promise<{ text: string; blocks: string }> {
    const id = `r${++seq}`;
    const r = await sendSlack(server.url, slashCommand(user, text, fake.responseUrl(id)));
    expect(r.status).toBe(200);
    await settle(server);
    const answer = fake.responses.find((x) => x.id === id);
    if (!answer) throw new Error(`no answer to "${text}"`);
    expect(answer.body.response_type).toBe('ephemeral');
    return { text: String(answer.body.text), blocks: JSON.stringify(answer.body.blocks ?? []) };
  }

  it('when asked for help or something unknown, then the subcommands are listed', async () => {
    expect((await run(agent, 'help')).text).toContain('`status <number>`');
    expect((await run(agent, '')).text).toContain('`mine`');
    const unknown = await run(agent, 'teleport now');
    expect(unknown.text).toContain('Unknown subcommand `teleport`');
    expect(unknown.text).toContain('`search <words>`');
  });

  it('when asked for a status, then the ticket is shown (masked, without buttons); a bad number gets usage', async () => {
    const n = await file(server, { customer: { name: 'Wang Wu', phone: '13900001111' } });
    const status = await run(agent, `status ${n}`);
    expect(status.blocks).toContain(n);
    expect(status.blocks).toContain('139****1111');
    expect(status.blocks).not.toContain('13900001111');
    expect(status.blocks).not.toContain('ticket_claim');
    expect((await run(agent, 'status 42')).text).toContain('Give a ticket number');
    expect((await run(agent, 'status 2026999999')).text).toBe('There is no ticket 2026999999.');
  });

  it('when an agent asks for mine and opens App Home, then their open tickets are listed, most urgent first', async () => {
    const general = await file(server);
    const urgent = await file(server);
    for (const n of [general, urgent]) await server.complaints.claim(n, { kind: 'agent', id: agent.id, name: agent.username });
    // The first one's first contact is made: its next deadline is a day away, the other's an hour.
    await server.complaints.recordContact(general, { actor: { kind: 'agent', id: agent.id }, how: 'phone' });
    const mine = await run(agent, 'mine');
    expect(mine.text).toBe('Your open tickets (2), most urgent first:');
    expect(mine.blocks.indexOf(urgent)).toBeLessThan(mine.blocks.indexOf(general));
    expect((await run(boss, 'mine')).text).toBe('You have no open tickets.');
    await sendSlack(server.url, eventCallback({ type: 'app_home_opened', user: agent.id, channel: 'D0HOME001', tab: 'home' }));
    await settle(server);
    const home = fake.callsOf('views.publish').filter((c) => c.args.user_id === agent.id).pop();
    const blocks = JSON.stringify(home?.args.view.blocks);
    expect(blocks).toContain(urgent);
    expect(blocks.indexOf(urgent)).toBeLessThan(blocks.indexOf(general));
  });

  it('when searching, then tickets matching every word are found by number, order or text', async () => {
    const n = await file(server, { description: 'The blue toaster from the Shenzhen shop burns every slice.', orderId: 'ORD-7788-XYZ' });
    expect((await run(agent, 'search toaster shenzhen')).blocks).toContain(n);
    expect((await run(agent, 'search ORD-7788')).blocks).toContain(n);
    expect((await run(agent, `search ${n}`)).blocks).toContain(n);
    expect((await run(agent, 'search toaster fridge')).text).toBe('No ticket matches “toaster fridge”.');
    expect((await run(agent, 'search .*')).text).toBe('No ticket matches “.*”.');
  });

  it('when an agent asks for stats or overdue, then they are politely refused; supervisors by ID or by group get them', async () => {
    expect((await run(agent, 'stats')).text).toBe('Sorry, `stats` is for supervisors only. Ask a supervisor if you need these figures.');
    expect((await run(agent, 'overdue')).text).toContain('for supervisors only');
    const stats = await run(boss, 'stats month by category');
    expect(stats.text).toMatch(/^Tickets filed \d{4}-\d{2}-01 – \d{4}-\d{2}-\d{2}, by category$/);
    expect(stats.blocks).toContain('Product quality');
    expect(stats.blocks).toContain('filed *');
    const byAgent = await run(groupBoss, 'stats today by agent');
    expect(byAgent.blocks).toContain(`<@${agent.id}>`);
    expect((await run(boss, 'stats someday')).text).toContain('Give the period');
    expect((await run(boss, 'stats 2020-01')).blocks).toContain('No tickets were filed');
    expect((await run(boss, 'overdue')).text).toBe('No open ticket is past a deadline.');
    // Two hours later the tickets nobody has contacted are past their first-contact deadline (1 h),
    // once the SLA scanner (every SLA_SCAN_INTERVAL_SECONDS) has marked them overdue.
    await server.effects.drain();
    await server.jobs.scan();
    offsetMs = 2 * 3600_000;
    try {
      await server.jobs.scan();
      await server.effects.drain();
      const overdue = await run(groupBoss, 'overdue');
      expect(overdue.text).toMatch(/^Open tickets past a deadline \(\d+\), most overdue first:$/);
      expect(overdue.blocks).toContain(':rotating_light:');
    } finally {
      offsetMs = 0;
    }
  });
});

describe('/complaints in Chinese', () => {
  for (const [lang, expected, category] of [
    ['zh-CN', '你没有未结的投诉单。', '产品质量'],
    ['zh-TW', '你沒有未結的投訴單。', '產品質量'],
  ] as const) {
    it(`when the app speaks ${lang}, then answers and labels are in ${lang}`, async () => {
      blockNetwork();
      const fake = new FakeSlack();
      await fake.start();
      const server = await startSlackServer(fake, { SLACK_LANGUAGE: lang, SLACK_SUPERVISORS: boss.id });
      try {
        await file(server);
        const ask = async (text: string) => {
          const id = `${lang}-${text.replace(/\W+/g, '-')}`;
          await sendSlack(server.url, slashCommand(boss, text, fake.responseUrl(id)));
          await settle(server);
          return fake.responses.find((x) => x.id === id)!.body;
        };
        expect((await ask('mine')).text).toBe(expected);
        expect(JSON.stringify((await ask('stats month by category')).blocks)).toContain(category);
      } finally {
        await server.stop();
        await fake.stop();
        restoreNetwork();
      }
    });
  }
});
