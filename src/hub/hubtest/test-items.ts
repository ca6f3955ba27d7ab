import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HerdError } from '../../core/index.js';
import { loadHubIndex, type HubIndex } from '../hub-index.js';
import type { HubTestConfig } from './test-config.js';

/**
 * Which files a test runs, found as `cscli hubtest` finds them: a name in the hub index
 * (`crowdsecurity/nginx-logs`) is that item's file; anything else is a path tried under the hub
 * directory, then under the test's own directory (`./parsers/s01-parse/x/y.yaml`), and the stage of
 * such a parser is the directory two levels above the file. Collections bring their items along.
 */

export interface StagedFile {
  path: string;
  stage: string;
}

export interface TestItems {
  parsers: StagedFile[];
  scenarios: string[];
  postoverflows: StagedFile[];
}

/** The hub a test suite runs against: its directory and its index. */
export interface TestHub {
  dir: string;
  index: HubIndex;
}

export function readTestHub(hubDir: string): TestHub {
  const where = join(hubDir, '.index.json');
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_HUB_INDEX', `cannot read the hub index: ${(err as Error).message}. Give the hub directory with --hub.`, { where });
  }
  return { dir: hubDir, index: loadHubIndex(text, where) };
}

function customPath(name: string, locations: readonly string[]): string | null {
  for (const dir of locations) {
    const p = resolve(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export function resolveTestItems(cfg: HubTestConfig, hub: TestHub): TestItems {
  const locations = [hub.dir, cfg.dir];
  const out: TestItems = { parsers: [], scenarios: [], postoverflows: [] };
  const seen = new Set<string>();
  const missing = (kind: string, name: string): never => {
    throw new HerdError('HERD_HUBTEST_ITEM', `${kind} '${name}' is neither in the hub index nor a file under ${locations.join(' or ')}`, {
      where: join(cfg.dir, 'config.yaml'),
    });
  };
  const staged = (kind: 'parsers' | 'postoverflows', name: string): void => {
    const item = hub.index.get(kind, name);
    let file: StagedFile;
    if (item) {
      file = { path: join(hub.dir, item.path), stage: item.stage! };
    } else {
      const p = customPath(name, locations) ?? missing(kind.slice(0, -1), name);
      file = { path: p, stage: basename(dirname(dirname(p))) };
    }
    if (seen.has(file.path)) return;
    seen.add(file.path);
    out[kind].push(file);
  };
  const scenario = (name: string): void => {
    const item = hub.index.get('scenarios', name);
    const p = item ? join(hub.dir, item.path) : (customPath(name, locations) ?? missing('scenario', name));
    if (seen.has(p)) return;
    seen.add(p);
    out.scenarios.push(p);
  };
  for (const p of cfg.parsers) staged('parsers', p);
  for (const s of cfg.scenarios) scenario(s);
  for (const p of cfg.postoverflows) staged('postoverflows', p);
  for (const c of cfg.collections) {
    if (!hub.index.get('collections', c)) missing('collection', c);
    for (const it of hub.index.closure('collections', c).items) {
      if (it.type === 'parsers' || it.type === 'postoverflows') staged(it.type, it.name);
      else if (it.type === 'scenarios') scenario(it.name);
    }
  }
  return out;
}
