import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CalendarFileError,
  loadCalendar,
  loadCalendarData,
  readCalendarFile,
  shippedCalendarDir,
  validateCalendarData,
} from '../../../src/sla';

const tmpDirs: string[] = [];
function tmpDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-cal-'));
  tmpDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

const good2027 = {
  region: 'CN',
  year: 2027,
  source: 'test notice',
  holidays: ['2027-01-01', '2027-10-01'],
  workdays: ['2027-09-26'], // a Sunday
};

/** The error thrown by `fn`, so that its fields and message can be checked. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('calendar files', () => {
  it('when the shipped folder is read, then CN-2025 and CN-2026 load with their sources', () => {
    const data = loadCalendarData();
    expect(data.map((d) => `${d.region}-${d.year}`).sort()).toEqual(['CN-2025', 'CN-2026']);
    const cal = loadCalendar();
    expect(cal.sources.get(2026)).toMatch(/2025-11-04/);
    expect(fs.existsSync(path.join(shippedCalendarDir(), 'README.md'))).toBe(true);
  });

  it('when an extra folder adds a year, then that year is covered and its holidays apply', () => {
    const extra = tmpDir({ 'CN-2027.json': good2027, 'README.md': '# not a calendar' });
    const cal = loadCalendar({ extraDir: extra });
    expect(cal.coveredYears).toEqual([2025, 2026, 2027]);
    expect(cal.dayType('2027-01-01')).toBe('holiday'); // a Friday
    expect(cal.dayType('2027-09-26')).toBe('makeup_workday');
  });

  it('when an extra folder has a file for a shipped year, then it replaces the shipped one', () => {
    const extra = tmpDir({ 'CN-2026.json': { region: 'CN', year: 2026, source: 'correction', holidays: [], workdays: [] } });
    const cal = loadCalendar({ extraDir: extra });
    expect(cal.sources.get(2026)).toBe('correction');
    expect(cal.isWorkingDate('2026-02-16')).toBe(true);
    expect(cal.isWorkingDate('2026-02-14')).toBe(false);
  });

  it('when an extra folder holds another region, then that region can be used and CN is untouched', () => {
    const extra = tmpDir({ 'HK-2026.json': { region: 'HK', year: 2026, source: 'HK gazette', holidays: ['2026-07-01'], workdays: [] } });
    expect(loadCalendar({ region: 'HK', extraDir: extra }).isWorkingDate('2026-07-01')).toBe(false);
    expect(loadCalendar({ extraDir: extra }).isWorkingDate('2026-07-01')).toBe(true);
  });

  it('when the extra folder does not exist, then loading fails naming the folder', () => {
    const missing = path.join(os.tmpdir(), 'sla-cal-does-not-exist-4711');
    expect(() => loadCalendar({ extraDir: missing })).toThrow(new RegExp(`folder ${missing} cannot be read`));
  });

  it('when a date is not in the file\'s year, then the error names the file and the entry', () => {
    const dir = tmpDir({ 'CN-2027.json': { ...good2027, holidays: ['2027-01-01', '2028-01-01'] } });
    const err = errorOf(() => loadCalendar({ extraDir: dir }));
    expect(err).toBeInstanceOf(CalendarFileError);
    expect(err.message).toContain(path.join(dir, 'CN-2027.json'));
    expect(err.message).toContain('holidays[1] "2028-01-01" is not in 2027');
    expect((err as CalendarFileError).problems).toHaveLength(1);
  });

  it('when a make-up working day is a weekday, then the error says which day it is', () => {
    const dir = tmpDir({ 'CN-2027.json': { ...good2027, workdays: ['2027-09-26', '2027-09-27'] } });
    expect(() => loadCalendar({ extraDir: dir })).toThrow(
      'workdays[1] "2027-09-27" is a Monday; a make-up working day must be a Saturday or Sunday',
    );
  });

  it('when a date is listed both as holiday and as workday, then the error says so', () => {
    const dir = tmpDir({ 'CN-2027.json': { ...good2027, holidays: ['2027-09-26'] } });
    expect(() => loadCalendar({ extraDir: dir })).toThrow('workdays[0] "2027-09-26" is listed both in holidays and in workdays');
  });

  it('when a date is listed twice or is not a real date, then every bad entry is reported', () => {
    const dir = tmpDir({ 'CN-2027.json': { ...good2027, holidays: ['2027-01-01', '2027-01-01', '2027-02-30', '27-3-1'] } });
    const err = errorOf(() => loadCalendar({ extraDir: dir })) as CalendarFileError;
    expect(err.problems).toEqual([
      'holidays[1] "2027-01-01" is listed twice in holidays',
      'holidays[2] "2027-02-30" is not a valid YYYY-MM-DD date',
      'holidays[3] "27-3-1" is not a valid YYYY-MM-DD date',
    ]);
  });

  it('when the structure is wrong, then the field is named', () => {
    const bad = { region: 'CN', year: 2027, holidays: '2027-01-01', workdays: [], extra: true };
    const err = errorOf(() => validateCalendarData(bad, 'my-file')) as CalendarFileError;
    expect(err.message).toMatch(/^Invalid SLA calendar file my-file:/);
    expect(err.problems.join('\n')).toMatch(/source: /);
    expect(err.problems.join('\n')).toMatch(/holidays: /);
    expect(err.problems.join('\n')).toMatch(/extra/);
  });

  it('when the file name and the content disagree, then the error says so', () => {
    const dir = tmpDir({ 'CN-2028.json': good2027 });
    expect(() => loadCalendar({ extraDir: dir })).toThrow(/the file name says CN-2028 but the content says region "CN", year 2027/);
  });

  it('when a JSON file is not named <REGION>-<YEAR>.json, then it is refused rather than ignored', () => {
    for (const name of ['cn-2027.json', 'CN-27.json', 'holidays.json']) {
      const dir = tmpDir({ [name]: good2027 });
      expect(() => loadCalendar({ extraDir: dir })).toThrow(/the file name must be <REGION>-<YEAR>\.json/);
    }
  });

  it('when a file is not valid JSON, then the error names the file', () => {
    const dir = tmpDir({ 'CN-2027.json': '{ "region": "CN", ' });
    const file = path.join(dir, 'CN-2027.json');
    expect(() => readCalendarFile(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*cannot read it as JSON`));
  });

  it('when a bad file sits in the extra folder next to good ones, then loading fails (no silent skip)', () => {
    const dir = tmpDir({ 'CN-2027.json': good2027, 'CN-2028.json': { ...good2027, year: 2028 } });
    expect(() => loadCalendar({ extraDir: dir })).toThrow(/CN-2028\.json[\s\S]*is not in 2028/);
  });
});
