/**
 * Interleaves the actors of one log into a single time-ordered stream of lines: a binary heap of
 * actors keyed by their next event time (ties broken by actor index, so the order is stable).
 */
import type { Actor, RenderContext } from './actor.js';
import type { EventLog } from './event-log.js';
import { CachedTime } from './time-format.js';

export interface MergeInput {
  actors: readonly Actor[];
  log: EventLog;
  startMs: number;
  formatTime: (ms: number) => string;
  /** A fresh context per pass, so pids and session numbers repeat exactly. */
  context: () => RenderContext;
}

/** Yields every line of the log in time order; each pass starts from scratch and gives the same text. */
export function* mergeLines(input: MergeInput): Generator<string, void, undefined> {
  const { actors, log, startMs } = input;
  const ctx = input.context();
  const clock = new CachedTime(input.formatTime);
  const heap = new Int32Array(actors.length);
  let size = 0;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i];
    a.start();
    if (a.pos < a.end) heap[size++] = i;
  }
  const times = log.times;
  const codes = log.codes;
  const args = log.args;
  // Hot path: one heap step and one render per line; no closures or allocation besides the line.
  const less = (x: number, y: number): boolean => {
    const tx = times[actors[x].pos];
    const ty = times[actors[y].pos];
    return tx < ty || (tx === ty && x < y);
  };
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, size, i, less);
  while (size > 0) {
    const top = heap[0];
    const actor = actors[top];
    const t = times[actor.pos];
    ctx.ms = startMs + t;
    ctx.time = clock.at(ctx.ms);
    const line = actor.render(codes[actor.pos], args[actor.pos], ctx);
    actor.pos++;
    if (actor.pos >= actor.end) {
      size--;
      heap[0] = heap[size];
    }
    if (size > 0) siftDown(heap, size, 0, less);
    yield line;
  }
}

function siftDown(heap: Int32Array, size: number, start: number, less: (x: number, y: number) => boolean): void {
  let i = start;
  const item = heap[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const c = r < size && less(heap[r], heap[l]) ? r : l;
    if (!less(heap[c], item)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = item;
}
