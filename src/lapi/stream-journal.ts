import type { Decision } from '../decisions/index.js';

/**
 * The stream's journals: decisions in the order this process learnt that they were added (or
 * ended), each with a sequence number and the time it was learnt, so that "what changed since a
 * bouncer's previous pull" is a binary search and a walk to the end. Old entries are dropped from
 * the front; the horizon says how far back the journal is complete.
 */

export interface JournalEntry {
  d: Decision;
  seq: number;
  /** When it was learnt here (ms, never decreasing along a journal). */
  seen: number;
  ended: boolean;
}

/** An append-only list with a moving start, searchable by sequence number and by time. */
export class Journal {
  private items: JournalEntry[] = [];
  private start = 0;
  private lastSeen = -Infinity;
  /** Entries before this time (ms) or sequence may have been dropped. */
  horizonSeen = -Infinity;
  horizonSeq = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  /** Appends `e`, learnt at `seen` (raised to the last entry's, so that times never decrease). */
  push(e: JournalEntry, seen: number): void {
    if (seen > this.lastSeen) this.lastSeen = seen;
    e.seen = this.lastSeen;
    this.items.push(e);
  }

  /** Drops entries learnt before `before` and beyond `max`, calling `dropped` for each. */
  prune(before: number, max: number, dropped: (e: JournalEntry) => void): void {
    const items = this.items;
    while (this.start < items.length && (items[this.start].seen < before || items.length - this.start > max)) {
      const e = items[this.start];
      this.horizonSeen = Math.max(this.horizonSeen, e.seen);
      this.horizonSeq = Math.max(this.horizonSeq, e.seq);
      dropped(e);
      this.start++;
    }
    if (this.start > 1024 && this.start * 2 > items.length) {
      this.items = items.slice(this.start);
      this.start = 0;
    }
  }

  /** Position of the first entry with a sequence number above `seq` (binary search). */
  afterSeq(seq: number): number {
    const items = this.items;
    let lo = this.start;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid].seq > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Position of the first entry learnt after `at` (binary search). */
  afterSeen(at: number): number {
    const items = this.items;
    let lo = this.start;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid].seen > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  at(i: number): JournalEntry {
    return this.items[i];
  }

  get end(): number {
    return this.items.length;
  }

  get first(): number {
    return this.start;
  }
}
