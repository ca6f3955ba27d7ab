import { Counter, type Registry } from 'prom-client';

/**
 * The engine's counters (kept in the store, so they add up across restarts and across every
 * process on the same data directory) as Prometheus metrics on the local API's /metrics: lines
 * read/parsed/unparsed per source, parser hits per node, bucket overflows per scenario, …
 * The store is read once per scrape (at most once a second), never on a bouncer's path; when it
 * cannot be read, the scrape still answers with the last values.
 */

export interface CounterSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads a stored counter key, `name{label="value",…}` with `\\`, `\"` and `\n` escapes. */
export function parseCounterName(key: string, value: number): CounterSample {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, labels: {}, value };
  const labels: Record<string, string> = {};
  const body = key.slice(brace + 1, key.lastIndexOf('}'));
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) break;
    const k = body.slice(i, eq);
    let j = eq + 2;
    let v = '';
    while (j < body.length && body[j] !== '"') {
      if (body[j] === '\\' && j + 1 < body.length) {
        v += body[j + 1] === 'n' ? '\n' : body[j + 1];
        j += 2;
      } else v += body[j++];
    }
    labels[k] = v;
    i = j + 2;
  }
  return { name: key.slice(0, brace), labels, value };
}

/** Every counter the engine keeps: stored name → help and labels. */
export const ENGINE_COUNTERS: Readonly<Record<string, { help: string; labels: readonly string[] }>> = {
  lines_read_total: { help: 'Log lines read, by source and type', labels: ['source', 'type'] },
  lines_parsed_total: { help: 'Log lines the parsers accepted, by source and type', labels: ['source', 'type'] },
  lines_unparsed_total: { help: 'Log lines no parser accepted, by source and type', labels: ['source', 'type'] },
  lines_whitelisted_total: { help: 'Log lines dropped by a parser whitelist, by source and type', labels: ['source', 'type'] },
  lines_poured_total: { help: 'Log lines poured into at least one scenario bucket, by source and type', labels: ['source', 'type'] },
  parser_hits_total: { help: 'Events that reached a parser node, by node', labels: ['name'] },
  parser_hits_ok_total: { help: 'Events a parser node accepted, by node', labels: ['name'] },
  parser_hits_ko_total: { help: 'Events a parser node refused, by node', labels: ['name'] },
  bucket_overflows_total: { help: 'Scenario bucket overflows (alerts), by scenario', labels: ['scenario'] },
  alerts_repeated_total: { help: 'Alerts not stored again because their source is already under a decision, by scenario', labels: ['scenario'] },
  pipeline_errors_total: { help: 'Content errors met while processing lines (bad expression results, …), by kind', labels: ['kind'] },
  decisions_whitelisted_total: { help: 'Alerts that made no decision because their source is whitelisted', labels: [] },
  decisions_deduplicated_total: { help: 'Decisions not made because the source already had an active one of that type', labels: [] },
  profile_errors_total: { help: 'Profile expressions that failed on an alert', labels: [] },
};

export function registerEngineMetrics(registry: Registry, readCounters: () => Promise<Record<string, number>>, now: () => number = Date.now): void {
  let snapshot: { at: number; samples: Promise<Map<string, CounterSample[]>> } | null = null;
  const samples = (): Promise<Map<string, CounterSample[]>> => {
    const t = now();
    if (snapshot === null || t - snapshot.at >= 1000) {
      const read = readCounters().then((counters) => {
        const byName = new Map<string, CounterSample[]>();
        for (const [key, value] of Object.entries(counters)) {
          const s = parseCounterName(key, value);
          const list = byName.get(s.name);
          if (list) list.push(s);
          else byName.set(s.name, [s]);
        }
        return byName;
      });
      // A failed read is retried at the next scrape rather than cached.
      read.catch(() => (snapshot = null));
      snapshot = { at: t, samples: read };
    }
    return snapshot.samples;
  };
  for (const [stored, { help, labels }] of Object.entries(ENGINE_COUNTERS)) {
    new Counter({
      name: `herd_${stored}`,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        // The store cannot be read (locked, down): the last values stay, the API's metrics still answer.
        const all = await samples().catch(() => null);
        if (all === null) return;
        const list = all.get(stored) ?? [];
        this.reset();
        for (const s of list) {
          const l: Record<string, string> = {};
          for (const k of labels) l[k] = s.labels[k] ?? '';
          if (labels.length === 0) this.inc(s.value);
          else this.inc(l, s.value);
        }
      },
    });
  }
}
