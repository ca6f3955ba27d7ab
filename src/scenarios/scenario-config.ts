import { z } from 'zod';
import { dataEntrySchema, YamlScalar, yAny, yOptBool, yOptInt, yOptNumber, yOptString, yOptStringList, type DataEntryConfig } from '../core/index.js';

/**
 * The YAML shape of a scenario, with exactly the keys CrowdSec's decoder accepts (it is strict: an
 * unknown key is an error, nested structs included). The keys are the union of the BucketSpec
 * generations of pkg/leakybucket (manager_load.go): older files still carry `author` or `profiling`.
 */

/** One `data:` entry (types.DataSource / enrichment.DataProvider). */
export const scenarioDataSchema = dataEntrySchema;
export type ScenarioDataConfig = DataEntryConfig;

/** One `bayesian_conditions:` entry (RawBayesianCondition). */
export const bayesianConditionSchema = z
  .object({
    condition: yOptString(),
    prob_given_evil: yOptNumber(),
    prob_given_benign: yOptNumber(),
    guillotine: yOptBool(),
  })
  .strict();
export type BayesianConditionConfig = z.infer<typeof bayesianConditionSchema>;

/** An empty key (`data:` with nothing under it) reads as absent, as yaml.v2 leaves a nil slice. */
const optList = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v === null || (v instanceof YamlScalar && v.value === null) ? undefined : v), z.array(item).optional());

export const scenarioSchema = z
  .object({
    format: yOptString(),
    author: yOptString(),
    description: yOptString(),
    references: yOptStringList(),
    type: yOptString(),
    name: yOptString(),
    capacity: yOptInt(),
    leakspeed: yOptString(),
    duration: yOptString(),
    filter: yOptString(),
    groupby: yOptString(),
    distinct: yOptString(),
    debug: yOptBool(),
    labels: yAny().optional(),
    blackhole: yOptString(),
    reprocess: yOptBool(),
    cache_size: yOptInt(),
    profiling: yOptBool(),
    overflow_filter: yOptString(),
    condition: yOptString(),
    bayesian_prior: yOptNumber(),
    bayesian_threshold: yOptNumber(),
    bayesian_conditions: optList(bayesianConditionSchema),
    scope: z
      .object({ type: yOptString(), expression: yOptString() })
      .strict()
      .optional(),
    data: optList(scenarioDataSchema),
    cancel_on: yOptString(),
    version: yOptString(),
    simulated: yOptBool(),
  })
  .strict();

export type ScenarioConfig = z.infer<typeof scenarioSchema>;
