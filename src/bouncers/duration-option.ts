import { HerdError } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';

/** A duration option: milliseconds, or Go text as in CrowdSec's bouncer configs (`10s`, `1m30s`). */
export type DurationOption = number | string;

/** Milliseconds of a duration option; throws HERD_BOUNCER_CONFIG naming the option when invalid. */
export function durationMs(v: DurationOption | undefined, name: string, fallbackMs: number, minMs = 0): number {
  if (v === undefined) return fallbackMs;
  let ms: number;
  if (typeof v === 'number') ms = v;
  else {
    const ns = parseGoDuration(v);
    if (ns === null) throw new HerdError('HERD_BOUNCER_CONFIG', `${name}: '${v}' is not a duration; write it as 10s, 5m or 1h30m (or a number of milliseconds)`);
    ms = ns / 1e6;
  }
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new HerdError('HERD_BOUNCER_CONFIG', `${name}: ${String(v)} is out of range; it must be at least ${minMs} ms`);
  }
  return ms;
}
