import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { HerdError, errorMessage, silentLogger, systemClock, type Logger } from '../core/index.js';
import { Bouncer, type BouncerDeps, type BouncerOptions, type CheckResult } from './bouncer.js';
import { CaptchaProvider, type CaptchaProviderOptions } from './captcha-provider.js';
import { CaptchaTokens } from './captcha-token.js';
import { ClientIpResolver } from './client-ip.js';
import { durationMs, type DurationOption } from './duration-option.js';
import { banPage, captchaPage } from './pages.js';

/**
 * The HTTP side of a bouncer, independent of any framework: who the client is (unspoofable, see
 * ClientIpResolver), what the bouncer says about it, and the answer to send — a 403 ban page, a
 * captcha page and its verification, or nothing (let the request through). The node:http,
 * Express and Fastify adapters and the nginx auth endpoint only move these answers.
 */

export interface CaptchaOptions {
  /** HMAC key shared by every instance of the site (≥ 16 bytes). Default: random per process. */
  secret?: string | Uint8Array;
  /** How long a challenge can be answered. Default 5m. */
  challengeTtl?: DurationOption;
  /** How long a solved captcha lets the address through. Default 30m. */
  passTtl?: DurationOption;
  /** Default `herd_captcha`. */
  cookieName?: string;
  /** Where the challenge page posts (and is served). Default `/.herd/captcha`. */
  path?: string;
  /** Mark the cookie Secure. Default: when the connection is TLS. */
  secureCookie?: boolean;
  /** Use Turnstile / hCaptcha / reCAPTCHA instead of herd's own challenge. */
  provider?: CaptchaProviderOptions;
}

export interface HttpGuardOptions extends BouncerOptions {
  /** Proxies whose forwarding header is believed (IPs / CIDRs). Default none: the socket peer is the client. */
  trustedProxies?: string[];
  /** The forwarding header. Default `x-forwarded-for`. */
  clientIpHeader?: string;
  captcha?: CaptchaOptions;
  /** What a remediation other than ban/captcha gets. Default `ban`. */
  fallbackRemediation?: 'ban' | 'captcha' | 'allow';
}

export interface HttpGuardDeps extends BouncerDeps {
  /** A bouncer of one's own (shared between servers); the guard then does not start or stop it. */
  bouncer?: Bouncer;
}

/** An answer to send instead of letting the request through. */
export interface GuardResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Verdict = 'allow' | 'ban' | 'captcha';

export interface GuardMetrics {
  banned: number;
  challenged: number;
  captchaSolved: number;
  captchaFailed: number;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_FORM_BYTES = 8192;

export class HttpGuard {
  readonly bouncer: Bouncer;
  readonly clientIp: ClientIpResolver;
  readonly captchaPath: string;
  private readonly ownBouncer: boolean;
  private readonly tokens: CaptchaTokens;
  private readonly provider: CaptchaProvider | null;
  private readonly cookieName: string;
  private readonly secureCookie: boolean | undefined;
  private readonly fallback: 'ban' | 'captcha' | 'allow';
  private readonly logger: Logger;
  private readonly counts: GuardMetrics = { banned: 0, challenged: 0, captchaSolved: 0, captchaFailed: 0 };

  constructor(options: HttpGuardOptions, deps: HttpGuardDeps = {}) {
    this.bouncer = deps.bouncer ?? new Bouncer(options, deps);
    this.ownBouncer = deps.bouncer === undefined;
    this.clientIp = new ClientIpResolver({ trustedProxies: options.trustedProxies, header: options.clientIpHeader });
    const c = options.captcha ?? {};
    this.captchaPath = c.path ?? '/.herd/captcha';
    if (!this.captchaPath.startsWith('/')) throw new HerdError('HERD_BOUNCER_CONFIG', `captcha.path: '${this.captchaPath}' must start with /`);
    this.cookieName = c.cookieName ?? 'herd_captcha';
    if (!/^[A-Za-z0-9_-]+$/.test(this.cookieName)) throw new HerdError('HERD_BOUNCER_CONFIG', `captcha.cookieName: '${this.cookieName}' may only hold letters, digits, _ and -`);
    this.secureCookie = c.secureCookie;
    this.tokens = new CaptchaTokens(
      {
        secret: c.secret,
        challengeTtlMs: durationMs(c.challengeTtl, 'captcha.challengeTtl', 5 * 60_000, 1000),
        passTtlMs: durationMs(c.passTtl, 'captcha.passTtl', 30 * 60_000, 1000),
      },
      deps.clock ?? systemClock,
    );
    this.provider = c.provider ? new CaptchaProvider(c.provider) : null;
    this.fallback = options.fallbackRemediation ?? 'ban';
    this.logger = deps.logger ?? silentLogger();
  }

  /** Starts the bouncer (stream mode pulls) unless it was given. */
  async start(): Promise<void> {
    if (this.ownBouncer) await this.bouncer.start();
  }

  async stop(): Promise<void> {
    if (this.ownBouncer) await this.bouncer.stop();
  }

  metrics(): GuardMetrics {
    return { ...this.counts };
  }

  /**
   * The answer for a request, or null to let it through. Synchronous whenever the bouncer knows
   * the answer without asking the API (hot path); a promise otherwise.
   */
  evaluate(req: IncomingMessage): GuardResponse | null | Promise<GuardResponse | null> {
    const ip = this.clientIp.resolve(req.socket.remoteAddress, req.headers);
    if (ip === null) return null;
    const url = req.url ?? '/';
    if (url.startsWith(this.captchaPath) && (url.length === this.captchaPath.length || url.charCodeAt(this.captchaPath.length) === 63 /* ? */)) {
      return this.captchaRequest(req, ip, url);
    }
    const r = this.bouncer.checkCached(ip);
    if (r === undefined) return this.bouncer.check(ip).then((x) => this.answer(req, ip, this.verdictOf(x, ip, req.headers.cookie)));
    return this.answer(req, ip, this.verdictOf(r, ip, req.headers.cookie));
  }

  /** What to do with `ip` (a solved captcha's cookie turns `captcha` into `allow`). */
  decide(ip: string, cookieHeader: string | undefined): Verdict | Promise<Verdict> {
    const r = this.bouncer.checkCached(ip);
    if (r === undefined) return this.bouncer.check(ip).then((x) => this.verdictOf(x, ip, cookieHeader));
    return this.verdictOf(r, ip, cookieHeader);
  }

  /** The ban answer: HTML, or JSON for API clients. */
  banResponse(req: IncomingMessage, ip: string): GuardResponse {
    this.counts.banned++;
    if (wantsJson(req)) return { status: 403, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store' }, body: '{"message":"access forbidden","remediation":"ban"}' };
    return { status: 403, headers: { 'content-type': HTML, 'cache-control': 'no-store' }, body: banPage(ip) };
  }

  /**
   * The captcha endpoint: GET shows a challenge, POST checks the answer and, when right, sets the
   * pass cookie and sends the client back (303) to the page it came from.
   */
  async captchaRequest(req: IncomingMessage, ip: string, url = req.url ?? '/'): Promise<GuardResponse> {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      const q = url.indexOf('?');
      const returnTo = safeReturn(q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('return'));
      return this.challengeResponse(req, ip, returnTo, 200);
    }
    if (method !== 'POST') return { status: 405, headers: { allow: 'GET, POST', 'content-type': 'text/plain' }, body: 'method not allowed\n' };
    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch (err) {
      return { status: 413, headers: { 'content-type': 'text/plain' }, body: `${errorMessage(err)}\n` };
    }
    const returnTo = safeReturn(form.get('return'));
    let ok = false;
    let error = 'That answer was not right. Please try again.';
    if (this.provider) {
      try {
        ok = await this.provider.verify(form.get(this.provider.field) ?? '', ip);
      } catch (err) {
        this.logger.warn({ code: err instanceof HerdError ? err.code : undefined, err: errorMessage(err) }, 'captcha verify failed');
        error = 'The captcha could not be checked just now. Please try again.';
      }
    } else {
      const verdict = this.tokens.verifyChallenge(ip, form.get('token') ?? '', form.get('answer') ?? '');
      ok = verdict === 'ok';
      if (verdict === 'expired') error = 'That question expired. Here is a new one.';
      else if (verdict === 'replayed') error = 'That question was already answered. Here is a new one.';
    }
    if (!ok) {
      this.counts.captchaFailed++;
      return this.challengeResponse(req, ip, returnTo, 403, error);
    }
    this.counts.captchaSolved++;
    const secure = this.secureCookie ?? (req.socket as TLSSocket).encrypted === true;
    const maxAge = Math.floor(this.tokens.passTtlMs / 1000);
    return {
      status: 303,
      headers: {
        location: returnTo,
        'set-cookie': `${this.cookieName}=${this.tokens.issuePass(ip)}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
        'cache-control': 'no-store',
        'content-type': 'text/plain',
      },
      body: 'ok\n',
    };
  }

  /** The page (or JSON) asking for a captcha, with a fresh challenge. */
  challengeResponse(req: IncomingMessage, ip: string, returnTo: string, status = 403, error?: string): GuardResponse {
    this.counts.challenged++;
    const headers = { 'content-type': HTML, 'cache-control': 'no-store' };
    const captchaUrl = `${this.captchaPath}?return=${encodeURIComponent(returnTo)}`;
    if (wantsJson(req)) {
      return { status: 403, headers: { ...headers, 'content-type': JSON_TYPE }, body: JSON.stringify({ message: 'captcha required', remediation: 'captcha', captcha_url: captchaUrl }) };
    }
    if (this.provider) {
      const p = this.provider;
      return { status, headers, body: captchaPage({ ip, action: this.captchaPath, returnTo, error, provider: { scriptUrl: p.scriptUrl, widgetClass: p.widgetClass, siteKey: p.siteKey } }) };
    }
    const c = this.tokens.newChallenge(ip);
    return { status, headers, body: captchaPage({ ip, action: this.captchaPath, returnTo, error, question: c.question, token: c.token }) };
  }

  private verdictOf(r: CheckResult, ip: string, cookieHeader: string | undefined): Verdict {
    const t = r.remediation;
    if (t === null) return 'allow';
    const action = t === 'ban' || t === 'captcha' ? t : this.fallback;
    if (action === 'captcha') {
      const pass = cookieHeader === undefined ? null : cookieValue(cookieHeader, this.cookieName);
      return pass !== null && this.tokens.verifyPass(ip, pass) ? 'allow' : 'captcha';
    }
    return action;
  }

  private answer(req: IncomingMessage, ip: string, v: Verdict): GuardResponse | null {
    if (v === 'allow') return null;
    if (v === 'ban') return this.banResponse(req, ip);
    const method = req.method ?? 'GET';
    return this.challengeResponse(req, ip, method === 'GET' || method === 'HEAD' ? safeReturn(req.url ?? '/') : '/');
  }
}

/** API clients (JSON accepted, HTML not) get JSON answers. */
function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && accept.includes('application/json') && !accept.includes('text/html');
}

/** A cookie's value from a Cookie header, or null. */
export function cookieValue(header: string, name: string): string | null {
  let from = 0;
  while (from < header.length) {
    const i = header.indexOf(name, from);
    if (i < 0) return null;
    const before = i === 0 ? 32 : header.charCodeAt(i - 1);
    if ((before === 32 || before === 59) && header.charCodeAt(i + name.length) === 61 /* = */) {
      const end = header.indexOf(';', i);
      return header.slice(i + name.length + 1, end < 0 ? header.length : end).trim();
    }
    from = i + name.length;
  }
  return null;
}

/** A path of this site to go back to; anything else (another host, a scheme, control characters) is `/`. */
export function safeReturn(v: string | null): string {
  if (v === null || v.length === 0 || v.length > 2048) return '/';
  if (v.charCodeAt(0) !== 47 /* / */) return '/';
  const second = v.charCodeAt(1);
  if (second === 47 || second === 92) return '/'; // `//host` and `/\host` leave the site
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c === 127 || c === 92) return '/';
  }
  return v;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  // A body parser (express.urlencoded) may already have read the body.
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (parsed !== null && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out.set(k, v);
    return out;
  }
  if (typeof parsed === 'string') return new URLSearchParams(parsed);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HerdError('HERD_BOUNCER_FORM', `captcha form larger than ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
