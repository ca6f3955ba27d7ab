import { Command } from 'commander';
import { openHerdStore, parseCounterName, storeExists } from '../agent/index.js';
import { cliContext } from './context.js';
import { formatTable, printJson } from './table.js';

/**
 * `herd metrics`: what the engine has done, from the counters kept in the store (they survive
 * restarts and are shared by every process using the data directory): lines read, parsed and
 * unparsed per source, parser hits per node, bucket overflows per scenario.
 */

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('lines read/parsed/unparsed per source, parser hits, bucket overflows per scenario')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      let counters: Record<string, number> = {};
      if (storeExists(ctx.config)) {
        const store = await openHerdStore(ctx.config, { clock: ctx.clock });
        try {
          counters = await store.readCounters();
        } finally {
          await store.close();
        }
      }
      const samples = Object.entries(counters).map(([k, v]) => parseCounterName(k, v));
      const acq = new Map<string, { source: string; type: string; read: number; parsed: number; unparsed: number; whitelisted: number; poured: number }>();
      const parsers = new Map<string, { name: string; hits: number; ok: number; ko: number }>();
      const scenarios = new Map<string, { scenario: string; overflows: number }>();
      const other: Record<string, number> = {};
      for (const s of samples) {
        if (s.name.startsWith('lines_') && s.labels.source !== undefined) {
          const key = `${s.labels.source}\u0000${s.labels.type}`;
          const row = acq.get(key) ?? { source: s.labels.source, type: s.labels.type ?? '', read: 0, parsed: 0, unparsed: 0, whitelisted: 0, poured: 0 };
          const field = s.name.replace(/^lines_/, '').replace(/_total$/, '') as 'read' | 'parsed' | 'unparsed' | 'whitelisted' | 'poured';
          if (field in row) row[field] += s.value;
          acq.set(key, row);
        } else if (s.name.startsWith('parser_hits') && s.labels.name !== undefined) {
          const row = parsers.get(s.labels.name) ?? { name: s.labels.name, hits: 0, ok: 0, ko: 0 };
          if (s.name === 'parser_hits_total') row.hits += s.value;
          else if (s.name === 'parser_hits_ok_total') row.ok += s.value;
          else if (s.name === 'parser_hits_ko_total') row.ko += s.value;
          parsers.set(s.labels.name, row);
        } else if (s.name === 'bucket_overflows_total' && s.labels.scenario !== undefined) {
          const row = scenarios.get(s.labels.scenario) ?? { scenario: s.labels.scenario, overflows: 0 };
          row.overflows += s.value;
          scenarios.set(s.labels.scenario, row);
        } else {
          other[Object.keys(s.labels).length ? `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',')}}` : s.name] = s.value;
        }
      }
      const out = {
        acquisition: [...acq.values()].sort((a, b) => a.source.localeCompare(b.source)),
        parsers: [...parsers.values()].sort((a, b) => a.name.localeCompare(b.name)),
        scenarios: [...scenarios.values()].sort((a, b) => a.scenario.localeCompare(b.scenario)),
        other,
      };
      if (opts.json) return printJson(out);
      const parts: string[] = [];
      parts.push('Acquisition', out.acquisition.length ? formatTable(['Source', 'Type', 'Lines read', 'Parsed', 'Unparsed', 'Whitelisted', 'Poured to buckets'], out.acquisition.map((r) => [r.source, r.type, String(r.read), String(r.parsed), String(r.unparsed), String(r.whitelisted), String(r.poured)])) : '  (no lines read yet)');
      parts.push('', 'Parsers', out.parsers.length ? formatTable(['Parser', 'Hits', 'Parsed', 'Unparsed'], out.parsers.map((r) => [r.name, String(r.hits), String(r.ok), String(r.ko)])) : '  (none)');
      parts.push('', 'Scenarios', out.scenarios.length ? formatTable(['Scenario', 'Overflows'], out.scenarios.map((r) => [r.scenario, String(r.overflows)])) : '  (no overflow yet)');
      if (Object.keys(other).length) parts.push('', 'Other', formatTable(['Counter', 'Value'], Object.entries(other).map(([k, v]) => [k, String(v)])));
      process.stdout.write(parts.join('\n') + '\n');
    });
}
