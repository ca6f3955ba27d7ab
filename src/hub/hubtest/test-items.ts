import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HerdError } from '../../core/index.js';
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

interface IndexItem {
  path?: string;
  stage?: string;
  parsers?: string[];
  scenarios?: string[];
  postoverflows?: string[];
  collections?: string[];
}

type IndexKind = 'parsers' | 'scenarios' | 'postoverflows' | 'collections';

/** The part of a hub's `.index.json` hubtest needs: each item's path, stage and dependencies. */
export class HubTestIndex {
  private constructor(
    readonly hubDir: string,
    private readonly data: Partial<Record<IndexKind, Record<string, IndexItem>>>,
  ) {}

  static read(hubDir: string): HubTestIndex {
    const where = join(hubDir, '.index.json');
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(where, 'utf8'));
    } catch (err) {
      throw new HerdError('HERD_HUB_INDEX', `cannot read the hub index: ${(err as Error).message}. Give the hub directory with --hub.`, { where });
    }
    if (data === null || typeof data !== 'object') throw new HerdError('HERD_HUB_INDEX', 'the hub index is not a JSON object', { where });
    return new HubTestIndex(hubDir, data as Partial<Record<IndexKind, Record<string, IndexItem>>>);
  }

  get(kind: IndexKind, name: string): IndexItem | undefined {
    const items = this.data[kind];
    return items && Object.prototype.hasOwnProperty.call(items, name) ? items[name] : undefined;
  }
}

function customPath(name: string, locations: readonly string[]): string | null {
  for (const dir of locations) {
    const p = resolve(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export function resolveTestItems(cfg: HubTestConfig, index: HubTestIndex): TestItems {
  const locations = [index.hubDir, cfg.dir];
  const out: TestItems = { parsers: [], scenarios: [], postoverflows: [] };
  const seen = new Set<string>();
  const missing = (kind: string, name: string): never => {
    throw new HerdError('HERD_HUBTEST_ITEM', `${kind} '${name}' is neither in the hub index nor a file under ${locations.join(' or ')}`, {
      where: join(cfg.dir, 'config.yaml'),
    });
  };
  const staged = (kind: 'parsers' | 'postoverflows', name: string): void => {
    const item = index.get(kind, name);
    let file: StagedFile;
    if (item?.path) {
      file = { path: join(index.hubDir, item.path), stage: item.stage ?? basename(dirname(dirname(item.path))) };
    } else {
      const p = customPath(name, locations) ?? missing(kind.slice(0, -1), name);
      file = { path: p, stage: basename(dirname(dirname(p))) };
    }
    if (seen.has(file.path)) return;
    seen.add(file.path);
    out[kind].push(file);
  };
  const scenario = (name: string): void => {
    const item = index.get('scenarios', name);
    const p = item?.path ? join(index.hubDir, item.path) : (customPath(name, locations) ?? missing('scenario', name));
    if (seen.has(p)) return;
    seen.add(p);
    out.scenarios.push(p);
  };
  const collection = (name: string, stack: string[]): void => {
    if (stack.includes(name)) return;
    const item = index.get('collections', name) ?? missing('collection', name);
    for (const p of item.parsers ?? []) staged('parsers', p);
    for (const s of item.scenarios ?? []) scenario(s);
    for (const p of item.postoverflows ?? []) staged('postoverflows', p);
    for (const c of item.collections ?? []) collection(c, [...stack, name]);
  };
  for (const p of cfg.parsers) staged('parsers', p);
  for (const s of cfg.scenarios) scenario(s);
  for (const p of cfg.postoverflows) staged('postoverflows', p);
  for (const c of cfg.collections) collection(c, []);
  return out;
}
