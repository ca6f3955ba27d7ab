/**
 * The ground truth beside the logs: which IPs attack (in which log, with which behaviours, how
 * many lines) and which are benign. An IP is never both; every client address in a log is listed.
 */
import { HerdError } from '../../src/core/index.js';
import type { Actor } from './actor.js';
import { HTTP_BEHAVIOURS, SSH_BEHAVIOURS } from './behaviours.js';

export type LogName = 'nginx' | 'sshd';

export interface TruthAttacker {
  ip: string;
  log: LogName;
  behaviours: string[];
  /** Lines of this IP in this log. */
  lines: number;
}

export interface Truth {
  seed: number;
  nginxLines: number;
  sshdLines: number;
  /** ISO 8601, UTC. */
  start: string;
  end: string;
  attackers: TruthAttacker[];
  benign: { nginx: string[]; sshd: string[] };
}

const ORDER: readonly string[] = [...HTTP_BEHAVIOURS, ...SSH_BEHAVIOURS];

function collect(log: LogName, actors: readonly Actor[], attackers: TruthAttacker[]): string[] {
  const byIp = new Map<string, TruthAttacker>();
  const benign = new Set<string>();
  for (const actor of actors) {
    if (actor.ip === '' || actor.lines === 0) continue;
    if (actor.role === 'benign') {
      benign.add(actor.ip);
      continue;
    }
    let entry = byIp.get(actor.ip);
    if (!entry) {
      entry = { ip: actor.ip, log, behaviours: [], lines: 0 };
      byIp.set(actor.ip, entry);
    }
    entry.lines += actor.lines;
    for (const b of actor.behaviours) if (!entry.behaviours.includes(b)) entry.behaviours.push(b);
  }
  for (const entry of byIp.values()) {
    if (benign.has(entry.ip)) {
      throw new HerdError('HERD_BENCH_TRUTH', `generator bug: ${entry.ip} is both attacker and benign in the ${log} log; report it with the seed`);
    }
    entry.behaviours.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    attackers.push(entry);
  }
  return [...benign].sort();
}

export function buildTruth(
  meta: { seed: number; nginxLines: number; sshdLines: number; startMs: number; endMs: number },
  nginx: readonly Actor[],
  sshd: readonly Actor[],
): Truth {
  const attackers: TruthAttacker[] = [];
  const benignNginx = collect('nginx', nginx, attackers);
  const benignSshd = collect('sshd', sshd, attackers);
  // An attacker in one log is not benign in the other either.
  const attacking = new Set(attackers.map((a) => a.ip));
  for (const ip of [...benignNginx, ...benignSshd]) {
    if (attacking.has(ip)) throw new HerdError('HERD_BENCH_TRUTH', `generator bug: ${ip} is attacker in one log and benign in the other; report it with the seed`);
  }
  attackers.sort((a, b) => (a.log === b.log ? (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0) : a.log < b.log ? -1 : 1));
  return {
    seed: meta.seed,
    nginxLines: meta.nginxLines,
    sshdLines: meta.sshdLines,
    start: new Date(meta.startMs).toISOString(),
    end: new Date(meta.endMs).toISOString(),
    attackers,
    benign: { nginx: benignNginx, sshd: benignSshd },
  };
}
