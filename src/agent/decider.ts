import {
  evaluateProfiles,
  type DecisionHistory,
  type DecisionWhitelist,
  type NewDecision,
  type RuntimeProfile,
} from '../decisions/index.js';
import type { Clock } from '../core/index.js';
import type { Alert } from '../scenarios/index.js';

/**
 * Alert → decisions, one place for the engine in `herd start` and for alerts agents push to the
 * local API: the whitelist first, then the profiles, then one active decision per offender and type.
 */
export interface DecideStats {
  whitelisted: number;
  deduplicated: number;
  profileErrors: string[];
}

export type Decide = (alert: Alert) => NewDecision[];

export function createDecider(deps: {
  profiles: readonly RuntimeProfile[];
  whitelist: DecisionWhitelist;
  history: DecisionHistory;
  clock: Clock;
  /** Told what happened, for counters and logs. */
  report?(what: 'whitelisted' | 'deduplicated' | 'profile_error', detail?: string): void;
}): Decide {
  return (alert) => {
    if (deps.whitelist.covering(alert.source.scope, alert.source.value)) {
      deps.report?.('whitelisted');
      return [];
    }
    const outcome = evaluateProfiles(deps.profiles, alert, deps.clock.now());
    for (const e of outcome.errors) deps.report?.('profile_error', e);
    // An offender already under an active decision of the same type gets no second one: the alert
    // is kept, and repeat-offender escalation counts offences (a decision made after the previous
    // one ended), not every alert of a burst.
    const decisions = outcome.decisions.filter((d) => {
      if (d.simulated || deps.history.activeUntil(d.value, d.type) === 0) return true;
      deps.report?.('deduplicated');
      return false;
    });
    for (const d of decisions) deps.history.add(d);
    return decisions;
  };
}
