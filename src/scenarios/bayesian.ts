import type { BayesianSpec } from './runtime-scenario.js';

/**
 * Bayesian buckets (pkg/leakybucket/bayesian.go): after each pour the posterior starts again from
 * the prior and every condition updates it with Bayes' rule, as evidence for (true) or against
 * (false); the bucket overflows when the posterior exceeds the threshold. A guillotine condition,
 * once true, stays true for the bucket's life without being evaluated again. CrowdSec computes in
 * float32, so every step here is rounded to float32 too (Math.fround): thresholds compare the same.
 */

/** P(evil | evidence) from P(evil) and the likelihoods of the evidence, in float32. */
export function updateBayesian(prior: number, probGivenEvil: number, probGivenBenign: number): number {
  const numerator = Math.fround(probGivenEvil * prior);
  const denominator = Math.fround(numerator + Math.fround(probGivenBenign * Math.fround(1 - prior)));
  return Math.fround(numerator / denominator);
}

/**
 * The posterior after a pour. `fired` is the bucket's guillotine state (updated here); `run`
 * evaluates condition `i` and returns true, false, or null when it failed or gave no boolean
 * (CrowdSec logs it and leaves the posterior as it is for that condition).
 */
export function bayesianPosterior(spec: BayesianSpec, fired: Uint8Array, run: (i: number) => boolean | null): number {
  let posterior = spec.prior;
  const conditions = spec.conditions;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    if (c.guillotine && fired[i] === 1) {
      posterior = updateBayesian(posterior, c.probGivenEvil, c.probGivenBenign);
      continue;
    }
    const holds = run(i);
    if (holds === null) continue;
    if (holds) {
      posterior = updateBayesian(posterior, c.probGivenEvil, c.probGivenBenign);
      fired[i] = 1;
    } else {
      posterior = updateBayesian(posterior, Math.fround(1 - c.probGivenEvil), Math.fround(1 - c.probGivenBenign));
    }
  }
  return posterior;
}
