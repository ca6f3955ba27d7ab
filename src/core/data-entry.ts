import { z } from 'zod';
import { yOptBool, yOptInt, yOptString } from './yaml-documents.js';

/**
 * One `data:` entry of a parser node or a scenario (CrowdSec's types.DataSource): the file an
 * expression helper reads (`dest_file`, downloaded from `source_url`), how (`type`: string,
 * regexp, map; none: a download hint only), and the cache keys CrowdSec accepts for RegexpInFile.
 */
export const dataEntrySchema = z
  .object({
    source_url: yOptString(),
    dest_file: yOptString(),
    type: yOptString(),
    cache: yOptBool(),
    strategy: yOptString(),
    size: yOptInt(),
    ttl: yOptString(),
  })
  .strict();

export type DataEntryConfig = z.infer<typeof dataEntrySchema>;
