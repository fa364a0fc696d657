/**
 * Work that continues after Slack's request was acknowledged (Slack wants an answer within 3 s).
 * Failures are logged once; `idle()` waits for everything started so far (tests, shutdown).
 */
import type { Logger } from 'pino';

export class Background {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(what: string, work: () => Promise<void>): void {
    const p = (async () => {
      try {
        await work();
      } catch (err) {
        this.logger.error({ err: { message: (err as Error)?.message, code: (err as { code?: unknown })?.code }, what }, 'slack: work after the acknowledgement failed');
      }
    })();
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
