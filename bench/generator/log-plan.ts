/**
 * The plan of one log file under construction: its actors and their events, with a line budget.
 * Categories of actors get shares of the budget; the last category fills it exactly.
 */
import type { Actor } from './actor.js';
import { EventLog } from './event-log.js';
import type { Timeline } from './timeline.js';

export class LogPlan {
  readonly actors: Actor[] = [];
  readonly log: EventLog;

  constructor(
    /** Lines the file must have. */
    readonly target: number,
    readonly time: Timeline,
  ) {
    this.log = new EventLog(target);
  }

  get used(): number {
    return this.log.length;
  }

  get left(): number {
    return this.target - this.log.length;
  }

  /**
   * Plans one actor with at most `cap` lines (never beyond the target) and keeps it when it wrote
   * any. `limit` is the latest event time: the window, or Infinity for plans placed afterwards.
   */
  add<A extends Actor>(actor: A, cap: number, plan: (actor: A) => void, limit = this.time.window): number {
    this.log.begin(Math.min(cap, this.left), limit);
    plan(actor);
    actor.own(this.log.finish());
    if (actor.lines > 0) this.actors.push(actor);
    return actor.lines;
  }

  /**
   * Adds actors from `make` until `share` lines are used, `max` actors exist, or `make` returns
   * undefined; none takes more than `perActor` lines (so a small file still has several of a
   * kind). Returns the lines used.
   */
  fill<A extends Actor>(
    share: number,
    max: number,
    make: (index: number) => A | undefined,
    plan: (actor: A) => void,
    perActor = Infinity,
  ): number {
    let used = 0;
    let misses = 0;
    for (let k = 0; k < max && used < share && this.left > 0; k++) {
      const actor = make(k);
      if (actor === undefined) break;
      const n = this.add(actor, Math.min(perActor, share - used), plan);
      used += n;
      if (n === 0 && ++misses > 50) break;
    }
    return used;
  }
}
