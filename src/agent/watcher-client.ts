import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HerdError } from '../core/index.js';
import { alertToPushWire } from '../lapi/index.js';
import type { Alert } from '../scenarios/index.js';

/**
 * A machine's side of CrowdSec's local API (what `crowdsec` the agent does): log in with a machine
 * id and password for a JWT, push alerts, send heartbeats. A token that expired or was refused is
 * renewed once per call. Every failure is a HerdError saying what to check:
 * `HERD_LAPI_UNREACHABLE` (network, 5xx: retry later), `HERD_LAPI_AUTH` (credentials, machine not
 * validated: a person has to act), `HERD_LAPI_REJECTED` (4xx on a push: the request itself).
 */

export interface WatcherCredentials {
  /** Base URL of the local API, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  machineId: string;
  password: string;
  /** PEM CA for https (else the system's). */
  ca?: string | Buffer;
  /** Client certificate and key (PEM), for an API that checks agents' certificates. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Sent as User-Agent (the API records it as the machine's version). */
  userAgent?: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/** A failure the API answered (with its HTTP status), as opposed to one it never answered. */
export class LapiAnswerError extends HerdError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
  ) {
    super(code, message);
  }
}

interface Answer {
  status: number;
  body: string;
}

export class WatcherClient {
  /** Scenarios the agent runs, sent at each login (CrowdSec lists them in `cscli machines list`). */
  scenarios: string[] = [];
  private token: string | null = null;
  private readonly base: URL;

  constructor(private readonly creds: WatcherCredentials) {
    let base: URL;
    try {
      base = new URL(creds.url.endsWith('/') ? creds.url : creds.url + '/');
    } catch {
      throw new HerdError('HERD_CONFIG_INVALID', `api.client.url '${creds.url}' is not a URL; give the local API's address, e.g. http://127.0.0.1:8080/`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new HerdError('HERD_CONFIG_INVALID', `api.client.url '${creds.url}' must be http:// or https://`);
    }
    this.base = base;
  }

  /** Where the client sends its requests (for logs). */
  get url(): string {
    return this.base.href;
  }

  /**
   * Registers this machine (POST /v1/watchers), as `cscli lapi register` does. The API's operator
   * then validates it (`herd machines validate`), unless a valid `registrationToken` lets it in at once.
   */
  async register(registrationToken?: string): Promise<void> {
    const body = JSON.stringify({ machine_id: this.creds.machineId, password: this.creds.password, ...(registrationToken ? { registration_token: registrationToken } : {}) });
    const res = await this.send('POST', 'v1/watchers', body, null);
    if (res.status === 200 || res.status === 201 || res.status === 202) return;
    if (res.status === 403 || res.status === 401) {
      throw new LapiAnswerError('HERD_LAPI_AUTH', `the local API at ${this.base.href} refused to register machine '${this.creds.machineId}' (${res.status}: ${messageOf(res.body)})`, res.status);
    }
    throw this.failure(`registering machine '${this.creds.machineId}'`, res);
  }

  /** Logs in (POST /v1/watchers/login) and keeps the token. */
  async login(): Promise<void> {
    const body = JSON.stringify({ machine_id: this.creds.machineId, password: this.creds.password, scenarios: this.scenarios });
    const res = await this.send('POST', 'v1/watchers/login', body, null);
    if (res.status === 200) {
      let token: unknown;
      try {
        token = (JSON.parse(res.body) as { token?: unknown }).token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || token === '') throw new HerdError('HERD_LAPI_UNREACHABLE', `the local API at ${this.base.href} answered the login without a token; is it a CrowdSec-compatible API?`);
      this.token = token;
      return;
    }
    if (res.status === 401 || res.status === 403) {
      throw new HerdError(
        'HERD_LAPI_AUTH',
        `the local API at ${this.base.href} refused machine '${this.creds.machineId}' (${res.status}: ${messageOf(res.body)}); ` +
          'check api.client.login and password, and that the machine exists and is validated there (herd machines list / validate)',
      );
    }
    throw this.failure('logging in', res);
  }

  /** Pushes alerts (POST /v1/alerts); returns the ids the API gave them. */
  async pushAlerts(alerts: readonly Alert[]): Promise<string[]> {
    const body = JSON.stringify(alerts.map(alertToPushWire));
    const res = await this.authorized('POST', 'v1/alerts', body);
    if (res.status === 200 || res.status === 201) {
      try {
        const ids = JSON.parse(res.body) as unknown;
        return Array.isArray(ids) ? ids.map(String) : [];
      } catch {
        return [];
      }
    }
    if (res.status === 413) throw new LapiAnswerError('HERD_LAPI_REJECTED', `the local API refused a push of ${alerts.length} alert(s) as too large (413)`, 413);
    throw this.failure('pushing alerts', res);
  }

  /** Tells the API the agent is alive (GET /v1/heartbeat). */
  async heartbeat(): Promise<void> {
    const res = await this.authorized('GET', 'v1/heartbeat', null);
    if (res.status !== 200) throw this.failure('sending a heartbeat', res);
  }

  private async authorized(method: string, path: string, body: string | null): Promise<Answer> {
    if (this.token === null) await this.login();
    let res = await this.send(method, path, body, this.token);
    if (res.status === 401 || res.status === 403) {
      // The token expired, or the API restarted with another secret: log in again, once.
      this.token = null;
      await this.login();
      res = await this.send(method, path, body, this.token);
    }
    if (res.status === 401 || res.status === 403) {
      throw new HerdError('HERD_LAPI_AUTH', `the local API at ${this.base.href} refused machine '${this.creds.machineId}' right after login (${res.status}: ${messageOf(res.body)})`);
    }
    return res;
  }

  private failure(what: string, res: Answer): LapiAnswerError {
    if (res.status >= 500) {
      return new LapiAnswerError('HERD_LAPI_UNREACHABLE', `${what}: the local API at ${this.base.href} answered ${res.status} (${messageOf(res.body)}); will retry`, res.status);
    }
    return new LapiAnswerError('HERD_LAPI_REJECTED', `${what}: the local API at ${this.base.href} answered ${res.status}: ${messageOf(res.body)}`, res.status);
  }

  private async send(method: string, path: string, body: string | null, token: string | null): Promise<Answer> {
    try {
      return await this.sendOnce(method, path, body, token);
    } catch (err) {
      // A kept-alive connection the server closed meanwhile: Node's advice is to retry once.
      if (err instanceof StaleSocketError) return this.sendOnce(method, path, body, token);
      throw err;
    }
  }

  private sendOnce(method: string, path: string, body: string | null, token: string | null): Promise<Answer> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { 'user-agent': this.creds.userAgent ?? 'herd-agent' };
    if (body !== null) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const timeoutMs = this.creds.timeoutMs ?? 10_000;
    return new Promise<Answer>((resolve, reject) => {
      const done = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          // An answer to these calls is small; a huge one is not a local API.
          if (size > 16 * 1024 * 1024) req.destroy(new Error('answer larger than 16 MiB'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      };
      const options = { method, headers, timeout: timeoutMs };
      const req =
        url.protocol === 'https:'
          ? httpsRequest(url, { ...options, ...(this.creds.ca ? { ca: this.creds.ca } : {}), ...(this.creds.cert ? { cert: this.creds.cert } : {}), ...(this.creds.key ? { key: this.creds.key } : {}) }, done)
          : httpRequest(url, options, done);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) =>
        reject(
          req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET'
            ? new StaleSocketError()
            : new HerdError('HERD_LAPI_UNREACHABLE', `${method} ${url.href} failed: ${err.message}; is the local API running and reachable? will retry`, { cause: err }),
        ),
      );
      req.end(body ?? undefined);
    });
  }
}

class StaleSocketError extends Error {}

/** The `message` of a CrowdSec error body, else the body itself (clipped). */
function messageOf(body: string): string {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return body.length > 200 ? body.slice(0, 200) + '…' : body || 'no message';
}

/** Reads a PEM file named in the configuration, with an error naming the key. */
export function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HerdError('HERD_CONFIG_READ', `cannot read ${key}: ${(err as Error).message}`, { where: path });
  }
}
