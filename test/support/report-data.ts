/**
 * A small data set for reporting tests, built through the real service with an injected clock:
 * ten complaints filed in November 2026 (and one in October) and worked through claims, contacts,
 * requests for information, rejection, resolution, reopening and closing at known times, so every
 * KPI can be worked out by hand (the expected figures are in test/integration/reports/kpis.test.ts).
 *
 * Times are Asia/Shanghai; t0 = Monday 2026-11-02 09:00.
 */
import type { Actor } from '../../src/domain/ticket';
import type { TestServer } from './server';

export const T0 = new Date('2026-11-02T01:00:00Z');
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

export const agentA: Actor = { kind: 'agent', id: 'U_A', name: 'Agent A' };
export const agentB: Actor = { kind: 'agent', id: 'U_B', name: 'Agent B' };
export const agentC: Actor = { kind: 'agent', id: 'U_C', name: 'Agent C' };
const customer: Actor = { kind: 'customer', id: 'c' };

/** A clock the test moves. */
export class TestClock {
  at = T0.getTime();
  now = (): Date => new Date(this.at);
  set(d: Date | number): void {
    this.at = typeof d === 'number' ? d : d.getTime();
  }
}

interface Spec {
  name: string;
  filedAt: number;
  body: Record<string, unknown>;
  /** Steps at offsets from filing. */
  steps: Array<[number, (s: TestServer, n: string) => Promise<unknown>]>;
}

const body = (phone: string, extra: Record<string, unknown>) => ({
  description: 'The item does not work as described and I would like it sorted out.',
  customer: { name: 'Test Customer', phone },
  ...extra,
});

const claim = (a: Actor) => (s: TestServer, n: string) => s.complaints.claim(n, a);
const message = (a: Actor) => (s: TestServer, n: string) => s.complaints.sendAgentMessage(n, { text: 'We are looking into it.' }, a);
const resolve = (a: Actor, remedy: string, amount?: number) => (s: TestServer, n: string) =>
  s.complaints.transition(n, 'resolve', { actor: a, resolution: { remedy: remedy as never, amount: amount ?? null, note: 'done' } });

/** The November data set (see the file comment); `T11` is October's. */
export const SPECS: Spec[] = [
  {
    name: 'T1',
    filedAt: T0.getTime(),
    body: body('13800000001', { category: 'product_quality', severity: 'general', product: 'Kettle K1' }),
    steps: [[10 * MIN, claim(agentA)], [30 * MIN, message(agentA)], [20 * H, resolve(agentA, 'refund', 199)]],
  },
  {
    name: 'T2',
    filedAt: T0.getTime(),
    body: body('13800000002', { category: 'product_quality', severity: 'general', product: 'Kettle K1', channel: 'webchat' }),
    steps: [[1 * H, claim(agentA)], [3 * H, resolve(agentA, 'replace')]],
  },
  {
    name: 'T3',
    filedAt: T0.getTime(),
    body: body('13800000003', { category: 'billing', severity: 'important' }),
    steps: [
      [5 * MIN, claim(agentB)],
      [40 * MIN, (s, n) => s.complaints.transition(n, 'request_info', { actor: agentB, reason: 'need the bill' })],
      [2 * H, (s, n) => s.complaints.addCustomerMessage(n, { text: 'here it is' }, customer)],
      [30 * H, resolve(agentB, 'compensation', 50.5)],
    ],
  },
  {
    name: 'T4',
    filedAt: T0.getTime(),
    body: body('13800000004', { category: 'billing', severity: 'major', channel: 'email' }),
    steps: [[15 * MIN, claim(agentB)]],
  },
  {
    name: 'T5',
    filedAt: T0.getTime(),
    body: body('13800000005', { category: 'service_quality', severity: 'general', merchant: 'Shop S' }),
    steps: [[1 * H, claim(agentA)], [2 * H, (s, n) => s.complaints.transition(n, 'reject', { actor: agentA, reason: 'outside our remit' })]],
  },
  {
    name: 'T6',
    // The customer of T1 again, same category, the next day: a repeat.
    filedAt: T0.getTime() + 1 * D,
    body: body('13800000001', { category: 'product_quality', severity: 'general', product: 'Kettle K1' }),
    steps: [
      [5 * MIN, claim(agentA)],
      [20 * MIN, message(agentA)],
      [2 * H, resolve(agentA, 'repair')],
      [1 * D, (s, n) => s.complaints.transition(n, 'reopen', { actor: customer, reason: 'still broken' })],
      [1 * D + 1 * H, claim(agentA)],
      [49 * H, resolve(agentA, 'repair')],
    ],
  },
  {
    name: 'T7',
    filedAt: T0.getTime(),
    body: body('13800000007', { category: 'contract', severity: 'general', channel: 'phone' }),
    steps: [[30 * MIN, claim(agentC)], [3 * H, message(agentC)], [20 * D, resolve(agentC, 'apology')]],
  },
  {
    name: 'T8',
    filedAt: T0.getTime(),
    body: body('13800000008', { category: 'other', severity: 'general' }),
    steps: [],
  },
  {
    name: 'T9',
    filedAt: T0.getTime(),
    body: body('13800000009', { category: 'after_sales', severity: 'general', product: 'Phone P2', channel: 'webchat' }),
    steps: [[4 * H, claim(agentC)], [5 * H, resolve(agentC, 'refund', 1200)], [6 * H, (s, n) => s.complaints.transition(n, 'close', { actor: { kind: 'system', id: 'survey' } })]],
  },
  {
    name: 'T10',
    filedAt: T0.getTime() + 2 * D,
    body: body('13800000010', { category: 'after_sales', severity: 'general' }),
    steps: [[2 * H, claim(agentA)], [10 * H, resolve(agentA, 'refund', 300)]],
  },
  {
    name: 'T11',
    filedAt: new Date('2026-10-20T01:00:00Z').getTime(),
    body: body('13800000011', { category: 'product_quality', severity: 'general', product: 'Kettle K1' }),
    steps: [[1 * H, claim(agentB)], [4 * H, resolve(agentB, 'refund', 99)]],
  },
];

/** File every complaint and play every step in time order; returns ticket numbers by name. */
export async function seedReportData(s: TestServer, clock: TestClock): Promise<Record<string, string>> {
  const numbers: Record<string, string> = {};
  type Ev = { at: number; run: () => Promise<unknown> };
  const events: Ev[] = [];
  for (const spec of SPECS) {
    events.push({
      at: spec.filedAt,
      run: async () => {
        const r = await s.complaints.file(spec.body, { actor: { kind: 'api', id: 'test' } });
        numbers[spec.name] = r.ticket.number;
      },
    });
    for (const [offset, step] of spec.steps) events.push({ at: spec.filedAt + offset, run: () => step(s, numbers[spec.name]!) });
  }
  // Stable by time; filings at the same moment keep their order (T1 before T2 …).
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    clock.set(e.at);
    await e.run();
    await s.complaints.settled();
  }
  await s.effects.drain();
  return numbers;
}
