/**
 * One attacking IP in the access log: phases of requests (probing, sensitive files, login attempts,
 * scraping, injections, exploits, tool signatures), each in one or more bursts at the attacker's own
 * pace. The plan is written from time 0 and then placed somewhere in the window.
 */
import { Actor, type RenderContext } from './actor.js';
import type { Behaviour } from './behaviours.js';
import type { EventLog } from './event-log.js';
import {
  LOGIN_TARGETS,
  NMAP_REQUESTS,
  PMA_PATHS,
  probeOrder,
  probePath,
  probeStatus,
  SENSITIVE_FILES,
  sensitiveStatus,
  wordpressPath,
} from './nginx-attack-paths.js';
import { CVE_PROBE_COUNT, cveProbe, sqliProbe, traversalProbe, xssProbe } from './nginx-attack-payloads.js';
import { appNotFoundSize, NGINX_BODY, nginxLine } from './nginx-line.js';
import { Section, type Site } from './nginx-site.js';
import { browserAgent } from './nginx-user-agents.js';
import { hashString, type Rng } from './rng.js';

/** What kind of request a phase sends (the event code). */
export const HttpKind = {
  root: 1,
  tls: 2,
  probe: 3,
  sensitive: 4,
  login: 5,
  crawl: 6,
  traversal: 7,
  sqli: 8,
  xss: 9,
  cve: 10,
  nmap: 11,
  wordpress: 12,
  pma: 13,
  /** Nikto/OpenVAS: a mix of probes, sensitive files, traversal and exploits. */
  mixed: 14,
  /** Nuclei: exploit templates and exposure checks. */
  templates: 15,
  loginForm: 16,
} as const;
export type HttpKind = (typeof HttpKind)[keyof typeof HttpKind];

export interface Phase {
  kind: HttpKind;
  count: number;
  /** Requests per second inside a burst. */
  rate: number;
  bursts: number;
}

export interface HttpAttackerOptions {
  ip: string;
  seed: number;
  behaviours: readonly Behaviour[];
  phases: readonly Phase[];
  /** Fixed User-Agent; `rotate` draws a browser per request; `nikto` numbers its tests. */
  agent: string;
  agentMode: 'fixed' | 'rotate' | 'nikto';
  protocol: string;
  /** The attacker's download host, for payloads that fetch a second stage. */
  callback: string;
}

const HAS_EXTENSION = /\.[a-z0-9]{2,5}$/i;
/** Nikto/OpenVAS cycle through their test families. */
const MIXED = [HttpKind.probe, HttpKind.sensitive, HttpKind.probe, HttpKind.traversal, HttpKind.cve, HttpKind.probe, HttpKind.xss] as const;

export class HttpAttacker extends Actor {
  private probeOrder: number[] = [];
  private sensitiveOrder: number[] = [];
  private cveOrder: number[] = [];
  private n = 0;
  private crawlAt = 0;
  private readonly login: (typeof LOGIN_TARGETS)[number];

  constructor(
    private readonly site: Site,
    private readonly opts: HttpAttackerOptions,
  ) {
    super(opts.ip, 'attacker', opts.behaviours, opts.seed);
    this.login = LOGIN_TARGETS[opts.seed % LOGIN_TARGETS.length];
  }

  /** Total lines of the plan. */
  static lines(phases: readonly Phase[]): number {
    let n = 0;
    for (const p of phases) n += p.count;
    return n;
  }

  plan(log: EventLog, rng: Rng, window: number): void {
    let t = 0;
    for (const phase of this.opts.phases) {
      const bursts = Math.max(1, Math.min(phase.bursts, phase.count));
      let left = phase.count;
      for (let b = 0; b < bursts; b++) {
        const size = b === bursts - 1 ? left : Math.max(1, Math.round(left / (bursts - b) + rng.range(-2, 2)));
        for (let i = 0; i < size && left > 0; i++, left--) {
          log.emit(t, phase.kind);
          t += rng.exp(1000 / phase.rate);
        }
        if (b < bursts - 1) t += rng.uniform(300_000, 7_200_000);
      }
      t += rng.uniform(1_000, 600_000);
    }
    log.place(rng, window);
  }

  protected reset(): void {
    this.probeOrder = probeOrder(this.rng);
    const s: number[] = [];
    for (let i = 0; i < SENSITIVE_FILES.length; i++) s.push(i);
    this.sensitiveOrder = this.rng.shuffled(s);
    const c: number[] = [];
    for (let i = 0; i < CVE_PROBE_COUNT; i++) c.push(i);
    this.cveOrder = this.rng.shuffled(c);
    this.n = 0;
    this.crawlAt = this.rng.int(this.site.pages.length);
  }

  render(code: number, _arg: number, ctx: RenderContext): string {
    const rng = this.rng;
    const proto = this.opts.protocol;
    let agent =
      this.opts.agentMode === 'rotate'
        ? browserAgent(rng)
        : this.opts.agentMode === 'nikto'
          ? `Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:${String(rng.range(1, 9999)).padStart(6, '0')})`
          : this.opts.agent;
    let method = 'GET';
    let uri: string;
    let status = 404;
    let bytes = -1;
    const n = this.n++;
    let kind = code;
    if (kind === HttpKind.mixed) kind = MIXED[n % MIXED.length];
    if (kind === HttpKind.templates) kind = n % 3 === 2 ? HttpKind.sensitive : HttpKind.cve;
    switch (kind) {
      case HttpKind.root:
        uri = '/';
        status = 200;
        bytes = this.site.pages[0].size + rng.int(600);
        break;
      case HttpKind.tls: {
        // A TLS ClientHello sent to the plain-HTTP port: nginx logs the bytes and answers 400.
        let hello = '\\x16\\x03\\x01\\x00\\xF1\\x01\\x00\\x00\\xED\\x03\\x03';
        for (let i = 0; i < 8; i++) hello += `\\x${rng.range(0, 255).toString(16).toUpperCase().padStart(2, '0')}`;
        return nginxLine(this.ip, '-', ctx.time, hello, 400, NGINX_BODY[400], '-', '-');
      }
      case HttpKind.probe:
        uri = probePath(this.probeOrder, n);
        status = probeStatus(uri);
        if (rng.chance(0.04)) method = 'HEAD';
        break;
      case HttpKind.sensitive: {
        const base = SENSITIVE_FILES[this.sensitiveOrder[n % this.sensitiveOrder.length]];
        const round = Math.floor(n / this.sensitiveOrder.length);
        uri = round === 0 ? base : `/${['backup', 'old', 'api', 'app', 'src', 'web', 'www', 'dev'][round % 8]}${base}`;
        status = sensitiveStatus(uri);
        break;
      }
      case HttpKind.loginForm:
        uri = this.login.path;
        status = 200;
        bytes = 4_870 + rng.int(40);
        break;
      case HttpKind.login:
        method = 'POST';
        uri = this.login.path;
        status = this.login.status;
        bytes = status === 401 ? (uri.startsWith('/api') ? 61 : 5_020 + rng.int(40)) : NGINX_BODY[403];
        break;
      case HttpKind.crawl: {
        const site = this.site;
        if (rng.chance(0.3)) {
          const cats = site.bySection[Section.Category];
          const cat = site.pages[cats[n % cats.length]];
          uri = `${cat.path}?page=${1 + Math.floor(n / cats.length)}&sort=${rng.pick(['price_asc', 'price_desc', 'newest', 'popular'])}`;
          status = 200;
          bytes = cat.size + rng.int(2_000);
        } else if (rng.chance(0.03)) {
          uri = `/products/${rng.range(100_000, 999_999)}`;
        } else {
          const page = site.pages[this.crawlAt++ % site.pages.length];
          uri = page.path;
          status = 200;
          bytes = page.size + rng.int(600);
        }
        break;
      }
      case HttpKind.traversal: {
        const probe = traversalProbe(rng, rng.int(5));
        uri = probe.uri;
        status = probe.status;
        break;
      }
      case HttpKind.sqli:
        uri = sqliProbe(rng, rng.int(5));
        status = rng.pick([200, 200, 200, 400, 500, 404]);
        break;
      case HttpKind.xss:
        uri = xssProbe(rng, rng.int(5));
        status = rng.pick([200, 200, 400, 404]);
        break;
      case HttpKind.cve: {
        const probe = cveProbe(rng, this.cveOrder[n % this.cveOrder.length], this.opts.callback);
        method = probe.method;
        uri = probe.uri;
        status = probe.status;
        if (probe.agent !== undefined) agent = probe.agent;
        break;
      }
      case HttpKind.nmap: {
        const request = NMAP_REQUESTS[n % NMAP_REQUESTS.length];
        const parts = request.split(' ');
        method = parts[0];
        uri = parts[1];
        status = uri === '/' || uri === '/robots.txt' || uri === '/favicon.ico' ? 200 : method === 'GET' ? 404 : 405;
        break;
      }
      case HttpKind.wordpress:
        uri = wordpressPath(n);
        break;
      default:
        uri = PMA_PATHS[n % PMA_PATHS.length] + (n >= PMA_PATHS.length ? `?${Math.floor(n / PMA_PATHS.length)}` : '');
    }
    if (bytes < 0) {
      if (method === 'HEAD' || status === 304) bytes = 0;
      else if (status === 404) bytes = HAS_EXTENSION.test(uri) ? NGINX_BODY[404] : appNotFoundSize(hashString(uri));
      else if (status === 200) bytes = 9_000 + (hashString(uri) % 30_000);
      else if (status === 400 || status === 403 || status === 405 || status === 500) bytes = NGINX_BODY[status];
      else bytes = 0;
    }
    return nginxLine(this.ip, '-', ctx.time, `${method} ${uri} ${proto}`, status, bytes, '-', agent);
  }
}
