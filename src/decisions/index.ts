/**
 * Decisions: profiles turn alerts into remediations (ban, captcha, …) on an IP, a range or another
 * scope, for a duration; a whitelist keeps herd from ever banning loopback and private networks.
 */
export type { Decision } from './decision.js';
export { AlertView, AlertSourceView } from './alert-view.js';
export {
  parseProfilesText,
  evaluateProfiles,
  profileSchema,
  type RuntimeProfile,
  type ProfileDeps,
  type ProfileOutcome,
  type NewDecision,
} from './profiles.js';
export { DecisionHistory } from './decision-history.js';
export { DecisionWhitelist, DEFAULT_DECISION_WHITELIST } from './decision-whitelist.js';
export { DecisionIndex, DecisionMatcher, type DecisionFilter, normaliseScope, longestPerValueAndType } from './decision-index.js';
