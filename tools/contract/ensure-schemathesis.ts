/**
 * Schemathesis (PyPI) for the contract test, in a virtual environment of its own under the user's
 * cache (`~/.cache/complaint-desk/schemathesis-<hash of requirements.txt>`), installed from the
 * pinned tools/contract/requirements.txt the first time and reused afterwards. `.ci/run` calls it
 * before `npm test`; the contract test calls it too, so a local `npm test` works on a new machine.
 *
 *   npx tsx tools/contract/ensure-schemathesis.ts   # prints the path of the schemathesis command
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HERE = __dirname;

export class SchemathesisUnavailableError extends Error {
  override readonly name = 'SchemathesisUnavailableError';
}

function cacheDir(): string {
  const requirements = fs.readFileSync(path.join(HERE, 'requirements.txt'));
  const hash = crypto.createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'complaint-desk', `schemathesis-${hash}`);
}

function works(bin: string): boolean {
  return fs.existsSync(bin) && spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The schemathesis command, installing it first if needed. */
export function ensureSchemathesis(log: (m: string) => void = (m) => console.error(m)): string {
  const dir = cacheDir();
  const bin = path.join(dir, 'bin', 'schemathesis');
  const marker = path.join(dir, '.installed');
  if (fs.existsSync(marker) && works(bin)) return bin;
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'], { stdio: 'ignore' }).status === 0);
  if (!python) throw new SchemathesisUnavailableError('The contract test needs Python 3.9 or later (python3) to install Schemathesis.');
  log(`Installing Schemathesis into ${dir} (once; later runs reuse it)…`);
  // A half-made environment (an install that was interrupted) has no marker: start it again.
  fs.rmSync(dir, { recursive: true, force: true });
  const steps: Array<[string, string[]]> = [
    [python, ['-m', 'venv', dir]],
    [path.join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '-r', path.join(HERE, 'requirements.txt')]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new SchemathesisUnavailableError(`Installing Schemathesis failed (${path.basename(cmd)} ${args.join(' ')}); check access to the Python package index.`);
    }
  }
  fs.writeFileSync(marker, new Date().toISOString());
  if (!works(bin)) throw new SchemathesisUnavailableError(`Schemathesis was installed into ${dir} but does not run.`);
  return bin;
}

if (require.main === module) {
  try {
    console.log(ensureSchemathesis());
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
