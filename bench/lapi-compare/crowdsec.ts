import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runCommand, startProcess, waitHealthy, type RunningServer } from './processes.js';

/**
 * CrowdSec 1.4.6 as Debian ships it (package `crowdsec`), run from the unpacked .deb: the package
 * is NOT installed (its postinst registers with the central API and fails offline). The local API
 * runs alone (`crowdsec -c CFG -no-cs -no-capi`) on a config written into a temporary directory.
 *
 * What 1.4.6 needs in that mode (found by trying): a profiles file (it refuses to start without
 * one) and the directory of its SQLite database. It starts without hub, data, acquisition or
 * simulation files; empty hub and data directories are given anyway so cscli finds them.
 */

export interface CrowdsecBinaries {
  crowdsec: string;
  cscli: string;
  /** What `crowdsec -version` says (first line). */
  version: string;
  deb: string;
}

/** The profiles of the Debian package (only used by alerts; imports come with their decisions). */
const PROFILES = `name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
`;

/** Downloads the Debian package into `cacheDir` (apt-get download, no root needed) and unpacks it there, once. */
export function ensureCrowdsec(cacheDir: string): CrowdsecBinaries {
  mkdirSync(cacheDir, { recursive: true });
  const root = join(cacheDir, 'root');
  const crowdsec = join(root, 'usr', 'bin', 'crowdsec');
  const cscli = join(root, 'usr', 'bin', 'cscli');
  let deb = readdirSync(cacheDir).find((f) => /^crowdsec_.*\.deb$/.test(f));
  if (!existsSync(crowdsec) || !existsSync(cscli)) {
    if (deb === undefined) {
      try {
        runCommand('apt-get', ['download', 'crowdsec'], { cwd: cacheDir });
      } catch (err) {
        throw new Error(`apt-get download crowdsec failed in ${cacheDir}; run \`apt-get update\` (as root) and retry.\n${(err as Error).message}`);
      }
      deb = readdirSync(cacheDir).find((f) => /^crowdsec_.*\.deb$/.test(f));
      if (deb === undefined) throw new Error(`apt-get download crowdsec left no .deb in ${cacheDir}`);
    }
    runCommand('dpkg-deb', ['-x', join(cacheDir, deb), root]);
  }
  const out = runCommand(crowdsec, ['-version']);
  const version = /version:\s*(\S+)/.exec(out.stdout + out.stderr)?.[1] ?? 'unknown';
  return { crowdsec, cscli, version, deb: deb ?? '' };
}

/** The config of a LAPI-only CrowdSec in `dir`: SQLite (WAL, as CrowdSec advises) in dir, no central API, no agent, no Prometheus, errors-only logs to a file. */
export function writeCrowdsecConfig(dir: string, port: number): string {
  for (const d of ['hub', 'data', 'db', 'log', 'plugins', 'notifications']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'profiles.yaml'), PROFILES);
  writeFileSync(join(dir, 'simulation.yaml'), 'simulation: off\n');
  const config = `common:
  daemonize: false
  log_media: file
  log_dir: ${join(dir, 'log')}/
  log_level: error
  working_dir: .
config_paths:
  config_dir: ${dir}/
  data_dir: ${join(dir, 'data')}/
  simulation_path: ${join(dir, 'simulation.yaml')}
  hub_dir: ${join(dir, 'hub')}/
  index_path: ${join(dir, 'hub', '.index.json')}
  notification_dir: ${join(dir, 'notifications')}/
  plugin_dir: ${join(dir, 'plugins')}/
cscli:
  output: human
  color: no
db_config:
  log_level: error
  type: sqlite
  db_path: ${join(dir, 'db', 'crowdsec.db')}
  use_wal: true
api:
  client:
    insecure_skip_verify: false
    credentials_path: ${join(dir, 'local_api_credentials.yaml')}
  server:
    log_level: error
    listen_uri: 127.0.0.1:${port}
    profiles_path: ${join(dir, 'profiles.yaml')}
prometheus:
  enabled: false
`;
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config);
  return file;
}

export interface CrowdsecSetup {
  server: RunningServer;
  /** Wall time of the cscli imports (both files), ms. */
  importMs: number;
}

/**
 * Starts the local API, registers a machine for cscli (its import goes through the API), imports
 * the decisions with `cscli decisions import` and adds a bouncer.
 *
 * cscli 1.4.6 lets its `--scope` flag (default `Ip`) override the scope column, so the decisions
 * are imported as two files, the IPs with `--scope Ip` and the ranges with `--scope Range`: the
 * same decisions herd imports from one file.
 */
export async function startCrowdsec(bin: CrowdsecBinaries, dir: string, files: { ip: string; range: string }): Promise<CrowdsecSetup> {
  const port = await freePort();
  const cfg = writeCrowdsecConfig(dir, port);
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'crowdsec.out');
  const child = startProcess(bin.crowdsec, ['-c', cfg, '-no-cs', '-no-capi'], logFile, { cwd: dir });
  try {
    await waitHealthy(url, child, logFile);
    const cscli = (args: string[]) => runCommand(bin.cscli, ['-c', cfg, ...args], { cwd: dir });
    cscli(['machines', 'add', 'bench', '--auto', '-f', join(dir, 'local_api_credentials.yaml'), '--force']);
    const a = cscli(['decisions', 'import', '-i', files.ip, '--scope', 'Ip']);
    const b = cscli(['decisions', 'import', '-i', files.range, '--scope', 'Range']);
    const key = cscli(['bouncers', 'add', 'bench', '-o', 'raw']).stdout.trim();
    if (!/^[0-9a-f]{16,}$/i.test(key)) throw new Error(`cscli bouncers add printed no key: '${key}'`);
    return { server: { name: 'CrowdSec', url, key, child, logFile }, importMs: a.ms + b.ms };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
