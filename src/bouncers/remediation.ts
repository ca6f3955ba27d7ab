/**
 * A decision as a bouncer holds it: what to do (`type`), on what, until when. When several apply
 * to one address, the one whose type comes first in the priority list wins (ban before captcha by
 * default; types not listed come after, in no particular order), then the longest.
 */
export interface ActiveDecision {
  id: number;
  /** `ban`, `captcha` or a custom remediation. */
  type: string;
  /** `ip` or `range`. */
  scope: 'ip' | 'range';
  /** The address or network, as Go prints it. */
  value: string;
  origin: string;
  scenario: string;
  /** When it stops applying, ms since epoch (by the bouncer's clock). */
  until: number;
}

export const DEFAULT_PRIORITIES: readonly string[] = ['ban', 'captcha'];

/** Ranks remediation types: lower is stronger. */
export class RemediationRanking {
  private readonly rank = new Map<string, number>();
  private readonly unlisted: number;

  constructor(priorities: readonly string[] = DEFAULT_PRIORITIES) {
    priorities.forEach((t, i) => {
      if (!this.rank.has(t)) this.rank.set(t, i);
    });
    this.unlisted = priorities.length;
  }

  rankOf(type: string): number {
    return this.rank.get(type) ?? this.unlisted;
  }

  /** True when `a` should be enforced rather than `b`. */
  stronger(a: ActiveDecision, b: ActiveDecision): boolean {
    const ra = this.rankOf(a.type);
    const rb = this.rankOf(b.type);
    return ra !== rb ? ra < rb : a.until > b.until;
  }

  /** The decision to enforce among `list` that still applies at `now`, or null. */
  pick(list: readonly ActiveDecision[], now: number): ActiveDecision | null {
    let best: ActiveDecision | null = null;
    for (const d of list) {
      if (d.until <= now) continue;
      if (best === null || this.stronger(d, best)) best = d;
    }
    return best;
  }
}
