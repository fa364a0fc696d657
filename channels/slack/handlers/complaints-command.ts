/**
 * `/complaints` for agents and supervisors: help, status, mine, search for everyone; overdue and
 * stats for supervisors only (others get a polite refusal). Answers are ephemeral Block Kit in
 * the app's language, sent through the command's response URL after the acknowledgement (the
 * queries behind overdue, stats and search may take longer than Slack's 3 s).
 */
import type { App, RespondFn } from '@slack/bolt';
import { DateTime } from 'luxon';
import { OPEN_STATUSES } from '../../../src/domain/state-machine';
import type { StatsDimension } from '../../../src/domain/ticket-queries';
import { parseTicketNumber } from '../../../src/domain/ticket';
import { statsBlocks, ticketList } from '../blocks/lists';
import { escapeMrkdwn } from '../blocks/mrkdwn';
import { createTicketCard } from '../blocks/ticket-card';
import { explain, type SlackHandlerDeps } from './common';

const DIMENSIONS: readonly StatsDimension[] = ['category', 'severity', 'channel', 'agent'];

/** Parse `stats` arguments: a period (default this month) and an optional `by <dimension>`. */
export function parseStatsArgs(args: string[], now: Date, timeZone: string): { from: Date; to: Date; by: StatsDimension | null; label: [string, string] } | null {
  let rest = [...args];
  let by: StatsDimension | null = null;
  const byAt = rest.findIndex((a) => a.toLowerCase() === 'by');
  if (byAt >= 0) {
    const dim = rest[byAt + 1]?.toLowerCase() as StatsDimension | undefined;
    if (!dim || !DIMENSIONS.includes(dim) || rest.length > byAt + 2) return null;
    by = dim;
    rest = rest.slice(0, byAt);
  }
  if (rest.length > 1) return null;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const period = (rest[0] ?? 'month').toLowerCase();
  let from: DateTime;
  let to: DateTime = local.plus({ minutes: 1 });
  if (period === 'today') from = local.startOf('day');
  else if (period === 'week') from = local.startOf('week');
  else if (period === 'month') from = local.startOf('month');
  else if (period === 'quarter') from = local.startOf('quarter');
  else if (/^\d{4}-\d{2}$/.test(period)) {
    from = DateTime.fromFormat(period, 'yyyy-MM', { zone: timeZone });
    to = from.plus({ months: 1 });
  } else {
    const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(period);
    if (!m) return null;
    from = DateTime.fromISO(m[1]!, { zone: timeZone });
    to = DateTime.fromISO(m[2]!, { zone: timeZone }).plus({ days: 1 });
  }
  if (!from.isValid || !to.isValid || to <= from) return null;
  return { from: from.toJSDate(), to: to.toJSDate(), by, label: [from.toFormat('yyyy-MM-dd'), to.minus({ milliseconds: 1 }).toFormat('yyyy-MM-dd')] };
}

export function registerComplaintsCommand(app: App, deps: SlackHandlerDeps): void {
  app.command('/complaints', async ({ ack, command, respond }) => {
    await ack();
    deps.background.run('/complaints', () => answer(command.text ?? '', command.user_id, respond, deps));
  });
}

async function answer(input: string, userId: string, respond: RespondFn, deps: SlackHandlerDeps): Promise<void> {
  const c = deps.text.m.command;
  const say = (text: string, blocks?: unknown[]) => respond({ response_type: 'ephemeral', text, ...(blocks ? { blocks: blocks as never } : {}) });
  const words = input.trim().split(/\s+/).filter(Boolean);
  const sub = (words[0] ?? 'help').toLowerCase();
  const args = words.slice(1);
  const now = deps.clock.now();
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  try {
    switch (sub) {
      case 'help':
        return void (await say(c.help, [section(c.help)]));
      case 'status': {
        const number = args[0] ?? '';
        if (!parseTicketNumber(number)) return void (await say(c.statusUsage, [section(c.statusUsage)]));
        const t = await deps.complaints.get(number);
        const card = createTicketCard(t, deps.text, now);
        return void (await say(card.text, card.blocks.filter((b) => b.type !== 'actions')));
      }
      case 'mine': {
        const tickets = await deps.queries.openOwnedBy(userId, 200);
        if (!tickets.length) return void (await say(c.noneMine, [section(escapeMrkdwn(c.noneMine))]));
        return void (await say(c.mine(tickets.length), ticketList(c.mine(tickets.length), tickets, tickets.length, deps.text, now)));
      }
      case 'search': {
        const q = args.join(' ');
        if (!q) return void (await say(c.searchUsage, [section(c.searchUsage)]));
        const tickets = await deps.queries.search(args, 200);
        if (!tickets.length) return void (await say(c.noneFound(q), [section(escapeMrkdwn(c.noneFound(q)))]));
        return void (await say(c.found(tickets.length, q), ticketList(c.found(tickets.length, q), tickets, tickets.length, deps.text, now)));
      }
      case 'overdue':
      case 'stats': {
        if (!(await deps.supervisors.has(userId))) return void (await say(c.supervisorsOnly(sub), [section(c.supervisorsOnly(sub))]));
        if (sub === 'overdue') {
          const tickets = (await deps.queries.overdue(now, 500)).filter((t) => OPEN_STATUSES.includes(t.status));
          if (!tickets.length) return void (await say(c.noneOverdue, [section(escapeMrkdwn(c.noneOverdue))]));
          return void (await say(c.overdue(tickets.length), ticketList(c.overdue(tickets.length), tickets, tickets.length, deps.text, now)));
        }
        const range = parseStatsArgs(args, now, deps.text.timeZone);
        if (!range) return void (await say(c.badRange, [section(c.badRange)]));
        const rows = await deps.queries.stats(range, range.by, now);
        const title = c.statsTitle(range.label[0], range.label[1], range.by ? (c.dimension[range.by] ?? range.by) : '');
        return void (await say(title, statsBlocks(rows, title, range.by, deps.text)));
      }
      default: {
        const text = `${c.unknown(escapeMrkdwn(sub))}\n${c.help}`;
        return void (await say(text, [section(text)]));
      }
    }
  } catch (err) {
    const text = explain(err, args[0] ?? '', deps);
    await say(text, [section(escapeMrkdwn(text))]);
  }
}
