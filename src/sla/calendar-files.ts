import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../support/paths';
import { parseIsoDate, weekdayOf, yearOf, WEEKDAY_NAMES } from './local-time';

/**
 * Calendar data files: one `<REGION>-<YEAR>.json` per region and year (format in
 * src/sla/calendars/README.md). The loader validates every file it reads and throws a
 * CalendarFileError naming the file and each bad entry.
 */

export interface CalendarYearData {
  region: string;
  year: number;
  source: string;
  /** Days off: statutory holidays, including the weekend days inside a holiday block. */
  holidays: string[];
  /** Make-up working days (調休): weekend days that are working days. */
  workdays: string[];
  notes?: string | undefined;
}

export const CALENDAR_FILE_NAME = /^([A-Z]{2}[A-Z0-9_]*)-(\d{4})\.json$/;

const CalendarYearSchema = z.strictObject({
  region: z.string().regex(/^[A-Z]{2}[A-Z0-9_]*$/, 'must be an upper-case region code such as "CN"'),
  year: z.number().int().min(1970).max(2999),
  source: z.string().trim().min(1, 'must name the official source (notice and date)'),
  holidays: z.array(z.string()),
  workdays: z.array(z.string()),
  notes: z.string().optional(),
});

export class CalendarFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid SLA calendar file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'CalendarFileError';
  }
}

function issuePath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(file)';
}

/**
 * Validates one year of calendar data. `label` names the source in errors (usually the file
 * path); when `expected` is given (from the file name) region and year must match it.
 */
export function validateCalendarData(
  data: unknown,
  label: string,
  expected?: { region: string; year: number },
): CalendarYearData {
  const parsed = CalendarYearSchema.safeParse(data);
  if (!parsed.success) {
    throw new CalendarFileError(
      label,
      parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`),
    );
  }
  const cal = parsed.data;
  const problems: string[] = [];
  if (expected && (expected.region !== cal.region || expected.year !== cal.year)) {
    problems.push(
      `the file name says ${expected.region}-${expected.year} but the content says region "${cal.region}", year ${cal.year}`,
    );
  }
  const seen = new Map<string, string>();
  for (const list of ['holidays', 'workdays'] as const) {
    cal[list].forEach((date, i) => {
      const where = `${list}[${i}] "${date}"`;
      const day = parseIsoDate(date);
      if (day === null) {
        problems.push(`${where} is not a valid YYYY-MM-DD date`);
        return;
      }
      if (yearOf(day) !== cal.year) problems.push(`${where} is not in ${cal.year}`);
      const weekday = weekdayOf(day);
      if (list === 'workdays' && weekday < 6) {
        problems.push(
          `${where} is a ${WEEKDAY_NAMES[weekday - 1] ?? ''}; a make-up working day must be a Saturday or Sunday`,
        );
      }
      const before = seen.get(date);
      if (before === list) problems.push(`${where} is listed twice in ${list}`);
      else if (before) problems.push(`${where} is listed both in holidays and in workdays`);
      else seen.set(date, list);
    });
  }
  if (problems.length > 0) throw new CalendarFileError(label, problems);
  return cal;
}

/** Reads and validates one calendar file; its name must be `<REGION>-<YEAR>.json`. */
export function readCalendarFile(file: string): CalendarYearData {
  const m = CALENDAR_FILE_NAME.exec(path.basename(file));
  if (!m) {
    throw new CalendarFileError(file, ['the file name must be <REGION>-<YEAR>.json, e.g. CN-2027.json']);
  }
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CalendarFileError(file, [`cannot read it as JSON: ${(err as Error).message}`], {
      cause: err,
    });
  }
  return validateCalendarData(data, file, { region: m[1] ?? '', year: Number(m[2]) });
}

/**
 * Reads every `*.json` file of a folder (other files, such as a README, are ignored), sorted by
 * name. A missing folder is an error: it was named in configuration.
 */
export function readCalendarDir(dir: string): CalendarYearData[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new Error(`SLA calendar folder ${dir} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  return names
    .filter((n) => n.toLowerCase().endsWith('.json'))
    .sort()
    .map((n) => readCalendarFile(path.join(dir, n)));
}

/**
 * The folder of calendars shipped with the code: `calendars/` next to this module when present
 * (ts-jest, tsx, or a build that copies it), otherwise `src/sla/calendars` under the project root.
 */
export function shippedCalendarDir(): string {
  const local = path.join(__dirname, 'calendars');
  if (fs.existsSync(local)) return local;
  return path.join(projectRoot(), 'src', 'sla', 'calendars');
}

/**
 * All calendar years from the shipped folder, then from `extraDir` (config `SLA_CALENDAR_DIR`).
 * Every file is validated, whatever its region. A file in `extraDir` for a region and year that
 * is also shipped replaces the shipped one (to correct or pre-empt a notice without a release).
 */
export function loadCalendarData(options: { extraDir?: string | undefined; shippedDir?: string } = {}): CalendarYearData[] {
  const byKey = new Map<string, CalendarYearData>();
  const dirs = [options.shippedDir ?? shippedCalendarDir()];
  if (options.extraDir) dirs.push(options.extraDir);
  for (const dir of dirs) {
    for (const cal of readCalendarDir(dir)) byKey.set(`${cal.region}-${cal.year}`, cal);
  }
  return [...byKey.values()];
}
