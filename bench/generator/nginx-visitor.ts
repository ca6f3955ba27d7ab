/**
 * A person with a browser: a few sessions a day, each a handful of pages with their assets,
 * referers that follow the navigation, searches, logins (sometimes mistyped), cart and API calls
 * from the page, old bookmarks and broken images that answer 404. NAT users are visitors sharing an IP.
 */
import { Actor, type RenderContext } from './actor.js';
import type { EventLog } from './event-log.js';
import { appNotFoundSize, NGINX_BODY, nginxLine } from './nginx-line.js';
import { ORIGIN, Section, type Page, type Site } from './nginx-site.js';
import { hashString, type Rng } from './rng.js';
import type { Timeline } from './timeline.js';

const ENTRY = 1;
const PAGE = 2;
const ASSET = 3;
const ASSET_CACHED = 4;
const SEARCH = 5;
const LOGIN_FORM = 6;
const LOGIN_FAIL = 7;
const LOGIN_OK = 8;
const CART_ADD = 9;
const XHR = 10;
const BEACON = 11;
const PREFLIGHT = 12;
const OLD = 13;
const TYPO = 14;
const PREFS = 15;

const EXTERNAL_REFERERS = [
  '-', '-', '-', '-', 'https://www.google.com/', 'https://www.google.com/', 'https://www.google.com/', 'https://www.google.de/',
  'https://www.google.co.uk/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://search.brave.com/',
  'https://t.co/', 'https://www.facebook.com/', 'https://l.instagram.com/', 'https://www.reddit.com/',
  'https://news.ycombinator.com/', 'https://www.pinterest.com/', 'android-app://com.google.android.gm/', 'https://ecosia.org/',
] as const;
const CAMPAIGNS = [
  '?utm_source=newsletter&utm_medium=email&utm_campaign=winter',
  '?utm_source=instagram&utm_medium=social',
  '?gclid=Cj0KCQiA',
  '?fbclid=IwAR2',
  '?ref=producthunt',
  '?utm_source=google&utm_medium=cpc&utm_campaign=brand',
] as const;

export interface VisitorOptions {
  ip: string;
  agent: string;
  seed: number;
  /** HTTP/2.0 for most browsers, HTTP/1.1 behind some proxies. */
  protocol: string;
  /** Sessions happen in office hours at this UTC offset (NAT users); consumers otherwise. */
  officeTz?: number;
  /** Sessions in the window (1 for most). */
  sessions: number;
}

export class Visitor extends Actor {
  private readonly agent: string;
  private readonly protocol: string;
  private readonly ios: boolean;
  private current = '/';
  private preflightBeacon = false;

  constructor(
    private readonly site: Site,
    private readonly opts: VisitorOptions,
  ) {
    super(opts.ip, 'benign', [], opts.seed);
    this.agent = opts.agent;
    this.protocol = opts.protocol;
    this.ios = /iPhone|iPad|Macintosh.*Safari/.test(opts.agent) && !opts.agent.includes('Chrome');
  }

  plan(log: EventLog, rng: Rng, time: Timeline): void {
    this.preflightBeacon = rng.chance(0.15);
    const starts: number[] = [];
    for (let i = 0; i < this.opts.sessions; i++) {
      starts.push(this.opts.officeTz === undefined ? time.daytime(rng) : time.officeHours(rng, this.opts.officeTz));
    }
    starts.sort((x, y) => x - y);
    let first = true;
    for (const s of starts) {
      const t = first ? s : Math.max(s, log.lastTime + rng.uniform(120_000, 900_000));
      if (!this.session(log, rng, t, first)) return;
      first = false;
    }
  }

  /** One visit; false once the log segment is full. */
  private session(log: EventLog, rng: Rng, start: number, firstEver: boolean): boolean {
    const site = this.site;
    let t = start;
    let page = site.popular(rng);
    const r = rng.next();
    if (r < 0.02 && site.oldUrls.length > 0) {
      // An old bookmark or an outdated link elsewhere: a redirect, or a 404 and then the home page.
      const old = rng.int(site.oldUrls.length);
      if (!log.emit(t, OLD, old)) return false;
      t += site.oldUrls[old].status === 301 ? rng.uniform(40, 250) : rng.uniform(2_000, 9_000);
      if (site.oldUrls[old].status === 404) page = site.pages[0];
      if (!log.emit(t, PAGE, page.id)) return false;
    } else if (r < 0.025) {
      if (!log.emit(t, TYPO, rng.int(site.typos.length))) return false;
      t += rng.uniform(3_000, 12_000);
      page = site.pages[0];
      if (!log.emit(t, PAGE, 0)) return false;
    } else if (!log.emit(t, ENTRY, page.id)) {
      return false;
    }
    t = this.assets(log, rng, t, page.assets, firstEver ? 'all' : 'revalidate');
    if (t < 0) return false;

    let pages = 1 + Math.min(rng.geometric(0.3), 30);
    let loggedIn = false;
    while (pages-- > 0) {
      t += Math.min(600_000, Math.max(1_500, rng.logNormal(16_000, 1.0)));
      const action = rng.next();
      if (action < 0.1) {
        if (!log.emit(t, SEARCH, rng.int(site.searchQueries.length))) return false;
        const thumbs: number[] = [];
        for (let k = rng.range(2, 8); k > 0; k--) thumbs.push(site.thumbOf(rng));
        t = this.assets(log, rng, t, thumbs, 'page');
      } else if (action < 0.14 && !loggedIn) {
        t = this.login(log, rng, t);
        loggedIn = true;
      } else if (action < 0.19) {
        if (!log.emit(t, CART_ADD, 0)) return false;
        t += rng.uniform(100, 400);
        if (!log.emit(t, XHR, 0)) return false;
      } else {
        page = this.next(rng, page);
        if (!log.emit(t, PAGE, page.id)) return false;
        t = this.assets(log, rng, t, page.assets, 'page');
        if (t >= 0 && page.section === Section.Product && rng.chance(0.6)) {
          t += rng.uniform(300, 1_500);
          if (!log.emit(t, XHR, site.productIds[rng.int(site.productIds.length)])) return false;
        }
        if (t >= 0 && page.section === Section.Docs && page.path.startsWith('/docs/api') && rng.chance(0.3)) {
          // The docs' "try it" console calls the API cross-origin: a CORS preflight, then the call.
          t += rng.uniform(5_000, 40_000);
          if (!log.emit(t, PREFLIGHT, 0)) return false;
          t += rng.uniform(30, 120);
          if (!log.emit(t, XHR, -1)) return false;
        }
      }
      if (t < 0) return false;
      if (rng.chance(0.25)) {
        t += rng.uniform(800, 4_000);
        // Browsers that send the beacon as JSON make a CORS preflight first.
        if (this.preflightBeacon) {
          if (!log.emit(t, PREFLIGHT, 1)) return false;
          t += rng.uniform(20, 120);
        }
        if (!log.emit(t, BEACON, 0)) return false;
      }
    }
    return true;
  }

  /** Login page, 0–2 mistyped passwords, success, then the account page. */
  private login(log: EventLog, rng: Rng, start: number): number {
    let t = start;
    if (!log.emit(t, LOGIN_FORM, 0)) return -1;
    const fails = rng.chance(0.82) ? 0 : rng.chance(0.75) ? 1 : 2;
    for (let i = 0; i < fails; i++) {
      t += rng.uniform(4_000, 20_000);
      if (!log.emit(t, LOGIN_FAIL, 0)) return -1;
    }
    t += rng.uniform(4_000, 20_000);
    if (!log.emit(t, LOGIN_OK, 0)) return -1;
    t += rng.uniform(60, 300);
    if (!log.emit(t, PAGE, this.site.account)) return -1;
    if (rng.chance(0.3)) {
      // Saves a setting on the account page (the SPA sends a PUT).
      t += rng.uniform(5_000, 60_000);
      if (!log.emit(t, PREFS, 0)) return -1;
    }
    return t;
  }

  /** The assets a page view loads; -1 once the segment is full. */
  private assets(log: EventLog, rng: Rng, start: number, own: readonly number[], mode: 'all' | 'revalidate' | 'page'): number {
    let t = start + rng.uniform(60, 500);
    if (mode === 'all') {
      for (const id of this.site.common) {
        if (!log.emit(t, ASSET, id)) return -1;
        t += rng.uniform(2, 180);
      }
      if (this.ios && rng.chance(0.3)) {
        for (const id of this.site.appleIcons) {
          if (!log.emit(t, ASSET, id)) return -1;
          t += rng.uniform(2, 60);
        }
      }
    } else if (mode === 'revalidate') {
      for (let k = rng.range(0, 3); k > 0; k--) {
        if (!log.emit(t, ASSET_CACHED, this.site.common[rng.int(this.site.common.length)])) return -1;
        t += rng.uniform(2, 120);
      }
    }
    const limit = Math.min(own.length, 12);
    for (let i = 0; i < limit; i++) {
      // Later views of a page often come from the browser cache and are not logged at all.
      if (mode !== 'all' && rng.chance(0.35)) continue;
      if (!log.emit(t, ASSET, own[i])) return -1;
      t += rng.uniform(2, 250);
    }
    return t;
  }

  private next(rng: Rng, from: Page): Page {
    const roll = rng.next();
    if (roll < 0.45 && from.section !== Section.Static) return this.site.inSection(rng, from.section);
    if (roll < 0.55) return this.site.inSection(rng, Section.Category);
    return this.site.popular(rng);
  }

  protected reset(): void {
    this.current = '/';
  }

  render(code: number, arg: number, ctx: RenderContext): string {
    const site = this.site;
    const rng = this.rng;
    let request: string;
    let status = 200;
    let bytes = 0;
    // After a typed URL or an old bookmark there is no referer.
    let referer = this.current === '' ? '-' : `${ORIGIN}${this.current}`;
    switch (code) {
      case ENTRY: {
        const page = site.pages[arg];
        referer = rng.pick(EXTERNAL_REFERERS);
        const query = referer !== '-' && rng.chance(0.12) ? rng.pick(CAMPAIGNS) : '';
        request = `GET ${page.path}${query} ${this.protocol}`;
        bytes = page.size + rng.int(600);
        this.current = page.path;
        break;
      }
      case PAGE: {
        const page = site.pages[arg];
        request = `GET ${page.path} ${this.protocol}`;
        bytes = page.size + rng.int(600);
        this.current = page.path;
        break;
      }
      case ASSET:
      case ASSET_CACHED: {
        const path = site.assetPath[arg];
        request = `GET ${path} ${this.protocol}`;
        if (site.assetMissing[arg]) {
          status = 404;
          bytes = path.endsWith('.png') && path.startsWith('/apple') ? NGINX_BODY[404] : appNotFoundSize(hashString(path));
        } else if (code === ASSET_CACHED) {
          status = 304;
        } else {
          bytes = site.assetSize[arg];
        }
        break;
      }
      case SEARCH: {
        const q = site.searchQueries[arg];
        const more = rng.chance(0.15) ? `&page=${rng.range(2, 4)}` : '';
        request = `GET /search?q=${q}${more} ${this.protocol}`;
        bytes = 14_000 + rng.int(26_000);
        this.current = `/search?q=${q}${more}`;
        break;
      }
      case LOGIN_FORM:
        request = `GET /login ${this.protocol}`;
        bytes = 4_870 + rng.int(40);
        this.current = '/login';
        break;
      case LOGIN_FAIL:
        request = `POST /login ${this.protocol}`;
        status = 401;
        bytes = 5_020 + rng.int(40);
        break;
      case LOGIN_OK:
        request = `POST /login ${this.protocol}`;
        status = 302;
        break;
      case CART_ADD:
        request = `POST /api/v1/cart/items ${this.protocol}`;
        bytes = 380 + rng.int(900);
        break;
      case XHR:
        request =
          arg < 0
            ? `GET /api/v1/products?limit=${rng.pick([5, 10, 20])} ${this.protocol}`
            : arg === 0
              ? `GET /api/v1/cart ${this.protocol}`
              : `GET /api/v1/recommendations?product=${arg} ${this.protocol}`;
        bytes = 900 + rng.int(4_000);
        break;
      case BEACON:
        request = `POST /api/v1/events ${this.protocol}`;
        status = 204;
        break;
      case PREFS:
        request = `PUT /api/v1/account/preferences ${this.protocol}`;
        status = 204;
        break;
      case PREFLIGHT:
        request = `OPTIONS ${arg === 1 ? '/api/v1/events' : '/api/v1/products'} ${this.protocol}`;
        status = 204;
        break;
      case OLD: {
        const old = site.oldUrls[arg];
        request = `GET ${old.path} ${this.protocol}`;
        status = old.status;
        bytes = old.status === 301 ? NGINX_BODY[301] : appNotFoundSize(hashString(old.path));
        referer = rng.chance(0.7) ? '-' : rng.pick(EXTERNAL_REFERERS);
        this.current = '';
        break;
      }
      default: {
        const typo = site.typos[arg];
        request = `GET ${typo} ${this.protocol}`;
        status = 404;
        bytes = appNotFoundSize(hashString(typo));
        referer = '-';
        this.current = '';
      }
    }
    return nginxLine(this.ip, '-', ctx.time, request, status, bytes, referer, this.agent);
  }
}
