/**
 * User-Agent strings as they appear in access logs: current browsers (desktop and mobile), the
 * well-known bots, command-line and API clients used by benign people, and the attack tools.
 */
import { WeightedPicker, type Rng } from './rng.js';

type Template = (rng: Rng) => string;

const chrome = (rng: Rng): number => rng.range(126, 133);
const firefox = (rng: Rng): number => rng.range(128, 134);

const BROWSERS = new WeightedPicker<Template>([
  [(r) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(r)}.0.0.0 Safari/537.36`, 26],
  [(r) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(r)}.0.0.0 Safari/537.36`, 9],
  [(r) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(r)}.0.0.0 Safari/537.36`, 2],
  [(r) => { const v = chrome(r); return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`; }, 6],
  [(r) => { const v = firefox(r); return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`; }, 4],
  [(r) => { const v = firefox(r); return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`; }, 1.5],
  [(r) => { const v = firefox(r); return `Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`; }, 1.5],
  [(r) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${r.pick(['17.5', '17.6', '18.0', '18.1', '18.2'])} Safari/605.1.15`, 7],
  [(r) => { const v = r.pick(['17_5', '17_6', '17_6_1', '18_0', '18_1', '18_1_1', '18_2']); return `Mozilla/5.0 (iPhone; CPU iPhone OS ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.split('_').slice(0, 2).join('.')} Mobile/15E148 Safari/604.1`; }, 17],
  [(r) => { const v = r.pick(['17_6', '18_1']); return `Mozilla/5.0 (iPad; CPU OS ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.replace('_', '.')} Mobile/15E148 Safari/604.1`; }, 2],
  [(r) => `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(r)}.0.0.0 Mobile Safari/537.36`, 16],
  [(r) => `Mozilla/5.0 (Linux; Android ${r.range(13, 14)}; SAMSUNG SM-${r.pick(['S921B', 'A546B', 'S911B', 'G991B'])}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${r.range(25, 27)}.0 Chrome/${r.range(121, 125)}.0.0.0 Mobile Safari/537.36`, 3],
  [(r) => `Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram ${r.range(340, 355)}.0.0.${r.range(10, 40)}.${r.range(100, 120)} (iPhone14,5; iOS 17_6; en_US; en; scale=3.00; 1170x2532; ${r.range(600000000, 640000000)})`, 1],
  [(r) => `Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(r)}.0.0.0 Safari/537.36`, 1],
]);

/** A current browser, weighted like a consumer site's audience. */
export function browserAgent(rng: Rng): string {
  return BROWSERS.pick(rng)(rng);
}

export const GOOGLEBOT = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.204 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
] as const;
export const GOOGLEBOT_IMAGE = 'Googlebot-Image/1.0';
export const BINGBOT = [
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
] as const;
export const APPLEBOT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)';
export const YANDEXBOT = 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)';
export const DUCKDUCKBOT = 'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)';
export const AHREFSBOT = 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)';
export const SEMRUSHBOT = 'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)';

export const MONITORS = {
  uptimerobot: 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  pingdom: 'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)',
  betterstack: 'Better Stack Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.193 Safari/537.36',
  site24x7: 'Site24x7',
  statuscake: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 StatusCake',
} as const;

export const INTERNAL_AGENTS = {
  kubeProbe: 'kube-probe/1.30',
  prometheus: 'Prometheus/2.53.1',
  blackbox: 'Blackbox Exporter/0.25.0',
  elbHealth: 'ELB-HealthChecker/2.0',
} as const;

/** Clients people and their scripts use against an API or for downloads. */
export const API_AGENTS = [
  'python-requests/2.31.0', 'python-requests/2.32.3', 'Go-http-client/1.1', 'Go-http-client/2.0', 'okhttp/4.12.0',
  'axios/1.7.7', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'Java/17.0.12', 'Apache-HttpClient/4.5.14 (Java/17.0.9)',
  'curl/8.5.0', 'curl/7.81.0', 'PostmanRuntime/7.42.0', 'Ruby', 'Faraday v2.9.0', 'GuzzleHttp/7', 'undici',
  'ShopSync/3.2.1 (+https://shopsync.example.org)', 'aiohttp/3.9.5', 'Dart/3.4 (dart:io)', 'ExampleApp/5.12.0 (iPhone; iOS 18.1; Scale/3.00)',
] as const;

export const CLI_AGENTS = ['curl/8.5.0', 'curl/8.9.1', 'curl/7.88.1', 'Wget/1.21.4', 'Wget/1.21.2', 'python-requests/2.31.0', 'HTTPie/3.2.2'] as const;

export const FEED_AGENTS = [
  'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; like FeedFetcher-Google)',
  'NetNewsWire (RSS Reader; https://netnewswire.com/)',
  'Tiny Tiny RSS/23.04 (https://tt-rss.org/)',
  'FreshRSS/1.24.1 (Linux; https://freshrss.org)',
  'Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )',
  'Miniflux/2.1.4 (https://miniflux.app)',
  'Feedbin feed-id:2739129 - 4 subscribers',
  'NewsBlur Feed Fetcher - 2 subscribers - https://www.newsblur.com/site/6849451/',
] as const;

export const SOCIAL_AGENTS = [
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Twitterbot/1.0',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  'TelegramBot (like TwitterBot)',
  'WhatsApp/2.23.20.0',
] as const;

/** What bots and attack scripts send when they pretend to be a browser (often stale versions). */
export const FAKE_BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.169 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0',
  'Mozlila/5.0 (Linux; Android 7.0; SM-G892A Bulid/NRD90M; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/60.0.3112.107 Moblie Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 13_2_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.3 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  'Mozilla/5.0',
  'Mozilla/5.0 (compatible)',
] as const;

/** Plain HTTP libraries, as used by attack scripts. */
export const SCRIPT_AGENTS = [
  'python-requests/2.28.1', 'python-requests/2.25.1', 'Go-http-client/1.1', 'curl/7.68.0', 'curl/7.29.0', 'Wget',
  'Python-urllib/3.8', 'python-httpx/0.27.0', 'aiohttp/3.8.4', 'libwww-perl/6.72', 'Java/1.8.0_351', 'okhttp/3.14.9',
  'fasthttp', 'Scrapy/2.11.0 (+https://scrapy.org)', 'axios/0.27.2', 'Hello World', 'Hello, world', '-',
] as const;

/** Scanner tools identified by their User-Agent (`tool` picks the kind of requests they send). */
export const SCANNERS = [
  { tool: 'sqlmap', ua: (r: Rng) => `sqlmap/1.${r.range(5, 8)}.${r.range(1, 12)}#stable (https://sqlmap.org)` },
  { tool: 'nikto', ua: (r: Rng) => `Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:${String(r.range(1, 9999)).padStart(6, '0')})` },
  { tool: 'nmap', ua: () => 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)' },
  { tool: 'masscan', ua: () => 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)' },
  { tool: 'zgrab', ua: () => 'Mozilla/5.0 zgrab/0.x' },
  { tool: 'gobuster', ua: (r: Rng) => `gobuster/3.${r.range(1, 6)}` },
  { tool: 'dirbuster', ua: () => 'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)' },
  { tool: 'wpscan', ua: (r: Rng) => `WPScan v3.8.${r.range(20, 27)} (https://wpscan.com/wordpress-security-scanner)` },
  { tool: 'nuclei', ua: () => 'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)' },
  { tool: 'ffuf', ua: (r: Rng) => `Fuzz Faster U Fool v2.${r.range(0, 1)}.0-dev` },
  { tool: 'feroxbuster', ua: (r: Rng) => `feroxbuster/2.${r.range(7, 11)}.${r.range(0, 3)}` },
  { tool: 'whatweb', ua: () => 'WhatWeb/0.5.5' },
  { tool: 'openvas', ua: () => 'Mozilla/5.0 [en] (X11, U; OpenVAS-VT 22.4.1)' },
  { tool: 'wfuzz', ua: () => 'Wfuzz/3.1.0' },
  { tool: 'jorgee', ua: () => 'Mozilla/5.0 Jorgee' },
  { tool: 'hydra', ua: () => 'Mozilla/4.0 (Hydra)' },
  { tool: 'l9explore', ua: () => 'Mozilla/5.0 (l9explore/1.2.2)' },
] as const;

export type ScannerTool = (typeof SCANNERS)[number]['tool'];
