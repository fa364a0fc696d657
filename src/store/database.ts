/**
 * The database connection: `MONGODB_URI` when set, otherwise the embedded FerretDB child.
 * The service starts even when the database is away (requests get 503, /readyz says so) and
 * connects as soon as it answers; the driver reconnects by itself after outages, and a dead
 * embedded child is restarted on the same port.
 */
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { redactUri } from '../logging/logger';
import { startEmbeddedDb, type EmbeddedDb } from './embedded-db';
import { ticketModel } from './models/ticket-model';
import { supportModels } from './models/support-models';
import { feedbackModel } from './mongo-feedback';
import { dueModels } from './mongo-due-index';

export interface DatabaseSettings {
  uri?: string | undefined;
  /** Explicit database name; else the one in the URI; else `complaints`. */
  dbName?: string | undefined;
  dataDir: string;
  embeddedPort: number;
  timeoutMs: number;
}

export interface Database {
  conn: Connection;
  /** Connection string with credentials removed, for logs. */
  displayUri: string;
  embedded: boolean;
  /** Resolves once connected and indexes exist. */
  ready: Promise<void>;
  isConnected(): boolean;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(settings: DatabaseSettings, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDb | null = null;
  let closing = false;
  // Waits that close() can cut short, so a closed database never keeps the process alive.
  const waits = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        waits.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      waits.add(done);
    });
  let uri = settings.uri;

  if (!uri) {
    const startChild = async (port: number): Promise<EmbeddedDb> =>
      startEmbeddedDb({
        dataDir: settings.dataDir,
        port,
        notify: (m) => logger.info(m),
        onUnexpectedExit: (code, signal, stderrTail) => {
          if (closing) return;
          logger.error({ code, signal, stderr: stderrTail.slice(-1000) }, 'embedded database exited; restarting it');
          void restart(port);
        },
      });
    const restart = async (port: number, attempt = 0): Promise<void> => {
      await sleep(Math.min(500 * 2 ** attempt, 10_000));
      if (closing) return;
      try {
        embedded = await startChild(port);
        logger.info({ port }, 'embedded database restarted');
      } catch (err) {
        logger.error({ err: { message: (err as Error).message } }, 'restarting the embedded database failed; retrying');
        void restart(port, attempt + 1);
      }
    };
    embedded = await startChild(settings.embeddedPort);
    uri = embedded.uri;
    logger.info({ dataDir: settings.dataDir, port: embedded.port }, 'embedded database (FerretDB, SQLite) started');
  }

  const conn = mongoose.createConnection();
  conn.on('error', () => {}); // reported by the connect loop and by requests
  conn.on('disconnected', () => !closing && logger.warn('database disconnected; the driver will reconnect'));
  conn.on('reconnected', () => logger.info('database reconnected'));

  const displayUri = redactUri(uri);
  const dbName = resolveDbName(settings.uri, settings.dbName);
  const ready = (async () => {
    for (let attempt = 0; !closing; attempt++) {
      try {
        await conn.openUri(uri, {
          dbName,
          bufferCommands: false,
          autoIndex: false,
          autoCreate: false,
          serverSelectionTimeoutMS: settings.timeoutMs,
          // A deadline on every database call: no answer within DB_TIMEOUT_MS fails the call (503
          // at the edge; writes whose outcome is then unknown are read back by the callers), and
          // waiting for a free connection is bounded the same way.
          socketTimeoutMS: settings.timeoutMs,
          waitQueueTimeoutMS: settings.timeoutMs,
          maxPoolSize: 20,
        });
        await createIndexes(conn);
        logger.info({ uri: displayUri, db: dbName }, 'database connected');
        return;
      } catch (err) {
        const wait = Math.min(1000 * 2 ** attempt, 15_000);
        logger.warn({ uri: displayUri, err: { message: (err as Error).message }, retryInMs: wait }, 'database unreachable; retrying');
        await sleep(wait);
      }
    }
  })();

  return {
    conn,
    displayUri,
    embedded: embedded !== null,
    ready,
    isConnected: () => conn.readyState === 1,
    async ping(timeoutMs = 1000) {
      if (conn.readyState !== 1 || !conn.db) return false;
      try {
        await withTimeout(conn.db.command({ ping: 1 }), timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closing = true;
      for (const wake of [...waits]) wake();
      await conn.close().catch(() => undefined);
      await (embedded as EmbeddedDb | null)?.stop();
    },
  };
}

export const DEFAULT_DB_NAME = 'complaints';

/** MONGODB_DB when set, else the database named in the URI's path, else `complaints`. */
export function resolveDbName(uri: string | undefined, explicit: string | undefined): string {
  if (explicit) return explicit;
  const path = uri ? /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri)?.[1] : undefined;
  return path ? decodeURIComponent(path) : DEFAULT_DB_NAME;
}

/** Create every collection's indexes (explicitly, once, instead of mongoose's background autoIndex). */
export async function createIndexes(conn: Connection): Promise<void> {
  const models = [ticketModel(conn), ...Object.values(supportModels(conn)), feedbackModel(conn), dueModels(conn).slots];
  for (const m of models) await m.createIndexes();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
