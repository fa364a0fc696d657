/**
 * Spike alerts (seed 001): complaints about one product in a day far above its baseline reach the
 * alert sinks once; a category whose baseline is higher does not alert; a sink that is down gets
 * the alert later.
 */
import type { AlertSink, SpikeAlert } from '../../../src/reports/ports';
import { isSpike } from '../../../src/reports/spikes';
import { TestClock } from '../../support/report-data';
import { startTestServer, type TestServer } from '../../support/server';

const DAY = 86_400_000;
const TODAY = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai

class RecordingSink implements AlertSink {
  readonly name = 'recording';
  told: SpikeAlert[] = [];
  down = false;
  async notify(alert: SpikeAlert): Promise<void> {
    if (this.down) throw new Error('sink is down');
    this.told.push(alert);
  }
}

describe('spike alerts', () => {
  let s: TestServer;
  const clock = new TestClock();
  const sink = new RecordingSink();
  let phone = 0;

  const file = (product: string) =>
    s.complaints.file(
      { description: 'The screen flickers and then goes black after a few minutes.', customer: { phone: `1370000${String(++phone).padStart(4, '0')}` }, category: 'product_quality', severity: 'general', product },
      { actor: { kind: 'api', id: 'test' } },
    );

  beforeAll(async () => {
    s = await startTestServer({ SPIKE_FACTOR: '3', SPIKE_MIN_COUNT: '5', SPIKE_BASELINE_DAYS: '7' }, { clock, alertSinks: [sink] });
    // Baseline week: one "Phone X" and two "Tablet Y" a day → Phone X 1/day, product quality 3/day.
    for (let d = 7; d >= 1; d--) {
      clock.set(TODAY.getTime() - d * DAY);
      await file('Phone X');
      await file('Tablet Y');
      await file('Tablet Y');
    }
    await s.effects.drain();
    clock.set(TODAY);
  });
  afterAll(() => s.stop());

  it('when the rule is asked, then it needs both the minimum and the factor', () => {
    expect(isSpike(5, 1, { factor: 3, minCount: 5 })).toBe(true);
    expect(isSpike(4, 0, { factor: 3, minCount: 5 })).toBe(false);
    expect(isSpike(9, 3, { factor: 3, minCount: 5 })).toBe(false);
    expect(isSpike(10, 3, { factor: 3, minCount: 5 })).toBe(true);
  });

  it('when a product jumps above three times its baseline, then one alert is told, and none for its category', async () => {
    for (let i = 0; i < 4; i++) await file('Phone X');
    await s.effects.drain();
    expect(sink.told).toEqual([]);
    await file('phone  x'); // the same product, written differently
    await s.effects.drain();
    expect(sink.told).toHaveLength(1);
    expect(sink.told[0]).toMatchObject({ day: '2026-11-20', dimension: 'product', key: 'phone x', count: 5, baseline: 1, baselineDays: 7, factor: 3 });
    // More of the same that day: still one alert; product quality (5–7 today against 3/day) is no spike.
    await file('Phone X');
    await file('Phone X');
    await s.effects.drain();
    expect(sink.told).toHaveLength(1);
    const overview = await s.reports.service.overview({ from: '2026-11-20', to: '2026-11-20', label: '2026-11-20' });
    expect(overview.alerts.map((a) => a.key)).toEqual(['phone x']);
  });

  it('when the sink is down, then alerts wait and are told by the next upkeep run, once', async () => {
    sink.down = true;
    // A new product with no baseline: the minimum alone decides.
    for (let i = 0; i < 5; i++) await file('Router Z');
    await s.effects.drain();
    expect(sink.told.map((a) => a.key)).toEqual(['phone x']);
    sink.down = false;
    await s.jobs.reports();
    // Router Z (5, no baseline) and now product quality as a whole (12 today against 3/day).
    expect(sink.told.slice(1).map((a) => `${a.dimension}:${a.key}`).sort()).toEqual(['category:product_quality', 'product:router z']);
    await s.jobs.reports();
    expect(sink.told).toHaveLength(3);
  });
});
