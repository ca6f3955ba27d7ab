/**
 * A tiny GraphQL client over fetch for the target's own tests: raw requests (any method, content
 * type, body) and logins through the target's `login` description, as a scanner would do them.
 */
import type { RunningTarget, TargetUser } from '../types.js';

export interface GraphqlError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export interface GraphqlBody {
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly errors?: readonly GraphqlError[];
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
  /** `json` read as a single GraphQL response (empty when it is not an object). */
  readonly body: GraphqlBody;
}

export async function send(target: RunningTarget, init: RequestInit & { readonly path?: string }): Promise<Reply> {
  const response = await fetch(`${target.url}${init.path ?? '/graphql'}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  const body = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as GraphqlBody) : {};
  return { status: response.status, headers: response.headers, text, json, body };
}

function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** POST application/json `{query, variables}`. */
export function gql(
  target: RunningTarget,
  query: string,
  options: { readonly token?: string; readonly variables?: Record<string, unknown> } = {},
): Promise<Reply> {
  return send(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(options.token) },
    body: JSON.stringify({ query, ...(options.variables !== undefined ? { variables: options.variables } : {}) }),
  });
}

/** GET /graphql?query=… */
export function gqlGet(target: RunningTarget, query: string, token?: string): Promise<Reply> {
  return send(target, { method: 'GET', path: `/graphql?${new URLSearchParams({ query })}`, headers: bearer(token) });
}

/** The value at a dotted path (`data.order.owner.username`, `errors.0.message`). */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function user(target: RunningTarget, name: string): TargetUser {
  const found = target.users.find((u) => u.name === name);
  if (found === undefined) throw new Error(`the target has no user named ${name}: use one of ${target.users.map((u) => u.name).join(', ')}`);
  return found;
}

/** Logs in exactly as the target's `login` description says; the token, or undefined. */
export async function login(target: RunningTarget, who: TargetUser | string, password?: string): Promise<string | undefined> {
  const u = typeof who === 'string' ? user(target, who) : who;
  const fill = (s: string): string =>
    s.replaceAll('{username}', u.username).replaceAll('{password}', password ?? u.password);
  const body = Object.fromEntries(Object.entries(target.login.body).map(([k, v]) => [k, fill(v)]));
  const reply = await send(target, {
    method: target.login.method,
    path: target.login.path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const token = at(reply.json, target.login.tokenPath);
  return typeof token === 'string' ? token : undefined;
}

export async function loginOrThrow(target: RunningTarget, name: string): Promise<string> {
  const token = await login(target, name);
  if (token === undefined) throw new Error(`${name} could not log in to the ${target.variant} target`);
  return token;
}

/** `me { orders { owner { orders { … { id } } } } }`, `depth` fields deep (2 ≤ depth). */
export function nestedOrdersQuery(depth: number): string {
  const names: string[] = ['me'];
  for (let i = 1; i < depth - 1; i++) names.push(i % 2 === 1 ? 'orders' : 'owner');
  return `{ ${names.map((n) => `${n} {`).join(' ')} id ${'}'.repeat(names.length)} }`;
}
