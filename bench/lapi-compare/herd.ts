import { join } from 'node:path';
import { freePort, runCommand, startProcess, waitHealthy, type RunningServer } from './processes.js';

/**
 * herd's local API as a user runs it: `herd decisions import` of the file, `herd bouncers add
 * bench -o raw`, then `herd start --no-acquisition --listen 127.0.0.1:PORT --data-dir DIR`
 * (the real CLI, SQLite store, warn-level logs).
 */

export interface HerdSetup {
  server: RunningServer;
  /** Wall time of `herd decisions import`, ms. */
  importMs: number;
}

export async function startHerd(herdBin: string, dir: string, csv: string): Promise<HerdSetup> {
  const dataDir = join(dir, 'data');
  const env = { HERD_LOG_LEVEL: 'warn' };
  const herd = (args: string[]) => runCommand(process.execPath, [herdBin, ...args, '--data-dir', dataDir], { cwd: dir, env });
  const imported = herd(['decisions', 'import', '-i', csv, '--json']);
  const summary = JSON.parse(imported.stdout) as { imported: number; skipped: number };
  if (summary.skipped !== 0) throw new Error(`herd decisions import skipped ${summary.skipped} row(s):\n${imported.stdout}`);
  const key = herd(['bouncers', 'add', 'bench', '-o', 'raw']).stdout.trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'herd.out');
  const child = startProcess(process.execPath, [herdBin, 'start', '--no-acquisition', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], logFile, { cwd: dir, env });
  try {
    await waitHealthy(url, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { server: { name: 'herd', url, key, child, logFile }, importMs: imported.ms };
}
