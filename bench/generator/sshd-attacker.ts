/**
 * One thread of an SSH attacker (fast bots open several at once, sharing the IP): password
 * guessing against root and real accounts, dictionary usernames, user enumeration, with the
 * connection noise real bots make (failed key exchange, early disconnects). Plans are written from
 * time 0; the planner places all threads of an IP together.
 */
import type { Behaviour } from './behaviours.js';
import type { EventLog } from './event-log.js';
import type { Rng } from './rng.js';
import { BYE_REASONS, Msg, NEW, SshActor, type HostInfo } from './sshd-actor.js';

/** Accounts that exist on the host (failures for them are not "invalid user"). */
export const VALID_TARGETS = ['root', 'ubuntu', 'postgres', 'deploy', 'backup'] as const;

const BASE_USERS = [
  'admin', 'user', 'test', 'oracle', 'git', 'ftpuser', 'pi', 'guest', 'support', 'mysql', 'jenkins', 'hadoop', 'nagios',
  'test1', 'user1', 'administrator', 'ubnt', 'centos', 'ec2-user', 'minecraft', 'steam', 'teamspeak', 'ts3', 'es',
  'elastic', 'kafka', 'zabbix', 'odoo', 'sonar', 'tomcat', 'www', 'web', 'dev', 'devops', 'dspace', 'vagrant', 'docker',
  'ansible', 'sftp', 'uucp', 'student', 'demo', 'admin1', 'alex', 'debian', 'server', 'ftp', 'www-data', 'apache',
  'nginx', 'postgres1', 'redis', 'mongodb', 'mongo', 'solr', 'spark', 'hdfs', 'yarn', 'hive', 'hbase', 'storm', 'flink',
  'gitlab', 'gitlab-runner', 'jira', 'confluence', 'bitbucket', 'nexus', 'sonarqube', 'grafana', 'prometheus', 'kibana',
  'logstash', 'rabbitmq', 'openvpn', 'vpn', 'squid', 'proxy', 'mail', 'postfix', 'dovecot', 'webmaster', 'info', 'sales',
  'office', 'backup1', 'bkp', 'dbadmin', 'sysadmin', 'operator', 'manager', 'master', 'node', 'nodejs', 'python', 'django',
  'flask', 'rails', 'ruby', 'php', 'laravel', 'wordpress', 'wp', 'magento', 'shop', 'dell', 'hp', 'cisco', 'huawei',
  'zte', 'mikrotik', 'telecomadmin', 'default', 'system', 'service', 'daemon', 'bin', 'sys', 'sync', 'games', 'lp',
  'news', 'nobody', 'john', 'mike', 'david', 'james', 'robert', 'michael', 'william', 'richard', 'thomas', 'daniel',
  'paul', 'mark', 'steven', 'kevin', 'brian', 'george', 'jason', 'ryan', 'gary', 'eric', 'peter', 'frank', 'scott',
  'andrew', 'chris', 'tom', 'anna', 'maria', 'lisa', 'sara', 'emma', 'olivia', 'sophia', 'linux', 'unix', 'x', 'a',
  'abc', 'qwerty', 'temp', 'tmp', 'share', 'samba', 'nfs', 'cloud', 'azureuser', 'gcpuser', 'opc', 'fedora', 'alpine',
  'orangepi', 'raspberry', 'kali', 'hacker', 'trader', 'miner', 'eth', 'btc', 'sol', 'validator', 'pool', 'ubuntu1',
] as const;
const SUFFIXES = ['1', '123', '01', '2023', '2024', '2025', '_test', 'adm', '_dev', '99', '12', 'admin'] as const;

/** Dictionary of usernames that do not exist on the host: base words, then base words with suffixes. */
export function invalidUser(i: number): string {
  const n = BASE_USERS.length;
  const base = BASE_USERS[i % n];
  const round = Math.floor(i / n);
  return round === 0 ? base : `${base}${SUFFIXES[(round - 1) % SUFFIXES.length]}${round > SUFFIXES.length ? round : ''}`;
}

export type SshStyle = 'fast' | 'slow' | 'enum';

export interface SshAttackerOptions {
  ip: string;
  seed: number;
  behaviours: readonly Behaviour[];
  style: SshStyle;
  /** Mean seconds between connections (per thread). */
  gap: number;
  /** Password attempts per connection: up to this many (6 = OpenSSH's MaxAuthTries). */
  maxTries: number;
  /** Share of connections aimed at root. */
  rootShare: number;
  /** Where this attacker starts in the username dictionary. */
  dictStart: number;
  /** Waves of activity (fast bots come back). */
  waves: number;
}

export class SshAttacker extends SshActor {
  constructor(
    private readonly opts: SshAttackerOptions,
    host: HostInfo,
  ) {
    super(opts.ip, 'attacker', opts.behaviours, opts.seed, host);
  }

  protected override reset(): void {
    super.reset();
    // One client implementation per attacker: the same disconnect message every time.
    this.bye = BYE_REASONS[this.rng.int(BYE_REASONS.length)];
  }

  protected pickUser(code: number, arg: number): void {
    if (code === Msg.INVALID_USER) this.user = invalidUser(arg);
    else if (code === Msg.PAM_FAIL_USER) this.user = VALID_TARGETS[arg];
    else this.user = '';
  }

  /** Writes this thread's lines (the segment's cap) with times from ~0. */
  plan(log: EventLog, rng: Rng, expected: number): void {
    const o = this.opts;
    let t = rng.uniform(0, 3_000);
    let dict = o.dictStart;
    const perWave = Math.max(1, Math.ceil(expected / o.waves));
    let sinceWave = 0;
    while (!log.full) {
      if (sinceWave >= perWave) {
        t += rng.uniform(600_000, 3 * 3_600_000);
        sinceWave = 0;
      }
      const before = log.count;
      if (rng.chance(0.04)) {
        t = this.noise(log, rng, t);
      } else if (o.style === 'enum') {
        const tries = rng.chance(0.4) ? 0 : rng.range(1, Math.min(2, o.maxTries));
        t = this.connection(log, rng, t, false, dict++, tries);
      } else {
        const tries = o.maxTries === 6 && rng.chance(0.6) ? 6 : rng.range(1, o.maxTries);
        const r = rng.next();
        if (r < o.rootShare) t = this.connection(log, rng, t, true, 0, tries);
        else if (r < o.rootShare + 0.08) t = this.connection(log, rng, t, true, rng.range(1, VALID_TARGETS.length - 1), tries);
        else t = this.connection(log, rng, t, false, o.style === 'slow' ? dict++ : rng.int(BASE_USERS.length * 3), tries);
      }
      sinceWave += log.count - before;
      if (t < 0) return;
      const gap = o.gap * 1000;
      t += o.style === 'slow' ? gap * rng.uniform(0.7, 1.3) : rng.exp(gap);
    }
  }

  /** One connection with `tries` password attempts; returns its end time, -1 when the segment is full. */
  private connection(log: EventLog, rng: Rng, start: number, valid: boolean, userIdx: number, tries: number): number {
    let t = start;
    const invalid = valid ? 0 : 1;
    if (valid) {
      t += rng.uniform(1_500, 3_500);
      if (!log.emit(t, NEW | Msg.PAM_FAIL_USER, userIdx) || !log.emit(t + 2, Msg.FAILED)) return -1;
    } else {
      t += rng.uniform(200, 1_200);
      if (!log.emit(t, NEW | Msg.INVALID_USER, userIdx)) return -1;
      if (tries > 0) {
        t += rng.uniform(1_500, 3_500);
        if (!log.emit(t, Msg.CHECK_PASS) || !log.emit(t + 1, Msg.PAM_FAIL_UNKNOWN) || !log.emit(t + 2, Msg.FAILED_INVALID)) return -1;
      }
    }
    for (let i = 1; i < tries; i++) {
      t += rng.uniform(2_000, 3_600);
      if (!log.emit(t, valid ? Msg.FAILED : Msg.FAILED_INVALID)) return -1;
    }
    t += rng.uniform(5, 400);
    if (tries >= 6) {
      if (!log.emit(t, Msg.MAX_EXCEEDED, invalid) || !log.emit(t, Msg.TOO_MANY, invalid)) return -1;
      if (!log.emit(t + 3, Msg.PAM_MORE, invalid) || !log.emit(t + 3, Msg.PAM_IGNORING)) return -1;
      return t;
    }
    const r = rng.next();
    if (r < 0.55) {
      if (!log.emit(t, Msg.RECV_BYE) || !log.emit(t + 1, valid ? Msg.DISCONNECTED_AUTH : Msg.DISCONNECTED_INVALID)) return -1;
    } else if (r < 0.9 || !valid) {
      if (!log.emit(t, valid ? Msg.CLOSED_AUTH : Msg.CLOSED_INVALID)) return -1;
    } else if (!log.emit(t, Msg.RESET_AUTH)) {
      return -1;
    }
    if (tries > 1 && !log.emit(t + 2, Msg.PAM_MORE, invalid)) return -1;
    return t;
  }

  /** A connection that never gets to authentication. */
  private noise(log: EventLog, rng: Rng, start: number): number {
    const t = start + rng.uniform(100, 2_000);
    const r = rng.next();
    const ok =
      r < 0.35
        ? log.emit(t, NEW | Msg.CLOSED_PREAUTH)
        : r < 0.55
          ? log.emit(t, NEW | Msg.NEGOTIATE_KEX, rng.int(3))
          : r < 0.7 || log.room < 2
            ? log.emit(t, NEW | Msg.RESET_PREAUTH)
            : log.emit(t, NEW | Msg.KEX_CLOSED) && log.emit(t + 1, Msg.CLOSED_PLAIN);
    return ok ? t : -1;
  }
}
