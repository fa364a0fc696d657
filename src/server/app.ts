/**
 * Composition root: config → logger → database → core services → express → listen.
 * `startServer` returns a handle whose `stop()` stops accepting, lets in-flight requests
 * finish (up to SHUTDOWN_TIMEOUT_MS), closes the database and stops the embedded child.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { Classifier } from '../domain/classification';
import { loadTaxonomy, type Taxonomy } from '../domain/taxonomy-config';
import { systemClock, type Clock } from '../domain/ports';
import { createLogger, pathOnly, safeError } from '../logging/logger';
import { PolicySlaPlanner } from '../sla/sla-planner';
import { FeedWorker } from '../jobs/feed-worker';
import { openDatabase, type Database } from '../store/database';
import type { MongoTicketRepository } from '../store/mongo-ticket-repository';
import { MongoLease } from '../store/mongo-lease';
import { MongoRetention } from '../store/mongo-retention';
import { startPeriodic } from '../jobs/periodic';
import type { ComplaintService } from '../domain/complaint-service';
import { composeCore, type Core } from './compose-core';
import type { AlertSink } from '../reports/ports';
import type { ReportService } from '../reports/report-service';
import { DEV_DASHBOARD_SECRET } from '../reports/dashboard-link';
import { dashboardRouter } from './routes/dashboard';
import { rateLimit } from 'express-rate-limit';
import { errorMiddleware, HttpError, notFoundHandler } from './http-error';
import { createMetrics, metricsMiddleware, metricsObserver, type Metrics } from './metrics';
import { openApiDocument } from './openapi';
import { complaintsRouter, methodNotAllowed } from './routes/complaints';
import { personalDataRouter } from './routes/personal-data';
import { DEV_CONTACT_SECRET } from '../config/dev-keys';
import { loadClassifier } from './classifier-factory';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../jobs/delivery-worker';
import { CustomerDelivery, type CustomerChannelPort } from '../jobs/customer-delivery';
import { MongoDeliveryStore } from '../store/mongo-deliveries';
import { NoticeDelivery } from '../jobs/notice-delivery';
import { SmtpMailer } from '../notify/smtp-mailer';
import { HttpNoticeWebhook } from '../notify/webhook';
import { MongoMessageStore } from '../store/mongo-messages';
import { createSlackEdge, slackConfigured, type SlackEdge, type SlackEdgeOptions } from '../../channels/slack';
import { createCustomerEdges, type CustomerEdges, type CustomerEdgesOptions } from '../../channels/customer-edges';
import type { CustomerChannel } from '../../channels/customer-channel';

export interface ServerHandle {
  app: Express;
  server: http.Server;
  url: string;
  port: number;
  config: Config;
  logger: Logger;
  database: Database;
  complaints: ComplaintService;
  repository: MongoTicketRepository;
  /** The feed handlers (audit, projection, feedback) and the filing repair. */
  effects: { worker: FeedWorker; drain(): Promise<void>; repairFilings(graceMs?: number): Promise<number> };
  /** Run a background job now (tests, operators). */
  jobs: { repairFilings(): Promise<void>; retention(): Promise<void>; scan(): Promise<number>; reports(): Promise<void> };
  /** The durable scheduler (due index and its scanner). */
  scheduler: { due: import('../store/mongo-due-index').MongoDueIndex; scanner: import('../jobs/due-scanner').DueScanner };
  /** Reporting counters, their queries and spike alerts. */
  reports: Core['reports'];
  metrics: Metrics;
  /** The Slack app (null when SLACK_BOT_TOKEN/SLACK_SIGNING_SECRET are not set). */
  slack: SlackEdge | null;
  /** Delivery of agents' messages to customers on their channels. */
  customerDelivery: DeliveryWorker;
  /** Delivery of result notices and survey requests (channel, e-mail, webhook). */
  noticeDelivery: DeliveryWorker;
  /** Where customers talk to the service (Bot Framework, Direct Line, widget) and how to reach them again. */
  customerEdges: CustomerEdges;
  customerChannels: CustomerChannel[];
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  classifier?: Classifier;
  /** Interval of the filing repair (filings committed but not in the change feed after a crash); 0 disables. */
  sweepIntervalMs?: number;
  customerEdges?: CustomerEdgesOptions;
  /** How often feed handlers look for changes committed by other instances (ms); 0: only when this process commits. */
  feedIntervalMs?: number;
  /** Last ticket sequence of a year (tests lower it to reach the cap). */
  maxTicketSeq?: number;
  /** Interval of the scheduler's scan (ms); 0 disables the timer (tests call `jobs.scan()`). Default SLA_SCAN_INTERVAL_SECONDS. */
  scanIntervalMs?: number;
  /** Interval of the retention job (ms); 0 disables the timer. Default RETENTION_INTERVAL_MINUTES. */
  retentionIntervalMs?: number;
  /** Where spike alerts are told besides the log (tests; the Slack app adds the escalation channel itself). */
  alertSinks?: AlertSink[];
  /** Interval of the reporting upkeep (rebuild requests, alerts not told yet) (ms); 0 disables the timer. */
  reportUpkeepIntervalMs?: number;
  /** Slack app settings for tests (Web API retries, outbox timings). */
  slack?: SlackEdgeOptions;
  /** The customer channels agents' messages are delivered on (the customer edges provide them). */
  customerChannels?: CustomerChannelPort[];
  /** Settings of the customer delivery worker (tests shorten its timings). */
  customerDelivery?: Partial<DeliveryWorkerOptions>;
  /** Settings of the notice delivery worker (tests shorten its timings). */
  noticeDelivery?: Partial<DeliveryWorkerOptions>;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<ServerHandle> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const sla = PolicySlaPlanner.fromSettings({
    preset: config.SLA_PRESET,
    policyFile: config.SLA_POLICY_FILE,
    timeZone: config.SLA_TIMEZONE,
    region: config.SLA_CALENDAR_REGION,
    calendarDir: config.SLA_CALENDAR_DIR,
    businessHours: config.SLA_BUSINESS_HOURS,
    warningPoints: config.SLA_WARNING_POINTS,
    // Warnings of working-time deadlines: inside these hours on working days (the business hours when set).
    notifyHours: config.SLA_NOTIFY_HOURS ?? (config.SLA_BUSINESS_HOURS ? undefined : '09:00-18:00'),
  });
  const uncovered = sla.uncoveredYearsAhead(clock.now());
  if (uncovered.length) {
    logger.warn({ years: uncovered, region: config.SLA_CALENDAR_REGION }, 'no holiday calendar for these years: working days fall back to Monday–Friday');
  }
  const classifier = options.classifier ?? loadClassifier(config, logger);
  const taxonomy = loadTaxonomy(config.TAXONOMY_FILE);

  const database = await openDatabase(
    {
      uri: config.MONGODB_URI,
      dbName: config.MONGODB_DB,
      dataDir: config.DATA_DIR,
      embeddedPort: config.EMBEDDED_DB_PORT,
      timeoutMs: config.DB_TIMEOUT_MS,
    },
    logger,
  );
  const conn = database.conn;
  const metrics = createMetrics();
  // Where spike alerts go besides the log (the Slack app adds the escalation channel).
  const alertSinks: AlertSink[] = [...(options.alertSinks ?? [])];
  const core = composeCore(
    conn,
    {
      timeZone: config.SLA_TIMEZONE,
      confidenceThreshold: config.CLASSIFIER_CONFIDENCE_THRESHOLD,
      recurrenceWindowDays: config.RECURRENCE_WINDOW_DAYS,
      contactHashSecret: config.CONTACT_HASH_SECRET ?? DEV_CONTACT_SECRET,
      auditSecret: config.AUDIT_SECRET,
      lookupMaxFailures: config.LOOKUP_MAX_FAILURES,
      lookupLast4FreeFailures: config.LOOKUP_LAST4_FREE_FAILURES,
      writeQueueLimit: config.WRITE_QUEUE_LIMIT,
      feedIntervalMs: options.feedIntervalMs,
      maxTicketSeq: options.maxTicketSeq,
      followUp: {
        surveyAuto: config.SURVEY_AUTO,
        surveyTimeoutDays: config.SURVEY_TIMEOUT_DAYS,
        appealDays: config.APPEAL_DAYS,
        returnVisitRate: config.RETURN_VISIT_RATE,
        returnVisitDays: config.RETURN_VISIT_DAYS,
      },
      spike: { factor: config.SPIKE_FACTOR, minCount: config.SPIKE_MIN_COUNT, baselineDays: config.SPIKE_BASELINE_DAYS },
      maliciousSuggestAfter: config.MALICIOUS_SUGGEST_REJECTIONS,
      retentionClosedDays: config.RETENTION_CLOSED_TICKET_DAYS,
      onNumbersExhausted: (year) => {
        metrics.numbersExhausted.set({ year: String(year) }, 1);
        logger.error({ year }, 'ALERT: every ticket number of the year is used; filing is refused until an operator acts (see docs/operations.md)');
      },
    },
    // A customer's erasure reaches the chats their tickets came from, through the customer edges' stores (composed below).
    { classifier, sla, clock, logger, observer: metricsObserver(metrics), alertSinks, conversations: { erase: (ref: string) => customerEdges.records.erase(ref) } },
  );
  const { reports } = core;
  const { complaints, repository, worker } = core;
  if (!config.CONTACT_HASH_SECRET) {
    logger.warn('CONTACT_HASH_SECRET is not set: contacts and personal values are hashed with a built-in development key');
  }
  if (!config.API_KEYS) {
    logger.warn('API_KEYS is not set: POST /api/complaints is open to anyone (allowed outside production only)');
  }
  if (!config.AUDIT_SECRET) {
    logger.warn('AUDIT_SECRET is not set: audit hashes are plain SHA-256, so whoever can write to the database can rebuild the chain');
  }
  const repair = core.repairFilings;
  const effects = {
    worker,
    drain: async () => {
      await complaints.settled();
      await worker.drain();
      await reports.worker.drain();
      await reports.spikes.settled();
    },
    repairFilings: repair,
  };
  const jobs = { repairFilings: async () => {}, retention: async () => {}, scan: async () => 0, reports: async () => {} };

  const customerEdges = createCustomerEdges({ config, logger, conn, complaints, taxonomy, clock }, options.customerEdges);

  // Deliveries that follow the feed: agents' messages to customers, and (when configured) Slack.
  const deliveries = new MongoDeliveryStore(conn);
  const messages = new MongoMessageStore(conn);
  const customerDelivery = new DeliveryWorker(
    new CustomerDelivery({ channels: options.customerChannels ?? customerEdges.channels, tickets: complaints, messages }),
    repository.feed,
    core.cursors,
    deliveries,
    logger,
    { ratePerSecond: 10, maxAttempts: 6, backoffMs: 2000, lease: new MongoLease(conn, 'delivery:customer'), ...options.customerDelivery },
  );
  core.onCommit(() => customerDelivery.kick());
  // Result notices and survey requests: the customer's channel, e-mail when it cannot reach them, the filing system's webhook for API complaints.
  const mailer = config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.SMTP_FROM) : null;
  const notices = new NoticeDelivery({
    tickets: complaints,
    messages,
    channels: options.customerChannels ?? customerEdges.channels,
    mailer,
    webhook: config.NOTICE_WEBHOOK_URL && config.NOTICE_WEBHOOK_SECRET ? new HttpNoticeWebhook(config.NOTICE_WEBHOOK_URL, config.NOTICE_WEBHOOK_SECRET) : null,
    record: (number, id, outcome) => complaints.recordNotice(number, id, outcome),
  });
  const noticeDelivery = new DeliveryWorker(notices, repository.feed, core.cursors, deliveries, logger, {
    ratePerSecond: 10,
    maxAttempts: 8,
    backoffMs: 5000,
    lease: new MongoLease(conn, 'delivery:notices'),
    ...options.noticeDelivery,
    onSettled: (d, outcome) => {
      // Retries used up: the ticket records that the notice did not arrive.
      notices.settled(d, outcome).catch((err: unknown) => logger.warn({ err: { message: (err as Error).message }, ticket: d.key }, 'notice: its failure could not be recorded on the ticket'));
      options.noticeDelivery?.onSettled?.(d, outcome);
    },
  });
  core.onCommit(() => noticeDelivery.kick());
  let slack: SlackEdge | null = null;
  if (slackConfigured(config)) {
    slack = createSlackEdge({ config, logger, conn, complaints, messages, taxonomy, clock, feed: repository.feed, cursors: core.cursors, deliveries, reports: reports.service }, options.slack);
    const edge = slack;
    // Spike alerts go to the escalation channel too.
    if (edge.spikeAlerts) alertSinks.push(edge.spikeAlerts);
    core.onCommit(() => edge.worker.kick());
  } else {
    logger.info('Slack is off: set SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_CHANNEL to send tickets to agents in Slack (customers can complain all the same)');
  }

  const dashboardSecret = config.DASHBOARD_SECRET ?? DEV_DASHBOARD_SECRET;
  if (!config.DASHBOARD_SECRET) logger.warn('DASHBOARD_SECRET is not set: dashboard links are signed with a built-in development key (allowed outside production only)');
  const app = buildApp({ config, logger, metrics, complaints, database, taxonomy, slack, customerEdges, reports: reports.service, dashboardSecret });

  // Give the database a moment so the first requests do not meet a 503; if it is still away
  // after DB_TIMEOUT_MS, listen anyway (requests answer 503 and /readyz says why until it comes).
  const connected = await Promise.race([database.ready.then(() => true), delay(config.DB_TIMEOUT_MS).then(() => false)]);
  if (!connected) logger.warn({ db: database.displayUri }, 'database not reachable yet: serving 503 until it is');

  const server = http.createServer(app);
  server.on('upgrade', (req, socket, head) => {
    if (!customerEdges.handleUpgrade(req, socket, head)) socket.destroy();
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  logger.info({ port, db: database.displayUri, embeddedDb: database.embedded, classifier: classifier.version, sla: sla.preset }, 'complaint desk listening');

  // Work that waits for the database gives up when the service stops first: a stop never hangs on
  // a database that is away (and nothing starts after the stop, when close() ends the connect loop).
  let stopping: Promise<void> | null = null;
  let markStopping!: () => void;
  const stoppingSignal = new Promise<false>((resolve) => (markStopping = () => resolve(false)));
  const databaseReady = (): Promise<boolean> => Promise.race([database.ready.then(() => stopping === null), stoppingSignal]);

  // Effects follow the change feed (and catch up on start); the filing repair covers filings
  // whose writer died before they reached the feed; retention trims the support collections.
  void databaseReady().then((ready) => {
    if (!ready) return;
    worker.start();
    reports.worker.start();
    customerDelivery.start();
    noticeDelivery.start();
  });
  if (slack) {
    const edge = slack;
    await database.ready.then(() => edge.start()).catch((err: unknown) => logger.error({ err: { message: (err as Error).message } }, 'slack: the app did not start; tickets wait in the outbox'));
  }
  const repairJob = startPeriodic(
    'filing repair',
    options.sweepIntervalMs ?? 60_000,
    async () => {
      if (!(await databaseReady())) return;
      const repaired = await repair();
      if (repaired) logger.warn({ repaired }, 'filing repair: announced filings a crashed writer left out of the change feed');
    },
    logger,
    new MongoLease(conn, 'filing-repair'),
  );
  // The durable scheduler: SLA warnings and escalations (and follow-up work) when due, under a lease.
  const scanJob = startPeriodic(
    'scheduler',
    options.scanIntervalMs ?? config.SLA_SCAN_INTERVAL_SECONDS * 1000,
    async () => {
      if (!(await databaseReady())) return;
      await core.scanner.scan();
    },
    logger,
  );
  const retention = new MongoRetention(conn);
  const retentionJob = startPeriodic(
    'retention',
    options.retentionIntervalMs ?? config.RETENTION_INTERVAL_MINUTES * 60_000,
    async () => {
      if (!(await databaseReady())) return;
      const r = await retention.run(clock.now(), {
        feedDays: config.RETENTION_FEED_DAYS,
        idempotencyDays: config.RETENTION_IDEMPOTENCY_DAYS,
        lookupFailureDays: config.RETENTION_LOOKUP_FAILURES_DAYS,
      });
      // Delivery records (claims, outcomes) matter until the feed entries they belong to are gone.
      const deliveryRecords = await deliveries.trim(new Date(clock.now().getTime() - config.RETENTION_FEED_DAYS * 86_400_000));
      // The edges' marks of processed messages matter for minutes (WeChat retries within 15 s): a day is plenty.
      const edges = await customerEdges.trim(new Date(clock.now().getTime() - 86_400_000));
      logger.info({ ...r, deliveryRecords, ...edges }, 'retention done');
    },
    logger,
    new MongoLease(conn, 'retention', 10 * 60_000),
  );
  // Reporting upkeep, on the instance that keeps the counters: counters built (first start, new
  // format), a rebuild an operator asked for, spike alerts a sink could not be told yet.
  const reportJob = startPeriodic(
    'report upkeep',
    options.reportUpkeepIntervalMs ?? 60_000,
    async () => {
      if (!(await databaseReady())) return;
      await reports.counters.ensureReady();
      const rebuilt = await reports.counters.serveRebuildRequest();
      if (rebuilt) logger.info(rebuilt, 'report counters rebuilt on request');
      await reports.spikes.retryPending();
    },
    logger,
    reports.lease,
  );
  jobs.repairFilings = () => repairJob.runNow();
  jobs.retention = () => retentionJob.runNow();
  jobs.scan = () => core.scanner.scan(true);
  jobs.reports = () => reportJob.runNow();

  const stop = () =>
    (stopping ??= (async () => {
      markStopping();
      await Promise.all([repairJob.stop(), retentionJob.stop(), scanJob.stop(), reportJob.stop()]);
      logger.info('shutting down: no new connections, finishing in-flight requests');
      await customerEdges.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn({ open: sockets.size }, 'shutdown timeout: closing remaining connections');
        for (const s of sockets) s.destroy();
      }, config.SHUTDOWN_TIMEOUT_MS);
      await closed;
      clearTimeout(timer);
      await customerEdges.settled();
      await complaints.settled();
      await Promise.all([slack?.stop(), customerDelivery.stop(), noticeDelivery.stop()]);
      mailer?.close();
      await worker.stop();
      await reports.worker.stop();
      await reports.spikes.settled();
      await database.close();
      logger.info('stopped');
    })());

  return { app, server, url, port, config, logger, database, complaints, repository, effects, jobs, scheduler: { due: core.due, scanner: core.scanner }, reports, metrics, slack, customerDelivery, noticeDelivery, customerEdges, customerChannels: customerEdges.channels, stop };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}


export function buildApp(deps: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  complaints: ComplaintService;
  database: Database;
  taxonomy: Taxonomy;
  /** The supervisor dashboard (mounted when given). */
  reports?: ReportService;
  dashboardSecret?: string;
  /** Mounted before anything parses bodies (Slack signs the raw body). */
  slack?: Pick<SlackEdge, 'mount'> | null;
  /** Customer-facing routes (Bot Framework, Direct Line, widget), mounted before the 404 handler. */
  customerEdges?: Pick<CustomerEdges, 'mount'>;
}): Express {
  const { config, logger, metrics, complaints, database, taxonomy } = deps;
  const app = express();
  app.disable('x-powered-by');
  // One reverse proxy in front: the client address is the one it adds to X-Forwarded-For.
  app.set('trust proxy', config.TRUST_PROXY ? 1 : false);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger,
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, path: pathOnly(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: safeError,
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(pathOnly(req.url)) },
    }),
  );
  app.use(metricsMiddleware(metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const up = await database.ping(Math.min(config.DB_TIMEOUT_MS, 2000));
    metrics.dbUp.set(up ? 1 : 0);
    res.status(up ? 200 : 503).json({ status: up ? 'ready' : 'unavailable', database: up ? 'up' : 'down' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  for (const p of ['/healthz', '/readyz', '/metrics', '/api/openapi.json']) app.all(p, methodNotAllowed(['GET', 'HEAD']));

  // Customer edges first: Bot Framework traffic comes from a few channel servers (an address limit would
  // throttle every customer behind them); each edge has its own limits (JWT, per-conversation rate, token).
  deps.customerEdges?.mount(app);
  // Per client address (behind TRUST_PROXY, the address the proxy saw); per instance.
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: config.IP_RATE_LIMIT,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next, o) => next(new HttpError(429, 'rate_limited', `More than ${o.limit} requests a minute from this address; retry later.`)),
    }),
  );
  // JSON only on the API routes (parsed in the router): Slack routes need the raw body for signatures.
  app.use('/api/complaints', complaintsRouter(complaints, taxonomy, { apiKeys: config.API_KEYS ?? null, filingsPerMinute: config.API_RATE_LIMIT, bodyLimit: config.API_BODY_LIMIT }));
  // One customer's data on request (admin keys only; never open).
  app.use('/api/personal-data', personalDataRouter(complaints, { apiKeys: config.API_KEYS ?? null, bodyLimit: config.API_BODY_LIMIT }));
  // POST /slack/events (events, interactivity, the command): signature-checked over the raw body.
  deps.slack?.mount(app);
  if (deps.reports) {
    app.use(
      '/dashboard',
      dashboardRouter({ reports: deps.reports, taxonomy, secret: deps.dashboardSecret ?? DEV_DASHBOARD_SECRET, language: config.REPORT_LANGUAGE, currency: config.REPORT_CURRENCY, logger }),
    );
  }
  app.use('/api', notFoundHandler);
  app.use(notFoundHandler);
  app.use(errorMiddleware(logger));
  return app;
}
