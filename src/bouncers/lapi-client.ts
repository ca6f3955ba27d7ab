import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { HerdError, errorMessage } from '../core/index.js';
import { readDecisionList, readDecisionStream, type DecisionStream, type WireDecision } from './wire-decision.js';

/**
 * The bouncer side of the local API protocol (CrowdSec's, which herd's API speaks too): the live
 * query `GET /v1/decisions?ip=…` and the stream `GET /v1/decisions/stream?startup=…`, with the
 * `X-Api-Key` header. node:http/https only, one keep-alive agent, a deadline per request.
 */

export interface LapiClientOptions {
  /** The API's base URL, as in CrowdSec's `api_url` (`http://127.0.0.1:8080/`). */
  url: string;
  /** The bouncer's key (`herd bouncers add NAME`, `cscli bouncers add NAME`). */
  apiKey: string;
  /** Deadline of one request, connection included (ms). Default 5000. */
  timeoutMs?: number;
  /** Default `herd-bouncer/<herd version>`. */
  userAgent?: string;
  /** Stream filters: scopes (default `ip,range`), origins, words scenarios must (not) contain. */
  scopes?: string[];
  origins?: string[];
  scenariosContaining?: string[];
  scenariosNotContaining?: string[];
  /** Largest response accepted (bytes). Default 256 MiB (a full community blocklist is far smaller). */
  maxResponseBytes?: number;
  /** HTTPS: a CA to trust, and a client certificate for CrowdSec's TLS bouncer authentication. */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
}

function herdVersion(): string {
  // src/bouncers (tests) and dist/src/bouncers (built) sit at different depths below package.json.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'herd' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const DEFAULT_USER_AGENT = `herd-bouncer/v${herdVersion()}`;

function listParam(name: string, list: string[] | undefined): string {
  return list && list.length > 0 ? `&${name}=${encodeURIComponent(list.join(','))}` : '';
}

export class LapiClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly streamFilters: string;

  constructor(options: LapiClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new HerdError('HERD_BOUNCER_CONFIG', `api url '${options.url}' is not a URL; write it as http://127.0.0.1:8080/`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new HerdError('HERD_BOUNCER_CONFIG', `api url '${options.url}' must start with http:// or https://`);
    }
    if (!options.apiKey) throw new HerdError('HERD_BOUNCER_CONFIG', 'the bouncer API key is empty; create one with `herd bouncers add NAME`');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    this.transport = base.protocol === 'https:' ? https : http;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 32, ...options.tls })
        : new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.headers = {
      'x-api-key': options.apiKey,
      'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
      accept: 'application/json',
    };
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBytes = options.maxResponseBytes ?? 256 * 1024 * 1024;
    this.streamFilters =
      listParam('scopes', options.scopes ?? ['ip', 'range']) +
      listParam('origins', options.origins) +
      listParam('scenarios_containing', options.scenariosContaining) +
      listParam('scenarios_not_containing', options.scenariosNotContaining);
  }

  /** Where the client points, for logs. */
  get url(): string {
    return this.base.href;
  }

  /** Live mode: the decisions applying to `ip` (on it, or on a range holding it). */
  async decisionsForIp(ip: string): Promise<WireDecision[]> {
    const path = `v1/decisions?ip=${encodeURIComponent(ip)}`;
    const body = await this.get(path);
    return readDecisionList(body, `GET ${this.base.href}${path}`).decisions;
  }

  /** Stream mode: everything active (`startup`), else what was added and removed since the last pull. */
  async stream(startup: boolean): Promise<DecisionStream> {
    const path = `v1/decisions/stream?startup=${startup ? 'true' : 'false'}${this.streamFilters}`;
    const body = await this.get(path);
    return readDecisionStream(body, `GET ${this.base.href}${path}`);
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private get(path: string): Promise<unknown> {
    const url = new URL(path, this.base);
    const where = `GET ${url.origin}${url.pathname}`;
    return new Promise((resolve, reject) => {
      let done = false;
      const fail = (err: HerdError): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const req = this.transport.request(url, { method: 'GET', agent: this.agent, headers: this.headers }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) {
            fail(new HerdError('HERD_BOUNCER_API_RESPONSE', `${where}: answer larger than ${this.maxBytes} bytes; raise maxResponseBytes or narrow the stream's scopes/origins`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(new HerdError('HERD_BOUNCER_API_UNREACHABLE', `${where}: connection lost while reading the answer (${errorMessage(err)})`, { cause: err })));
        res.on('end', () => {
          if (done) return;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status === 401 || status === 403) {
            fail(new HerdError('HERD_BOUNCER_API_AUTH', `${where}: the API refused the bouncer key (HTTP ${status}); check the key, or create one with \`herd bouncers add NAME\``));
            return;
          }
          if (status < 200 || status >= 300) {
            fail(new HerdError('HERD_BOUNCER_API_STATUS', `${where}: HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`));
            return;
          }
          let body: unknown;
          try {
            body = text.length === 0 ? null : JSON.parse(text);
          } catch {
            fail(new HerdError('HERD_BOUNCER_API_RESPONSE', `${where}: the answer is not JSON (${text.slice(0, 80)}); is the URL a CrowdSec-compatible local API?`));
            return;
          }
          done = true;
          clearTimeout(timer);
          resolve(body);
        });
      });
      const timer = setTimeout(() => {
        fail(new HerdError('HERD_BOUNCER_API_TIMEOUT', `${where}: no answer within ${this.timeoutMs} ms; is the API up and reachable?`));
      }, this.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code ? `${err.code}: ${err.message}` : err.message;
        fail(new HerdError('HERD_BOUNCER_API_UNREACHABLE', `${where}: cannot reach the API (${why}); is it running at ${this.base.origin}?`, { cause: err }));
      });
      req.end();
    });
  }
}
