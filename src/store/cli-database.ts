/**
 * Database access for command-line tools (audit:verify, train --with-feedback): the configured
 * MONGODB_URI, or the embedded database in DATA_DIR started for the duration of the command.
 */
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/schema';
import { redactUri } from '../logging/logger';
import { resolveDbName } from './database';
import { startEmbeddedDb } from './embedded-db';

export async function withCliDatabase<T>(config: Config, fn: (conn: Connection, label: string) => Promise<T>): Promise<T> {
  const embedded = config.MONGODB_URI ? null : await startEmbeddedDb({ dataDir: config.DATA_DIR, port: 0, notify: (m) => console.error(m) });
  try {
    const uri = config.MONGODB_URI ?? embedded!.uri;
    const dbName = resolveDbName(config.MONGODB_URI, config.MONGODB_DB);
    const conn = await mongoose.createConnection(uri, { dbName, bufferCommands: false, serverSelectionTimeoutMS: config.DB_TIMEOUT_MS }).asPromise();
    try {
      return await fn(conn, `${embedded ? `embedded database in ${config.DATA_DIR}` : redactUri(uri)} (${dbName})`);
    } finally {
      await conn.close();
    }
  } finally {
    await embedded?.stop();
  }
}
