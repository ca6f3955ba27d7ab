/**
 * The corpus time window and the shapes of human activity in it: a consumer day (quiet at night,
 * busy in the afternoon) and office hours (for NAT gateways and admins).
 */
import type { Rng } from './rng.js';

const HOUR = 3_600_000;

export class Timeline {
  constructor(
    /** Corpus start (ms since epoch). */
    readonly startMs: number,
    /** Length of the corpus (ms). */
    readonly window: number,
  ) {}

  /** Hour of day (UTC, fractional) at offset `t`. */
  hourOf(t: number): number {
    return (((this.startMs + t) / HOUR) % 24 + 24) % 24;
  }

  /** A time in the window, weighted like a consumer site's audience: low at 04:00, high at 16:00 UTC. */
  daytime(rng: Rng): number {
    for (;;) {
      const t = rng.next() * this.window;
      const w = 0.22 + 0.78 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (this.hourOf(t) - 4)) / 24));
      if (rng.next() < w) return t;
    }
  }

  /** A time during office hours (08:00–18:30 at UTC+`tz`), with a little evening activity. */
  officeHours(rng: Rng, tz: number): number {
    for (let attempt = 0; attempt < 200; attempt++) {
      const t = rng.next() * this.window;
      const local = (this.hourOf(t) + tz + 24) % 24;
      const w = local >= 8 && local < 18.5 ? 1 : local >= 18.5 && local < 23 ? 0.08 : 0.01;
      if (rng.next() < w) return t;
    }
    // Short windows may hold no office hour at all.
    return rng.next() * this.window;
  }

  /** Uniform in the window. */
  any(rng: Rng): number {
    return rng.next() * this.window;
  }
}
