import { passwordOf, send, type Answer } from '../kit/test-http.js';
import type { RunningTarget } from '../types.js';

/** A small fetch wrapper for the REST target's tests: real HTTP to the running target. */

export { TestClock } from '../kit/clock.js';
export { passwordOf, type Answer } from '../kit/test-http.js';

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
  return send(target, path, options.method ?? 'GET', headers, body);
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
