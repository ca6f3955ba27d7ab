import type { RunningTarget } from '../types.js';

/** A small fetch wrapper for the legacy target's tests: real HTTP, cookies and form bodies. */

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

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

/** Logs in with the form post and answers the cookie header to send (`sid=…`). */
export async function login(target: RunningTarget, username: string, password = passwordOf(target, username)): Promise<string> {
  const answer = await call(target, target.login.path, { method: 'POST', form: { username, password } });
  const setCookie = answer.headers.get('set-cookie') ?? '';
  const match = /^sid=([^;]+);/.exec(setCookie);
  if (answer.status !== 200 || match === null) throw new Error(`login as ${username} failed: ${answer.status} ${answer.text}`);
  return `sid=${match[1]}`;
}

/** A settable clock for the login limiter. */
export class TestClock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
