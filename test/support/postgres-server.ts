import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temp dir, `pg_ctl start` on a free
 * loopback port, one database per `createDatabase()`, and `stop()` removes it all. Start it once
 * per test file (starting costs about a second; a database costs a few milliseconds).
 *
 * The binaries are Debian's (package `postgresql`): /usr/lib/postgresql/<version>/bin, or
 * `pg_config --bindir`, or `$HERD_PG_BINDIR`. PostgreSQL refuses to run as root, so when the tests
 * run as root (CI does) every server command runs as the unprivileged user `nobody` through
 * `runuser -u nobody --` (or `setpriv` where runuser is missing), and the temp dir is chowned to it.
 * The server trusts local connections (initdb --auth=trust) and listens on 127.0.0.1 only, with
 * fsync off: it holds test data, nothing else.
 */

/** The Debian package that provides the server binaries, for skip messages. */
export const POSTGRES_PACKAGE = 'postgresql';

export interface PostgresServer {
  readonly port: number;
  /**
   * Creates a database and returns its URL (`postgres://herd@127.0.0.1:port/name`): empty, or a
   * copy of the database at `copyOf` (a URL this server returned; nobody may be connected to it),
   * which is much cheaper than running migrations again.
   */
  createDatabase(copyOf?: string): Promise<string>;
  /** Stops the server and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

const SUPERUSER = 'herd';

function isBinDir(dir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)));
}

/** The directory holding initdb, pg_ctl and postgres, or null when PostgreSQL is not installed. */
export function findPostgresBinDir(): string | null {
  const fromEnv = process.env.HERD_PG_BINDIR;
  if (fromEnv && isBinDir(fromEnv)) return fromEnv;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (isBinDir(join(base, v, 'bin'))) return join(base, v, 'bin');
  }
  const probe = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = probe.status === 0 ? probe.stdout.trim() : '';
  return dir && isBinDir(dir) ? dir : null;
}

/** How to run a server command: directly, or as `nobody` when we are root. */
interface Runner {
  argv(cmd: string, args: string[]): [string, string[]];
  uid: number | null;
  gid: number | null;
}

function runner(): Runner {
  if (process.getuid?.() !== 0) return { argv: (cmd, args) => [cmd, args], uid: null, gid: null };
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) {
    return { argv: (cmd, args) => ['runuser', ['-u', 'nobody', '--', cmd, ...args]], uid, gid };
  }
  return {
    argv: (cmd, args) => ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', cmd, ...args]],
    uid,
    gid,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(r: Runner, cmd: string, args: string[], what: string, logFile?: string): void {
  const [exe, argv] = r.argv(cmd, args);
  // cwd: the server user must be able to enter it (root's cwd may be closed to nobody).
  const res = spawnSync(exe, argv, { encoding: 'utf8', cwd: '/', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  if (res.status !== 0) {
    const log = logFile && existsSync(logFile) ? `\nserver log:\n${readFileSync(logFile, 'utf8').slice(-4000)}` : '';
    throw new Error(`${what} failed (${exe} ${argv.join(' ')}): ${res.error?.message ?? ''}${res.stderr}${res.stdout}${log}`);
  }
}

/** Why PostgreSQL tests cannot run here (a message to show when skipping them), or null when they can. */
export function postgresUnavailable(): string | null {
  if (findPostgresBinDir()) return null;
  return (
    'PostgreSQL tests skipped: initdb, pg_ctl and postgres were not found in /usr/lib/postgresql/*/bin, ' +
    `pg_config --bindir or $HERD_PG_BINDIR; install the Debian package "${POSTGRES_PACKAGE}" (apt-get install ${POSTGRES_PACKAGE})`
  );
}

/** Starts a server (about a second); throws when the binaries are missing (see `postgresUnavailable`). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error(postgresUnavailable() ?? 'PostgreSQL binaries not found');
  const r = runner();
  const dir = mkdtempSync(join(tmpdir(), 'herd-pg-'));
  if (r.uid !== null && r.gid !== null) chownSync(dir, r.uid, r.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  let stopped = false;
  const stopNow = (): void => {
    if (stopped) return;
    stopped = true;
    const [exe, argv] = r.argv(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    if (existsSync(join(data, 'postmaster.pid'))) spawnSync(exe, argv, { cwd: '/', stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run killed before its afterAll still takes the server down with it.
  process.once('exit', stopNow);
  try {
    run(r, join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], 'initdb');
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      const opts = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        run(r, join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', log, '-w', '-t', '60', 'start'], 'pg_ctl start', log);
        break;
      } catch (err) {
        // The free port may have been taken between the probe and the start: try another once.
        if (attempt >= 1) throw err;
      }
    }
    let dbNo = 0;
    const admin = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    return {
      port,
      async createDatabase(copyOf?: string) {
        const name = `herd_test_${++dbNo}`;
        const template = copyOf === undefined ? 'template1' : new URL(copyOf).pathname.slice(1);
        if (!/^\w+$/.test(template)) throw new Error(`not a database of this server: ${copyOf}`);
        const client = new pg.Client({ connectionString: admin });
        await client.connect();
        try {
          // FILE_COPY: copying the template's few files is much faster than WAL-logging them.
          await client.query(`create database ${name} template ${template} strategy = file_copy`);
        } finally {
          await client.end();
        }
        return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
      },
      stop() {
        process.removeListener('exit', stopNow);
        stopNow();
        return Promise.resolve();
      },
    };
  } catch (err) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw err;
  }
}
