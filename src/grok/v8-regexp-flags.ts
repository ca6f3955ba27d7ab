/**
 * Turns on V8's linear-time regexp engine as a fallback for irregexp. Importing this module sets
 * the flags, once per process, before safe-regex.ts creates any regex (it imports this first).
 *
 * With these flags a regex that backtracks more than BACKTRACKS_BEFORE_LINEAR_FALLBACK times in
 * one exec is re-run by the linear engine, provided the linear engine can run it; the `l` flag
 * (accepted thanks to --enable-experimental-regexp-engine) lets us check that at compile time.
 * The flags are process-wide: every regex of the process gets them.
 */

import { setFlagsFromString } from 'node:v8';

/**
 * 10 000 backtracks cost irregexp some tens of microseconds: that is the most a hostile line can
 * waste before the linear engine takes over. Ordinary lines stay below it: through the nginx,
 * apache and syslog patterns, lines of up to 3 300 characters keep irregexp's speed (1 to 11 µs;
 * the linear engine would need 0.03 to 19 ms). A much lower limit would send ordinary
 * `%{DATA}`-heavy lines to the slow linear engine; a much higher one would let each hostile
 * line burn milliseconds first.
 */
export const BACKTRACKS_BEFORE_LINEAR_FALLBACK = 10_000;

/**
 * Also off: irregexp's loop optimisations. With them, backtracking through a simple greedy loop
 * such as `.*` or `\s+` is done by a tight loop that the backtrack counter never sees, so
 * `\s+$` on 16 000 spaces, or `.*x.*=` on a line of x's, runs in quadratic or cubic time without
 * ever reaching the limit (measured on Node 20.20: 165 ms and 74 ms at 16 KiB, 3 ms at 256 bytes
 * for the latter). Without them every backtrack counts, and ordinary matching costs about twice
 * as much (0.6 → 1.5 µs for a combined nginx line through NGINXACCESS-like grok), still far
 * below the re2 binding.
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
