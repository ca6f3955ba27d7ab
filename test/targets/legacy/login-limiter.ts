import type { Clock } from './context.js';

/**
 * The fixed twin's brake on password guessing: after 10 failed logins for one username within
 * 60 s, further attempts for that username get 429 until the oldest failure leaves the window.
 * Counted per username whether or not it exists; a flood of distinct names evicts the oldest.
 */
export interface LoginLimiter {
  /** Seconds to wait before trying this username again, or 0 when an attempt is allowed now. */
  retryAfter(username: string): number;
  recordFailure(username: string): void;
}

export const MAX_LOGIN_FAILURES = 10;
export const LOGIN_WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

export function createLoginLimiter(clock: Clock): LoginLimiter {
  const failures = new Map<string, number[]>();
  const recent = (username: string, now: number): number[] => {
    const kept = (failures.get(username) ?? []).filter((t) => t > now - LOGIN_WINDOW_MS);
    if (kept.length === 0) failures.delete(username);
    return kept;
  };
  return {
    retryAfter(username) {
      const now = clock.now();
      const list = recent(username, now);
      if (list.length < MAX_LOGIN_FAILURES) return 0;
      const freeAt = list[list.length - MAX_LOGIN_FAILURES] + LOGIN_WINDOW_MS;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    },
    recordFailure(username) {
      const now = clock.now();
      const list = recent(username, now);
      list.push(now);
      if (list.length > MAX_LOGIN_FAILURES) list.splice(0, list.length - MAX_LOGIN_FAILURES);
      failures.delete(username);
      failures.set(username, list);
      while (failures.size > MAX_TRACKED) {
        const oldest = failures.keys().next().value;
        if (oldest === undefined) break;
        failures.delete(oldest);
      }
    },
  };
}
