/**
 * The service as its own process for the conversation benchmark (so its RSS is its own):
 * `node --import tsx tools/bench/conversation-server.ts [--memory-state]` with MONGODB_URI and
 * MONGODB_DB in the environment; prints `{"url": …}` on one line when listening, stops on SIGTERM.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { MemoryStorage } from 'botbuilder';
import { loadConfig } from '../../src/config/load-config';
import { startServer } from '../../src/server/app';

async function main(): Promise<void> {
  const memory = process.argv.includes('--memory-state');
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'development' });
  const handle = await startServer(config, { sweepIntervalMs: 0, ...(memory ? { customerEdges: { botStorage: new MemoryStorage() } } : {}) });
  await handle.database.ready;
  process.stdout.write(`${JSON.stringify({ url: handle.url })}\n`);
  process.on('SIGTERM', () => {
    void handle.stop().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
