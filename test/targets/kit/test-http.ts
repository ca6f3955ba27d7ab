import type { RunningTarget } from '../types.js';

/**
 * The HTTP side of the targets' own tests: one real request to a running target (redirects not
 * followed) with its answer read in full, and the password of a documented user.
 */

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

/** Sends one request to `target.url + path` and reads the whole answer. */
export async function send(target: RunningTarget, path: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const response = await fetch(target.url + path, { method, headers, body, redirect: 'manual' });
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
