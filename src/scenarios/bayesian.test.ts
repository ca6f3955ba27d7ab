import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../expr/index.js';
import { compileRegex } from '../grok/index.js';
import { bayesianPosterior, updateBayesian } from './bayesian.js';
import type { BayesianSpec } from './runtime-scenario.js';

const f = Math.fround;
/** Probabilities as CrowdSec holds them: float32 in (0, 1). */
const prob = fc.double({ min: 0.001, max: 0.999, noNaN: true }).map(f);

// bayesianPosterior asks `run` for each condition's answer; the expressions themselves run in the engine.
const condition = compileExpr('evt.Meta.x == "y"', { variables: ['evt'], regex: compileRegex });

function spec(prior: number, threshold: number, conditions: [evil: number, benign: number, guillotine: boolean][]): BayesianSpec {
  return {
    prior: f(prior),
    threshold: f(threshold),
    conditions: conditions.map(([evil, benign, guillotine]) => ({ expr: condition, probGivenEvil: f(evil), probGivenBenign: f(benign), guillotine })),
  };
}

describe('updateBayesian', () => {
  it("applies Bayes' rule: P(evil|e) = P(e|evil)·P(evil) / (P(e|evil)·P(evil) + P(e|benign)·P(benign))", () => {
    // Values exact in binary, so float32 rounding plays no part.
    expect(updateBayesian(0.5, 0.75, 0.25)).toBe(0.75);
    expect(updateBayesian(0.25, 0.5, 0.5)).toBe(0.25);
    expect(updateBayesian(0.5, 0.25, 0.75)).toBe(0.25);
  });

  it('computes in float32 as CrowdSec does: a neutral piece of evidence leaves a prior of 0.7 exactly at a threshold of 0.7', () => {
    const posterior = updateBayesian(f(0.7), f(0.1), f(0.1));
    expect(posterior).toBe(f(0.7));
    expect(posterior > f(0.7)).toBe(false);
  });

  it('property: every result is a float32 between 0 and 1', () => {
    fc.assert(
      fc.property(prob, prob, prob, (p, e, b) => {
        const r = updateBayesian(p, e, b);
        return f(r) === r && r >= 0 && r <= 1;
      }),
    );
  });

  it('property: evidence likelier under evil never lowers the posterior, evidence likelier under benign never raises it', () => {
    fc.assert(
      fc.property(prob, prob, prob, (p, e, b) => {
        const r = updateBayesian(p, e, b);
        // float32 rounding may move a result by one ulp around the prior
        const ulp = 2 ** -23;
        if (e > b) return r >= p - ulp;
        if (e < b) return r <= p + ulp;
        return Math.abs(r - p) <= ulp;
      }),
    );
  });
});

describe('bayesianPosterior', () => {
  it('starts from the prior on every pour and updates with each condition, true as evidence for, false as evidence against', () => {
    const s = spec(0.5, 0.9, [
      [0.75, 0.25, false],
      [0.75, 0.25, false],
    ]);
    const fired = new Uint8Array(2);
    expect(bayesianPosterior(s, fired, () => true)).toBe(updateBayesian(updateBayesian(0.5, 0.75, 0.25), 0.75, 0.25));
    // false: the likelihoods of the evidence being absent, 1 - P(e|evil) and 1 - P(e|benign)
    expect(bayesianPosterior(s, fired, (i) => i === 0)).toBe(updateBayesian(0.75, 0.25, 0.75));
    expect(bayesianPosterior(s, fired, () => false)).toBe(updateBayesian(updateBayesian(0.5, 0.25, 0.75), 0.25, 0.75));
  });

  it('leaves the posterior alone for a condition that failed or gave no boolean', () => {
    const s = spec(0.5, 0.9, [
      [0.75, 0.25, false],
      [0.9, 0.1, false],
    ]);
    expect(bayesianPosterior(s, new Uint8Array(2), (i) => (i === 0 ? null : true))).toBe(updateBayesian(0.5, 0.9, 0.1));
  });

  it('keeps counting a guillotine condition as true once it fired, without evaluating it again', () => {
    const s = spec(0.5, 0.9, [[0.75, 0.25, true]]);
    const fired = new Uint8Array(1);
    const calls: number[] = [];
    const run = (i: number): boolean => {
      calls.push(i);
      return calls.length === 2;
    };
    expect(bayesianPosterior(s, fired, run)).toBe(0.25); // false on the first pour
    expect(bayesianPosterior(s, fired, run)).toBe(0.75); // true on the second: the guillotine falls
    expect(bayesianPosterior(s, fired, run)).toBe(0.75); // still true, not asked again
    expect(calls).toEqual([0, 0]);
    expect(fired[0]).toBe(1);
  });

  it('evaluates a condition without guillotine on every pour', () => {
    const s = spec(0.5, 0.9, [[0.75, 0.25, false]]);
    const fired = new Uint8Array(1);
    const answers = [true, false, true];
    const got = answers.map((a) => bayesianPosterior(s, fired, () => a));
    expect(got).toEqual([0.75, 0.25, 0.75]);
  });
});
