/**
 * Who is in the access log and how much: hundreds of attackers (about one per 2,600 lines) with
 * varied intensities, then the benign population by category (crawlers, monitors, internal probes
 * and staff, API integrations, feed readers, link-preview bots, downloaders, office NAT gateways),
 * and browsing visitors filling the rest so the file has exactly the requested number of lines.
 * SEO crawlers (Ahrefs, Semrush) count as benign: site owners allow them, and they pace themselves.
 */
import type { Behaviour, HttpBehaviour } from './behaviours.js';
import { HTTP_BEHAVIOURS } from './behaviours.js';
import { CRAWLER_RANGES, type IpPool } from './ip-pool.js';
import { LogPlan } from './log-plan.js';
import { HttpAttacker, HttpKind, type Phase } from './nginx-attacker.js';
import { Crawler, SocialBot } from './nginx-bots.js';
import { AdminUser, ApiClient, Downloader, Poller, type PollKind } from './nginx-clients.js';
import { Site } from './nginx-site.js';
import {
  AHREFSBOT,
  API_AGENTS,
  APPLEBOT,
  BINGBOT,
  browserAgent,
  CLI_AGENTS,
  DUCKDUCKBOT,
  FAKE_BROWSERS,
  FEED_AGENTS,
  GOOGLEBOT,
  GOOGLEBOT_IMAGE,
  INTERNAL_AGENTS,
  MONITORS,
  SCANNERS,
  SCRIPT_AGENTS,
  SEMRUSHBOT,
  SOCIAL_AGENTS,
  YANDEXBOT,
} from './nginx-user-agents.js';
import { Visitor } from './nginx-visitor.js';
import { WeightedPicker, type Rng } from './rng.js';
import type { Timeline } from './timeline.js';

export interface NginxPlan {
  plan: LogPlan;
  /** Office NAT gateways (their admins also reach ssh from there). */
  natGateways: string[];
}

/** Fraction of the file at most taken by attackers (small corpora scale intensities down). */
const ATTACK_SHARE = 0.1;
/** Phases at most this long are not scaled (their size is what makes them what they are). */
const SMALL_PHASE = 30;

const PRIMARY = new WeightedPicker<HttpBehaviour>([
  ['http-probing', 24],
  ['http-sensitive-files', 17],
  ['http-cve-probe', 17],
  ['http-scanner-ua', 10],
  ['http-login-bruteforce', 8],
  ['http-crawl', 5],
  ['http-path-traversal', 6],
  ['http-sqli', 7],
  ['http-xss', 6],
]);

const SECOND: Readonly<Record<HttpBehaviour, readonly HttpBehaviour[]>> = {
  'http-probing': ['http-sensitive-files', 'http-cve-probe', 'http-login-bruteforce'],
  'http-sensitive-files': ['http-probing', 'http-cve-probe'],
  'http-login-bruteforce': ['http-probing'],
  'http-crawl': ['http-sqli', 'http-xss'],
  'http-scanner-ua': [],
  'http-path-traversal': ['http-cve-probe', 'http-sensitive-files'],
  'http-sqli': ['http-xss', 'http-path-traversal'],
  'http-xss': ['http-sqli'],
  'http-cve-probe': ['http-probing', 'http-sensitive-files', 'http-path-traversal'],
};

/** What each scanner's traffic looks like, and the behaviour it implies besides its signature. */
const TOOL_TRAFFIC: Readonly<Record<string, { kind: HttpKind; implies?: HttpBehaviour; count: readonly [number, number]; rate: readonly [number, number] }>> = {
  sqlmap: { kind: HttpKind.sqli, implies: 'http-sqli', count: [60, 800], rate: [2, 15] },
  nikto: { kind: HttpKind.mixed, implies: 'http-probing', count: [400, 6000], rate: [5, 30] },
  nmap: { kind: HttpKind.nmap, count: [8, 12], rate: [2, 10] },
  masscan: { kind: HttpKind.root, count: [1, 2], rate: [0.5, 2] },
  zgrab: { kind: HttpKind.root, count: [1, 3], rate: [0.5, 2] },
  gobuster: { kind: HttpKind.probe, implies: 'http-probing', count: [300, 5000], rate: [10, 60] },
  dirbuster: { kind: HttpKind.probe, implies: 'http-probing', count: [300, 5000], rate: [10, 60] },
  ffuf: { kind: HttpKind.probe, implies: 'http-probing', count: [300, 5000], rate: [20, 80] },
  feroxbuster: { kind: HttpKind.probe, implies: 'http-probing', count: [300, 5000], rate: [20, 80] },
  wfuzz: { kind: HttpKind.probe, implies: 'http-probing', count: [200, 3000], rate: [10, 40] },
  wpscan: { kind: HttpKind.wordpress, implies: 'http-probing', count: [40, 700], rate: [3, 20] },
  nuclei: { kind: HttpKind.templates, implies: 'http-cve-probe', count: [80, 1500], rate: [5, 40] },
  whatweb: { kind: HttpKind.root, count: [2, 5], rate: [0.5, 3] },
  openvas: { kind: HttpKind.mixed, implies: 'http-probing', count: [300, 3000], rate: [3, 20] },
  jorgee: { kind: HttpKind.pma, implies: 'http-probing', count: [19, 40], rate: [1, 5] },
  hydra: { kind: HttpKind.login, implies: 'http-login-bruteforce', count: [50, 1200], rate: [2, 16] },
  l9explore: { kind: HttpKind.sensitive, implies: 'http-sensitive-files', count: [3, 8], rate: [0.5, 3] },
};

const KIND_OF: Readonly<Record<HttpBehaviour, HttpKind>> = {
  'http-probing': HttpKind.probe,
  'http-sensitive-files': HttpKind.sensitive,
  'http-login-bruteforce': HttpKind.login,
  'http-crawl': HttpKind.crawl,
  'http-scanner-ua': HttpKind.probe,
  'http-path-traversal': HttpKind.traversal,
  'http-sqli': HttpKind.sqli,
  'http-xss': HttpKind.xss,
  'http-cve-probe': HttpKind.cve,
};

interface AttackSpec {
  behaviours: Behaviour[];
  phases: Phase[];
  agent: string;
  agentMode: 'fixed' | 'rotate' | 'nikto';
}

/** A phase of one behaviour at a realistic intensity: most clearly automated, some barely above a human. */
function phaseFor(rng: Rng, behaviour: HttpBehaviour): Phase {
  const low = rng.chance(0.12);
  const kind = KIND_OF[behaviour];
  const pick = (lo: [number, number, number, number], hi: [number, number, number, number]): Phase => {
    const v = low ? lo : hi;
    return {
      kind,
      count: Math.round(low ? rng.uniform(v[0], v[1]) : rng.logUniform(v[0], v[1])),
      rate: low ? rng.uniform(v[2], v[3]) : rng.logUniform(v[2], v[3]),
      bursts: low ? 1 : rng.range(1, 3),
    };
  };
  switch (behaviour) {
    case 'http-probing': {
      const phase = pick([10, 25, 0.03, 0.2], [40, 1500, 1, 25]);
      const r = rng.next();
      if (r < 0.15) phase.kind = HttpKind.wordpress;
      else if (r < 0.2) phase.kind = HttpKind.pma;
      return phase;
    }
    case 'http-sensitive-files':
      return pick([4, 8, 0.05, 0.3], [10, 130, 0.5, 10]);
    case 'http-login-bruteforce':
      return pick([8, 15, 0.033, 0.1], [30, 1500, 0.3, 6]);
    case 'http-crawl':
      return pick([250, 500, 0.3, 0.6], [600, 8000, 1.5, 15]);
    case 'http-path-traversal':
      return pick([3, 5, 0.05, 0.3], [6, 60, 0.5, 8]);
    case 'http-sqli':
      return pick([3, 5, 0.05, 0.3], [6, 80, 0.3, 5]);
    case 'http-xss':
      return pick([3, 5, 0.05, 0.3], [5, 50, 0.3, 5]);
    case 'http-cve-probe': {
      const r = rng.next();
      const count = r < 0.15 ? 1 : r < 0.65 ? rng.range(2, 5) : rng.range(6, 30);
      return { kind, count, rate: rng.logUniform(0.2, 3), bursts: count > 5 ? rng.range(1, 2) : 1 };
    }
    default:
      return pick([10, 25, 0.03, 0.2], [40, 1500, 1, 25]);
  }
}

function attackSpec(rng: Rng, primary: HttpBehaviour): AttackSpec {
  if (primary === 'http-scanner-ua') {
    const scanner = rng.pick(SCANNERS);
    const traffic = TOOL_TRAFFIC[scanner.tool];
    const behaviours: Behaviour[] = ['http-scanner-ua'];
    if (traffic.implies) behaviours.push(traffic.implies);
    const phases: Phase[] = [];
    if (traffic.kind === HttpKind.root && rng.chance(0.4)) phases.push({ kind: HttpKind.tls, count: 1, rate: 1, bursts: 1 });
    phases.push({
      kind: traffic.kind,
      count: Math.round(rng.logUniform(traffic.count[0], traffic.count[1] + 0.999)),
      rate: rng.logUniform(traffic.rate[0], traffic.rate[1]),
      bursts: rng.range(1, 2),
    });
    return { behaviours, phases, agent: scanner.ua(rng), agentMode: scanner.tool === 'nikto' ? 'nikto' : 'fixed' };
  }
  const behaviours: Behaviour[] = [primary];
  const phases: Phase[] = [];
  if (primary !== 'http-crawl' && primary !== 'http-login-bruteforce' && rng.chance(0.35)) {
    phases.push({ kind: HttpKind.root, count: 1, rate: 1, bursts: 1 });
  }
  if (primary === 'http-login-bruteforce' && rng.chance(0.5)) phases.push({ kind: HttpKind.loginForm, count: 1, rate: 1, bursts: 1 });
  phases.push(phaseFor(rng, primary));
  const seconds = SECOND[primary];
  if (seconds.length > 0 && rng.chance(0.25)) {
    const second = rng.pick(seconds);
    behaviours.push(second);
    phases.push(phaseFor(rng, second));
  }
  const r = rng.next();
  let agent: string;
  let agentMode: AttackSpec['agentMode'] = 'fixed';
  if (primary === 'http-crawl' && r < 0.4) {
    agent = '';
    agentMode = 'rotate';
  } else if (r < 0.3) agent = rng.pick(FAKE_BROWSERS);
  else if (r < 0.55) agent = browserAgent(rng);
  else agent = rng.pick(SCRIPT_AGENTS);
  return { behaviours, phases, agent, agentMode };
}

function attackerCount(lines: number): number {
  if (lines < 300) return lines >= 60 ? 1 : 0;
  return Math.max(Math.min(24, Math.floor(lines / 120)), Math.round(lines / 2600));
}

function callbackHost(rng: Rng): string {
  return `${rng.pick([45, 91, 103, 176, 185, 193, 194, 195])}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

export function planNginx(rng: Rng, pool: IpPool, time: Timeline, lines: number, adminHomes: readonly string[]): NginxPlan {
  const plan = new LogPlan(lines, time);
  const site = new Site(rng);
  const W = time.window;

  // Attackers first: their counts are exact; they are scaled down when the file is small.
  const specs: AttackSpec[] = [];
  const n = attackerCount(lines);
  for (let i = 0; i < n; i++) {
    const primary = i < HTTP_BEHAVIOURS.length ? HTTP_BEHAVIOURS[i] : PRIMARY.pick(rng);
    specs.push(attackSpec(rng, primary));
  }
  // Small phases (a handful of exploits, an nmap run) keep their size; big ones shrink to fit.
  let fixed = 0;
  let elastic = 0;
  for (const s of specs) for (const p of s.phases) if (p.count > SMALL_PHASE) elastic += p.count; else fixed += p.count;
  const budget = Math.floor(lines * ATTACK_SHARE);
  if (fixed + elastic > budget) {
    const scaleAll = fixed >= budget * 0.5 || elastic === 0;
    const f = scaleAll ? budget / (fixed + elastic) : (budget - fixed) / elastic;
    for (const s of specs) {
      for (const p of s.phases) if (scaleAll || p.count > SMALL_PHASE) p.count = Math.max(1, Math.round(p.count * f));
    }
  }
  for (const s of specs) {
    const r = rng.next();
    const ip = r < 0.88 ? pool.v4('hosting') : r < 0.95 ? pool.v4('residential') : pool.v6('hosting');
    const actor = new HttpAttacker(site, {
      ip,
      seed: rng.u32(),
      behaviours: s.behaviours,
      phases: s.phases,
      agent: s.agent,
      agentMode: s.agentMode,
      protocol: rng.chance(0.85) ? 'HTTP/1.1' : 'HTTP/1.0',
      callback: callbackHost(rng),
    });
    plan.add(actor, HttpAttacker.lines(s.phases), (a) => a.plan(plan.log, rng, W), Infinity);
  }

  // Search-engine crawlers, from their published ranges, at a moderate pace.
  const google = (): Crawler => {
    const v6 = rng.chance(0.1);
    const ip = pool.inRanges(v6 ? CRAWLER_RANGES.googlebotV6 : CRAWLER_RANGES.googlebot);
    return new Crawler(site, { ip, seed: rng.u32(), agent: rng.pick(GOOGLEBOT), imageAgent: GOOGLEBOT_IMAGE, fetches: rng.logUniform(80, 2500) });
  };
  const bing = (): Crawler => new Crawler(site, { ip: pool.inRanges(CRAWLER_RANGES.bingbot), seed: rng.u32(), agent: rng.pick(BINGBOT), fetches: rng.logUniform(60, 1500) });
  const firstEngines = [google, bing, google, bing];
  const engines = new WeightedPicker<() => Crawler>([
    [google, 50],
    [bing, 30],
    [() => new Crawler(site, { ip: pool.inRanges(CRAWLER_RANGES.yandex), seed: rng.u32(), agent: YANDEXBOT, fetches: rng.logUniform(40, 800) }), 10],
    [() => new Crawler(site, { ip: pool.inRanges(CRAWLER_RANGES.applebot), seed: rng.u32(), agent: APPLEBOT, fetches: rng.logUniform(30, 600) }), 5],
    [() => new Crawler(site, { ip: pool.inRanges(CRAWLER_RANGES.duckduck), seed: rng.u32(), agent: DUCKDUCKBOT, fetches: rng.logUniform(20, 300) }), 5],
    [() => new Crawler(site, { ip: pool.inRanges(CRAWLER_RANGES.ahrefs), seed: rng.u32(), agent: AHREFSBOT, fetches: rng.logUniform(50, 1200) }), 6],
    [() => new Crawler(site, { ip: pool.inRanges(CRAWLER_RANGES.semrush), seed: rng.u32(), agent: SEMRUSHBOT, fetches: rng.logUniform(50, 1000) }), 4],
  ]);
  const crawlerShare = lines * 0.06;
  plan.fill(crawlerShare, 80, (k) => (k < firstEngines.length ? firstEngines[k] : engines.pick(rng))(), (a) => a.plan(plan.log, rng, time), Math.max(20, crawlerShare / 8));

  // External uptime monitors.
  const monitors: readonly [string, PollKind, number][] = [
    [MONITORS.uptimerobot, 'head-root', 60],
    [MONITORS.uptimerobot, 'health', 60],
    [MONITORS.pingdom, 'health', 60],
    [MONITORS.betterstack, 'health', 30],
    [MONITORS.site24x7, 'health', 60],
    [MONITORS.statuscake, 'status-page', 60],
    [MONITORS.pingdom, 'health', 60],
    [MONITORS.betterstack, 'health', 30],
  ];
  const monitorShare = lines * 0.015;
  plan.fill(monitorShare, monitors.length, (k) => {
    const [agent, kind, interval] = monitors[k];
    return new Poller({ ip: pool.v4('cloud'), seed: rng.u32(), agent, kind, interval, jitter: rng.uniform(0.2, 2) });
  }, (a) => a.plan(plan.log, rng, time), Math.max(10, monitorShare / 4));

  // Internal probes (10/8) and staff on the admin UI (192.168/16, 10/8 over VPN).
  const internal: readonly [string, PollKind, number, number][] = [
    [INTERNAL_AGENTS.kubeProbe, 'healthz', 10, 244],
    [INTERNAL_AGENTS.prometheus, 'metrics', 15, 0],
    [INTERNAL_AGENTS.blackbox, 'health', 30, 0],
    [INTERNAL_AGENTS.elbHealth, 'health', 30, 1],
    [INTERNAL_AGENTS.kubeProbe, 'healthz', 10, 244],
  ];
  const staff = ['ops', 'jana', 'm.keller', 'support', 'a.rossi'];
  const internalShare = lines * 0.03;
  plan.fill(internalShare, internal.length + staff.length, (k) => {
    if (k < staff.length) {
      const ip = rng.chance(0.6) ? pool.private192() : pool.private10(8);
      return new AdminUser({ ip, seed: rng.u32(), agent: browserAgent(rng), user: staff[k], tz: 1 });
    }
    const [agent, kind, interval, octet] = internal[k - staff.length];
    return new Poller({ ip: pool.private10(octet), seed: rng.u32(), agent, kind, interval, jitter: 0.05 });
  }, (a) => a.plan(plan.log, rng, time), Math.max(10, internalShare / 6));

  // Partner integrations and scripts on the API.
  plan.fill(lines * 0.06, 150, (k) => {
    const r = rng.next();
    const ip = r < 0.7 ? pool.v4('cloud') : r < 0.9 ? pool.v4('hosting') : pool.v4('residential');
    return new ApiClient({
      ip,
      seed: rng.u32(),
      agent: rng.pick(API_AGENTS),
      interval: Math.round(rng.logUniform(10, 300)),
      bulk: k === 0 || rng.chance(0.3),
      orders: rng.chance(0.4),
    });
  }, (a) => a.plan(plan.log, rng, time), Math.max(20, lines * 0.06 / 6));

  // Feed readers, link previews, people with curl/wget.
  plan.fill(lines * 0.005, 300, () => new Poller({
    ip: rng.chance(0.7) ? pool.v4('cloud') : pool.v4('residential'),
    seed: rng.u32(),
    agent: rng.pick(FEED_AGENTS),
    kind: 'feed',
    interval: rng.range(15, 60) * 60,
    jitter: 20,
  }), (a) => a.plan(plan.log, rng, time));
  plan.fill(lines * 0.002, 400, () => new SocialBot(site, { ip: pool.v4('cloud'), seed: rng.u32(), agent: rng.pick(SOCIAL_AGENTS) }), (a) => a.plan(plan.log, rng, time));
  plan.fill(lines * 0.003, 600, () => new Downloader({
    ip: rng.chance(0.15) ? pool.v6('residential') : pool.v4(rng.chance(0.5) ? 'residential' : 'cloud'),
    seed: rng.u32(),
    agent: rng.pick(CLI_AGENTS),
  }), (a) => a.plan(plan.log, rng, time));

  // Office NAT gateways: many people behind one address, in office hours.
  const natGateways: string[] = [];
  const natCount = Math.max(1, Math.min(30, Math.round(lines / 120_000)));
  const natTz: number[] = [];
  for (let i = 0; i < natCount; i++) {
    natGateways.push(pool.v4(rng.chance(0.7) ? 'residential' : 'hosting'));
    natTz.push(rng.pick([-5, -8, 0, 1, 1, 2, 5.5, 8]));
  }
  if (lines >= 2_000) {
    plan.fill(lines * 0.1, 100_000, (k) => {
      const g = k % natCount;
      return new Visitor(site, {
        ip: natGateways[g],
        agent: rng.chance(0.8) ? browserAgent(rng) : rng.pick(FAKE_BROWSERS.slice(3, 5)),
        seed: rng.u32(),
        protocol: 'HTTP/2.0',
        officeTz: natTz[g],
        sessions: rng.range(1, 5),
      });
    }, (a) => a.plan(plan.log, rng, time));
  }

  // Sysadmins browse the site from home too.
  for (const ip of adminHomes) {
    if (plan.left <= 0) break;
    const visitor = new Visitor(site, { ip, agent: browserAgent(rng), seed: rng.u32(), protocol: 'HTTP/2.0', sessions: rng.range(1, 3) });
    plan.add(visitor, plan.left, (a) => a.plan(plan.log, rng, time));
  }

  // Everyone else: browsing visitors, exactly filling the file.
  let misses = 0;
  while (plan.left > 0 && misses < 100) {
    const r = rng.next();
    const ip = r < 0.15 ? pool.v6('residential') : r < 0.97 ? pool.v4('residential') : pool.v4('hosting');
    const visitor = new Visitor(site, {
      ip,
      agent: browserAgent(rng),
      seed: rng.u32(),
      protocol: rng.chance(0.85) ? 'HTTP/2.0' : 'HTTP/1.1',
      sessions: rng.chance(0.7) ? 1 : rng.range(2, 4),
    });
    if (plan.add(visitor, plan.left, (a) => a.plan(plan.log, rng, time)) === 0) misses++;
  }
  return { plan, natGateways: natGateways.filter((ip) => plan.actors.some((a) => a.ip === ip)) };
}
