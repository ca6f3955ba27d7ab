/**
 * Benign machines and tools: uptime monitors and internal probes on a fixed beat, feed readers,
 * API integrations (polling, token refresh, bursts of bulk updates), people downloading with
 * curl/wget, and staff using the internal admin UI behind basic auth.
 */
import { Actor, type RenderContext } from './actor.js';
import type { EventLog } from './event-log.js';
import { nginxLine } from './nginx-line.js';
import { ORIGIN } from './nginx-site.js';
import type { Rng } from './rng.js';
import type { Timeline } from './timeline.js';

export type PollKind = 'health' | 'head-root' | 'status-page' | 'metrics' | 'healthz' | 'feed';

export interface PollerOptions {
  ip: string;
  seed: number;
  agent: string;
  kind: PollKind;
  /** Seconds between requests. */
  interval: number;
  /** Jitter (seconds, ±). */
  jitter: number;
}

const POLL_TARGETS: Readonly<Record<PollKind, { request: string; status: number; bytes: readonly [number, number] }>> = {
  health: { request: 'GET /health HTTP/1.1', status: 200, bytes: [15, 15] },
  'head-root': { request: 'HEAD / HTTP/1.1', status: 200, bytes: [0, 0] },
  'status-page': { request: 'GET /api/v1/status HTTP/1.1', status: 200, bytes: [142, 148] },
  metrics: { request: 'GET /metrics HTTP/1.1', status: 200, bytes: [31_000, 36_000] },
  healthz: { request: 'GET /healthz HTTP/1.1', status: 200, bytes: [2, 2] },
  feed: { request: 'GET /blog/feed.xml HTTP/1.1', status: 304, bytes: [0, 0] },
};

/** Something that asks for the same URL on a fixed beat for the whole window. */
export class Poller extends Actor {
  constructor(private readonly opts: PollerOptions) {
    super(opts.ip, 'benign', [], opts.seed);
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const step = this.opts.interval * 1000;
    const natural = time.window / step;
    // When the budget is smaller than a full day of beats, the monitor was added later in the day.
    let t = log.room < natural ? rng.uniform(0, Math.max(0, time.window - log.room * step * 1.01)) : rng.uniform(0, step);
    while (log.emit(t, 1, 0)) t += step + rng.uniform(-this.opts.jitter, this.opts.jitter) * 1000;
  }

  protected reset(): void {}

  render(_code: number, _arg: number, ctx: RenderContext): string {
    const target = POLL_TARGETS[this.opts.kind];
    let status = target.status;
    let bytes = target.bytes[0] + this.rng.int(target.bytes[1] - target.bytes[0] + 1);
    if (this.opts.kind === 'feed' && this.rng.chance(0.08)) {
      status = 200;
      bytes = 48_000 + this.rng.int(4_000);
    } else if (this.rng.chance(0.0004)) {
      status = 502;
      bytes = 157;
    }
    return nginxLine(this.ip, '-', ctx.time, target.request, status, bytes, '-', this.opts.agent);
  }
}

const POLL = 1;
const EXPIRED = 2;
const TOKEN = 3;
const PUT = 4;
const ORDER = 5;

export interface ApiClientOptions {
  ip: string;
  seed: number;
  agent: string;
  /** Seconds between polls. */
  interval: number;
  /** Runs bulk stock updates (bursts of PUTs) every few hours. */
  bulk: boolean;
  /** Creates orders now and then (POST). */
  orders: boolean;
}

/** A partner integration: polls the same endpoint, refreshes its token, pushes bulk updates. */
export class ApiClient extends Actor {
  private readonly endpoint: string;

  constructor(private readonly opts: ApiClientOptions) {
    super(opts.ip, 'benign', [], opts.seed);
    this.endpoint = `/api/v1/orders?status=${opts.seed % 2 === 0 ? 'pending' : 'paid'}&limit=${opts.seed % 3 === 0 ? 100 : 50}`;
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const step = this.opts.interval * 1000;
    let t = rng.uniform(0, Math.max(step, time.window - log.room * step));
    let nextRefresh = t + rng.uniform(0, 3_600_000);
    let nextBulk = t + rng.uniform(300_000, 2 * 3_600_000);
    for (;;) {
      if (t >= nextRefresh) {
        // The token expired: one 401, a refresh, then the poll again.
        if (!log.emit(t, EXPIRED, 0) || !log.emit((t += rng.uniform(50, 400)), TOKEN, 0)) return;
        t += rng.uniform(50, 300);
        nextRefresh = t + 3_600_000 + rng.uniform(-60_000, 60_000);
      }
      if (!log.emit(t, POLL, 0)) return;
      if (this.opts.orders && rng.chance(0.05) && !log.emit((t += rng.uniform(200, 2_000)), ORDER, 0)) return;
      if (this.opts.bulk && t >= nextBulk) {
        for (let k = rng.range(20, 300); k > 0; k--) {
          t += rng.exp(1000 / rng.uniform(4, 15));
          if (!log.emit(t, PUT, rng.range(10_000, 99_999))) return;
        }
        nextBulk = t + rng.uniform(3_600_000, 4 * 3_600_000);
      }
      t += step + rng.uniform(-0.1, 0.1) * step;
    }
  }

  protected reset(): void {}

  render(code: number, arg: number, ctx: RenderContext): string {
    const rng = this.rng;
    let request: string;
    let status = 200;
    let bytes: number;
    switch (code) {
      case EXPIRED:
        request = `GET ${this.endpoint} HTTP/1.1`;
        status = 401;
        bytes = 61;
        break;
      case TOKEN:
        request = 'POST /api/v1/auth/token HTTP/1.1';
        bytes = 412 + rng.int(30);
        break;
      case PUT:
        request = `PUT /api/v1/inventory/SKU-${arg} HTTP/1.1`;
        bytes = 96 + rng.int(40);
        break;
      case ORDER:
        request = 'POST /api/v1/orders HTTP/1.1';
        status = 201;
        bytes = 680 + rng.int(400);
        break;
      default:
        request = `GET ${this.endpoint} HTTP/1.1`;
        bytes = rng.chance(0.7) ? 27 : 400 + rng.int(9_000);
    }
    return nginxLine(this.ip, '-', ctx.time, request, status, bytes, '-', this.opts.agent);
  }
}

const DOWNLOADS = [
  ['GET /install.sh', 200, 11_842],
  ['GET /downloads/outfitter-cli-2.3.1-linux-amd64.tar.gz', 200, 14_203_117],
  ['GET /downloads/outfitter-cli-2.3.1-darwin-arm64.tar.gz', 200, 13_877_402],
  ['HEAD /downloads/outfitter-cli-2.3.1-linux-amd64.tar.gz', 200, 0],
  ['GET /downloads/checksums.txt', 200, 412],
  ['GET /downloads/outfitter-cli-latest.tar.gz', 302, 0],
  ['GET /catalog-2025.pdf', 200, 8_412_004],
  ['GET /blog/feed.xml', 200, 48_312],
  ['GET /api/v1/status', 200, 146],
] as const;

export interface DownloaderOptions {
  ip: string;
  seed: number;
  agent: string;
}

/** A person (or their script) fetching files with curl, wget or python. */
export class Downloader extends Actor {
  constructor(private readonly opts: DownloaderOptions) {
    super(opts.ip, 'benign', [], opts.seed);
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    let t = time.daytime(rng);
    for (let k = rng.range(1, 6); k > 0; k--) {
      if (!log.emit(t, 1, rng.int(DOWNLOADS.length))) return;
      t += rng.uniform(200, 30_000);
    }
  }

  protected reset(): void {}

  render(_code: number, arg: number, ctx: RenderContext): string {
    const [request, status, bytes] = DOWNLOADS[arg];
    return nginxLine(this.ip, '-', ctx.time, `${request} HTTP/1.1`, status, bytes, '-', this.opts.agent);
  }
}

const CHALLENGE = 1;
const ADMIN_PAGE = 2;
const ADMIN_ASSET = 3;
const ADMIN_SAVE = 4;

const ADMIN_PAGES = [
  '/admin/', '/admin/orders?status=open', '/admin/orders?status=open&page=2', '/admin/customers', '/admin/reports/sales?range=7d',
  '/admin/products?q=jacket', '/admin/settings', '/admin/users', '/admin/logs', '/admin/config',
] as const;

export interface AdminUserOptions {
  ip: string;
  seed: number;
  agent: string;
  user: string;
  tz: number;
}

/** Staff on the internal network using /admin with basic auth: the browser's first try gets a 401. */
export class AdminUser extends Actor {
  private current = '/admin/';

  constructor(private readonly opts: AdminUserOptions) {
    super(opts.ip, 'benign', [], opts.seed);
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    const starts: number[] = [];
    for (let k = rng.range(1, 4); k > 0; k--) starts.push(time.officeHours(rng, this.opts.tz));
    starts.sort((a, b) => a - b);
    for (const start of starts) {
      let t = Math.max(start, log.lastTime + 60_000);
      if (!log.emit(t, CHALLENGE, 0)) return;
      t += rng.uniform(2_000, 8_000);
      for (let pages = rng.range(3, 25); pages > 0; pages--) {
        const r = rng.next();
        const ok = r < 0.15 ? log.emit(t, ADMIN_SAVE, rng.range(1000, 99_999)) : log.emit(t, ADMIN_PAGE, rng.int(ADMIN_PAGES.length));
        if (!ok) return;
        if (rng.chance(0.3) && !log.emit(t + rng.uniform(50, 300), ADMIN_ASSET, rng.int(2))) return;
        t += rng.logNormal(25_000, 0.9);
      }
    }
  }

  protected reset(): void {
    this.current = '/admin/';
  }

  render(code: number, arg: number, ctx: RenderContext): string {
    const { ip, user, agent } = this.opts;
    const referer = `${ORIGIN}${this.current}`;
    switch (code) {
      case CHALLENGE:
        return nginxLine(ip, '-', ctx.time, 'GET /admin/ HTTP/2.0', 401, 179, '-', agent);
      case ADMIN_SAVE:
        return nginxLine(ip, user, ctx.time, `POST /admin/products/${arg} HTTP/2.0`, 302, 0, referer, agent);
      case ADMIN_ASSET:
        return nginxLine(ip, user, ctx.time, `GET /admin/static/${arg === 0 ? 'admin.css' : 'admin.js'} HTTP/2.0`, 304, 0, referer, agent);
      default: {
        const path = ADMIN_PAGES[arg];
        this.current = path;
        return nginxLine(ip, user, ctx.time, `GET ${path} HTTP/2.0`, 200, 8_000 + this.rng.int(40_000), referer, agent);
      }
    }
  }
}
