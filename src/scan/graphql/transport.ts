/**
 * GraphQL over HTTP through the scan client: requests as POST JSON (or GET with the query string
 * when POST is not allowed, as under `--safe`), and responses read as `{data, errors}` whatever
 * their status (GraphQL over HTTP answers validation errors with 400, execution errors with 200).
 */
import type { Exchange, ScanRequest } from '../model.js';
import type { ScanClient } from '../check.js';

export interface GqlPayload {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

export interface GqlError {
  readonly message: string;
  /** Field names and list indexes from the root of `data`. */
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A GraphQL response: `data` is undefined when the body had none, `null` when it said null. */
export interface GqlResult {
  readonly data: Readonly<Record<string, unknown>> | null | undefined;
  readonly errors: readonly GqlError[];
}

export interface GqlExchange {
  readonly exchange: Exchange;
  /** The response read as GraphQL, or null when it is not a GraphQL response object. */
  readonly result: GqlResult | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON text as a value, or undefined when it does not parse (the text is hostile). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readErrors(raw: unknown): GqlError[] {
  if (!Array.isArray(raw)) return [];
  const out: GqlError[] = [];
  for (const e of raw) {
    if (!isRecord(e)) continue;
    const path = Array.isArray(e.path) ? e.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : undefined;
    out.push({
      message: typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? ''),
      ...(path !== undefined ? { path } : {}),
      ...(isRecord(e.extensions) ? { extensions: e.extensions } : {}),
    });
  }
  return out;
}

/** A parsed JSON value read as one GraphQL response (`{data?, errors?}`), or null. */
export function gqlResultOf(json: unknown): GqlResult | null {
  if (!isRecord(json) || !('data' in json || 'errors' in json)) return null;
  const data = json.data === null ? null : isRecord(json.data) ? json.data : undefined;
  return { data, errors: readErrors(json.errors) };
}

/** The response body of an exchange read as one GraphQL response, or null. */
export function gqlResultOfExchange(exchange: Exchange): GqlResult | null {
  if (exchange.response === null) return null;
  return gqlResultOf(parseJsonText(exchange.response.body));
}

/** The errors about one root field (its alias or name first in the path) and those without a path. */
export function errorsAt(result: GqlResult, field: string): GqlError[] {
  return result.errors.filter((e) => e.path === undefined || e.path.length === 0 || e.path[0] === field);
}

/** The value of a root field, when the response has one that is not null. */
export function rootValue(result: GqlResult | null, field: string): unknown {
  if (result === null || result.data === null || result.data === undefined) return undefined;
  const v = result.data[field];
  return v === null ? undefined : v;
}

/**
 * The absolute URL of the endpoint. `endpoint` is a path on the base URL (`/graphql`); a path that
 * already starts with the base URL's own path, or a full URL, is taken as it is.
 */
export function endpointUrl(baseUrl: URL, endpoint: string): string {
  if (/^https?:\/\//i.test(endpoint)) return endpoint;
  const prefix = baseUrl.pathname.replace(/\/+$/, '');
  const path = endpoint === '' ? '' : endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
  const full = prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`)) ? path : `${prefix}${path}`;
  const url = new URL(baseUrl.origin);
  url.pathname = full === '' ? '/' : full;
  return url.toString();
}

/** POST `application/json` with `{query, variables, operationName}`. */
export function postRequest(url: string, payload: GqlPayload, headers: Readonly<Record<string, string>> = {}): ScanRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(payload),
  };
}

/**
 * GET with `query`, `variables` (JSON) and `operationName` in the query string. `preflight` adds
 * the header Apollo Server's CSRF prevention requires of GET queries; checks that imitate a
 * cross-site request leave it out.
 */
export function getRequest(url: string, payload: GqlPayload, preflight = true): ScanRequest {
  const u = new URL(url);
  u.searchParams.set('query', payload.query);
  if (payload.variables !== undefined && Object.keys(payload.variables).length > 0) u.searchParams.set('variables', JSON.stringify(payload.variables));
  if (payload.operationName !== undefined) u.searchParams.set('operationName', payload.operationName);
  return {
    method: 'GET',
    url: u.toString(),
    headers: { accept: 'application/json', ...(preflight ? { 'apollo-require-preflight': 'true' } : {}) },
  };
}

/** The GraphQL payload of a request this module built (POST JSON body or GET query string). */
export function payloadOf(request: ScanRequest): GqlPayload | null {
  if (request.method.toUpperCase() === 'GET') {
    let u: URL;
    try {
      u = new URL(request.url);
    } catch {
      return null;
    }
    const query = u.searchParams.get('query');
    if (query === null) return null;
    const vars = u.searchParams.get('variables');
    const variables = vars === null ? undefined : parseJsonText(vars);
    const operationName = u.searchParams.get('operationName');
    return { query, ...(isRecord(variables) ? { variables } : {}), ...(operationName !== null ? { operationName } : {}) };
  }
  const json = request.body === undefined ? undefined : parseJsonText(request.body);
  if (!isRecord(json) || typeof json.query !== 'string') return null;
  return {
    query: json.query,
    ...(isRecord(json.variables) ? { variables: json.variables } : {}),
    ...(typeof json.operationName === 'string' ? { operationName: json.operationName } : {}),
  };
}

/**
 * Sends GraphQL operations to one endpoint. Queries go as POST JSON until POST turns out to be
 * refused (`--safe`) or not allowed (405/415), then as GET; mutations always go as POST.
 */
export class GraphqlTransport {
  private usePost: boolean;

  constructor(
    private readonly client: ScanClient,
    readonly url: string,
    options: { readonly safe: boolean },
  ) {
    this.usePost = !options.safe;
  }

  /** The request this transport would send for a query (for evidence and samples). */
  requestFor(payload: GqlPayload, kind: 'query' | 'mutation' = 'query'): ScanRequest {
    return kind === 'mutation' || this.usePost ? postRequest(this.url, payload) : getRequest(this.url, payload);
  }

  async send(payload: GqlPayload, as: string | null, kind: 'query' | 'mutation' = 'query'): Promise<GqlExchange & { readonly request: ScanRequest }> {
    let request = this.requestFor(payload, kind);
    let exchange = await this.client.send(request, { as });
    if (kind === 'query' && request.method === 'POST' && this.postFailed(exchange)) {
      const get = getRequest(this.url, payload);
      const retry = await this.client.send(get, { as });
      if (retry.response !== null && gqlResultOfExchange(retry) !== null) {
        this.usePost = false;
        request = get;
        exchange = retry;
      }
    }
    return { request, exchange, result: gqlResultOfExchange(exchange) };
  }

  private postFailed(exchange: Exchange): boolean {
    if (exchange.response === null) return exchange.error?.startsWith('refused') === true && this.client.canSend();
    return exchange.response.status === 405 || exchange.response.status === 415;
  }
}
