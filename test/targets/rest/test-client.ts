import type { RunningTarget } from '../types.js';

/** A small fetch wrapper for the REST target's tests: real HTTP to the running target. */

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface CallOptions {
  method?: string;
  token?: string;
  body?: unknown;
  /** Sent as is (no JSON encoding, no content type added). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(target: RunningTarget, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(target.url + path, { method: options.method ?? 'GET', headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function passwordOf(target: RunningTarget, username: string): string {
  const user = target.users.find((u) => u.username === username);
  if (user === undefined) throw new Error(`the target has no user ${username}; use one of ${target.users.map((u) => u.username).join(', ')}`);
  return user.password;
}

export async function login(target: RunningTarget, username: string, password = passwordOf(target, username)): Promise<string> {
  const answer = await call(target, target.login.path, { method: 'POST', body: { username, password } });
  const token = (answer.json as { token?: unknown } | undefined)?.token;
  if (answer.status !== 200 || typeof token !== 'string') throw new Error(`login as ${username} failed: ${answer.status} ${answer.text}`);
  return token;
}

export function query(params: Record<string, string>): string {
  return '?' + new URLSearchParams(params).toString();
}

/** A JWT with the given header and payload and a raw signature segment (base64url, may be empty). */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const enc = (v: Record<string, unknown>): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A settable clock for tokens and the login limiter. */
export class TestClock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
