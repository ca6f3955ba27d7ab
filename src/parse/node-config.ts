import { z } from 'zod';
import { dataEntrySchema, type DataEntryConfig } from '../core/index.js';
import { yOptBool, yOptInt, yOptString, yOptStringList, yString } from '../core/yaml-documents.js';

/**
 * The YAML shape of a parser node, exactly the keys CrowdSec's parser format accepts (its decoder is
 * strict: an unknown key is an error). Nodes nest through `nodes:`.
 */

export const staticSchema = z
  .object({
    target: yOptString(),
    parsed: yOptString(),
    meta: yOptString(),
    enriched: yOptString(),
    value: yOptString(),
    expression: yOptString(),
    method: yOptString(),
  })
  .strict();
export type StaticConfig = z.infer<typeof staticSchema>;

export const grokSchema = z
  .object({
    apply_on: yOptString(),
    name: yOptString(),
    pattern: yOptString(),
    expression: yOptString(),
    statics: z.array(staticSchema).optional(),
  })
  .strict();
export type GrokConfig = z.infer<typeof grokSchema>;

export const stashSchema = z
  .object({
    name: yOptString(),
    key: yOptString(),
    value: yOptString(),
    ttl: yOptString(),
    size: yOptInt(),
    strategy: yOptString(),
  })
  .strict();
export type StashConfig = z.infer<typeof stashSchema>;

export const whitelistSchema = z
  .object({
    reason: yOptString(),
    ip: yOptStringList(),
    cidr: yOptStringList(),
    expression: yOptStringList(),
  })
  .strict();
export type WhitelistConfig = z.infer<typeof whitelistSchema>;

/** A data file the node's expressions read (CrowdSec's DataProvider); `cache`… tune RegexpInFile's cache. */
export const dataSchema = dataEntrySchema;
export type DataConfig = DataEntryConfig;

export interface NodeConfig {
  format?: string;
  debug?: boolean;
  profiling?: boolean;
  name?: string;
  author?: string;
  description?: string;
  references?: string[];
  stage?: string;
  onsuccess?: string;
  filter?: string;
  nodes?: NodeConfig[];
  pattern_syntax?: Record<string, unknown>;
  grok?: GrokConfig;
  statics?: StaticConfig[];
  stash?: StashConfig[];
  whitelist?: WhitelistConfig;
  data?: DataConfig[];
}

export const nodeSchema: z.ZodType<NodeConfig> = z.lazy(() =>
  z
    .object({
      format: yOptString(),
      debug: yOptBool(),
      profiling: yOptBool(),
      name: yOptString(),
      author: yOptString(),
      description: yOptString(),
      references: yOptStringList(),
      stage: yOptString(),
      onsuccess: yOptString(),
      filter: yOptString(),
      nodes: z.array(nodeSchema).optional(),
      pattern_syntax: z.record(z.string(), yString()).optional(),
      grok: grokSchema.optional(),
      statics: z.array(staticSchema).optional(),
      stash: z.array(stashSchema).optional(),
      whitelist: whitelistSchema.optional(),
      data: z.array(dataSchema).optional(),
    })
    .strict(),
) as z.ZodType<NodeConfig>;

