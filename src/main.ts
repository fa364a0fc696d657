/** Entry point of `npm start`: validate config, start, stop cleanly on SIGTERM/SIGINT. */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { ConfigError, loadConfig } from './config/load-config';
import { startServer } from './server/app';
import { EmbeddedDbUnavailableError } from './store/embedded-db';
import { ClassifierUnavailableError } from './server/classifier-factory';
import { TaxonomyFileError } from './domain/taxonomy-config';
import { SlaPolicyError, CalendarFileError } from './sla';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  let handle;
  try {
    handle = await startServer(config);
  } catch (err) {
    if (
      err instanceof EmbeddedDbUnavailableError ||
      err instanceof ClassifierUnavailableError ||
      err instanceof TaxonomyFileError ||
      err instanceof SlaPolicyError ||
      err instanceof CalendarFileError
    ) {
      console.error(err.message);
      process.exit(1);
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(`Port ${config.PORT} is already in use: stop the other process or set PORT to another port.`);
      process.exit(1);
    }
    throw err;
  }
  const h = handle;
  console.log(`Complaint desk listening on ${h.url} (database: ${h.database.embedded ? 'embedded FerretDB in ' + config.DATA_DIR : h.database.displayUri})`);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      h.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    h.logger.info({ signal }, 'signal received');
    h.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        h.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('Failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
