/**
 * Who is in auth.log and how much. An internet-facing host's auth.log is mostly attack: the benign
 * part (admins, CI deploys, a bastion, backups, cron, health checks, research scanners) gets capped
 * shares, and the attackers (about one per 1,500 lines, of three behaviours and varied
 * intensities) fill the rest so the file has exactly the requested number of lines.
 */
import type { Behaviour, SshBehaviour } from './behaviours.js';
import { SSH_BEHAVIOURS } from './behaviours.js';
import type { IpPool } from './ip-pool.js';
import { LogPlan } from './log-plan.js';
import { WeightedPicker, type Rng } from './rng.js';
import type { HostInfo } from './sshd-actor.js';
import { SshAttacker, type SshAttackerOptions, type SshStyle } from './sshd-attacker.js';
import { CronJob, keyFingerprint, LegacyClient, SshdReload, SshNoise, SshPortCheck, SshUser } from './sshd-benign.js';
import type { Timeline } from './timeline.js';

/** A person who administers the host (and browses the site from home). */
export interface Admin {
  name: string;
  uid: number;
  home: string;
  tz: number;
  password: boolean;
}

const STYLE_OF: Readonly<Record<SshBehaviour, SshStyle>> = {
  'ssh-bruteforce': 'fast',
  'ssh-slow-bruteforce': 'slow',
  'ssh-user-enum': 'enum',
};

const PRIMARY = new WeightedPicker<SshBehaviour>([
  ['ssh-bruteforce', 50],
  ['ssh-slow-bruteforce', 25],
  ['ssh-user-enum', 25],
]);

interface Part {
  style: SshStyle;
  count: number;
  /** Scaled to fill the file (the slow and the barely-automated keep their natural size). */
  elastic: boolean;
  threads: number;
  options: Omit<SshAttackerOptions, 'ip' | 'seed' | 'behaviours' | 'style'>;
}

function part(rng: Rng, style: SshStyle, window: number): Part {
  const low = rng.chance(0.1);
  const dictStart = rng.int(400);
  switch (style) {
    case 'fast':
      if (low) {
        return { style, count: rng.range(20, 50), elastic: false, threads: 1, options: { gap: rng.uniform(8, 25), maxTries: rng.range(1, 2), rootShare: rng.uniform(0.3, 1), dictStart, waves: 1 } };
      }
      return {
        style,
        count: Math.round(rng.logUniform(150, 15_000)),
        elastic: true,
        threads: rng.chance(0.5) ? 1 : rng.chance(0.5) ? 2 : rng.range(3, 4),
        options: { gap: rng.logUniform(0.3, 6), maxTries: rng.pick([1, 1, 2, 3, 6, 6]), rootShare: rng.uniform(0.3, 1), dictStart, waves: rng.range(1, 3) },
      };
    case 'slow': {
      const interval = rng.uniform(20, 90);
      const duration = Math.min(window * 0.9, rng.logUniform(2, 20) * 3_600_000);
      const maxTries = rng.chance(0.7) ? 1 : 2;
      return {
        style,
        count: Math.max(12, Math.round((duration / (interval * 1000)) * 4.5)),
        elastic: false,
        threads: 1,
        options: { gap: interval, maxTries, rootShare: rng.uniform(0.2, 0.9), dictStart, waves: 1 },
      };
    }
    default:
      if (low) {
        return { style, count: rng.range(15, 30) * 4, elastic: false, threads: 1, options: { gap: rng.uniform(10, 30), maxTries: 1, rootShare: 0, dictStart, waves: 1 } };
      }
      return {
        style,
        count: Math.round(rng.logUniform(40, 600) * 4.5),
        elastic: true,
        threads: rng.chance(0.7) ? 1 : 2,
        options: { gap: rng.logUniform(1, 15), maxTries: 2, rootShare: 0, dictStart, waves: rng.range(1, 2) },
      };
  }
}

export function planSshd(
  rng: Rng,
  pool: IpPool,
  time: Timeline,
  lines: number,
  host: HostInfo,
  admins: readonly Admin[],
  natGateways: readonly string[],
  webAttackers: readonly string[],
): LogPlan {
  const plan = new LogPlan(lines, time);
  const go = <A extends { plan(log: LogPlan['log'], rng: Rng, time: Timeline): void }>(a: A): void => a.plan(plan.log, rng, time);

  if (lines >= 5_000 && time.window >= 6 * 3_600_000) plan.add(new SshdReload(rng.u32(), host), 3, go);

  const jobs = [
    { user: 'root', uid: 0, every: 60, offset: 17 },
    { user: 'root', uid: 0, every: 30, offset: 9 },
    { user: 'www-data', uid: 33, every: 5, offset: 0 },
    { user: 'root', uid: 0, every: 15, offset: 2 },
    { user: 'deploy', uid: 1001, every: 1, offset: 0 },
  ];
  plan.fill(lines * 0.04, jobs.length, (k) => new CronJob({ seed: rng.u32(), ...jobs[k] }, host), go);
  plan.fill(lines * 0.02, 1, () => new SshPortCheck(pool.private10(0), rng.u32(), host, rng.pick([60, 120, 300])), go);
  plan.fill(lines * 0.002, 1, () => new LegacyClient(pool.private192(), rng.u32(), host), go);

  // Admins from home, from the office NAT, over the VPN; a bastion; CI deploys; backups; ansible.
  const sources: SshUser[] = [];
  for (const admin of admins) {
    const base = { seed: 0, user: admin.name, uid: admin.uid, mode: 'admin' as const, password: admin.password, tz: admin.tz };
    const key = keyFingerprint(rng);
    sources.push(new SshUser({ ...base, seed: rng.u32(), ip: admin.home, key, linux: rng.chance(0.5) }, host));
    if (natGateways.length > 0 && rng.chance(0.4)) {
      sources.push(new SshUser({ ...base, seed: rng.u32(), ip: rng.pick(natGateways), key, linux: false }, host));
    }
    if (rng.chance(0.3)) sources.push(new SshUser({ ...base, seed: rng.u32(), ip: pool.private10(8), key, linux: true }, host));
  }
  plan.fill(lines * 0.04, sources.length, (k) => sources[k], go);

  const bastion = pool.private10(0);
  plan.fill(lines * 0.02, Math.max(1, admins.length), (k) => {
    const admin = admins[k % Math.max(1, admins.length)];
    return new SshUser({
      ip: bastion,
      seed: rng.u32(),
      user: admin?.name ?? 'ops',
      uid: admin?.uid ?? 1010,
      mode: 'bastion',
      password: false,
      key: keyFingerprint(rng),
      tz: admin?.tz ?? 1,
      linux: true,
    }, host);
  }, go);

  const runners = Math.max(1, Math.min(40, Math.round(lines / 25_000)));
  const deployKey = keyFingerprint(rng);
  plan.fill(lines * 0.03, runners, () => new SshUser({
    ip: pool.v4('cloud'),
    seed: rng.u32(),
    user: 'deploy',
    uid: 1001,
    mode: 'deploy',
    password: false,
    key: deployKey,
    tz: rng.pick([-5, 0, 1]),
    linux: true,
  }, host), go);

  const helpers = [
    { user: 'borg', uid: 1003, mode: 'backup' as const },
    { user: 'ansible', uid: 1004, mode: 'ansible' as const },
  ];
  plan.fill(lines * 0.01, helpers.length, (k) => new SshUser({
    ip: pool.private10(k === 0 ? 2 : 1),
    seed: rng.u32(),
    ...helpers[k],
    password: false,
    key: keyFingerprint(rng),
    tz: 1,
    linux: true,
  }, host), go);

  // Internet background: research scanners and banner grabbers, one to three connections each.
  plan.fill(lines * 0.03, Math.max(1, Math.round(lines / 400)), () => new SshNoise(pool.v4(rng.chance(0.6) ? 'hosting' : 'cloud'), rng.u32(), host), go);

  planAttackers(plan, rng, pool, time, host, webAttackers);

  // Tiny files may leave a few lines no attacker can take: more background noise.
  let misses = 0;
  while (plan.left > 0 && misses < 100) {
    if (plan.add(new SshNoise(pool.v4('hosting'), rng.u32(), host), plan.left, go) === 0) misses++;
  }
  return plan;
}

function planAttackers(plan: LogPlan, rng: Rng, pool: IpPool, time: Timeline, host: HostInfo, webAttackers: readonly string[]): void {
  const budget = plan.left;
  if (budget < 20) return;
  const n = Math.max(Math.min(3, Math.floor(budget / 20)), Math.round(plan.target / 1_500));
  const attackers: { behaviours: Behaviour[]; parts: Part[] }[] = [];
  for (let i = 0; i < n; i++) {
    const primary = i < SSH_BEHAVIOURS.length ? SSH_BEHAVIOURS[i] : PRIMARY.pick(rng);
    const behaviours: Behaviour[] = [primary];
    const parts = [part(rng, STYLE_OF[primary], time.window)];
    if (rng.chance(0.15)) {
      const second: SshBehaviour = primary === 'ssh-user-enum' ? rng.pick(['ssh-bruteforce', 'ssh-slow-bruteforce'] as const) : 'ssh-user-enum';
      behaviours.push(second);
      parts.push(part(rng, STYLE_OF[second], time.window));
    }
    attackers.push({ behaviours, parts });
  }

  // Scale to the budget: elastic parts absorb the difference; everything shrinks if even the fixed parts are too many.
  const all = attackers.flatMap((a) => a.parts);
  let fixed = 0;
  let elastic = 0;
  for (const p of all) {
    if (p.elastic) elastic += p.count;
    else fixed += p.count;
  }
  const scaleAll = fixed >= budget || elastic === 0;
  const f = scaleAll ? budget / (fixed + elastic) : (budget - fixed) / elastic;
  let sum = 0;
  for (const p of all) {
    if (scaleAll || p.elastic) p.count = Math.max(1, Math.round(p.count * f));
    sum += p.count;
  }
  let diff = budget - sum;
  const bySize = all.slice().sort((a, b) => b.count - a.count);
  for (let i = 0; diff !== 0 && i < bySize.length * 4; i++) {
    const p = bySize[i % bySize.length];
    const step = diff > 0 ? diff : Math.max(diff, 1 - p.count);
    p.count += step;
    diff -= step;
  }

  // A few IPs attack both the web site and ssh (each at most once here).
  const web = rng.shuffled(webAttackers);
  for (const attacker of attackers) {
    const r = rng.next();
    const ip =
      web.length > 0 && r < 0.05
        ? (web.pop() as string)
        : r < 0.8
          ? pool.v4('hosting')
          : r < 0.95
            ? pool.v4('residential')
            : pool.v6('hosting');
    const planned: SshAttacker[] = [];
    // Parts run one after the other (threads of a part in parallel); then the whole is placed.
    let cursor = 0;
    for (const p of attacker.parts) {
      const threads = Math.max(1, Math.min(p.threads, Math.floor(p.count / 10)));
      let end = cursor;
      for (let t = 0; t < threads; t++) {
        const share = Math.floor(p.count / threads) + (t < p.count % threads ? 1 : 0);
        const actor = new SshAttacker({ ...p.options, ip, seed: rng.u32(), behaviours: attacker.behaviours, style: p.style }, host);
        if (plan.add(actor, share, (a) => a.plan(plan.log, rng, share), Infinity) === 0) continue;
        plan.log.shift(actor.off, actor.end, cursor, 1);
        end = Math.max(end, plan.log.times[actor.end - 1]);
        planned.push(actor);
      }
      cursor = end + rng.uniform(60_000, 3_600_000);
    }
    // All threads and parts of one IP share one placement in the window.
    let span = 0;
    for (const a of planned) span = Math.max(span, plan.log.times[a.end - 1]);
    const room = time.window * 0.995;
    const scale = span > room ? room / span : 1;
    const offset = rng.uniform(0, Math.max(0, room - span * scale));
    for (const a of planned) plan.log.shift(a.off, a.end, offset, scale);
  }
}
