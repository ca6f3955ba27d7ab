import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HerdError } from '../core/index.js';
import type { HubItem } from './hub-index.js';

/**
 * Where herd keeps hub state, all under `<data_dir>/hub/`:
 * - `.index.json`: the index last fetched by `herd hub update`;
 * - `items/`: item files as downloaded (the hub's own layout), after their digest was checked;
 * - `installed/`: a content directory laid out like herd's own (`parsers/<stage>/<author>/<name>.yaml`,
 *   `scenarios/<author>/<name>.yaml`, `postoverflows/<stage>/<author>/<name>.yaml`, plus
 *   `collections/` and `contexts/`, which the engine does not read) — add it to the content dirs;
 * - `data/`: data files named by `dest_file` (what `File()`/`RegexpInFile()` read);
 * - `patterns/`: the grok pattern library hub parsers are written against;
 * - `state.json`: installed items, their versions and digests, which were pulled as dependencies.
 */
export interface HubPaths {
  root: string;
  index: string;
  items: string;
  installed: string;
  data: string;
  patterns: string;
  state: string;
}

export function hubPaths(dataDir: string): HubPaths {
  const root = join(resolve(dataDir), 'hub');
  return {
    root,
    index: join(root, '.index.json'),
    items: join(root, 'items'),
    installed: join(root, 'installed'),
    data: join(root, 'data'),
    patterns: join(root, 'patterns'),
    state: join(root, 'state.json'),
  };
}

/**
 * `rel` under `base`, refusing anything that would leave it (`..`, an absolute path): paths come from
 * the index and from item files, which herd does not trust.
 */
export function safeJoin(base: string, rel: string, what: string): string {
  const path = resolve(base, rel);
  const r = relative(resolve(base), path);
  if (rel === '' || isAbsolute(rel) || r === '' || r === '..' || r.startsWith('..' + sep) || isAbsolute(r) || rel.includes('\0')) {
    throw new HerdError('HERD_HUB_UNSAFE_PATH', `${what} '${rel}' leads outside ${base}; the hub content is refused`);
  }
  return path;
}

/** Where an item lives in the installed content directory, relative to it. */
export function installedRelPath(item: HubItem): string {
  const file = item.path.slice(item.path.lastIndexOf('/') + 1);
  const author = item.name.slice(0, item.name.indexOf('/'));
  return [item.type, ...(item.stage ? [item.stage] : []), author, file].join('/');
}

export function installedPathOf(paths: HubPaths, item: HubItem): string {
  return safeJoin(paths.installed, installedRelPath(item), `${item.fqName}: install path`);
}

export function downloadPathOf(paths: HubPaths, item: HubItem): string {
  return safeJoin(paths.items, item.path, `${item.fqName}: path`);
}
