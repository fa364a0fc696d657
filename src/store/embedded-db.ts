/**
 * The embedded default database: FerretDB (SQLite backend) wrapped by the project's own Go
 * program in tools/embedded-db. Built once with `go build` into tools/embedded-db/bin and
 * reused; also cached per user (keyed on the hash of the Go sources) so fresh clones on the
 * same machine skip the build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../support/paths';

export class EmbeddedDbUnavailableError extends Error {
  override readonly name = 'EmbeddedDbUnavailableError';
}

export interface EmbeddedDbOptions {
  /** Where the SQLite files live. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Progress messages for humans (build notice); defaults to stderr. */
  notify?: (message: string) => void;
  /** Called if the child exits without being asked to, with the end of what it wrote to stderr. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null, stderrTail: string) => void;
}

export interface EmbeddedDb {
  uri: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];

function sourceDir(): string {
  return path.join(projectRoot(), 'tools', 'embedded-db');
}

/** Hash of the Go sources: a changed wrapper or FerretDB version means a new binary. */
export function embeddedDbSourceHash(): string {
  const h = crypto.createHash('sha256');
  for (const f of SOURCE_FILES) {
    h.update(f).update('\0').update(fs.readFileSync(path.join(sourceDir(), f))).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function userCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'complaint-desk');
}

function commandWorks(command: string): boolean {
  const r = spawnSync(command, ['version'], { stdio: 'ignore' });
  return r.status === 0;
}

function copyAtomically(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
}

export interface BinaryLocation {
  /** Where the built binary lives in the clone (ignored by git). */
  binDir?: string;
  /** Per-user cache shared by clones on this machine. */
  cacheDir?: string;
  /** The Go command. */
  go?: string;
}

/**
 * Path to a built embedded-db binary, building it if needed. Throws
 * EmbeddedDbUnavailableError with one clear sentence when it cannot be had.
 */
export async function ensureEmbeddedDbBinary(
  notify: (m: string) => void = (m) => process.stderr.write(`${m}\n`),
  where: BinaryLocation = {},
): Promise<string> {
  const name = `embedded-db-${embeddedDbSourceHash()}`;
  const local = path.join(where.binDir ?? path.join(sourceDir(), 'bin'), name);
  if (fs.existsSync(local)) return local;

  const cached = path.join(where.cacheDir ?? userCacheDir(), name);
  if (fs.existsSync(cached)) {
    copyAtomically(cached, local);
    return local;
  }

  const go = where.go ?? 'go';
  if (!commandWorks(go)) {
    throw new EmbeddedDbUnavailableError(
      'No database configured: set MONGODB_URI to a MongoDB server (e.g. mongodb://127.0.0.1:27017/complaints), ' +
        'or install Go 1.22 or newer (https://go.dev/dl/) so the embedded FerretDB database can be built.',
    );
  }

  notify(
    'Building the embedded database (FerretDB, SQLite backend) with Go. ' +
      'The first build downloads and compiles modules and takes a few minutes; later starts reuse it.',
  );
  const tmp = `${local}.${process.pid}.building`;
  fs.mkdirSync(path.dirname(local), { recursive: true });
  const started = Date.now();
  const ticker = setInterval(() => notify(`…still building the embedded database (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(go, ['build', '-trimpath', '-o', tmp, '.'], {
      cwd: sourceDir(),
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, CGO_ENABLED: '0' },
    });
    child.on('error', () => resolve(-1));
    child.on('exit', (c) => resolve(c));
  });
  clearInterval(ticker);
  if (code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new EmbeddedDbUnavailableError(
      `Building the embedded database failed (go build exited with ${code}); ` +
        'check that the Go module proxy is reachable, or set MONGODB_URI to a MongoDB server.',
    );
  }
  fs.renameSync(tmp, local);
  notify(`Embedded database built in ${Math.round((Date.now() - started) / 1000)} s.`);
  try {
    copyAtomically(local, cached);
  } catch {
    // The per-user cache is an optimisation only.
  }
  return local;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Start the embedded database as a child process and wait until it accepts connections. */
export async function startEmbeddedDb(opts: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const binary = await ensureEmbeddedDbBinary(opts.notify);
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  fs.mkdirSync(opts.dataDir, { recursive: true });

  const child: ChildProcess = spawn(
    binary,
    ['-listen', `127.0.0.1:${port}`, '-data', opts.dataDir, '-log-level', 'error', '-exit-with-parent'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });

  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded database did not start within 60 s: ${stderr.trim()}`));
    }, 60_000);
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      if (line.startsWith('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited during start (${code ?? signal}): ${stderr.trim()}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });

  child.once('exit', (code, signal) => {
    if (!stopping) opts.onUnexpectedExit?.(code, signal, stderr.trim());
  });

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
