/**
 * The web site the nginx log belongs to: a shop with a blog and docs, built once from the seed.
 * Pages have popularity (a few pages get most visits), their own assets, and a few broken image
 * links, so that benign visitors produce 404s the way real ones do.
 */
import { hashString, type Rng } from './rng.js';

export const ORIGIN = 'https://www.example.com';

export const Section = { Static: 0, Product: 1, Blog: 2, Docs: 3, Category: 4, Tag: 5 } as const;
export type Section = (typeof Section)[keyof typeof Section];

export interface Page {
  /** Index in Site.pages. */
  id: number;
  path: string;
  section: Section;
  /** Body size of the rendered page (bytes, compressed as sent). */
  size: number;
  /** Ids (see Site.assetPath) of the assets this page loads beyond the site-wide ones, broken links included. */
  assets: readonly number[];
}

/** A URL that used to exist: 301 to its new place, or 404 when it is gone. */
export interface OldUrl {
  path: string;
  status: 301 | 404;
}

const ADJECTIVES = [
  'classic', 'merino', 'waterproof', 'lightweight', 'organic', 'vintage', 'slim', 'rugged', 'packable', 'insulated',
  'recycled', 'linen', 'wool', 'cotton', 'leather', 'canvas', 'trail', 'alpine', 'coastal', 'urban', 'everyday',
  'quilted', 'ripstop', 'thermal', 'breathable', 'heritage', 'stretch', 'ultralight', 'hooded', 'reversible',
] as const;
const NOUNS = [
  'jacket', 'backpack', 'boots', 'beanie', 'scarf', 'parka', 'hoodie', 'socks', 'gloves', 'tent', 'sleeping-bag',
  'water-bottle', 'tote', 'duffel', 'shirt', 'chinos', 'shorts', 'vest', 'fleece', 'rain-shell', 'sneakers', 'cap',
  'belt', 'wallet', 'headlamp', 'mug', 'blanket', 'hammock', 'poncho', 'sweater',
] as const;
const TOPICS = [
  'how-to-layer-for-winter-hikes', 'caring-for-merino-wool', 'packing-list-for-a-weekend-trip', 'what-is-ripstop',
  'choosing-hiking-boots', 'our-recycled-materials', 'waterproof-ratings-explained', 'camping-with-kids',
  'the-best-day-hikes-near-the-city', 'repair-not-replace', 'sizing-guide-for-jackets', 'winter-cycling-tips',
  'behind-the-scenes-at-our-workshop', 'ten-years-of-gear', 'sustainability-report', 'summer-sale-recap',
  'how-we-test-tents', 'meet-the-designers', 'bikepacking-essentials', 'washing-down-jackets', 'trail-running-kit',
  'choosing-a-sleeping-bag', 'guide-to-fabrics', 'new-store-opening', 'gift-guide', 'spring-collection',
] as const;
const DOC_SECTIONS = ['getting-started', 'orders', 'shipping', 'returns', 'api', 'integrations', 'account', 'billing'] as const;
const DOC_TOPICS = [
  'overview', 'authentication', 'rate-limits', 'webhooks', 'pagination', 'errors', 'orders-endpoint', 'products-endpoint',
  'inventory', 'sandbox', 'changelog', 'faq', 'sdk-python', 'sdk-node', 'csv-export', 'sso', 'two-factor',
  'invoices', 'tax', 'international', 'tracking', 'exchanges', 'gift-cards', 'loyalty', 'migrations', 'versioning',
] as const;
const CATEGORIES = [
  'jackets', 'backpacks', 'footwear', 'accessories', 'camping', 'knitwear', 'shirts', 'trousers', 'kids', 'sale',
  'new-arrivals', 'gifts', 'travel', 'running', 'cycling', 'climbing', 'rainwear', 'base-layers',
] as const;
const STATIC_PAGES = [
  '/', '/about', '/contact', '/pricing', '/careers', '/privacy', '/terms', '/faq', '/shipping', '/returns', '/stores',
  '/blog/', '/products/', '/docs/', '/cart', '/account', '/account/orders', '/signup', '/gift-cards', '/sustainability',
] as const;

/** Search terms as people type them, including words an over-eager detector would flag. */
export const SEARCH_TERMS = [
  'rain jacket', 'merino socks', 'hiking boots size 44', 'backpack 30l', 'kids parka', 'gift card', 'sale',
  'wool beanie', 'tent 2 person', 'return policy', 'select comfort mattress', 'union jack mug',
  'sql union select tutorial', 'select all jackets', 'script font tshirt', 'java script course', 'manuscript notebook',
  "o'neill hoodie", "men's boots", "women's fleece", "kids' gloves", 'rock n roll tee', 'drop shipping',
  'table runner', 'delete account', 'update my address', 'insert for boots', 'where to buy', 'or', 'and more',
  '../ relative path', 'docs ../', 'admin', 'login', 'password reset', 'order status', 'track order 12345',
  'c++ mug', '100% cotton', 'size 10 1/2', 'red & black', 'jacket <xl>', '"waterproof" boots', 'tent; footprint',
  'boots -leather', 'hoodie | sweater', 'alert me when back in stock', 'onload', 'sleep bag', 'waitfor',
] as const;

const STATIC_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  css: [14_000, 46_000],
  js: [2_000, 190_000],
  woff2: [21_000, 48_000],
  svg: [600, 12_000],
  jpg: [18_000, 260_000],
  png: [6_000, 320_000],
  webp: [12_000, 140_000],
  ico: [15_086, 15_086],
  webmanifest: [380, 520],
  xml: [2_000, 60_000],
  txt: [120, 900],
};

/** Stable body size of a static file from its path. */
export function staticSize(path: string): number {
  const dot = path.lastIndexOf('.');
  const ext = dot >= 0 ? path.slice(dot + 1) : '';
  const span = path.includes('/vendor.') ? ([118_000, 196_000] as const) : (STATIC_SIZES[ext] ?? [1_000, 50_000]);
  return span[0] + (hashString(path) % (span[1] - span[0] + 1));
}

/** application/x-www-form-urlencoded, as a browser submits a search box. */
export function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function slug(rng: Rng): string {
  return `${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}`;
}

export class Site {
  readonly pages: Page[] = [];
  /** Indices into `pages` by section. */
  readonly bySection: number[][] = [[], [], [], [], [], []];
  /** Loaded by every first page view: stylesheet, scripts, fonts, logo, icon. */
  readonly common: readonly number[];
  /** Asset table: path, size, and whether it answers 404 (a broken link). */
  readonly assetPath: string[] = [];
  readonly assetSize: number[] = [];
  readonly assetMissing: boolean[] = [];
  private readonly assetIds = new Map<string, number>();
  /** Search terms, encoded as a browser submits a form. */
  readonly searchQueries: readonly string[] = SEARCH_TERMS.map(formEncode);
  /** Mistyped URLs people enter by hand. */
  readonly typos = ['/prodcuts/', '/abuot', '/contcat', '/blgo/', '/accout', '/login.html', '/index.html', '/docs/getting-started/', '/cart/', '/Search'];
  /** Icons iOS asks for that the site does not have. */
  readonly appleIcons: readonly number[];
  readonly robots: number;
  /** Page id of /account (where a login lands). */
  account = 0;
  readonly sitemap: number;
  readonly oldUrls: OldUrl[] = [];
  readonly productIds: number[] = [];
  readonly feed = '/blog/feed.xml';
  /** Page indices from most to least visited. */
  private readonly byPopularity: number[] = [];
  private readonly paths = new Set<string>();
  readonly loginPath = '/login';

  constructor(rng: Rng) {
    const h = (): string => rng.hex(8);
    const a = (path: string, missing = false): number => this.asset(path, missing);
    this.common = [
      a(`/static/css/main.${h()}.css`),
      a(`/static/js/runtime.${h()}.js`),
      a(`/static/js/vendor.${h()}.js`),
      a(`/static/js/app.${h()}.js`),
      a(`/static/fonts/inter-var.${h()}.woff2`),
      a(`/static/img/logo.svg`),
      a(`/static/img/sprite.${h()}.svg`),
      a(`/favicon.ico`),
    ];
    // iOS asks for these in turn; the site has none, so each iPhone visit can leave four 404s.
    this.appleIcons = [
      a('/apple-touch-icon-120x120-precomposed.png', true),
      a('/apple-touch-icon-120x120.png', true),
      a('/apple-touch-icon-precomposed.png', true),
      a('/apple-touch-icon.png', true),
    ];
    this.robots = a('/robots.txt');
    this.sitemap = a('/sitemap.xml');
    const docsCss = a(`/static/css/docs.${h()}.css`);
    const docsJs = a(`/static/js/docs-search.${h()}.js`);
    const blogCss = a(`/static/css/blog.${h()}.css`);

    for (const path of STATIC_PAGES) {
      const assets = path === '/' ? [a('/static/img/hero.webp'), a('/static/img/hero-mobile.webp')] : [];
      this.add({ id: 0, path, section: Section.Static, size: 6_000 + (hashString(path) % 30_000), assets });
    }
    const missingImages = new Set<number>();
    const usedIds = new Set<number>();
    for (let i = 0; i < 1400; i++) {
      let id = rng.range(1000, 99_999);
      while (usedIds.has(id)) id = rng.range(1000, 99_999);
      usedIds.add(id);
      this.productIds.push(id);
      if (rng.chance(0.01)) missingImages.add(id);
    }
    for (const id of this.productIds) {
      const path = `/products/${id}-${slug(rng)}`;
      const assets = [a(`/images/products/${id}-1.jpg`), a(`/images/products/${id}-2.jpg`)];
      for (let k = rng.range(2, 5); k > 0; k--) assets.push(this.thumb(rng.pick(this.productIds), missingImages));
      this.add({ id: 0, path, section: Section.Product, size: 18_000 + (hashString(path) % 40_000), assets });
      if (rng.chance(0.05)) this.oldUrls.push({ path: `/product.php?id=${id}`, status: 301 });
    }
    for (let i = 0; i < 320; i++) {
      const topic = rng.pick(TOPICS);
      const year = rng.range(2017, 2025);
      const month = String(rng.range(1, 12)).padStart(2, '0');
      const path = `/blog/${year}/${month}/${topic}${rng.chance(0.5) ? '' : `-${rng.range(2, 9)}`}`;
      if (this.paths.has(path)) continue;
      const name = path.slice(path.lastIndexOf('/') + 1);
      const assets = [blogCss, a(`/images/blog/${name}-hero.jpg`)];
      for (let k = rng.range(0, 4); k > 0; k--) assets.push(a(`/images/blog/${name}-${k}.png`));
      // Old posts link images that were lost in a migration: every reader gets the 404s.
      if (rng.chance(0.08)) for (let k = rng.range(1, 3); k > 0; k--) assets.push(a(`/images/blog/${name}-old-${k}.jpg`, true));
      this.add({ id: 0, path, section: Section.Blog, size: 22_000 + (hashString(path) % 50_000), assets });
      if (rng.chance(0.1)) this.oldUrls.push({ path: `/blog/${name}`, status: 301 });
    }
    for (const section of DOC_SECTIONS) {
      for (const topic of DOC_TOPICS) {
        if (!rng.chance(0.45)) continue;
        const path = `/docs/${section}/${topic}`;
        const assets = [docsCss, docsJs];
        if (rng.chance(0.4)) assets.push(a(`/images/docs/${section}-${topic}.svg`));
        this.add({ id: 0, path, section: Section.Docs, size: 9_000 + (hashString(path) % 30_000), assets });
      }
    }
    for (const category of CATEGORIES) {
      const path = `/category/${category}`;
      const assets: number[] = [];
      for (let k = 0; k < 8; k++) assets.push(this.thumb(rng.pick(this.productIds), missingImages));
      this.add({ id: 0, path, section: Section.Category, size: 30_000 + (hashString(path) % 30_000), assets });
    }
    for (let i = 0; i < 40; i++) {
      const path = `/tag/${rng.pick(ADJECTIVES)}`;
      if (this.paths.has(path)) continue;
      this.add({ id: 0, path, section: Section.Tag, size: 12_000 + (hashString(path) % 20_000), assets: [] });
    }
    const gone = [
      '/summer-sale-2019', '/black-friday-2021', '/products/discontinued', '/old-site/index.html', '/shop/cart.php',
      '/blog/2016/', '/catalog.pdf', '/newsletter/archive', '/stores/berlin-mitte', '/jobs', '/press',
    ];
    for (const path of gone) this.oldUrls.push({ path, status: 404 });
    this.oldUrls.push({ path: '/blog', status: 301 }, { path: '/docs', status: 301 }, { path: '/home', status: 301 });
    this.account = this.indexOf('/account');
    const rest: number[] = [];
    for (let i = 0; i < this.pages.length; i++) {
      if (this.pages[i].section === Section.Static) this.byPopularity.push(i);
      else rest.push(i);
    }
    this.byPopularity.push(...rng.shuffled(rest));
  }

  /** A page by popularity: the home page and a few best sellers get most of the traffic. */
  popular(rng: Rng): Page {
    if (rng.chance(0.18)) return this.pages[0];
    return this.pages[this.byPopularity[rng.skewed(this.byPopularity.length, 2.2)]];
  }

  /** A page of the given section, skewed to its popular ones. */
  inSection(rng: Rng, section: Section): Page {
    const list = this.bySection[section];
    return this.pages[list[rng.skewed(list.length, 1.8)]];
  }

  /** Any page, uniformly: what a crawler walking the sitemap sees. */
  any(rng: Rng): Page {
    return this.pages[rng.int(this.pages.length)];
  }

  /** Index of a page by path (-1 when absent). */
  indexOf(path: string): number {
    return this.pages.findIndex((p) => p.path === path);
  }

  /** A product thumbnail id (every product page and listing links some). */
  thumbOf(rng: Rng): number {
    return this.asset(`/images/products/${rng.pick(this.productIds)}-thumb.jpg`, false);
  }

  private thumb(id: number, missing: ReadonlySet<number>): number {
    return this.asset(`/images/products/${id}-thumb.jpg`, missing.has(id));
  }

  private asset(path: string, missing: boolean): number {
    const known = this.assetIds.get(path);
    if (known !== undefined) return known;
    const id = this.assetPath.length;
    this.assetIds.set(path, id);
    this.assetPath.push(path);
    this.assetSize.push(staticSize(path));
    this.assetMissing.push(missing);
    return id;
  }

  private add(page: Page): void {
    page.id = this.pages.length;
    this.paths.add(page.path);
    this.bySection[page.section].push(this.pages.length);
    this.pages.push(page);
  }
}
