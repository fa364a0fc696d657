/** What every Slack handler shares: its dependencies, who acts, and how refusals are told. */
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ComplaintService } from '../../../src/domain/complaint-service';
import { DomainError } from '../../../src/domain/errors';
import type { Clock } from '../../../src/domain/ports';
import type { Actor } from '../../../src/domain/ticket';
import type { TicketQueries } from '../../../src/domain/ticket-queries';
import type { DayRange } from '../../../src/reports/periods';
import type { QuarterlyReport } from '../../../src/reports/quarterly-report';
import type { ReportService } from '../../../src/reports/report-service';
import type { Background } from '../background';
import { mention } from '../blocks/mrkdwn';
import type { SlackStore } from '../slack-store';
import type { SlackText } from '../slack-text';
import type { Supervisors } from '../supervisors';

export interface ThreadSettings {
  /** What a plain thread reply is. */
  threadDefault: 'internal' | 'customer';
  sendPrefix: string;
  notePrefix: string;
}

/** Reporting as the Slack app uses it: counters for `stats`, the quarterly report, dashboard links. */
export interface SlackReporting {
  service: ReportService;
  /** A signed dashboard link for a Slack user. */
  dashboardLink(userId: string): { url: string; expiresAt: Date };
  /** The quarterly distribution report in the app's language. */
  quarterlyReport(range: DayRange): Promise<QuarterlyReport>;
}

export interface SlackHandlerDeps {
  complaints: ComplaintService;
  queries: TicketQueries;
  reports: SlackReporting;
  store: SlackStore;
  text: SlackText;
  supervisors: Supervisors;
  background: Background;
  logger: Logger;
  clock: Clock;
  thread: ThreadSettings;
  /** The app's own bot user, once known (its posts are never relayed). */
  botUserId(): string | null;
}

/** The Slack user as the core's actor: recorded by user ID, shown by name. */
export function agentOf(user: { id: string; username?: string; name?: string; user_name?: string }): Actor {
  const name = user.username ?? user.name ?? user.user_name;
  return { kind: 'agent', id: user.id, ...(name ? { name } : {}) };
}

/** A refusal or failure as one clear sentence for the person who acted. */
export function explain(err: unknown, number: string, deps: Pick<SlackHandlerDeps, 'text' | 'logger'>): string {
  const r = deps.text.m.reply;
  if (err instanceof DomainError) {
    switch (err.code) {
      case 'ticket.already_claimed':
        return r.alreadyClaimed(number, mention(String(err.details.ownerId ?? '')));
      case 'ticket.not_owner':
        return r.notOwner(number);
      case 'ticket.not_found':
        return r.notFound(number);
      case 'store.unavailable':
      case 'store.overloaded':
        return r.unavailable;
      default:
        return r.refused(number, err.message);
    }
  }
  deps.logger.error({ err: { message: (err as Error)?.message }, ticket: number }, 'slack: action failed');
  return r.failed;
}

/**
 * Tell one person something only they see: ephemeral in the channel (in the thread when given),
 * or in a direct message from the app when the channel will not take it.
 */
export async function tell(client: webApi.WebClient, where: { channel: string | null; user: string; threadTs?: string | null }, text: string, logger: Logger): Promise<void> {
  try {
    if (where.channel) {
      await client.chat.postEphemeral({ channel: where.channel, user: where.user, text, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
      return;
    }
  } catch (err) {
    logger.warn({ err: { message: (err as Error).message } }, 'slack: ephemeral message refused; sending a direct message instead');
  }
  try {
    await client.chat.postMessage({ channel: where.user, text });
  } catch (err) {
    logger.warn({ err: { message: (err as Error).message } }, 'slack: could not tell the user');
  }
}
