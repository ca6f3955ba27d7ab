/**
 * The planned events of one log file: a time (ms after the corpus start), a small code (what kind of
 * line) and an argument (which page, which payload) per line, in flat typed arrays. Every actor owns
 * one contiguous, time-ordered segment; the text of a line is only made when the merge reaches it,
 * so a million-line plan costs ~13 bytes a line.
 */
import type { Rng } from './rng.js';

export class EventLog {
  times: Float64Array;
  codes: Uint8Array;
  args: Int32Array;
  length = 0;

  // The segment being written.
  private segStart = 0;
  private cap = 0;
  private limit = 0;
  private last = 0;
  private closed = false;

  constructor(expected: number) {
    const size = Math.max(1024, Math.ceil(expected * 1.05));
    this.times = new Float64Array(size);
    this.codes = new Uint8Array(size);
    this.args = new Int32Array(size);
  }

  /** Opens a segment of at most `cap` events, all before `limit` (ms). */
  begin(cap: number, limit: number): void {
    this.segStart = this.length;
    this.cap = Math.max(0, Math.floor(cap));
    this.limit = limit;
    this.last = 0;
    this.closed = this.cap === 0;
  }

  /**
   * Appends one event; false once the segment is full or `t` is past its limit (the plan stops
   * there). Times never go backwards inside a segment.
   */
  emit(t: number, code: number, arg = 0): boolean {
    if (this.closed) return false;
    if (this.length - this.segStart >= this.cap || t >= this.limit) {
      this.closed = true;
      return false;
    }
    const time = t < this.last ? this.last : t;
    if (this.length === this.times.length) this.grow();
    this.times[this.length] = time;
    this.codes[this.length] = code;
    this.args[this.length] = arg;
    this.length++;
    this.last = time;
    return true;
  }

  /** Events written in the open segment. */
  get count(): number {
    return this.length - this.segStart;
  }

  /** Room left in the open segment. */
  get room(): number {
    return this.closed ? 0 : this.cap - this.count;
  }

  get full(): boolean {
    return this.closed;
  }

  get lastTime(): number {
    return this.last;
  }

  /**
   * Moves a segment written with times relative to 0 into [0, window): a random start such that it
   * ends inside the window, squeezed when it is longer than the window.
   */
  place(rng: Rng, window: number): void {
    const n = this.count;
    if (n === 0) return;
    const first = this.times[this.segStart];
    const span = this.times[this.length - 1] - first;
    const room = window * 0.995;
    const scale = span > room ? room / span : 1;
    const offset = rng.uniform(0, Math.max(0, room - span * scale));
    for (let i = this.segStart; i < this.length; i++) {
      this.times[i] = offset + (this.times[i] - first) * scale;
    }
  }

  /** Maps the (relative) times of segment [start, end) to `offset + t * scale`. */
  shift(start: number, end: number, offset: number, scale: number): void {
    for (let i = start; i < end; i++) this.times[i] = offset + this.times[i] * scale;
  }

  /** Closes the segment; returns its [start, end) for the actor that owns it. */
  finish(): [number, number] {
    this.closed = true;
    return [this.segStart, this.length];
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const codes = new Uint8Array(this.codes.length * 2);
    codes.set(this.codes);
    const args = new Int32Array(this.args.length * 2);
    args.set(this.args);
    this.times = times;
    this.codes = codes;
    this.args = args;
  }
}
