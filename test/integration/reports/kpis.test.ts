/**
 * The KPIs of DESIGN §2 from the counters, against figures worked out by hand from the data set in
 * test/support/report-data.ts (ten November complaints, one October one, an injected clock).
 */
import { parse } from 'csv-parse/sync';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy-config';
import { SEVERITY_COLORS, TREND_COLORS } from '../../../src/reports/charts';
import { reportLabels } from '../../../src/reports/labels';
import { parsePeriod } from '../../../src/reports/periods';
import { buildQuarterlyReport, reportText } from '../../../src/reports/quarterly-report';
import { countColor, decodePng } from '../../support/png';
import { seedReportData, TestClock } from '../../support/report-data';
import { startTestServer, type TestServer } from '../../support/server';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-12-01T02:00:00Z');

describe('reporting KPIs on a hand-computed data set', () => {
  let s: TestServer;
  const clock = new TestClock();

  beforeAll(async () => {
    s = await startTestServer({}, { clock });
    await seedReportData(s, clock);
    clock.set(NOW);
  });
  afterAll(() => s.stop());

  const november = () => parsePeriod('2026-11', NOW, TZ);

  it('when November is asked for, then counts, rates and times are the hand-computed ones', async () => {
    const k = await s.reports.service.kpis(november());
    // Filed: T1–T10. Open: T4 (claimed), T8 (new). Resolved or closed: T1 T2 T3 T6 T7 T9(closed) T10. Rejected: T5.
    expect(k.filed).toBe(10);
    expect(k.open).toBe(2);
    expect(k.resolved).toBe(7);
    expect(k.rejected).toBe(1);
    expect(k.byStatus).toMatchObject({ new: 1, claimed: 1, resolved: 6, closed: 1, rejected: 1 });
    // 7 resolved ÷ (10 filed − 1 rejected)
    expect(k.resolutionRate).toBeCloseTo(7 / 9, 10);
    // First contact (1 h): on time T1 (30 min), T3 (40 min, request for information), T6 (20 min);
    // late T2 (met by resolving at 3 h), T5 (rejected at 2 h), T7 (3 h), T9 (5 h), T10 (10 h); T4, T8 undecided.
    expect(k.onTime.firstContact).toEqual({ onTime: 3, missed: 5, rate: 3 / 8 });
    // Fact check (24 h, met when resolved or rejected): late T3 (30 h), T7 (20 days); the other six on time.
    expect(k.onTime.factCheck).toEqual({ onTime: 6, missed: 2, rate: 6 / 8 });
    // Resolution (3 working days): late T7 only.
    expect(k.onTime.resolution).toEqual({ onTime: 7, missed: 1, rate: 7 / 8 });
    // Complaints that missed any deadline: T2 T3 T5 T7 T9 T10.
    expect(k.late).toBe(6);
    // Handling minutes of the 7 resolved: T1 1200, T2 180, T3 1800, T6 2940 (latest resolution at 49 h),
    // T7 28800, T9 300, T10 600 → 35820 / 7 minutes.
    expect(k.handling.count).toBe(7);
    expect(k.handling.averageHours).toBeCloseTo(35820 / 7 / 60, 10);
    // Bins (hours): T2 [2,4), T9 [4,8), T10 [8,12), T1 [12,24), T3 [24,36), T6 [48,60), T7 [336,504).
    // p90: rank ⌈0.9·7⌉ = 7 → T7's bin, 6 values before it, 1 in it → 336 + (7−6)/1 · 168 = 504.
    expect(k.handling.p90Bin).toEqual([336, 504]);
    expect(k.handling.p90Hours).toBe(504);
    // …and the exact nearest-rank p90 (T7: 480 h) lies in that bin.
    expect(480).toBeGreaterThanOrEqual(k.handling.p90Bin![0]);
    expect(480).toBeLessThan(k.handling.p90Bin![1]!);
    // First response of the 8 contacted: 30 + 180 + 40 + 120 + 20 + 180 + 300 + 600 = 1470 minutes.
    expect(k.firstResponse.count).toBe(8);
    expect(k.firstResponse.averageHours).toBeCloseTo(1470 / 8 / 60, 10);
    // T6 repeats T1 (same customer, same category, next day): 1 of 10.
    expect(k.recurrence).toEqual({ count: 1, rate: 0.1 });
    // Reopened at least once (T6) ÷ resolved at least once (T1 T2 T3 T6 T7 T9 T10).
    expect(k.reopen).toEqual({ count: 1, base: 7, rate: 1 / 7 });
    // No survey yet: no ratings.
    expect(k.csat).toEqual({ count: 0, average: null, satisfiedRate: null, distribution: [0, 0, 0, 0, 0] });
    // Remedies of resolved complaints: refund T1 199 + T9 1200 + T10 300; replace T2; compensation T3 50.50; repair T6; apology T7.
    expect(k.remedies).toEqual([
      { remedy: 'refund', count: 3, amount: 1699 },
      { remedy: 'replace', count: 1, amount: 0 },
      { remedy: 'repair', count: 1, amount: 0 },
      { remedy: 'compensation', count: 1, amount: 50.5 },
      { remedy: 'apology', count: 1, amount: 0 },
    ]);
  });

  it('when November is broken down, then categories, channels and agents add up by hand', async () => {
    const byCategory = await s.reports.service.breakdown(november(), 'category');
    expect(byCategory.map((r) => [r.group, r.kpis!.filed])).toEqual([
      ['product_quality', 3],
      ['after_sales', 2],
      ['billing', 2],
      ['contract', 1],
      ['other', 1],
      ['service_quality', 1],
    ]);
    const byChannel = await s.reports.service.breakdown(november(), 'channel');
    expect(byChannel.map((r) => [r.group, r.kpis!.filed])).toEqual([
      ['api', 6],
      ['webchat', 2],
      ['email', 1],
      ['phone', 1],
    ]);
    // Current owners: A has T1 T2 T5 T6 T10, B T3 T4, C T7 T9, nobody T8.
    const agents = await s.reports.service.breakdown(november(), 'agent');
    const a = agents.find((r) => r.group === 'U_A')!.brief!;
    expect(a).toMatchObject({ name: 'Agent A', filed: 5, open: 0, resolved: 4, rejected: 1, late: 3 });
    // A's deadlines: first contact T1 ✓ T2 ✗ T5 ✗ T6 ✓ T10 ✗; fact check all 5 ✓; resolution all 5 ✓.
    expect(a.onTime.firstContact).toEqual({ onTime: 2, missed: 3, rate: 2 / 5 });
    expect(a.onTime.resolution).toEqual({ onTime: 5, missed: 0, rate: 1 });
    // A's handling: T1 1200 + T2 180 + T6 2940 + T10 600 minutes over 4.
    expect(a.handling.averageHours).toBeCloseTo(4920 / 4 / 60, 10);
    expect(agents.find((r) => r.group === 'U_B')!.brief).toMatchObject({ filed: 2, open: 1, resolved: 1 });
    expect(agents.find((r) => r.group === 'U_C')!.brief).toMatchObject({ filed: 2, open: 0, resolved: 2 });
    expect(agents.find((r) => r.group === '-')!.brief).toMatchObject({ filed: 1, open: 1 });
    const products = await s.reports.service.breakdown(november(), 'product');
    expect(products.map((r) => [r.group, r.brief!.filed, r.brief!.recurrence])).toEqual([
      ['kettle k1', 3, 1],
      ['phone p2', 1, 0],
    ]);
  });

  it('when a filter is set, then only matching complaints count', async () => {
    const billing = await s.reports.service.kpis(november(), { category: 'billing' });
    expect(billing).toMatchObject({ filed: 2, open: 1, resolved: 1 });
    const webchat = await s.reports.service.kpis(november(), { channel: 'webchat' });
    // T2 and T9: both resolved, handling 180 + 300 minutes.
    expect(webchat).toMatchObject({ filed: 2, resolved: 2 });
    expect(webchat.handling.averageHours).toBeCloseTo(240 / 60, 10);
    expect(await s.reports.service.kpis(november(), { category: 'product_quality', channel: 'email' })).toMatchObject({ filed: 0, resolutionRate: null });
  });

  it('when other periods are asked for, then each counts the complaints filed in it', async () => {
    expect((await s.reports.service.kpis(parsePeriod('2026-10', NOW, TZ))).filed).toBe(1);
    const q4 = await s.reports.service.kpis(parsePeriod('2026Q4', NOW, TZ));
    expect(q4).toMatchObject({ filed: 11, resolved: 8 });
    // The first three days of November: T1–T5, T7–T9 on the 2nd, T6 on the 3rd (T10 on the 4th).
    expect((await s.reports.service.kpis(parsePeriod('2026-11-02..2026-11-03', NOW, TZ))).filed).toBe(9);
    expect((await s.reports.service.kpis(parsePeriod('2026-11-04', NOW, TZ))).filed).toBe(1);
  });

  it('when the dashboard overview is read, then load counts open tickets per owner now and the trend is per day', async () => {
    const o = await s.reports.service.overview(november());
    expect(o.load.map((r) => [r.key, r.open])).toEqual([
      ['-', 1],
      ['U_B', 1],
    ]);
    expect(o.trend.unit).toBe('day');
    expect(o.trend.points).toHaveLength(30);
    expect(o.trend.points.slice(1, 4).map((p) => p.filed)).toEqual([8, 1, 1]);
    expect(o.kpis.filed).toBe(10);
  });

  it('when the quarterly report is built, then its chart is a PNG of the expected size with every series drawn, and its CSV holds the same figures', async () => {
    const zh = reportLabels(DEFAULT_TAXONOMY, 'zh-CN');
    const q4 = await buildQuarterlyReport(s.reports.service, parsePeriod('2026Q4', NOW, TZ), zh, { currency: 'CNY' });
    const img = decodePng(q4.png);
    expect([img.width, img.height]).toEqual([1200, 640]);
    // Every series is drawn with its data. An empty quarter shows each severity's colour only in
    // the legend; Q4's bars add area in proportion to the counts: general 8, important 2 (T3, T6
    // raised by the repeat rule), major 1 (T4).
    const empty = decodePng((await buildQuarterlyReport(s.reports.service, parsePeriod('2025Q4', NOW, TZ), zh, { currency: 'CNY' })).png);
    const bar = (sev: keyof typeof SEVERITY_COLORS) => countColor(img, SEVERITY_COLORS[sev]!) - countColor(empty, SEVERITY_COLORS[sev]!);
    const unit = bar('major');
    expect(unit).toBeGreaterThan(1000);
    expect(bar('important') / unit).toBeCloseTo(2, 1);
    expect(bar('general') / unit).toBeCloseTo(8, 1);
    // The trend lines (filed, resolved per month) rise off the zero line they are in an empty quarter.
    for (const colour of Object.values(TREND_COLORS)) expect(countColor(img, colour)).toBeGreaterThan(2 * countColor(empty, colour));
    expect(countColor(img, '#ff00ff')).toBe(0);
    // Q4 = the ten November complaints and T11 (October, product quality): product quality leads, in Simplified Chinese.
    expect(q4.overview.matrix[0]).toEqual({ category: 'product_quality', bySeverity: { general: 3, important: 1 } });
    const text = reportText(q4);
    expect(text).toContain('2026Q4 投诉类型分布与高频问题分析');
    expect(text).toContain('产品质量: 4 (36.4%)');
    expect(text).toContain('满意度: 暂无评价');
    expect(text).toContain('kettle k1 4 (重复 1)');
    expect(text).not.toMatch(/Test Customer|138000000|does not work as described/);
    const rows = parse(q4.csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    const all = rows.find((r) => r.dimension === 'all')!;
    expect(all).toMatchObject({ filed: '11', resolved: '8', open: '2', rejected: '1', csat_ratings: '0', csat_average: '' });
    expect(rows.find((r) => r.dimension === 'category' && r.group === 'billing')).toMatchObject({ label: '资费/费用争议', filed: '2', resolved: '1' });
    expect(rows.find((r) => r.dimension === 'agent' && r.group === 'U_A')).toMatchObject({ label: 'Agent A', filed: '5', resolved: '4' });
    expect(q4.files).toEqual({ png: 'complaints-2026Q4.png', csv: 'complaints-2026Q4.csv' });
  });
});
