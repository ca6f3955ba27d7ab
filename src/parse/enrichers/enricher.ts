import type { Event } from '../event.js';

/**
 * An enrichment method (`statics: - method: ParseDate`): given the static's value, it writes what it
 * finds into `evt.Enriched` (CrowdSec merges the map its plugin returns into Enriched; writing in
 * place avoids a map per line).
 */
export type Enricher = (value: string, evt: Event) => void;

export type EnricherRegistry = ReadonlyMap<string, Enricher>;
