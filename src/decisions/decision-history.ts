import { GoDuration, parseGoDuration, withResultKind } from '../expr/index.js';
import type { Decision } from './decision.js';

/**
 * What profiles' helpers need to know about past decisions — GetDecisionsCount(value),
 * GetDecisionsSinceCount(value, "24h"), GetActiveDecisionsCount(value),
 * GetActiveDecisionsTimeLeft(value) — answered from memory, because expressions are evaluated
 * synchronously. Loaded from the store at start and kept in step as decisions are made.
 */
export class DecisionHistory {
  private readonly byValue = new Map<string, { createdAt: number; until: number; type: string }[]>();

  constructor(private readonly now: () => number) {}

  add(d: Pick<Decision, 'value' | 'createdAt' | 'until' | 'type'>): void {
    let list = this.byValue.get(d.value);
    if (!list) {
      list = [];
      this.byValue.set(d.value, list);
    }
    list.push({ createdAt: d.createdAt, until: d.until, type: d.type });
  }

  /** Forgets decisions that ended before `before` (the store flushes them too). */
  prune(before: number): void {
    for (const [value, list] of this.byValue) {
      const kept = list.filter((d) => d.until >= before);
      if (kept.length === 0) this.byValue.delete(value);
      else if (kept.length !== list.length) this.byValue.set(value, kept);
    }
  }

  count(value: string): number {
    return this.byValue.get(value)?.length ?? 0;
  }

  countSince(value: string, since: string): number {
    const ns = parseGoDuration(since);
    if (ns === null) throw new Error(`GetDecisionsSinceCount: invalid duration '${since}'`);
    const from = this.now() - ns / 1e6;
    return (this.byValue.get(value) ?? []).filter((d) => d.createdAt >= from).length;
  }

  activeCount(value: string): number {
    const now = this.now();
    return (this.byValue.get(value) ?? []).filter((d) => d.until > now).length;
  }

  /** When the longest active decision of `type` on `value` ends (0 when there is none). */
  activeUntil(value: string, type: string): number {
    const now = this.now();
    let max = 0;
    for (const d of this.byValue.get(value) ?? []) if (d.type === type && d.until > now && d.until > max) max = d.until;
    return max;
  }

  /** Time left of the longest active decision, as a Go duration value in nanoseconds (0 when none). */
  activeTimeLeftNs(value: string): number {
    const now = this.now();
    let max = 0;
    for (const d of this.byValue.get(value) ?? []) if (d.until - now > max) max = d.until - now;
    return max * 1e6;
  }

  /** The expression helpers, with CrowdSec's names. */
  helpers(): Record<string, (...args: unknown[]) => unknown> {
    return {
      GetDecisionsCount: (v) => this.count(String(v)),
      GetDecisionsSinceCount: (v, since) => this.countSince(String(v), String(since)),
      GetActiveDecisionsCount: (v) => this.activeCount(String(v)),
      // A time.Duration, as in CrowdSec: `GetActiveDecisionsTimeLeft(v) > duration("1h")`, `.Hours()`.
      GetActiveDecisionsTimeLeft: withResultKind((v: unknown) => new GoDuration(this.activeTimeLeftNs(String(v))), 'duration'),
    };
  }
}
