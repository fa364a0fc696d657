/**
 * A background job run every `everyMs` (and once at start), never overlapping itself; with a
 * lease, only on the instance that holds it. Failures are logged and the job runs again next
 * time. The jobs it runs are idempotent, so the lease saves work, it does not make them correct.
 */
import type { CoreLogger } from '../domain/ports';
import type { Lease } from './feed-worker';

export interface PeriodicJob {
  /** Run now (whatever the lease says): for tests and operators. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export function startPeriodic(name: string, everyMs: number, job: () => Promise<void>, logger: CoreLogger, lease?: Lease): PeriodicJob {
  let running: Promise<void> | null = null;
  const once = (leased: boolean) =>
    (running ??= (async () => {
      try {
        if (!leased && lease && !(await lease.tryAcquire())) return;
        await job();
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message }, job: name }, 'background job failed; it runs again later');
      } finally {
        running = null;
      }
    })());
  const timer = everyMs > 0 ? setInterval(() => void once(false), everyMs) : null;
  timer?.unref();
  if (everyMs > 0) void once(false);
  return {
    async runNow() {
      await running;
      await once(true);
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await lease?.release().catch(() => undefined);
    },
  };
}
