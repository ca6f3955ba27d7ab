import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HerdError, fileLine, parseYamlDocuments, validateYamlDoc, yOptBool, yOptString, yOptStringList } from '../core/index.js';
import { parseGoDuration, type CompiledExpr } from '../expr/index.js';
import type { Alert } from '../scenarios/index.js';
import { AlertView } from './alert-view.js';
import type { Decision } from './decision.js';

/**
 * Profiles turn alerts into decisions, in CrowdSec's format and order (profiles.yaml, several
 * documents): the first profile whose filters match gives its decisions; `on_success: break` stops
 * there, `on_failure: break` stops at a profile that does not match. `duration_expr` computes the
 * duration from the alert, e.g. longer bans for repeat offenders with GetDecisionsCount().
 */

const decisionSchema = z
  .object({
    type: yOptString(),
    duration: yOptString(),
    scope: yOptString(),
    origin: yOptString(),
    simulated: yOptBool(),
  })
  .strict();

export const profileSchema = z
  .object({
    name: yOptString(),
    debug: yOptBool(),
    filters: yOptStringList(),
    decisions: z.array(decisionSchema).optional(),
    duration_expr: yOptString(),
    notifications: yOptStringList(),
    on_success: yOptString(),
    on_failure: yOptString(),
    on_error: yOptString(),
  })
  .strict();

export type ProfileConfig = z.infer<typeof profileSchema>;

const DEFAULT_DURATION = '4h';

export interface RuntimeProfile {
  name: string;
  filters: CompiledExpr[];
  filterSources: string[];
  decisions: { type: string; duration: string; scope: string; origin: string; simulated: boolean }[];
  durationExpr: CompiledExpr | null;
  onSuccess: 'continue' | 'break';
  onFailure: 'continue' | 'break' | 'apply';
  onError: 'continue' | 'break' | 'apply' | 'ignore' | '';
}

export interface ProfileDeps {
  /** Compiles with `Alert` in the environment and the decision-count helpers available. */
  compileExpr(source: string): CompiledExpr;
}

export function parseProfilesText(text: string, file: string, deps: ProfileDeps): RuntimeProfile[] {
  const out: RuntimeProfile[] = [];
  for (const doc of parseYamlDocuments(text, file)) {
    const cfg = validateYamlDoc(profileSchema, doc, file, 'profile');
    const where = (key: string) => fileLine(file, doc.lineOf([key]));
    const name = cfg.name ?? '';
    const bad = (key: string, reason: string): never => {
      throw new HerdError('HERD_PROFILE_INVALID', `profile ${name || '(unnamed)'}: ${reason}`, { where: where(key) });
    };
    const onSuccess = cfg.on_success ?? '';
    if (onSuccess !== '' && onSuccess !== 'continue' && onSuccess !== 'break') bad('on_success', `invalid on_success '${onSuccess}': continue or break`);
    const onFailure = cfg.on_failure ?? '';
    if (onFailure !== '' && onFailure !== 'continue' && onFailure !== 'break' && onFailure !== 'apply') {
      bad('on_failure', `invalid on_failure '${onFailure}': continue, break or apply`);
    }
    const onError = cfg.on_error ?? '';
    if (!['', 'continue', 'break', 'apply', 'ignore'].includes(onError)) bad('on_error', `invalid on_error '${onError}'`);
    const compile = (key: string, src: string): CompiledExpr => {
      try {
        return deps.compileExpr(src);
      } catch (err) {
        return bad(key, `cannot compile '${src}': ${(err as Error).message}`);
      }
    };
    const filters = (cfg.filters ?? []).map((f) => compile('filters', f));
    const durationExpr = cfg.duration_expr ? compile('duration_expr', cfg.duration_expr) : null;
    const decisions = (cfg.decisions ?? []).map((d) => {
      const duration = d.duration ?? DEFAULT_DURATION;
      if (!durationExpr && parseGoDuration(duration) === null) bad('decisions', `invalid duration '${duration}': expected a Go duration such as 4h`);
      if (!d.type) bad('decisions', 'a decision needs a type (ban, captcha, …)');
      return { type: d.type!, duration, scope: d.scope ?? '', origin: d.origin ?? '', simulated: d.simulated === true };
    });
    out.push({
      name,
      filters,
      filterSources: cfg.filters ?? [],
      decisions,
      durationExpr,
      onSuccess: onSuccess === 'break' ? 'break' : 'continue',
      onFailure: onFailure === '' ? 'continue' : (onFailure as RuntimeProfile['onFailure']),
      onError: onError as RuntimeProfile['onError'],
    });
  }
  return out;
}

/** A decision as profiles make it, before the store gives it an id. */
export type NewDecision = Omit<Decision, 'id' | 'alertId'>;

export interface ProfileOutcome {
  decisions: NewDecision[];
  /** Names of the profiles that matched. */
  matched: string[];
  errors: string[];
}

/**
 * Evaluates the profiles for one alert at time `now` (ms). A profile matches when any of its filters
 * is true. `on_failure: break` stops at a profile that does not match, `on_success: break` at one that
 * does; `on_error` says what a failing filter means (default: skip the profile).
 */
export function evaluateProfiles(profiles: readonly RuntimeProfile[], alert: Alert, now: number): ProfileOutcome {
  const view = new AlertView(alert);
  const env = { Alert: view };
  const outcome: ProfileOutcome = { decisions: [], matched: [], errors: [] };
  for (const p of profiles) {
    let matched = false;
    let forceBreak = false;
    try {
      for (const f of p.filters) {
        const out = f.run(env);
        if (typeof out !== 'boolean') throw new Error(`filter returned ${out === null ? 'nil' : typeof out}, not a bool`);
        if (out) {
          matched = true;
          break;
        }
      }
    } catch (err) {
      outcome.errors.push(`profile ${p.name}: ${(err as Error).message}`);
      if (p.onError === 'apply') matched = true;
      else if (p.onError === 'break') forceBreak = true;
    }
    if (!matched) {
      if (forceBreak || p.onFailure === 'break') break;
      if (p.onFailure !== 'apply') continue;
    }
    outcome.matched.push(p.name);
    // As CrowdSec's LAPI: the alert takes the decisions of the first matching profile that has any;
    // later matches (without on_success: break) only notify.
    if (outcome.decisions.length === 0) outcome.decisions.push(...decisionsFromProfile(p, alert, env, now, outcome));
    if (p.onSuccess === 'break' || forceBreak) break;
  }
  return outcome;
}

function decisionsFromProfile(p: RuntimeProfile, alert: Alert, env: { Alert: AlertView }, now: number, outcome: ProfileOutcome): NewDecision[] {
  const out: NewDecision[] = [];
  for (const ref of p.decisions) {
    let duration = ref.duration;
    if (p.durationExpr) {
      try {
        const v = p.durationExpr.run(env);
        const text = typeof v === 'string' ? v : String(v);
        if (parseGoDuration(text) !== null) duration = text;
        else outcome.errors.push(`profile ${p.name}: duration_expr gave '${text}', not a Go duration`);
      } catch (err) {
        outcome.errors.push(`profile ${p.name}: duration_expr failed: ${(err as Error).message}`);
      }
    }
    const ms = (parseGoDuration(duration) ?? parseGoDuration(DEFAULT_DURATION)!) / 1e6;
    out.push({
      uuid: randomUUID(),
      origin: ref.origin ? `crowdsec/${ref.origin}` : 'crowdsec',
      type: ref.type,
      scope: ref.scope !== '' ? ref.scope : alert.source.scope,
      value: alert.source.value,
      scenario: alert.scenario,
      simulated: ref.simulated || alert.simulated,
      createdAt: now,
      until: now + ms,
    });
  }
  return out;
}
