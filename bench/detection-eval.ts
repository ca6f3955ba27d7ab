import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHerdConfig, openHerdStore, replay, type HerdConfig } from '../src/agent/index.js';
import { silentLogger, systemClock, type Logger } from '../src/core/index.js';
import { CORPUS_FILES, type Truth } from './generator/index.js';

/**
 * Detection quality on a labelled corpus: replays the nginx and sshd logs (each into its own data
 * directory, so each log is judged on its own decisions) and compares the IPs herd banned with the
 * ground truth. Works on herd's own generator's output and on any corpus with the same layout
 * (nginx-access.log, auth.log, truth.json).
 */

export interface LogReport {
  log: 'nginx' | 'sshd';
  lines: number;
  seconds: number;
  attackers: number;
  attackersBanned: number;
  benign: number;
  benignBanned: number;
  recall: number;
  falsePositiveRate: number;
  missed: { ip: string; behaviours: string[]; lines: number }[];
  falsePositives: { ip: string; scenarios: string[] }[];
  byBehaviour: Record<string, { attackers: number; banned: number }>;
}

export interface DetectionReport {
  logs: LogReport[];
  recall: number;
  falsePositiveRate: number;
}

export async function evaluateDetection(corpusDir: string, workDir: string, opts: { logger?: Logger; config?: HerdConfig } = {}): Promise<DetectionReport> {
  const truth = JSON.parse(readFileSync(join(corpusDir, CORPUS_FILES.truth), 'utf8')) as Truth;
  const logger = opts.logger ?? silentLogger();
  const logs: LogReport[] = [];
  for (const [log, file, type] of [
    ['nginx', CORPUS_FILES.nginx, 'nginx'],
    ['sshd', CORPUS_FILES.sshd, 'syslog'],
  ] as const) {
    const config = { ...(opts.config ?? loadHerdConfig({})), dataDir: join(workDir, log) };
    const started = performance.now();
    const summary = await replay(config, { dsn: `file://${join(corpusDir, file)}`, type, clock: systemClock, logger });
    const seconds = (performance.now() - started) / 1000;
    const store = await openHerdStore(config, { clock: systemClock, logger });
    const bannedBy = new Map<string, Set<string>>();
    try {
      for (const d of await store.listDecisions({ type: 'ban' })) {
        if (d.simulated) continue;
        const set = bannedBy.get(d.value) ?? new Set<string>();
        set.add(d.scenario);
        bannedBy.set(d.value, set);
      }
    } finally {
      await store.close();
    }
    const attackers = truth.attackers.filter((a) => a.log === log);
    const benign = truth.benign[log];
    const missed = attackers.filter((a) => !bannedBy.has(a.ip)).map((a) => ({ ip: a.ip, behaviours: a.behaviours, lines: a.lines }));
    const falsePositives = benign.filter((ip) => bannedBy.has(ip)).map((ip) => ({ ip, scenarios: [...bannedBy.get(ip)!] }));
    const byBehaviour: LogReport['byBehaviour'] = {};
    for (const a of attackers) {
      for (const b of a.behaviours) {
        const row = (byBehaviour[b] ??= { attackers: 0, banned: 0 });
        row.attackers++;
        if (bannedBy.has(a.ip)) row.banned++;
      }
    }
    logs.push({
      log,
      lines: summary.lines,
      seconds,
      attackers: attackers.length,
      attackersBanned: attackers.length - missed.length,
      benign: benign.length,
      benignBanned: falsePositives.length,
      recall: attackers.length ? (attackers.length - missed.length) / attackers.length : 1,
      falsePositiveRate: benign.length ? falsePositives.length / benign.length : 0,
      missed,
      falsePositives,
      byBehaviour,
    });
  }
  const att = logs.reduce((n, l) => n + l.attackers, 0);
  const attBanned = logs.reduce((n, l) => n + l.attackersBanned, 0);
  const ben = logs.reduce((n, l) => n + l.benign, 0);
  const benBanned = logs.reduce((n, l) => n + l.benignBanned, 0);
  return { logs, recall: att ? attBanned / att : 1, falsePositiveRate: ben ? benBanned / ben : 0 };
}
