/**
 * `npm run api-key -- --name hotline` (`--admin` for a key of the personal-data API): print a new random API key (give it to the integrating
 * system) and the `API_KEYS` entry that holds its hash (add it to the service's configuration).
 */
import { parseArgs } from 'node:util';
import { newApiKey } from '../config/api-keys';

function main(): number {
  let name: string | undefined;
  let admin: boolean | undefined;
  try {
    ({ values: { name, admin } } = parseArgs({ options: { name: { type: 'string' }, admin: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  if (!name) {
    console.error('usage: npm run api-key -- --name <system name, e.g. hotline> [--admin (the personal-data API: export and erasure)]');
    return 2;
  }
  try {
    const { key, entry } = newApiKey(name, admin ? 'admin' : 'file');
    console.log(`key (give it to "${name}"; it is shown only now):\n  ${key}\n`);
    console.log(`API_KEYS entry (add it, comma-separated, to the service's API_KEYS):\n  ${entry}`);
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
}

process.exitCode = main();
