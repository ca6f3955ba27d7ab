/**
 * Turns on V8's linear-time regexp engine as a fallback for irregexp. Importing this module sets
 * the flags, once per process, before safe-regex.ts creates any regex (it imports this first).
 *
 * With these flags a regex that backtracks more than BACKTRACKS_BEFORE_LINEAR_FALLBACK times in
 * one exec is re-run by the linear engine, provided the linear engine can run it; the `l` flag
 * (accepted thanks to the third flag) lets us check that at compile time.
 */

import { setFlagsFromString } from 'node:v8';

/**
 * 10 000 backtracks cost irregexp well under 100 µs, so that is the most a hostile line can waste
 * before the linear engine takes over. Real log lines through CrowdSec's grok patterns stay far
 * below it (a 200-character nginx line needs a few hundred), so they keep irregexp's speed; a
 * much lower limit would send ordinary `%{DATA}`-heavy patterns on long lines to the slower
 * linear engine, a much higher one would let each hostile line burn milliseconds first.
 */
export const BACKTRACKS_BEFORE_LINEAR_FALLBACK = 10_000;

/**
 * Also off: irregexp's loop optimisations. With them, backtracking through a simple greedy loop
 * such as `.*` or `\s+` is done by a tight loop that the backtrack counter never sees, so
 * `\s+$` on 16 000 spaces, or `.*x.*=` on a line of x's, runs in quadratic or cubic time without
 * ever reaching the limit (measured on Node 20.20: 165 ms and 74 ms at 16 KiB, 3 ms at 256 bytes
 * for the latter). Without them every backtrack counts, and ordinary matching costs about twice
 * as much (0.6 → 1.5 µs for a combined nginx line), still far below the re2 binding.
 */
setFlagsFromString('--no-regexp-optimization');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
setFlagsFromString(`--regexp-backtracks-before-fallback=${BACKTRACKS_BEFORE_LINEAR_FALLBACK}`);
setFlagsFromString('--enable-experimental-regexp-engine');

/** Undefined when V8's linear engine accepts the JS source, else why it refuses it. */
export function linearEngineRefusal(jsSource: string): string | undefined {
  try {
    new RegExp(jsSource, 'l');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
