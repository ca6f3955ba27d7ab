/**
 * The only way the scanner talks to the target. Every request goes through `send`, which refuses
 * what the scan must not do — another origin than the base URL's, a mutating method under
 * `--safe`, more requests than the budget — and bounds what the target can do to the scanner: a
 * timeout covering headers and body, a cap on the body read, redirects returned rather than
 * followed (a redirect to another host is never taken), at most `concurrency` requests in flight
 * and at most `ratePerSecond` started per second.
 */
import type { Exchange, ScanRequest, ScanResponse } from '../model.js';
import type { ScanClient, SendOptions } from '../check.js';

/** Where the credentials of one user come from (see auth/). */
export interface CredentialSource {
  /** Headers (and query parameters) that authenticate `user`; fetched or refreshed as needed. */
  credentials(user: string, send: RawSend): Promise<Credentials>;
  /** Called after a 401 with these credentials: the next `credentials` call logs in again. */
  invalidate(user: string): void;
  /** The user's bearer token, when it has one (JWT checks). */
  tokenOf(user: string): string | undefined;
}

export interface Credentials {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/** Sends without credentials and without counting as a scan request of a check (logins). */
export type RawSend = (request: ScanRequest) => Promise<Exchange>;

export interface ScanClientOptions {
  readonly baseUrl: URL;
  /** Most requests the scan may send (logins included). */
  readonly budget: number;
  /** Most requests started per second; 0: no limit. */
  readonly ratePerSecond: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Refuse mutating methods (everything but GET, HEAD, OPTIONS). */
  readonly safe: boolean;
  readonly credentials?: CredentialSource;
  /** Sent with every request (User-Agent…); the request's own headers win. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Called after each exchange (progress). */
  readonly onExchange?: (exchange: Exchange) => void;
  /** Monotonic milliseconds (performance.now by default). */
  readonly now?: () => number;
}

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ClientStats {
  requests: number;
  refused: number;
  errors: number;
}

export class HttpScanClient implements ScanClient {
  readonly stats: ClientStats = { requests: 0, refused: 0, errors: 0 };
  private readonly o: ScanClientOptions;
  private readonly now: () => number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private nextStart = 0;
  /** The credentials last used per user. */
  private readonly known = new Map<string, Credentials>();

  constructor(options: ScanClientOptions) {
    this.o = options;
    this.now = options.now ?? (() => performance.now());
  }

  canSend(n = 1): boolean {
    return this.stats.requests + n <= this.o.budget;
  }

  credentialsOf(user: string): Readonly<Record<string, string>> {
    return this.known.get(user)?.headers ?? {};
  }

  tokenOf(user: string): string | undefined {
    return this.o.credentials?.tokenOf(user);
  }

  async send(request: ScanRequest, options: SendOptions = {}): Promise<Exchange> {
    const user = options.as ?? null;
    let creds: Credentials | null = null;
    if (user !== null && this.o.credentials !== undefined) {
      creds = await this.o.credentials.credentials(user, (r) => this.sendRaw(r, undefined, true));
      this.known.set(user, creds);
    }
    let exchange = await this.sendRaw(withCredentials(request, creds), options.timeoutMs);
    if (user !== null && creds !== null && exchange.response?.status === 401 && this.o.credentials !== undefined) {
      // Expired token: log in again once and retry.
      this.o.credentials.invalidate(user);
      creds = await this.o.credentials.credentials(user, (r) => this.sendRaw(r, undefined, true));
      this.known.set(user, creds);
      exchange = await this.sendRaw(withCredentials(request, creds), options.timeoutMs);
    }
    return exchange;
  }

  /**
   * Sends exactly this request (no credentials added), within the client's limits. `login`: the
   * request logs a configured user in, which --safe allows whatever its method.
   */
  async sendRaw(request: ScanRequest, timeoutMs = this.o.timeoutMs, login = false): Promise<Exchange> {
    const refusal = this.refusal(request, login);
    if (refusal !== undefined) {
      this.stats.refused++;
      return { request, response: null, error: `refused: ${refusal}` };
    }
    this.stats.requests++;
    await this.acquire();
    try {
      await this.pace();
      const exchange = await this.fetchOnce(request, timeoutMs);
      if (exchange.response === null) this.stats.errors++;
      this.o.onExchange?.(exchange);
      return exchange;
    } finally {
      this.release();
    }
  }

  private refusal(request: ScanRequest, login: boolean): string | undefined {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return `not a URL: ${request.url.slice(0, 200)}`;
    }
    if (url.origin !== this.o.baseUrl.origin) return `${url.origin} is outside the scanned origin ${this.o.baseUrl.origin}`;
    if (this.o.safe && !login && !SAFE_METHODS.has(request.method.toUpperCase())) return `${request.method} is a mutating method and --safe is on`;
    if (!this.canSend()) return `the request budget (${this.o.budget}) is spent`;
    return undefined;
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.o.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private async pace(): Promise<void> {
    if (this.o.ratePerSecond <= 0) return;
    const gap = 1000 / this.o.ratePerSecond;
    const now = this.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + gap;
    if (start > now) await new Promise((r) => setTimeout(r, start - now));
  }

  private async fetchOnce(request: ScanRequest, timeoutMs: number): Promise<Exchange> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const started = this.now();
    try {
      const method = request.method.toUpperCase();
      const res = await fetch(request.url, {
        method,
        headers: { ...this.o.headers, ...request.headers },
        body: request.body === undefined || method === 'GET' || method === 'HEAD' ? undefined : request.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      const { text, truncated } = await readCapped(res, this.o.maxBodyBytes);
      const response: ScanResponse = { status: res.status, headers: headersOf(res.headers), body: text, truncated, timeMs: this.now() - started };
      return { request, response };
    } catch (err) {
      const timedOut = controller.signal.aborted;
      return { request, response: null, error: timedOut ? `no complete answer within ${timeoutMs} ms` : errorText(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function withCredentials(request: ScanRequest, creds: Credentials | null): ScanRequest {
  if (creds === null) return request;
  let url = request.url;
  const q = Object.entries(creds.query);
  if (q.length > 0) {
    const u = new URL(url);
    for (const [k, v] of q) u.searchParams.set(k, v);
    url = u.toString();
  }
  const headers: Record<string, string> = { ...request.headers };
  for (const [k, v] of Object.entries(creds.headers)) {
    if (k.toLowerCase() === 'cookie' && headers.cookie !== undefined) headers.cookie = `${headers.cookie}; ${v}`;
    else headers[k] = v;
  }
  return { ...request, url, headers };
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, key) => {
    out[key] = value;
  });
  const cookies = h.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies.join('\n');
  return out;
}

/** The body as text, at most `max` bytes of it (the rest is not read: the stream is cancelled). */
async function readCapped(res: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (res.body === null) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      chunks.push(value.subarray(0, max - size));
      size = max;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)), truncated };
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}
