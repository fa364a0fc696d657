/**
 * The service as its own process for the conversation benchmark (so its RSS is its own):
 * `node --import tsx tools/bench/conversation-server.ts [--memory-state]` with MONGODB_URI and
 * MONGODB_DB in the environment; prints `{"url": …}` on one line when listening, stops on SIGTERM
 * (printing `{"commands": …}` first: the database commands it sent, when the URI asks the driver
 * to monitor them).
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MemoryStorage } from 'botbuilder';
import { loadConfig } from '../../src/config/load-config';
import { startServer } from '../../src/server/app';

async function main(): Promise<void> {
  const memory = process.argv.includes('--memory-state');
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'development' });
  const handle = await startServer(config, { sweepIntervalMs: 0, ...(memory ? { customerEdges: { botStorage: new MemoryStorage() } } : {}) });
  await handle.database.ready;
  // With `monitorCommands=true` in MONGODB_URI: count the database commands (by command and
  // collection) and print them on one line when stopped, so benchmarks can say what a turn costs.
  const commands: Record<string, number> = {};
  const ms: Record<string, number> = {};
  const keys = new Map<number, string>();
  const client = handle.database.conn.getClient();
  client.on('commandStarted', (e) => {
    const target = (e.command as Record<string, unknown>)[e.commandName];
    const key = `${e.commandName} ${typeof target === 'string' ? target : ''}`.trim();
    commands[key] = (commands[key] ?? 0) + 1;
    keys.set(e.requestId, key);
  });
  const ended = (e: { requestId: number; duration: number }) => {
    const key = keys.get(e.requestId);
    keys.delete(e.requestId);
    if (key) ms[key] = (ms[key] ?? 0) + e.duration;
  };
  client.on('commandSucceeded', ended);
  client.on('commandFailed', ended);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.stdout.write(`${JSON.stringify({ url: handle.url })}\n`);
  process.on('SIGTERM', () => {
    process.stdout.write(`${JSON.stringify({ commands, ms, loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 } })}\n`);
    void handle.stop().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
