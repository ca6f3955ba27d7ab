import type { CompiledExpr } from '../expr/index.js';
import type { Event } from '../parse/index.js';
import { bayesianPosterior } from './bayesian.js';
import type { Bucket } from './bucket.js';
import type { Overflow } from './overflow.js';
import { overflowView } from './overflow-view.js';

/**
 * The expressions CrowdSec's bucket processors run around a pour and an overflow, in their
 * environments: cancel_on (evt), condition and bayesian_conditions (evt, queue, leaky), and
 * overflow_filter (queue, signal, leaky). An expression that fails or returns no boolean counts as
 * an error of its scenario and decides nothing, as CrowdSec logs it and goes on.
 * Hot path (cancel_on runs per event): the environments are reused, not allocated per call.
 */

/** Where a scenario's expression errors go (its stats and the engine's callback). */
export interface ExprErrors {
  exprError(what: string, err: unknown): void;
}

type ConditionEnv = { evt: Event | null; queue: unknown; leaky: unknown };
type OverflowFilterEnv = { queue: unknown; signal: unknown; leaky: unknown };

export class BucketProcessors {
  private readonly conditionEnv: ConditionEnv = { evt: null, queue: null, leaky: null };
  private readonly filterEnv: OverflowFilterEnv = { queue: null, signal: null, leaky: null };
  /** The bucket and error sink `runBayesian` works for (set around the call). */
  private bayesBucket: Bucket | null = null;
  private bayesErrors: ExprErrors | null = null;
  private readonly runBayesian = (i: number): boolean | null => this.bayesianCondition(i);

  /** Runs a predicate: true only for the boolean true. */
  isTrue(errors: ExprErrors, what: string, expr: CompiledExpr, env: Readonly<Record<string, unknown>>): boolean {
    let out: unknown;
    try {
      out = expr.run(env);
    } catch (err) {
      errors.exprError(what, err);
      return false;
    }
    if (typeof out !== 'boolean') {
      errors.exprError(what, notBool(out));
      return false;
    }
    return out;
  }

  /** `condition` after a pour: true overflows the bucket. */
  conditionHolds(errors: ExprErrors, b: Bucket, evt: Event): boolean {
    const env = this.conditionEnv;
    env.evt = evt;
    env.queue = b.queueView();
    env.leaky = b.leakyView();
    try {
      return this.isTrue(errors, 'condition', b.scenario.condition!, env);
    } finally {
      env.evt = env.queue = env.leaky = null;
    }
  }

  /** `bayesian_*` after a pour: a posterior above the threshold overflows the bucket. */
  bayesianOverflows(errors: ExprErrors, b: Bucket, evt: Event): boolean {
    const spec = b.scenario.bayesian!;
    const env = this.conditionEnv;
    env.evt = evt;
    env.queue = b.queueView();
    env.leaky = b.leakyView();
    this.bayesBucket = b;
    this.bayesErrors = errors;
    try {
      return bayesianPosterior(spec, b.guillotine!, this.runBayesian) > spec.threshold;
    } finally {
      env.evt = env.queue = env.leaky = null;
      this.bayesBucket = null;
      this.bayesErrors = null;
    }
  }

  private bayesianCondition(i: number): boolean | null {
    const errors = this.bayesErrors!;
    let out: unknown;
    try {
      out = this.bayesBucket!.scenario.bayesian!.conditions[i]!.expr.run(this.conditionEnv);
    } catch (err) {
      errors.exprError('bayesian condition', err);
      return null;
    }
    if (typeof out !== 'boolean') {
      errors.exprError('bayesian condition', notBool(out));
      return null;
    }
    return out;
  }

  /** overflow_filter: only the boolean false discards the overflow; a failure lets it through, as in CrowdSec. */
  overflowPasses(errors: ExprErrors, b: Bucket, o: Overflow): boolean {
    const env = this.filterEnv;
    env.queue = b.queueView();
    env.signal = overflowView(o);
    env.leaky = b.leakyView();
    let out: unknown;
    try {
      out = b.scenario.overflowFilter!.run(env);
    } catch (err) {
      errors.exprError('overflow_filter', err);
      return true;
    } finally {
      env.queue = env.signal = env.leaky = null;
    }
    if (typeof out !== 'boolean') {
      errors.exprError('overflow_filter', notBool(out));
      return true;
    }
    return out;
  }
}

function notBool(out: unknown): Error {
  return new Error(`returned ${out === null || out === undefined ? 'nil' : typeof out}, not a bool`);
}
