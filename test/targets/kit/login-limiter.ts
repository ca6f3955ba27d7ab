import type { Clock } from './clock.js';

/**
 * The fixed twin's brake on password guessing: after `maxFailures` failed logins for one username
 * within `windowMs`, every further attempt for that username is refused until the oldest failure
 * leaves the window. Counted per username, whether or not the user exists, so other usernames
 * (and their owners) are not locked out by an attack on one.
 */
export interface LoginLimiter {
  /** Seconds to wait before trying this username again, or 0 when an attempt is allowed now. */
  retryAfter(username: string): number;
  recordFailure(username: string): void;
}

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Usernames tracked at most; a flood of distinct names evicts the oldest entries. */
  maxTracked: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimiterOptions = { maxFailures: 10, windowMs: 60_000, maxTracked: 10_000 };

export function createLoginLimiter(clock: Clock, options: LoginLimiterOptions = DEFAULT_LOGIN_LIMIT): LoginLimiter {
  const failures = new Map<string, number[]>();

  function recent(username: string, now: number): number[] {
    const list = failures.get(username);
    if (list === undefined) return [];
    const kept = list.filter((t) => t > now - options.windowMs);
    if (kept.length === 0) failures.delete(username);
    else failures.set(username, kept);
    return kept;
  }

  return {
    retryAfter(username) {
      const now = clock.now();
      const list = recent(username, now);
      if (list.length < options.maxFailures) return 0;
      const freeAt = list[list.length - options.maxFailures] + options.windowMs;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    },
    recordFailure(username) {
      const now = clock.now();
      const list = recent(username, now);
      list.push(now);
      if (list.length > options.maxFailures) list.splice(0, list.length - options.maxFailures);
      failures.delete(username);
      failures.set(username, list);
      while (failures.size > options.maxTracked) {
        const oldest = failures.keys().next().value;
        if (oldest === undefined) break;
        failures.delete(oldest);
      }
    },
  };
}
