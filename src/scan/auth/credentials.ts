/**
 * The credentials of the scan's users: fixed ones (bearer token, API key in a header, query or
 * cookie, HTTP basic), a login request on the target whose response yields the token (or the
 * session cookie), or OAuth2 client credentials. Logins happen on first use and again after a 401
 * (token refresh). The OAuth2 token endpoint, named by the user in the configuration, is the one
 * request a scan may send outside the target's origin.
 */
import { HerdError } from '../../core/index.js';
import type { CredentialSource, Credentials, RawSend } from '../http/scan-client.js';
import type { Exchange } from '../model.js';
import { parseJson } from '../explore/explore-rest.js';

export type UserAuth =
  | { readonly bearer: string }
  | { readonly header: { readonly name: string; readonly value: string } }
  | { readonly query: { readonly name: string; readonly value: string } }
  | { readonly cookie: string }
  | { readonly basic: { readonly username: string; readonly password: string } }
  | {
      readonly login: {
        readonly method?: string;
        readonly path: string;
        readonly body?: unknown;
        readonly contentType?: string;
        /** Dotted path of the token in the JSON response (`token`, `data.login.token`). */
        readonly tokenPath?: string;
        /** How the token is sent: `bearer` (default), `cookie` (the response's cookies), or `header:<Name>`. */
        readonly use?: string;
      };
    }
  | { readonly oauth2: { readonly tokenUrl: string; readonly clientId: string; readonly clientSecret: string; readonly scope?: string } };

export interface UserConfig {
  readonly name: string;
  readonly role: 'user' | 'admin';
  readonly auth: UserAuth;
}

const NONE: Credentials = { headers: {}, query: {} };

export class UserCredentials implements CredentialSource {
  private readonly users: Map<string, UserConfig>;
  private readonly cache = new Map<string, Credentials>();
  private readonly tokens = new Map<string, string>();
  private readonly pending = new Map<string, Promise<Credentials>>();
  /** The successful login exchanges, by user: real, valid requests of the login operation. */
  readonly logins = new Map<string, Exchange>();

  constructor(
    users: readonly UserConfig[],
    private readonly root: URL,
    private readonly fetchOutside: typeof fetch = fetch,
  ) {
    this.users = new Map(users.map((u) => [u.name, u]));
  }

  /** Users made during the scan (signed up when none were given). */
  add(users: readonly UserConfig[]): void {
    for (const u of users) this.users.set(u.name, u);
  }

  tokenOf(user: string): string | undefined {
    return this.tokens.get(user);
  }

  invalidate(user: string): void {
    this.cache.delete(user);
  }

  async credentials(user: string, send: RawSend): Promise<Credentials> {
    const known = this.cache.get(user);
    if (known !== undefined) return known;
    // Concurrent requests of one user share one login.
    let p = this.pending.get(user);
    if (p === undefined) {
      p = this.obtain(user, send).finally(() => this.pending.delete(user));
      this.pending.set(user, p);
    }
    const creds = await p;
    this.cache.set(user, creds);
    return creds;
  }

  private async obtain(user: string, send: RawSend): Promise<Credentials> {
    const u = this.users.get(user);
    if (u === undefined) return NONE;
    const a = u.auth;
    if ('bearer' in a) return this.bearer(user, a.bearer);
    if ('header' in a) return { headers: { [a.header.name]: a.header.value }, query: {} };
    if ('query' in a) return { headers: {}, query: { [a.query.name]: a.query.value } };
    if ('cookie' in a) return { headers: { cookie: a.cookie }, query: {} };
    if ('basic' in a) return { headers: { authorization: `Basic ${Buffer.from(`${a.basic.username}:${a.basic.password}`).toString('base64')}` }, query: {} };
    if ('login' in a) return this.login(user, a.login, send);
    return this.oauth2(user, a.oauth2);
  }

  private bearer(user: string, token: string): Credentials {
    this.tokens.set(user, token);
    return { headers: { authorization: `Bearer ${token}` }, query: {} };
  }

  private async login(user: string, l: Extract<UserAuth, { login: unknown }>['login'], send: RawSend): Promise<Credentials> {
    const url = new URL(this.root.toString());
    url.pathname = l.path.startsWith('/') ? l.path : `${this.root.pathname.replace(/\/$/, '')}/${l.path}`;
    const contentType = l.contentType ?? 'application/json';
    const body = l.body === undefined ? undefined : typeof l.body === 'string' ? l.body : contentType.includes('json') ? JSON.stringify(l.body) : new URLSearchParams(l.body as Record<string, string>).toString();
    const exchange = await send({ method: (l.method ?? 'POST').toUpperCase(), url: url.toString(), headers: { 'content-type': contentType }, ...(body !== undefined ? { body } : {}) });
    const res = exchange.response;
    if (res === null || res.status >= 400) {
      throw new HerdError('HERD_SCAN_LOGIN_FAILED', `user ${user}: the login request ${url.pathname} answered ${res === null ? exchange.error : `HTTP ${res.status}`}; check the login settings and the credentials in the scan configuration`);
    }
    this.logins.set(user, exchange);
    const use = l.use ?? 'bearer';
    if (use === 'cookie') return { headers: { cookie: cookiesOf(res.headers['set-cookie']) }, query: {} };
    const token = pathValue(parseJson(res.body, res.headers['content-type']), l.tokenPath ?? 'token');
    if (typeof token !== 'string' || token === '') {
      const cookie = cookiesOf(res.headers['set-cookie']);
      if (cookie !== '') return { headers: { cookie }, query: {} };
      throw new HerdError('HERD_SCAN_LOGIN_FAILED', `user ${user}: no token at "${l.tokenPath ?? 'token'}" in the login response; set tokenPath to where the token is`);
    }
    if (use.startsWith('header:')) {
      this.tokens.set(user, token);
      return { headers: { [use.slice('header:'.length)]: token }, query: {} };
    }
    return this.bearer(user, token);
  }

  private async oauth2(user: string, o: Extract<UserAuth, { oauth2: unknown }>['oauth2']): Promise<Credentials> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret });
    if (o.scope !== undefined) form.set('scope', o.scope);
    let res: Response;
    try {
      res = await this.fetchOutside(o.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new HerdError('HERD_SCAN_LOGIN_FAILED', `user ${user}: the OAuth2 token endpoint ${o.tokenUrl} did not answer (${err instanceof Error ? err.message : String(err)})`);
    }
    const text = (await res.text()).slice(0, 65536);
    const token = pathValue(parseJson(text, res.headers.get('content-type') ?? undefined), 'access_token');
    if (!res.ok || typeof token !== 'string') {
      throw new HerdError('HERD_SCAN_LOGIN_FAILED', `user ${user}: the OAuth2 token endpoint answered HTTP ${res.status} without access_token; check clientId, clientSecret and scope`);
    }
    return this.bearer(user, token);
  }
}

/** `a.b.0.c` in a JSON value. */
export function pathValue(json: unknown, path: string): unknown {
  let v: unknown = json;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** `a=1; b=2` from Set-Cookie lines (attributes dropped). */
function cookiesOf(setCookie: string | undefined): string {
  if (setCookie === undefined) return '';
  return setCookie
    .split('\n')
    .map((line) => line.split(';')[0]!.trim())
    .filter((c) => c.includes('='))
    .join('; ');
}
