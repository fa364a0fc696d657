/**
 * The pure parts of reporting: periods and buckets, derived figures, contributions (CSAT as one more
 * measure), the histogram percentile.
 */
import { ticketFigures } from '../../../src/domain/ticket-figures';
import type { TicketRecord } from '../../../src/domain/ticket';
import { percentileFromHistogram, kpisOf } from '../../../src/reports/kpis';
import { contributionDelta, contributionOf, handlingBin, binRange, nameKey, HANDLING_BINS } from '../../../src/reports/measures';
import { bucketsOfRange, parsePeriod, PeriodError } from '../../../src/reports/periods';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-11-20T04:00:00Z'); // Friday 12:00 in Shanghai

describe('periods', () => {
  it.each([
    ['month', '2026-11-01', '2026-11-30', '2026-11'],
    ['last-month', '2026-10-01', '2026-10-31', '2026-10'],
    ['quarter', '2026-10-01', '2026-12-31', '2026Q4'],
    ['last-quarter', '2026-07-01', '2026-09-30', '2026Q3'],
    ['2026q1', '2026-01-01', '2026-03-31', '2026Q1'],
    ['2026-Q2', '2026-04-01', '2026-06-30', '2026Q2'],
    ['2025', '2025-01-01', '2025-12-31', '2025'],
    ['2026-02', '2026-02-01', '2026-02-28', '2026-02'],
    ['today', '2026-11-20', '2026-11-20', '2026-11-20'],
    ['week', '2026-11-16', '2026-11-22', '2026-11-16..2026-11-22'],
    ['2026-11-01..2026-11-15', '2026-11-01', '2026-11-15', '2026-11-01..2026-11-15'],
  ])('when “%s” is asked on 2026-11-20, then it is %s..%s', (input, from, to, label) => {
    expect(parsePeriod(input, NOW, TZ)).toEqual({ from, to, label });
  });

  it('when the day differs between UTC and Shanghai, then the local day counts', () => {
    // 2026-11-30 17:00 UTC is already December 1st in Shanghai.
    expect(parsePeriod('today', new Date('2026-11-30T17:00:00Z'), TZ).from).toBe('2026-12-01');
  });

  it.each(['2026Q5', '2026-13', '2026-02-30', 'yesterdays', '2026-11-15..2026-11-01', '2020-01-01..2026-01-01', 'DROP'])('when “%s” is given, then a clear PeriodError says what periods are', (bad) => {
    expect(() => parsePeriod(bad, NOW, TZ)).toThrow(PeriodError);
    try {
      parsePeriod(bad, NOW, TZ);
    } catch (err) {
      expect((err as Error).message).toMatch(/period|date/);
    }
  });

  it('when a range is split into buckets, then whole months are one document and the ends are days', () => {
    expect(bucketsOfRange({ from: '2026-10-30', to: '2026-12-02' })).toEqual(['d:2026-10-30', 'd:2026-10-31', 'm:2026-11', 'd:2026-12-01', 'd:2026-12-02']);
    expect(bucketsOfRange({ from: '2026-10-01', to: '2026-12-31' })).toEqual(['m:2026-10', 'm:2026-11', 'm:2026-12']);
    // The longest period allowed still reads a bounded number of documents.
    expect(bucketsOfRange(parsePeriod('2024-01-01..2026-12-31', NOW, TZ)).length).toBe(36);
  });
});

function record(over: Partial<TicketRecord> = {}): TicketRecord {
  const created = new Date('2026-11-02T01:00:00Z');
  const at = (h: number) => new Date(created.getTime() + h * 3_600_000);
  return {
    number: '2026000001',
    year: 2026,
    seq: 1,
    version: 4,
    status: 'resolved',
    channel: 'api',
    source: null,
    language: 'en',
    customer: { key: 'k' },
    occurredAt: null,
    product: '  Kettle   K1 ',
    merchant: null,
    amount: null,
    desiredRemedy: 'refund',
    evidence: [],
    category: 'product_quality',
    severity: 'general',
    classification: {} as TicketRecord['classification'],
    flags: { highRisk: false, recurrenceOf: null, suspectedMalicious: null },
    owner: { id: 'U1', name: 'Una' },
    sla: {
      preset: 'service',
      startedAt: created,
      pauses: [],
      deadlines: [
        { kind: 'firstContact', budget: { unit: 'hours', amount: 1 }, dueAt: at(1), warnAt: null, metAt: at(0.5), warnedAt: null, overdueAt: null },
        { kind: 'factCheck', budget: { unit: 'hours', amount: 24 }, dueAt: at(24), warnAt: null, metAt: at(30), warnedAt: null, overdueAt: null },
        { kind: 'resolution', budget: { unit: 'workingDays', amount: 3 }, dueAt: at(72), warnAt: null, metAt: at(30), warnedAt: null, overdueAt: null },
      ],
      escalationTier: 0,
    },
    history: [
      { version: 1, from: null, to: 'new', action: 'file', at: created, actor: { kind: 'api', id: 'x' } },
      { version: 4, from: 'investigating', to: 'resolved', action: 'resolve', at: at(30), actor: { kind: 'agent', id: 'U1' } },
    ],
    resolution: { remedy: 'refund', amount: 12.34, note: '', at: at(30), by: { kind: 'agent', id: 'U1' } },
    rejection: null,
    messages: [],
    erased: false,
    lookupCodeHash: 'h',
    idempotencyKey: null,
    createdAt: created,
    updatedAt: at(30),
    personalDigest: 'd',
    ...over,
  };
}

describe('derived figures and contributions', () => {
  it('when a ticket was resolved after 30 h, then its figures say so', () => {
    expect(ticketFigures(record())).toEqual({
      firstResponseMinutes: 30,
      handlingMinutes: 1800,
      onTime: { firstContact: true, factCheck: false, resolution: true },
      missedAny: true,
      reopenCount: 0,
      everResolved: true,
    });
  });

  it('when a deadline is marked overdue by the SLA scanner and not met, then it counts as missed; paused ones are undecided', () => {
    const r = record({ status: 'claimed', resolution: null });
    r.sla.deadlines = r.sla.deadlines.map((d) => ({ ...d, metAt: null }));
    r.sla.deadlines[2] = { ...r.sla.deadlines[2]!, overdueAt: new Date('2026-11-06T01:00:00Z') };
    r.sla.deadlines[1] = { ...r.sla.deadlines[1]!, dueAt: null };
    expect(ticketFigures(r).onTime).toEqual({ firstContact: null, factCheck: null, resolution: false });
    expect(ticketFigures(r).handlingMinutes).toBeNull();
  });

  it('when the survey records a rating, then CSAT is one more measure and the KPIs show it', () => {
    const rated = record({ satisfaction: { rating: 4, at: new Date() } });
    const c = contributionOf(rated, TZ);
    const perf = c.rows.find((r) => r.table === 'perf')!.counts;
    expect(perf).toMatchObject({ 'cs.n': 1, 'cs.s': 4, 'cs.4': 1 });
    const k = kpisOf(perf);
    expect(k.csat).toEqual({ count: 1, average: 4, satisfiedRate: 1, distribution: [0, 0, 0, 1, 0] });
    // A rating outside 1–5 is not counted.
    expect(contributionOf(record({ satisfaction: { rating: 9, at: new Date() } }), TZ).rows.find((r) => r.table === 'perf')!.counts['cs.n']).toBeUndefined();
  });

  it('when a ticket changes, then the delta moves it between rows and keeps what did not change out', () => {
    const before = contributionOf(record({ status: 'claimed', resolution: null, history: record().history.slice(0, 1) }), TZ);
    const after = contributionOf(record(), TZ);
    expect(after.day).toBe('2026-11-02');
    expect(after.rows.find((r) => r.table === 'product')!.key).toBe('kettle k1');
    const delta = contributionDelta(before, after);
    const cube = delta.get('cube\u0000product_quality|general|api')!;
    expect(cube).toEqual({ 's.claimed': -1, 's.resolved': 1, rx: 1 });
    expect(cube.n).toBeUndefined(); // still one ticket
    expect(delta.get('perf\u0000product_quality|general|api')).toMatchObject({ 'ht.n': 1, 'ht.s': 1800, 'rm.refund.a': 1234 });
    expect(contributionDelta(after, after).size).toBe(0);
  });

  it('when names are counted, then spelling variants are one name', () => {
    expect(nameKey(' Kettle\u3000K1 ')).toBe('kettle k1');
    expect(nameKey('ＫＥＴＴＬＥ')).toBe('kettle');
    expect(nameKey('   ')).toBeNull();
  });
});

describe('handling-time histogram', () => {
  it('when minutes are binned, then bins follow the edges', () => {
    expect(handlingBin(0)).toBe(0);
    expect(handlingBin(59)).toBe(0);
    expect(handlingBin(60)).toBe(1);
    expect(handlingBin(1800)).toBe(6); // 30 h in [24, 36)
    expect(binRange(6)).toEqual([24, 36]);
    expect(binRange(HANDLING_BINS - 1)).toEqual([720, null]);
  });

  it('when the p90 is read, then it lies in the bin of the exact nearest-rank p90', () => {
    // 20 values: hours 1..20 → exact p90 (rank 18) = 18 h.
    const hours = Array.from({ length: 20 }, (_, i) => i + 1);
    const bins = new Array(HANDLING_BINS).fill(0);
    for (const h of hours) bins[handlingBin(h * 60)]++;
    const p = percentileFromHistogram(bins, 0.9)!;
    expect(p.bin).toEqual([12, 24]);
    expect(18).toBeGreaterThanOrEqual(p.bin[0]);
    expect(18).toBeLessThan(p.bin[1]!);
    // Ranks before the bin: 1..11 h (11 values); in it 12..20 h (9 values) → 12 + (18 − 11) / 9 · 12.
    expect(p.value).toBeCloseTo(12 + (7 / 9) * 12, 10);
    expect(percentileFromHistogram(new Array(HANDLING_BINS).fill(0), 0.9)).toBeNull();
  });
});
