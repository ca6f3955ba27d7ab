import { resolve } from 'node:path';
import { HerdError } from '../core/index.js';
import { fqName, HUB_ITEM_TYPES, isHubItemType, loadHubIndex, type HubIndex, type HubItemType, type HubRef } from './hub-index.js';
import { hubPaths, type HubPaths } from './hub-paths.js';
import { DEFAULT_HUB_URL, hubUrl, readIndexText, type DataSource, type HubSource } from './hub-source.js';
import { readHubState, type HubState } from './hub-state.js';
import { readSavedIndex, rememberSource } from './hub-update.js';
import { writeFileAtomic } from './atomic-file.js';

/**
 * Hub management: herd gets CrowdSec hub content the way cscli does — `update` fetches the index
 * (and the grok pattern library), `install` brings items with their dependencies and data files
 * into `<data_dir>/hub/installed/` after checking each file's sha256 against the index, `upgrade`,
 * `remove`, `list` and `inspect` manage them. Content comes from the hub's CDN, another hub URL, or
 * a local copy of the hub repository; data files from their URLs or a local mirror. The engine
 * reads `hubPaths(dataDir).installed` as one more content directory, `.data` for data files and
 * `.patterns` for grok patterns.
 */

export { hubPaths, safeJoin, installedRelPath, type HubPaths } from './hub-paths.js';
export {
  loadHubIndex,
  HubIndex,
  HUB_ITEM_TYPES,
  isHubItemType,
  isSupportedType,
  compareVersions,
  fqName,
  type HubItem,
  type HubItemType,
  type HubRef,
  type HubVersion,
  type HubDependencies,
  type Closure,
} from './hub-index.js';
export { readHubState, type HubState, type InstalledItem } from './hub-state.js';
export { HubView, inspectItem, type ItemView, type ItemDetails, type ItemStatus } from './hub-status.js';
export { installItems, upgradeItems } from './hub-install.js';
export { removeItems, type RemoveContext } from './hub-remove.js';
export { updateHub, readSavedIndex, CROWDSEC_PATTERN_FILES, DEFAULT_PATTERNS_URL, type UpdateOptions, type UpdateResult, type PatternSource } from './hub-update.js';
export { DEFAULT_HUB_URL, hubUrl, mirrorPathOf, type HubSource, type DataSource } from './hub-source.js';
export { DEFAULT_TIMEOUT_MS } from './hub-fetch.js';
export { readItemFile, sha256Hex, type DataEntry, type ItemFile } from './item-file.js';
export type { HubEvent, HubAction, HubOutcome, HubOperationContext } from './hub-operation.js';

export interface HubLocation {
  dataDir: string;
  /** A local copy of the hub (its `.index.json` and item files). */
  hubDir?: string;
  /** The hub's base URL (`<url>/.index.json`, `<url>/<item path>`). */
  hubUrl?: string;
  /** A local mirror of the data files. */
  dataSource?: string;
}

export interface OpenedHub {
  paths: HubPaths;
  index: HubIndex;
  state: HubState;
  source: HubSource;
  dataSource: DataSource;
}

/**
 * Where a command reads the hub from: `--hub DIR` (its own index), else the index of the last
 * `update`, with items from `--hub-url`, or the hub that update used, or CrowdSec's CDN. `adopt`
 * (install, upgrade) makes a `--hub DIR` the data directory's hub: its index is saved and remembered,
 * so that later commands agree with what was installed.
 */
export async function openHub(loc: HubLocation, opts: { adopt?: boolean; timeoutMs: number }): Promise<OpenedHub> {
  const { paths, source } = resolveSource(loc);
  const dataSource: DataSource = loc.dataSource ? { kind: 'dir', dir: resolve(loc.dataSource) } : { kind: 'net' };
  if (source.kind === 'dir' && loc.hubDir) {
    const { text, where } = await readIndexText(source, opts.timeoutMs);
    const index = loadHubIndex(text, where);
    if (opts.adopt) {
      writeFileAtomic(paths.index, text);
      rememberSource(paths, source);
    }
    return { paths, index, state: readHubState(paths), source, dataSource };
  }
  return { paths, index: readSavedIndex(paths), state: readHubState(paths), source, dataSource };
}

/** The hub a command reads: `--hub DIR`, else `--hub-url`, else the one the last update used, else CrowdSec's CDN. */
export function resolveSource(loc: HubLocation): { paths: HubPaths; source: HubSource } {
  const paths = hubPaths(loc.dataDir);
  if (loc.hubDir) return { paths, source: { kind: 'dir', dir: resolve(loc.hubDir) } };
  if (loc.hubUrl) return { paths, source: { kind: 'url', url: hubUrl(loc.hubUrl) } };
  return { paths, source: readHubState(paths).source ?? { kind: 'url', url: DEFAULT_HUB_URL } };
}

/**
 * An item named on the command line: `type:author/name`, or `author/name` alone when one type has
 * it (or `type` says which). Installed items no longer in the index are found too.
 */
export function resolveItem(index: HubIndex, state: HubState, text: string, type?: string): HubRef {
  let t: string | undefined = type;
  let name = text;
  const colon = text.indexOf(':');
  if (colon > 0 && isHubItemType(text.slice(0, colon))) {
    t = text.slice(0, colon);
    name = text.slice(colon + 1);
  }
  if (t !== undefined && !isHubItemType(t)) {
    throw new HerdError('HERD_CLI_ARG', `'${t}' is not an item type; use one of ${HUB_ITEM_TYPES.join(', ')}`);
  }
  const inState = (ty: HubItemType) => state.items[fqName({ type: ty, name })] !== undefined;
  if (t !== undefined) {
    if (!index.get(t, name) && !inState(t)) throw new HerdError('HERD_HUB_UNKNOWN_ITEM', `${t}:${name} is not in the hub index; see herd hub list --all, or run herd hub update`);
    return { type: t, name };
  }
  const types = HUB_ITEM_TYPES.filter((ty) => index.get(ty, name) || inState(ty));
  if (types.length === 0) throw new HerdError('HERD_HUB_UNKNOWN_ITEM', `no hub item is named '${name}'; see herd hub list --all, or run herd hub update`);
  if (types.length > 1) throw new HerdError('HERD_CLI_ARG', `'${name}' names several items (${types.map((ty) => `${ty}:${name}`).join(', ')}); write one of them`);
  return { type: types[0]!, name };
}
