/**
 * The Slack app of the desk: one bolt App for agents and supervisors, mounted in the service's
 * express server at POST /slack/events (or connected by Socket Mode with SLACK_APP_TOKEN), and
 * the outbox that delivers the core's events to Slack. `createSlackEdge` wires it; the server's
 * composition root (src/server/app.ts) mounts and starts it when Slack keys are configured.
 */
import { App, ExpressReceiver, SocketModeReceiver, webApi, type Receiver } from '@slack/bolt';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../../src/config/schema';
import type { ComplaintService } from '../../src/domain/complaint-service';
import type { ChangeFeed, Clock, CursorStore, MessageStore } from '../../src/domain/ports';
import type { Taxonomy } from '../../src/domain/taxonomy-config';
import { DeliveryWorker, type DeliveryStore, type DeliveryWorkerOptions } from '../../src/jobs/delivery-worker';
import type { Lease } from '../../src/jobs/feed-worker';
import { MongoLease } from '../../src/store/mongo-lease';
import { MongoTicketQueries } from '../../src/store/mongo-ticket-queries';
import { Background } from './background';
import { tell, type SlackHandlerDeps } from './handlers/common';
import * as ids from './ids';
import { registerAppHome } from './handlers/app-home';
import { registerClaimTicket } from './handlers/claim-ticket';
import { registerComplaintsCommand } from './handlers/complaints-command';
import { registerMaliciousFlag } from './handlers/malicious-flag';
import { registerModalSubmissions } from './handlers/modal-submissions';
import { registerReturnVisits } from './handlers/return-visits';
import { registerThreadRelay } from './handlers/thread-relay';
import { registerTicketButtons } from './handlers/ticket-buttons';
import { SlackOutboxRelay } from './outbox-relay';
import { slackRequestGuard } from './request-guard';
import { loadRouting, type Routing } from './routing';
import { interactiveClientOptions, outboxClient, slackLogger, type SlackClientSettings } from './slack-api';
import { SlackStore } from './slack-store';
import { createSlackText } from './slack-text';
import { Supervisors } from './supervisors';
import { SlackSpikeAlerts } from './spike-alerts';
import { dashboardLink, DEV_DASHBOARD_SECRET } from '../../src/reports/dashboard-link';
import { reportLabels as reportLabelsFor } from '../../src/reports/labels';
import { buildQuarterlyReport } from '../../src/reports/quarterly-report';
import type { ReportService } from '../../src/reports/report-service';

export const SLACK_EVENTS_PATH = '/slack/events';

const KNOWN_ACTIONS = new Set(Object.entries(ids).filter(([k, v]) => k.endsWith('_ACTION_ID') && typeof v === 'string').map(([, v]) => v as string));
const KNOWN_VIEWS = new Set(Object.entries(ids).filter(([k, v]) => k.endsWith('_VIEW_ID') && typeof v === 'string').map(([, v]) => v as string));

export interface SlackEdgeDeps {
  config: Config;
  /** The reporting counters' queries (stats, the quarterly report, the dashboard). */
  reports: ReportService;
  logger: Logger;
  conn: Connection;
  complaints: ComplaintService;
  messages: MessageStore;
  taxonomy: Taxonomy;
  clock: Clock;
  feed: ChangeFeed;
  cursors: CursorStore;
  deliveries: DeliveryStore;
}

export interface SlackEdgeOptions {
  /** Retries of the handlers' Web API calls (tests: `{ retries: 0 }`). */
  retryConfig?: webApi.RetryOptions;
  /** Outbox worker settings (tests shorten backoffs and intervals). */
  outbox?: Partial<DeliveryWorkerOptions>;
  /** Lease of the outbox (default: one per database, `delivery:slack`). */
  lease?: Lease;
  /** Socket Mode client timeouts (tests). */
  socketMode?: { clientPingTimeout?: number; serverPingTimeout?: number };
}

export interface SlackEdge {
  mode: 'http' | 'socket';
  routing: Routing;
  /** Delivers the core's events to Slack. */
  worker: DeliveryWorker;
  mount(app: Express): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Wait for the work handlers started after acknowledging Slack (tests). */
  idle(): Promise<void>;
  /** Posts spike alerts to the escalation channel (null without one). */
  spikeAlerts: SlackSpikeAlerts | null;
}

/** Slack is on with the bot token and a way to receive requests: the signing secret, or an app token (Socket Mode). */
export function slackConfigured(config: Config): config is Config & { SLACK_BOT_TOKEN: string } {
  return !!config.SLACK_BOT_TOKEN && (!!config.SLACK_SIGNING_SECRET || !!config.SLACK_APP_TOKEN);
}

export function createSlackEdge(deps: SlackEdgeDeps, options: SlackEdgeOptions = {}): SlackEdge {
  const { config, conn, clock } = deps;
  if (!slackConfigured(config)) throw new Error('Slack is not configured (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)');
  const logger = deps.logger.child({ component: 'slack' });
  const routing = loadRouting({ file: config.SLACK_ROUTING_FILE, channel: config.SLACK_CHANNEL, escalationChannel: config.SLACK_ESCALATION_CHANNEL, reviewChannel: config.SLACK_REVIEW_CHANNEL });
  const text = createSlackText(config.SLACK_LANGUAGE, deps.taxonomy, config.SLA_TIMEZONE);
  const client: SlackClientSettings = { token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}) };
  const store = new SlackStore(conn);
  const interactive = new webApi.WebClient(client.token, interactiveClientOptions(client, logger));
  const supervisors = new Supervisors(config.SLACK_SUPERVISORS ?? { users: [], group: null }, interactive, logger);
  const background = new Background(logger);
  let identity: { botId: string; botUserId: string } | null = null;

  // ---- receiving: HTTP (signed requests) or Socket Mode --------------------------------------
  const socket = !!config.SLACK_APP_TOKEN;
  const router = express.Router();
  let receiver: Receiver;
  if (socket) {
    receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN!,
      logger: slackLogger(logger),
      ...(options.socketMode ?? {}),
      installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL } },
    });
  } else {
    const signingSecret = config.SLACK_SIGNING_SECRET!;
    router.post(SLACK_EVENTS_PATH, slackRequestGuard({ signingSecret, firstSighting: (k, at) => store.firstSighting(k, at), logger }));
    receiver = new ExpressReceiver({ signingSecret, endpoints: SLACK_EVENTS_PATH, processBeforeResponse: true, router, logger: slackLogger(logger) });
  }
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: client.token, ...(identity ? { botId: identity.botId, botUserId: identity.botUserId } : {}) }),
    clientOptions: interactiveClientOptions(client, logger),
    logger: slackLogger(logger),
  });

  // Slack's retries of an event (same event_id) are handled once.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await store.firstSighting(`ev:${eventId}`, clock.now()))) return;
    await next();
  });

  // Buttons and views of other (older, foreign) versions get a clear answer, never a silent timeout.
  app.use(async (args) => {
    const body = args.body as { type?: string; actions?: Array<{ action_id?: string }>; view?: { callback_id?: string }; user?: { id?: string }; channel?: { id?: string } };
    const ack = (args as { ack?: (r?: unknown) => Promise<void> }).ack;
    if (body.type === 'block_actions' && ack && !(body.actions ?? []).every((a) => KNOWN_ACTIONS.has(a.action_id ?? ''))) {
      await ack();
      if (body.user?.id) background.run('unknown action', () => tell(interactive, { channel: body.channel?.id ?? null, user: body.user!.id! }, text.m.reply.badAction, logger));
      return;
    }
    if ((body.type === 'view_submission' || body.type === 'view_closed') && ack && !KNOWN_VIEWS.has(body.view?.callback_id ?? '')) {
      await ack();
      return;
    }
    await args.next();
  });

  const reportLabels = reportLabelsFor(deps.taxonomy, config.SLACK_LANGUAGE);
  const handlerDeps: SlackHandlerDeps = {
    complaints: deps.complaints,
    queries: new MongoTicketQueries(conn),
    reports: {
      service: deps.reports,
      dashboardLink: (userId) =>
        dashboardLink(config.PUBLIC_URL ?? `http://localhost:${config.PORT}`, config.DASHBOARD_SECRET ?? DEV_DASHBOARD_SECRET, `slack:${userId}`, clock.now(), config.DASHBOARD_LINK_MINUTES),
      quarterlyReport: (range) => buildQuarterlyReport(deps.reports, range, reportLabels, { currency: config.REPORT_CURRENCY }),
    },
    store,
    text,
    supervisors,
    background,
    logger,
    clock,
    thread: { threadDefault: config.SLACK_THREAD_DEFAULT, sendPrefix: config.SLACK_SEND_PREFIX, notePrefix: config.SLACK_NOTE_PREFIX },
    botUserId: () => identity?.botUserId ?? null,
  };
  registerClaimTicket(app, handlerDeps);
  registerTicketButtons(app, handlerDeps);
  registerModalSubmissions(app, handlerDeps);
  registerReturnVisits(app, handlerDeps);
  registerThreadRelay(app, handlerDeps);
  registerAppHome(app, handlerDeps);
  registerComplaintsCommand(app, handlerDeps);
  registerMaliciousFlag(app, handlerDeps);
  app.error(async (err) => {
    logger.error({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'slack: handler failed');
  });

  // ---- delivering: the outbox --------------------------------------------------------------
  const outbox = outboxClient(client, logger);
  const worker = new DeliveryWorker(
    new SlackOutboxRelay({
      client: outbox,
      store,
      complaints: deps.complaints,
      messages: deps.messages,
      deliveries: deps.deliveries,
      routing,
      text,
      clock,
      supervisorMention: supervisors.mention(),
      supervisorIds: config.SLACK_SUPERVISORS?.users ?? [],
      tierMentions: [mentionAll(config.SLACK_TEAM_LEADS), mentionAll(config.SLACK_COMPLAINT_CENTRE)],
      returnVisitChannel: config.SLACK_RETURN_VISIT_CHANNEL ?? null,
    }),
    deps.feed,
    deps.cursors,
    deps.deliveries,
    logger,
    { ratePerSecond: config.SLACK_RATE_PER_CHANNEL, lease: options.lease ?? new MongoLease(conn, 'delivery:slack'), ...options.outbox },
  );

  const spikeAlerts = routing.escalationChannel
    ? new SlackSpikeAlerts({ client: outbox, channel: routing.escalationChannel, text, supervisorMention: supervisors.mention() })
    : null;

  let stopped = false;
  let trimmer: NodeJS.Timeout | null = null;
  const whoAmI = async (attempt = 0): Promise<void> => {
    if (stopped) return;
    try {
      const res = await interactive.auth.test();
      identity = { botId: String(res.bot_id ?? ''), botUserId: String(res.user_id ?? '') };
      logger.info({ botUserId: identity.botUserId, team: res.team_id }, 'slack: connected as the app\'s bot user');
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'slack: auth.test failed; retrying (bot messages are still never relayed)');
      setTimeout(() => void whoAmI(attempt + 1), Math.min(1000 * 2 ** attempt, 60_000)).unref();
    }
  };

  return {
    mode: socket ? 'socket' : 'http',
    routing,
    worker,
    mount(expressApp: Express) {
      if (!socket) expressApp.use(router);
    },
    async start() {
      void whoAmI();
      worker.start();
      // Sightings (event ids, signatures) only matter for minutes: trim them now and then.
      trimmer = setInterval(() => void store.trimSightings(new Date(clock.now().getTime() - 60 * 60_000)).catch(() => undefined), 10 * 60_000);
      trimmer.unref();
      if (socket) await app.start();
      logger.info({ mode: socket ? 'socket' : 'http', channel: routing.defaultChannel, routes: routing.routes.length, escalation: routing.escalationChannel }, 'slack app on');
    },
    async stop() {
      stopped = true;
      if (trimmer) clearInterval(trimmer);
      await worker.stop();
      await background.idle();
      if (socket) await app.stop().catch(() => undefined);
    },
    idle: () => background.idle(),
    spikeAlerts,
  };
}

/** Slack users (`U…`, `W…`) and user groups (`S…`) as mentions; null when none are configured. */
function mentionAll(ids: string[] | undefined): string | null {
  if (!ids?.length) return null;
  return ids.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(' ');
}
