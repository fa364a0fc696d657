import {
  computeDeadlines,
  elapsedSlaTime,
  loadCalendar,
  remaining,
  resolvePolicy,
  status,
  type Pause,
} from '../../../src/sla';
import { due, HOUR, local, sh } from './helpers';

const cn = loadCalendar();
const cnOffice = loadCalendar({ businessHours: { start: '09:00', end: '18:00' } });
const service = resolvePolicy('service');
const telecom = resolvePolicy('telecom');

function deadlines(startAt: string, pauses: Pause[], opts: { calendar?: typeof cn; policy?: typeof service } = {}) {
  return computeDeadlines({
    policy: opts.policy ?? service,
    calendar: opts.calendar ?? cn,
    category: 'billing',
    severity: 'general',
    startAt: sh(startAt),
    pauses,
  });
}

describe('SLA pauses (waiting_customer)', () => {
  it('when the ticket waits 4 h during a working day, then every deadline after the pause moves by 4 h', () => {
    // Filed Mon 9 Mar 10:00: resolution Thu 12 10:00 without pause.
    expect(due(deadlines('2026-03-09 10:00', []).resolution)).toBe('2026-03-12 10:00');
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-09 12:00'), to: sh('2026-03-09 16:00') }]);
    expect(due(d.resolution)).toBe('2026-03-12 14:00');
    expect(due(d.factCheck)).toBe('2026-03-10 14:00');
    expect(due(d.firstContact)).toBe('2026-03-09 11:00'); // due before the pause began
  });

  it('when a pause begins exactly at a deadline, then that deadline does not move', () => {
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-10 10:00'), to: sh('2026-03-10 14:00') }]);
    expect(due(d.factCheck)).toBe('2026-03-10 10:00');
    expect(due(d.resolution)).toBe('2026-03-12 14:00');
  });

  it('when a pause covers only a weekend, then a working-day deadline moves by nothing but a clock deadline moves by the whole pause', () => {
    // Filed Thu 5 Mar 10:00: Fri 6 (1), Mon 9 (2), Tue 10 (3) → Tue 10 10:00.
    const weekend: Pause = { from: sh('2026-03-07 10:00'), to: sh('2026-03-08 20:00') };
    expect(due(deadlines('2026-03-05 10:00', [weekend]).resolution)).toBe('2026-03-10 10:00');
    // Telecom billing 72 h: due Sun 8 10:00 without pause; 48 h used by Sat 10:00, 24 h left from Sun 20:00.
    const t = deadlines('2026-03-05 10:00', [weekend], { policy: telecom });
    expect(due(t.resolution)).toBe('2026-03-09 20:00');
  });

  it('when a pause covers only the Spring Festival break, then the working-day deadline does not move', () => {
    const d = deadlines('2026-02-13 10:00', [{ from: sh('2026-02-15 00:00'), to: sh('2026-02-23 23:59') }]);
    expect(due(d.resolution)).toBe('2026-02-25 10:00');
  });

  it('when a pause runs Fri 18:00 → Mon 09:00, then only its working time is given back', () => {
    const pause: Pause = { from: sh('2026-03-06 18:00'), to: sh('2026-03-09 09:00') };
    // No business hours: Fri 18–24 (6 h) + Mon 00–09 (9 h) = 15 working hours: Tue 10:00 → Wed 01:00.
    expect(due(deadlines('2026-03-05 10:00', [pause]).resolution)).toBe('2026-03-11 01:00');
    // Business hours 09–18: the pause holds no working time, the deadline stays Tue 10 10:00.
    expect(due(deadlines('2026-03-05 10:00', [], { calendar: cnOffice }).resolution)).toBe('2026-03-10 10:00');
    expect(due(deadlines('2026-03-05 10:00', [pause], { calendar: cnOffice }).resolution)).toBe('2026-03-10 10:00');
  });

  it('when a pause is still open, then the deadline is unknown and says where it stopped', () => {
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-10 10:00') }]);
    const r = d.resolution;
    expect(r.state).toBe('paused');
    expect(r.dueAt).toBeNull();
    if (r.state !== 'paused') throw new Error('unreachable');
    expect(local(r.pausedAt)).toBe('2026-03-10 10:00');
    expect(r.consumedMs).toBe(24 * HOUR);
    expect(r.warnAt).toBeNull();
    // Thu 12 10:00 would have been the deadline; while paused it is not overdue.
    expect(status(r, sh('2026-03-12 10:00'))).toBe('ok');
    expect(remaining(r, sh('2026-03-13 10:00'), cn)).toBe(48 * HOUR);
    expect(elapsedSlaTime(r, sh('2026-03-13 10:00'), cn)).toBe(24 * HOUR);
    // Deadlines reached before the pause are known and unaffected.
    expect(d.firstContact.state).toBe('running');
    expect(status(d.firstContact, sh('2026-03-10 12:00'))).toBe('overdue');
    expect(due(d.factCheck)).toBe('2026-03-10 10:00');
  });

  it('when the open pause is closed a day later, then the deadline reappears one working day later', () => {
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-10 10:00'), to: sh('2026-03-11 10:00') }]);
    expect(due(d.resolution)).toBe('2026-03-13 10:00');
  });

  it('when a ticket is paused after its warning point, then it keeps the warning while paused', () => {
    // Warn at 57.6 working hours: Mon 14 h, Tue 24 h (38), Wed 19.6 h → Wed 11 19:36.
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-12 08:00') }]);
    expect(d.resolution.state).toBe('paused');
    expect(local(d.resolution.warnAt)).toBe('2026-03-11 19:36');
    expect(status(d.resolution, sh('2026-03-20 10:00'))).toBe('warning');
  });

  it('when a ticket is paused after its deadline, then it stays overdue', () => {
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-13 10:00') }]);
    expect(d.resolution.state).toBe('running');
    expect(due(d.resolution)).toBe('2026-03-12 10:00');
    expect(status(d.resolution, sh('2026-03-13 12:00'))).toBe('overdue');
  });

  it('when pauses overlap or reach before the filing, then time is given back once and only after the filing', () => {
    const d = deadlines('2026-03-09 10:00', [
      { from: sh('2026-03-08 08:00'), to: sh('2026-03-08 09:00') }, // ended before the filing: ignored
      { from: sh('2026-03-08 20:00'), to: sh('2026-03-09 12:00') }, // 2 h after the filing
      { from: sh('2026-03-10 10:00'), to: sh('2026-03-10 12:00') },
      { from: sh('2026-03-10 11:00'), to: sh('2026-03-10 13:00') }, // overlaps: 3 h in all, not 4
    ]);
    expect(due(d.resolution)).toBe('2026-03-12 15:00');
    expect(d.resolution.pauses.map((p) => [local(p.from), p.to ? local(p.to) : null])).toEqual([
      ['2026-03-09 10:00', '2026-03-09 12:00'],
      ['2026-03-10 10:00', '2026-03-10 13:00'],
    ]);
  });

  it('when a pause ends before it begins, then the computation refuses it', () => {
    expect(() => deadlines('2026-03-09 10:00', [{ from: sh('2026-03-10 10:00'), to: sh('2026-03-10 09:00') }])).toThrow(
      /ends .* before it begins/,
    );
  });

  it('when the policy counts from the next day, then a pause on the filing day gives nothing back', () => {
    const civil = resolvePolicy('service', { workingDayCount: 'fromNextDay' });
    const d = deadlines('2026-03-09 10:00', [{ from: sh('2026-03-09 12:00'), to: sh('2026-03-09 16:00') }], { policy: civil });
    expect(due(d.resolution)).toBe('2026-03-13 00:00');
  });
});

describe('elapsed and remaining SLA time', () => {
  it('when a weekend has passed, then working time and clock time differ', () => {
    const d = deadlines('2026-03-06 10:00', []);
    const now = sh('2026-03-09 10:00');
    // Working: Fri 10–24 (14 h) + Mon 0–10 (10 h).
    expect(elapsedSlaTime(d.resolution, now, cn)).toBe(24 * HOUR);
    expect(remaining(d.resolution, now, cn)).toBe(48 * HOUR);
    // Clock: 72 h against a 24 h fact check → 48 h overdue.
    expect(elapsedSlaTime(d.factCheck, now, cn)).toBe(72 * HOUR);
    expect(remaining(d.factCheck, now, cn)).toBe(-48 * HOUR);
  });

  it('when a closed pause lies before now, then it is not counted as elapsed', () => {
    const d = deadlines('2026-03-06 10:00', [{ from: sh('2026-03-09 08:00'), to: sh('2026-03-09 09:00') }]);
    expect(elapsedSlaTime(d.resolution, sh('2026-03-09 10:00'), cn)).toBe(23 * HOUR);
    expect(elapsedSlaTime(d.factCheck, sh('2026-03-09 10:00'), cn)).toBe(71 * HOUR);
  });

  it('when now is before the filing, then nothing has elapsed', () => {
    const d = deadlines('2026-03-06 10:00', []);
    expect(elapsedSlaTime(d.resolution, sh('2026-03-05 10:00'), cn)).toBe(0);
  });

  it('when now is the due instant, then nothing remains', () => {
    const d = deadlines('2026-02-13 10:00', [{ from: sh('2026-02-13 12:00'), to: sh('2026-02-14 12:00') }]);
    expect(d.resolution.dueAt).not.toBeNull();
    expect(remaining(d.resolution, d.resolution.dueAt ?? new Date(0), cn)).toBe(0);
  });
});
