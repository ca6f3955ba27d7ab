import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { systemClock } from '../core/index.js';
import { compileExpr } from './compile-expr.js';
import { crowdsecHelpers } from './crowdsec-helpers.js';
import { DataFiles } from './data-files.js';
import { Stash } from './stash.js';
import type { ExprFunction } from './values.js';

const HUB = process.env.HERD_HUB_DIR ?? resolve(process.cwd(), '../shared/crowdsec-hub');
const present = existsSync(join(HUB, 'parsers'));
if (!present) console.warn(`hub-expressions: ${HUB} not found, skipping the hub corpus test (set HERD_HUB_DIR)`);

/** Helpers that exist in CrowdSec but need a database or the network: stubs are enough to compile. */
const LATER = [
  'LookupHost',
  'GetDecisionsCount',
  'GetDecisionsSinceCount',
  'GetActiveDecisionsCount',
  'GetActiveDecisionsTimeLeft',
  'LibInjectionIsSQLI',
  'LibInjectionIsXSS',
  'CrowdsecCTI',
  'GeoIPEnrich',
  'GeoIPASNEnrich',
  'GeoIPRangeEnrich',
  'IsAnomalous',
  'JA4H',
];

const EXPRESSION_KEYS = new Set(['filter', 'groupby', 'distinct', 'condition', 'cancel_on', 'expression']);

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(entry)) out.push(path);
  }
  return out;
}

function collect(value: unknown, key: string, out: string[]): void {
  if (typeof value === 'string') {
    if (EXPRESSION_KEYS.has(key) && value.trim() !== '') out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, key, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collect(v, k, out);
  }
}

describe.skipIf(!present)('expressions of the CrowdSec hub', () => {
  it('all compile (parsers, scenarios, postoverflows, contexts)', () => {
    const dataFiles = new DataFiles({ resolve: (e) => e.dest_file });
    const functions: Record<string, ExprFunction> = { ...crowdsecHelpers({ dataFiles, stash: new Stash({ clock: systemClock }) }) };
    for (const name of LATER) functions[name] = () => null;
    const failures: string[] = [];
    let count = 0;
    for (const area of ['parsers', 'scenarios', 'postoverflows', 'contexts']) {
      const variables = area === 'scenarios' ? ['evt', 'queue', 'leaky'] : ['evt'];
      for (const file of yamlFiles(join(HUB, area))) {
        const exprs: string[] = [];
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) collect(doc.toJS(), '', exprs);
        for (const source of exprs) {
          count++;
          try {
            compileExpr(source, { variables, functions, regex: (s) => new RE2(s) });
          } catch (err) {
            failures.push(`${file}: ${(err as Error).message}`);
          }
        }
      }
    }
    expect(count).toBeGreaterThan(2000);
    expect(failures).toEqual([]);
  });
});
