/**
 * Benign robots of the web: search-engine crawlers (from their published ranges, walking the
 * site at a moderate pace in spurts, robots.txt first, old URLs that 301/404) and link-preview bots.
 */
import { Actor, type RenderContext } from './actor.js';
import type { EventLog } from './event-log.js';
import { appNotFoundSize, NGINX_BODY, nginxLine } from './nginx-line.js';
import { ORIGIN, type Site } from './nginx-site.js';
import { hashString, type Rng } from './rng.js';
import type { Timeline } from './timeline.js';

const ROBOTS = 1;
const SITEMAP = 2;
const PAGE = 3;
const PAGE_304 = 4;
const OLD = 5;
const IMAGE = 6;

export interface CrawlerOptions {
  ip: string;
  seed: number;
  /** Main User-Agent; `imageAgent` for image fetches when the engine has a separate image bot. */
  agent: string;
  imageAgent?: string;
  /** Typical fetches for this IP over the whole window. */
  fetches: number;
}

export class Crawler extends Actor {
  constructor(
    private readonly site: Site,
    private readonly opts: CrawlerOptions,
  ) {
    super(opts.ip, 'benign', [], opts.seed);
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    // Spurts of fetches a few seconds apart, with long pauses between them.
    const spurts = Math.max(1, Math.round(this.opts.fetches / rng.uniform(25, 120)));
    const pause = time.window / spurts;
    let t = rng.uniform(0, Math.min(pause, time.window * 0.5));
    while (!log.full) {
      if (rng.chance(0.35) && !log.emit(t, ROBOTS, 0)) return;
      if (rng.chance(0.05) && !log.emit((t += rng.uniform(500, 3_000)), SITEMAP, 0)) return;
      const fetches = Math.max(1, Math.round(this.opts.fetches / spurts) + rng.range(-5, 5));
      for (let i = 0; i < fetches; i++) {
        t += rng.uniform(1_500, 22_000);
        const r = rng.next();
        const ok =
          r < 0.04
            ? log.emit(t, OLD, rng.int(this.site.oldUrls.length))
            : r < 0.1 && this.opts.imageAgent
              ? log.emit(t, IMAGE, rng.int(this.site.assetPath.length))
              : log.emit(t, r < 0.2 ? PAGE_304 : PAGE, this.site.any(rng).id);
        if (!ok) return;
      }
      t += rng.logNormal(pause * 0.8, 0.5);
    }
  }

  protected reset(): void {}

  render(code: number, arg: number, ctx: RenderContext): string {
    const site = this.site;
    let path: string;
    let status = 200;
    let bytes = 0;
    let agent = this.opts.agent;
    switch (code) {
      case ROBOTS:
        path = '/robots.txt';
        bytes = site.assetSize[site.robots];
        break;
      case SITEMAP:
        path = '/sitemap.xml';
        bytes = site.assetSize[site.sitemap];
        break;
      case OLD: {
        const old = site.oldUrls[arg];
        path = old.path;
        status = old.status;
        bytes = status === 301 ? NGINX_BODY[301] : appNotFoundSize(hashString(path));
        break;
      }
      case IMAGE:
        path = site.assetPath[arg];
        agent = this.opts.imageAgent ?? agent;
        if (site.assetMissing[arg]) {
          status = 404;
          bytes = appNotFoundSize(hashString(path));
        } else {
          bytes = site.assetSize[arg];
        }
        break;
      default: {
        const page = site.pages[arg];
        path = page.path;
        if (code === PAGE_304) status = 304;
        else bytes = page.size + this.rng.int(600);
      }
    }
    return nginxLine(this.ip, '-', ctx.time, `GET ${path} HTTP/1.1`, status, bytes, '-', agent);
  }
}

export interface SocialBotOptions {
  ip: string;
  seed: number;
  agent: string;
}

/** Link-preview bots: a shared page and its preview image, a few times a day. */
export class SocialBot extends Actor {
  constructor(
    private readonly site: Site,
    private readonly opts: SocialBotOptions,
  ) {
    super(opts.ip, 'benign', [], opts.seed);
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    let t = time.daytime(rng);
    for (let shares = rng.range(1, 4); shares > 0; shares--) {
      const page = this.site.popular(rng);
      if (!log.emit(t, PAGE, page.id)) return;
      const image = page.assets.length > 0 ? page.assets[0] : this.site.common[5];
      if (!log.emit(t + rng.uniform(100, 900), IMAGE, image)) return;
      t += rng.uniform(60_000, 6 * 3_600_000);
    }
  }

  protected reset(): void {}

  render(code: number, arg: number, ctx: RenderContext): string {
    const site = this.site;
    if (code === PAGE) {
      const page = site.pages[arg];
      return nginxLine(this.ip, '-', ctx.time, `GET ${page.path} HTTP/1.1`, 200, page.size + this.rng.int(600), '-', this.opts.agent);
    }
    const path = site.assetPath[arg];
    const status = site.assetMissing[arg] ? 404 : 200;
    const bytes = status === 404 ? appNotFoundSize(hashString(path)) : site.assetSize[arg];
    return nginxLine(this.ip, '-', ctx.time, `GET ${path} HTTP/1.1`, status, bytes, `${ORIGIN}/`, this.opts.agent);
  }
}
