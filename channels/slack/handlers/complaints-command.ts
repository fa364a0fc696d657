/**
 * `/complaints` for agents and supervisors: help, status, mine, search for everyone; survey (the
 * satisfaction survey of a resolved ticket, sent by hand when SURVEY_AUTO=false, or again) for the
 * ticket's owner or a supervisor; overdue and stats for supervisors only (others get a polite refusal). Answers are ephemeral Block Kit in
 * the app's language, sent through the command's response URL after the acknowledgement (the
 * queries behind overdue, stats and search may take longer than Slack's 3 s).
 */
import type { App, RespondFn, webApi } from '@slack/bolt';
import { OPEN_STATUSES } from '../../../src/domain/state-machine';
import { parseTicketNumber } from '../../../src/domain/ticket';
import { parsePeriod, PeriodError, type DayRange } from '../../../src/reports/periods';
import { BREAKDOWNS, type Breakdown } from '../../../src/reports/report-service';
import type { QuarterlyReport } from '../../../src/reports/quarterly-report';
import { statsBlocks, ticketList } from '../blocks/lists';
import { escapeMrkdwn, mention, slackDate } from '../blocks/mrkdwn';
import { createTicketCard } from '../blocks/ticket-card';
import { agentOf, explain, type SlackHandlerDeps } from './common';
import { applyFlag, openFlagModal } from './malicious-flag';

const DIMENSIONS: readonly Breakdown[] = BREAKDOWNS;

/**
 * Parse `stats` arguments: a period (default this month; the periods of the reports, e.g. `today`,
 * `last-month`, `2026Q4`, `2026-11`, `2026-11-01..2026-11-15`) and an optional `by <dimension>`.
 */
export function parseStatsArgs(args: string[], now: Date, timeZone: string): { range: DayRange; by: Breakdown | null; label: [string, string] } | null {
  let rest = [...args];
  let by: Breakdown | null = null;
  const byAt = rest.findIndex((a) => a.toLowerCase() === 'by');
  if (byAt >= 0) {
    const dim = rest[byAt + 1]?.toLowerCase() as Breakdown | undefined;
    if (!dim || !DIMENSIONS.includes(dim) || rest.length > byAt + 2) return null;
    by = dim;
    rest = rest.slice(0, byAt);
  }
  if (rest.length > 1) return null;
  try {
    const range = parsePeriod(rest[0], now, timeZone, 'month');
    return { range, by, label: [range.from, range.to] };
  } catch (err) {
    if (err instanceof PeriodError) return null;
    throw err;
  }
}

export function registerComplaintsCommand(app: App, deps: SlackHandlerDeps): void {
  app.command('/complaints', async ({ ack, command, respond, client }) => {
    await ack();
    deps.background.run('/complaints', () => answer(command.text ?? '', command.user_id, respond, deps, { client, channel: command.channel_id, triggerId: command.trigger_id, userName: command.user_name }));
  });
}

async function answer(input: string, userId: string, respond: RespondFn, deps: SlackHandlerDeps, where: { client: webApi.WebClient; channel: string; triggerId?: string; userName?: string }): Promise<void> {
  const c = deps.text.m.command;
  const say = (text: string, blocks?: unknown[]) => respond({ response_type: 'ephemeral', text, ...(blocks ? { blocks: blocks as never } : {}) });
  const words = input.trim().split(/\s+/).filter(Boolean);
  const sub = (words[0] ?? 'help').toLowerCase();
  const args = words.slice(1);
  const now = deps.clock.now();
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  try {
    switch (sub) {
      case 'help': {
        const help = `${c.help}\n${deps.text.m.watch.command.help}`;
        return void (await say(help, [section(help)]));
      }
      case 'flag':
      case 'unflag': {
        // Supervisors: with a reason at once, without one through the modal (which requires it).
        const number = args[0] ?? '';
        const unflag = sub === 'unflag';
        const w = deps.text.m.watch;
        if (!parseTicketNumber(number)) return void (await say(w.command.usage(sub), [section(w.command.usage(sub))]));
        if (!(await deps.supervisors.has(userId))) return void (await say(w.reply.supervisorsOnly, [section(w.reply.supervisorsOnly)]));
        const reason = args.slice(1).join(' ').trim();
        if (!reason) {
          if (where.triggerId) await openFlagModal(where.client, { triggerId: where.triggerId, user: userId, channel: where.channel, number, unflag }, deps);
          return;
        }
        const done = await applyFlag({ user: { id: userId, ...(where.userName ? { username: where.userName } : {}) }, number, reason, unflag }, deps);
        return void (await say(done, [section(escapeMrkdwn(done))]));
      }
      case 'status': {
        const number = args[0] ?? '';
        if (!parseTicketNumber(number)) return void (await say(c.statusUsage, [section(c.statusUsage)]));
        const t = await deps.complaints.get(number);
        const card = createTicketCard(t, deps.text, now);
        return void (await say(card.text, card.blocks.filter((b) => b.type !== 'actions')));
      }
      case 'survey': {
        const number = args[0] ?? '';
        if (!parseTicketNumber(number)) return void (await say(c.surveyUsage, [section(c.surveyUsage)]));
        const t = await deps.complaints.get(number);
        if (t.owner && t.owner.id !== userId && !(await deps.supervisors.has(userId))) {
          const text = deps.text.m.reply.notYourTicket(number);
          return void (await say(text, [section(escapeMrkdwn(text))]));
        }
        const sent = await deps.complaints.sendSurvey(number, agentOf({ id: userId }));
        const text = c.surveySent(number, sent.survey ? slackDate(sent.survey.dueAt, deps.text.timeZone) : '—');
        return void (await say(text, [section(text)]));
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
      case 'report':
      case 'dashboard':
      case 'stats': {
        if (!(await deps.supervisors.has(userId))) return void (await say(c.supervisorsOnly(sub), [section(c.supervisorsOnly(sub))]));
        if (sub === 'overdue') {
          const tickets = (await deps.queries.overdue(now, 500)).filter((t) => OPEN_STATUSES.includes(t.status));
          if (!tickets.length) return void (await say(c.noneOverdue, [section(escapeMrkdwn(c.noneOverdue))]));
          return void (await say(c.overdue(tickets.length), ticketList(c.overdue(tickets.length), tickets, tickets.length, deps.text, now)));
        }
        if (sub === 'dashboard') {
          const link = deps.reports.dashboardLink(userId);
          const text = c.dashboardLink(link.url, slackDate(link.expiresAt, deps.text.timeZone));
          return void (await say(text, [section(text)]));
        }
        if (sub === 'report') {
          if (args.length > 1) return void (await say(c.badRange, [section(c.badRange)]));
          let range: DayRange;
          try {
            range = parsePeriod(args[0], now, deps.text.timeZone, 'last-quarter');
          } catch (err) {
            if (err instanceof PeriodError) return void (await say(c.badRange, [section(c.badRange)]));
            throw err;
          }
          await say(c.reportWorking(range.label));
          const report = await deps.reports.quarterlyReport(range);
          const posted = await postReport(report, userId, where, deps);
          const text = posted.ok ? c.reportPosted(posted.where) : c.reportFailed(posted.why);
          return void (await say(text, [section(text)]));
        }
        // Counted as tickets change (src/reports): the same cost whatever the number of tickets.
        const request = parseStatsArgs(args, now, deps.text.timeZone);
        if (!request) return void (await say(c.badRange, [section(c.badRange)]));
        const rows = await deps.reports.service.stats(request.range, request.by);
        const title = c.statsTitle(request.label[0], request.label[1], request.by ? (c.dimension[request.by] ?? request.by) : '');
        return void (await say(title, statsBlocks(rows, title, request.by, deps.text)));
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

/** Slack's answers that mean "the app may not post here": the report goes to the user's direct messages instead. */
const NOT_HERE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * Post the report where the command was given (the chart and the CSV with the report's text as the
 * comment), or in a direct message to the supervisor when the app may not post there.
 */
async function postReport(r: QuarterlyReport, userId: string, where: { client: webApi.WebClient; channel: string }, deps: SlackHandlerDeps): Promise<{ ok: true; where: string } | { ok: false; why: string }> {
  const comment = reportComment(r, deps);
  const upload = (channel: string) =>
    where.client.files.uploadV2({
      channel_id: channel,
      initial_comment: comment,
      file_uploads: [
        { file: r.png, filename: r.files.png, title: r.title },
        { file: Buffer.from(r.csv, 'utf8'), filename: r.files.csv, title: `${r.title} (CSV)` },
      ],
    });
  try {
    await upload(where.channel);
    return { ok: true, where: `<#${where.channel}>` };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (!code || !NOT_HERE.has(code)) {
      deps.logger.warn({ err: { message: (err as Error).message, code } }, 'slack: report upload failed');
      return { ok: false, why: code ?? (err as Error).message };
    }
  }
  try {
    const dm = await where.client.conversations.open({ users: userId });
    const channel = String(dm.channel?.id ?? '');
    await upload(channel);
    return { ok: true, where: mention(userId) };
  } catch (err) {
    deps.logger.warn({ err: { message: (err as Error).message } }, 'slack: report upload to a direct message failed');
    return { ok: false, why: (err as { data?: { error?: string } }).data?.error ?? (err as Error).message };
  }
}

/** The report's text as the upload's comment: escaped (product names are customers' words), at most 3,500 characters. */
function reportComment(r: QuarterlyReport, deps: SlackHandlerDeps): string {
  const lines = [`*${escapeMrkdwn(r.title)}*`];
  for (const s of r.sections) {
    lines.push('', `*${escapeMrkdwn(s.title)}*`);
    for (const l of s.lines) lines.push(`• ${escapeMrkdwn(l)}`);
  }
  lines.push('', deps.text.m.command.reportFiles);
  const text = lines.join('\n');
  return text.length > 3500 ? `${text.slice(0, 3499)}…` : text;
}
