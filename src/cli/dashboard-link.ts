/**
 * `npm run dashboard-link [-- --minutes 60] [--for <name>]`: print a signed link to the supervisor
 * dashboard for an administrator (supervisors get theirs with `/complaints dashboard` in Slack).
 * Signed with DASHBOARD_SECRET, so it works on every instance that has the same secret; valid for
 * DASHBOARD_LINK_MINUTES unless `--minutes` says otherwise (at most a day).
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { dashboardLink, DEV_DASHBOARD_SECRET } from '../reports/dashboard-link';

const USAGE = 'usage: npm run dashboard-link [-- --minutes 60] [--for <your name>]';

function main(): number {
  let values: { minutes?: string; for?: string };
  try {
    ({ values } = parseArgs({ options: { minutes: { type: 'string' }, for: { type: 'string' } }, strict: true }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : (err as Error).message);
    return 1;
  }
  const minutes = values.minutes === undefined ? config.DASHBOARD_LINK_MINUTES : Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    console.error(`--minutes must be a whole number from 1 to 1440\n${USAGE}`);
    return 2;
  }
  const who = (values.for ?? 'admin').trim();
  if (!/^[\w.@-]{1,64}$/.test(who)) {
    console.error(`--for must be 1-64 letters, digits, . _ @ or -\n${USAGE}`);
    return 2;
  }
  if (!config.DASHBOARD_SECRET) console.error('DASHBOARD_SECRET is not set: this link is signed with the development key and works only on instances without a secret.');
  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const { url, expiresAt } = dashboardLink(base, config.DASHBOARD_SECRET ?? DEV_DASHBOARD_SECRET, `admin:${who}`, new Date(), minutes);
  console.log(url);
  console.error(`valid until ${expiresAt.toISOString()} (${minutes} minutes)`);
  return 0;
}

process.exitCode = main();
