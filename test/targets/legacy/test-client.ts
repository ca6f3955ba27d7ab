import { passwordOf, send, type Answer } from '../kit/test-http.js';
import type { RunningTarget } from '../types.js';

/** A small fetch wrapper for the legacy target's tests: real HTTP, cookies and form bodies. */

export { TestClock } from '../kit/clock.js';
export { passwordOf, type Answer } from '../kit/test-http.js';

export interface CallOptions {
  method?: string;
  /** The `sid` cookie header value (`sid=…`) a login returned. */
  cookie?: string;
  json?: unknown;
  form?: Record<string, string>;
  /** Sent as is (no content type added). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(target: RunningTarget, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  let body: string | undefined = options.rawBody;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  if (options.form !== undefined) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  return send(target, path, options.method ?? 'GET', headers, body);
}

/** Logs in with the form post and answers the cookie header to send (`sid=…`). */
export async function login(target: RunningTarget, username: string, password = passwordOf(target, username)): Promise<string> {
  const answer = await call(target, target.login.path, { method: 'POST', form: { username, password } });
  const setCookie = answer.headers.get('set-cookie') ?? '';
  const match = /^sid=([^;]+);/.exec(setCookie);
  if (answer.status !== 200 || match === null) throw new Error(`login as ${username} failed: ${answer.status} ${answer.text}`);
  return `sid=${match[1]}`;
}
