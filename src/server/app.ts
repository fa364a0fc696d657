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
import { ComplaintService } from '../domain/complaint-service';
import type { Classifier } from '../domain/classification';
import { loadTaxonomy, type Taxonomy } from '../domain/taxonomy-config';
import { systemClock, type Clock } from '../domain/ports';
import { createLogger, pathOnly, safeError } from '../logging/logger';
import { PolicySlaPlanner } from '../sla/sla-planner';
import { MongoAuditLog } from '../store/audit-log';
import { openDatabase, type Database } from '../store/database';
import { MongoIdempotencyStore } from '../store/mongo-idempotency';
import { MongoLookupGuard } from '../store/mongo-lookup-guard';
import { MongoFeedbackStore } from '../store/mongo-feedback';
import { MongoOutbox } from '../store/mongo-outbox';
import { MongoTicketRepository } from '../store/mongo-ticket-repository';
import { errorMiddleware, notFoundHandler, rejectOperatorKeys, requireJson } from './http-error';
import { createMetrics, metricsMiddleware, metricsObserver, type Metrics } from './metrics';
import { openApiDocument } from './openapi';
import { complaintsRouter } from './routes/complaints';
import { loadClassifier } from './classifier-factory';
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
  metrics: Metrics;
  /** Where customers talk to the service (Bot Framework, Direct Line, widget) and how to reach them again. */
  customerEdges: CustomerEdges;
  customerChannels: CustomerChannel[];
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  classifier?: Classifier;
  /** Interval of the effects sweep (re-running audit/outbox writes interrupted by a crash); 0 disables. */
  sweepIntervalMs?: number;
  customerEdges?: CustomerEdgesOptions;
}

/** How far back the sweep looks for changes whose effects may be missing. */
const SWEEP_LOOKBACK_MS = 24 * 3600_000;

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
  const repository = new MongoTicketRepository(conn);
  const metrics = createMetrics();
  const complaints = new ComplaintService(
    {
      tickets: repository,
      journal: repository,
      audit: new MongoAuditLog(conn, config.AUDIT_SECRET),
      outbox: new MongoOutbox(conn),
      idempotency: new MongoIdempotencyStore(conn),
      lookupGuard: new MongoLookupGuard(conn, config.LOOKUP_MAX_FAILURES),
      feedback: new MongoFeedbackStore(conn),
      classifier,
      sla,
      clock,
      logger,
      observer: metricsObserver(metrics),
    },
    {
      timeZone: config.SLA_TIMEZONE,
      confidenceThreshold: config.CLASSIFIER_CONFIDENCE_THRESHOLD,
      recurrenceWindowDays: config.RECURRENCE_WINDOW_DAYS,
      contactHashSecret: config.CONTACT_HASH_SECRET ?? DEV_CONTACT_SECRET,
    },
  );
  if (!config.CONTACT_HASH_SECRET && config.NODE_ENV === 'production') {
    logger.warn('CONTACT_HASH_SECRET is not set: repeat detection uses a built-in key; set a long random value');
  }

  const customerEdges = createCustomerEdges({ config, logger, conn, complaints, taxonomy, clock }, options.customerEdges);
  const app = buildApp({ config, logger, metrics, complaints, database, taxonomy, customerEdges });

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

  // Finish effects that a crash may have interrupted, now and then periodically.
  const sweepEvery = options.sweepIntervalMs ?? 10 * 60_000;
  const sweep = async () => {
    try {
      await database.ready;
      const r = await complaints.settlePending(new Date(clock.now().getTime() - SWEEP_LOOKBACK_MS));
      logger.debug(r, 'effects sweep done');
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'effects sweep failed; it runs again later');
    }
  };
  const sweepTimer = sweepEvery > 0 ? setInterval(() => void sweep(), sweepEvery) : null;
  sweepTimer?.unref();
  if (sweepEvery > 0) void sweep();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (sweepTimer) clearInterval(sweepTimer);
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
      await database.close();
      logger.info('stopped');
    })());

  return { app, server, url, port, config, logger, database, complaints, metrics, customerEdges, customerChannels: customerEdges.channels, stop };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

const DEV_CONTACT_SECRET = 'complaint-desk-development-contact-key';

export function buildApp(deps: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  complaints: ComplaintService;
  database: Database;
  taxonomy: Taxonomy;
  /** Customer-facing routes (Bot Framework, Direct Line, widget), mounted before the 404 handler. */
  customerEdges?: Pick<CustomerEdges, 'mount'>;
}): Express {
  const { config, logger, metrics, complaints, database, taxonomy } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
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

  // JSON only on the API routes: later Slack routes need the raw body for signatures.
  app.use(
    '/api/complaints',
    requireJson,
    express.json({ limit: config.API_BODY_LIMIT, strict: true, type: 'application/json' }),
    rejectOperatorKeys,
    complaintsRouter(complaints, taxonomy),
  );
  deps.customerEdges?.mount(app);
  app.use('/api', notFoundHandler);
  app.use(notFoundHandler);
  app.use(errorMiddleware(logger));
  return app;
}
