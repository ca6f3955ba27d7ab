import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HerdError } from '../../core/index.js';

/**
 * One test of the hub's `.tests/<name>/` layout, as `cscli hubtest` reads it: `config.yaml` (the
 * items to install, the log file and its type, extra labels, statics to force before s00-raw),
 * `parser.assert` and `scenario.assert` (one expression per line, each must be true). Go's yaml.v2
 * decoder is not strict here, so unknown keys are ignored as they are by cscli.
 */

export interface HubTestConfig {
  name: string;
  dir: string;
  parsers: string[];
  scenarios: string[];
  postoverflows: string[];
  collections: string[];
  logFile: string;
  logType: string;
  labels: Record<string, string>;
  ignoreParsers: boolean;
  /** Statics of the `overrides` node cscli writes at parsers/s00-raw/00_overrides.yaml. */
  overrideStatics: Record<string, unknown>[];
  parserAssert: string | null;
  scenarioAssert: string | null;
  /** The top-level keys as written (AppSec tests are told apart by theirs). */
  rawKeys: string[];
}

function stringList(v: unknown, key: string, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new HerdError('HERD_HUBTEST_CONFIG', `'${key}' must be a list of item names`, { where });
  return v.map((x) => (x === null || x === undefined ? '' : String(x))).filter((x) => x.trim() !== '');
}

export function readHubTestConfig(dir: string, name: string): HubTestConfig {
  const where = join(dir, 'config.yaml');
  let doc: unknown;
  try {
    doc = parse(readFileSync(where, 'utf8'), { version: '1.1' });
  } catch (err) {
    throw new HerdError('HERD_HUBTEST_CONFIG', `cannot read the test configuration: ${(err as Error).message}`, { where });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new HerdError('HERD_HUBTEST_CONFIG', 'the test configuration must be a YAML map', { where });
  }
  const c = doc as Record<string, unknown>;
  const labels: Record<string, string> = {};
  if (c.labels && typeof c.labels === 'object' && !Array.isArray(c.labels)) {
    for (const [k, v] of Object.entries(c.labels as Record<string, unknown>)) labels[k] = v === null ? '' : String(v);
  }
  const statics = Array.isArray(c.override_statics) ? (c.override_statics as unknown[]) : [];
  const readOpt = (file: string): string | null => {
    const p = join(dir, file);
    return existsSync(p) ? readFileSync(p, 'utf8') : null;
  };
  return {
    name,
    dir,
    parsers: stringList(c.parsers, 'parsers', where),
    scenarios: stringList(c.scenarios, 'scenarios', where),
    postoverflows: stringList(c.postoverflows, 'postoverflows', where),
    collections: stringList(c.collections, 'collections', where),
    logFile: typeof c.log_file === 'string' ? c.log_file : '',
    logType: typeof c.log_type === 'string' ? c.log_type : '',
    labels,
    ignoreParsers: c.ignore_parsers === true,
    overrideStatics: statics.filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object'),
    parserAssert: readOpt('parser.assert'),
    scenarioAssert: readOpt('scenario.assert'),
    rawKeys: Object.keys(c),
  };
}
