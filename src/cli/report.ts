/**
 * `npm run report [-- --period 2026Q4] [--out DIR] [--lang en]`: the quarterly distribution report
 * (seed 003) from the configured database's counters — its text on standard output, the chart (PNG)
 * and the CSV written to DIR (default: the working folder). The period defaults to the last quarter.
 * Exit code 0 when written, 2 for bad arguments, 1 when it could not be made.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { systemClock } from '../domain/ports';
import { loadTaxonomy } from '../domain/taxonomy-config';
import { reportLabels, REPORT_LANGUAGES, type ReportLanguage } from '../reports/labels';
import { parsePeriod, PeriodError } from '../reports/periods';
import { buildQuarterlyReport, reportText } from '../reports/quarterly-report';
import { COUNTERS_META } from '../reports/report-counters';
import { ReportService } from '../reports/report-service';
import { withCliDatabase } from '../store/cli-database';
import { MongoReportStore } from '../store/mongo-report-store';

const USAGE = 'usage: npm run report [-- --period 2026Q4] [--out DIR] [--lang zh-CN|zh-TW|en]';

async function main(): Promise<number> {
  let values: { period?: string; out?: string; lang?: string };
  try {
    ({ values } = parseArgs({ options: { period: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' } }, strict: true }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const lang = (values.lang ?? config.REPORT_LANGUAGE) as ReportLanguage;
  if (!REPORT_LANGUAGES.includes(lang)) {
    console.error(`--lang must be one of ${REPORT_LANGUAGES.join(', ')}\n${USAGE}`);
    return 2;
  }
  let range;
  try {
    range = parsePeriod(values.period, systemClock.now(), config.SLA_TIMEZONE, 'last-quarter');
  } catch (err) {
    if (err instanceof PeriodError) {
      console.error(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  const out = path.resolve(values.out ?? '.');
  return withCliDatabase(config, async (conn, label) => {
    const store = new MongoReportStore(conn);
    if (!(await store.getMeta(COUNTERS_META))) {
      console.error(`The report counters of ${label} are not built yet: start the service once (it builds them), or run npm run report:rebuild.`);
      return 1;
    }
    const service = new ReportService(store, { clock: systemClock, timeZone: config.SLA_TIMEZONE });
    const report = await buildQuarterlyReport(service, range, reportLabels(loadTaxonomy(config.TAXONOMY_FILE), lang), { currency: config.REPORT_CURRENCY });
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, report.files.png), report.png);
    fs.writeFileSync(path.join(out, report.files.csv), report.csv);
    console.log(reportText(report));
    console.error(`\nwrote ${path.join(out, report.files.png)} and ${path.join(out, report.files.csv)} (from ${label})`);
    return 0;
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : `report failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
