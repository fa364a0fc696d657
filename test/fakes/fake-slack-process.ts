/**
 * The fake Slack in a process of its own (benchmarks: Slack's servers do not share the service's
 * event loop, so a busy service must not slow the fake's clock or bunch its arrivals). Started
 * with `fork(…, [rate], { execArgv: ['--import', 'tsx'] })`; says `{ url }` when listening and
 * answers `{ cmd: 'calls', since }` with the calls since then, compact.
 */
import { FakeSlack } from './fake-slack';

export interface CompactCall {
  method: string;
  channel: string;
  number: string | null;
  status: number | undefined;
  ok: boolean;
  at: number;
}

async function main(): Promise<void> {
  const fake = await new FakeSlack().start();
  const rate = Number(process.argv[2] ?? 0);
  if (rate > 0) fake.rateLimit(rate);
  process.on('message', (msg: { cmd: string; since?: number; id?: number }) => {
    if (msg.cmd === 'calls') {
      const calls: CompactCall[] = fake.calls
        .filter((c) => c.at >= (msg.since ?? 0))
        .map((c) => ({ method: c.method, channel: String(c.args.channel ?? ''), number: c.args.metadata?.event_payload?.number ?? null, status: c.status, ok: c.ok === true, at: c.at }));
      process.send!({ id: msg.id, calls });
    } else if (msg.cmd === 'stop') {
      void fake.stop().then(() => process.exit(0));
    }
  });
  process.send!({ url: fake.url });
}

void main();
