import { z } from 'zod';
import { yAny, yOptBool, yOptInt, yOptNumber, yOptString, yOptStringList } from '../core/index.js';

/**
 * The YAML shape of a scenario, with exactly the keys CrowdSec's decoder accepts (it is strict: an
 * unknown key is an error).
 */
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
    bayesian_conditions: yAny().optional(),
    scope: z
      .object({ type: yOptString(), expression: yOptString() })
      .strict()
      .optional(),
    data: yAny().optional(),
    cancel_on: yOptString(),
    version: yOptString(),
    simulated: yOptBool(),
  })
  .strict();

export type ScenarioConfig = z.infer<typeof scenarioSchema>;
