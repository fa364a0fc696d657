/** Lists of tickets (App Home, `/complaints mine|overdue|search`) and the `stats` figures, as Block Kit. */
import type { types } from '@slack/bolt';
import { nextDue, type StatsRow, type TicketSummary } from '../../../src/domain/ticket-queries';
import type { SlackText } from '../slack-text';
import { escapeMrkdwn, mention, slackDate } from './mrkdwn';

type KnownBlock = types.KnownBlock;

/** At most this many tickets in one list (a message holds 50 blocks). */
export const LIST_LIMIT = 20;

export function ticketLine(t: TicketSummary, text: SlackText, now: Date): string {
  const m = text.m;
  const due = nextDue(t);
  const when = due ? `${due.getTime() < now.getTime() ? ':rotating_light: ' : ''}${m.home.due(slackDate(due, text.timeZone))}` : m.home.noDue;
  const owner = t.owner ? ` · ${mention(t.owner.id)}` : '';
  const risk = t.highRisk ? ' :warning:' : '';
  return `*${t.number}* · ${escapeMrkdwn(text.severity(t.severity))} · ${escapeMrkdwn(text.category(t.category))} · ${escapeMrkdwn(m.status[t.status])}${owner}${risk} · ${when}`;
}

export function ticketList(title: string, tickets: TicketSummary[], total: number, text: SlackText, now: Date): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(title)}*` } }];
  for (const t of tickets.slice(0, LIST_LIMIT)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: ticketLine(t, text, now) } });
  if (total > LIST_LIMIT) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(text.m.command.more(total - LIST_LIMIT)) }] });
  return blocks;
}

export function homeView(tickets: TicketSummary[], total: number, text: SlackText, now: Date): types.HomeView {
  const m = text.m.home;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: m.title, emoji: true } }];
  if (!tickets.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(m.empty) } });
  else blocks.push(...ticketList(`${m.title} (${total})`, tickets, total, text, now).slice(1));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.updated(slackDate(now, text.timeZone)) }] });
  return { type: 'home', blocks };
}

export function statsBlocks(rows: StatsRow[], title: string, by: string | null, text: SlackText): KnownBlock[] {
  const c = text.m.command;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(title)}*` } }];
  if (!rows.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(c.noTickets) } });
    return blocks;
  }
  const [, filed, open, resolved, rejected, late] = c.statsHeader;
  const label = (g: string) => {
    if (by === 'agent') return g === '-' ? '—' : mention(g);
    if (by === 'category' && g !== '-') return escapeMrkdwn(text.category(g as never));
    if (by === 'severity' && g !== '-') return escapeMrkdwn(text.severity(g as never));
    return escapeMrkdwn(g === 'all' ? '' : g);
  };
  const total = rows.reduce((a, r) => ({ filed: a.filed + r.filed, open: a.open + r.open, resolved: a.resolved + r.resolved, rejected: a.rejected + r.rejected, late: a.late + r.late }), { filed: 0, open: 0, resolved: 0, rejected: 0, late: 0 });
  const line = (name: string, r: Omit<StatsRow, 'group'>) => `${name ? `${name}: ` : ''}${filed} *${r.filed}* · ${open} ${r.open} · ${resolved} ${r.resolved} · ${rejected} ${r.rejected} · ${late} ${r.late}`;
  const lines = by ? rows.slice(0, 40).map((r) => `• ${line(label(r.group), r)}`) : [];
  lines.push(line(by ? 'Σ' : '', total));
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } });
  return blocks;
}
