import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_ITEM_TYPES, compareVersions, fqName, type HubIndex, type HubItem, type HubItemType, type HubRef } from './hub-index.js';
import type { HubPaths } from './hub-paths.js';
import { installedOf, type HubState, type InstalledItem } from './hub-state.js';
import { readItemFile, sha256Hex } from './item-file.js';

/**
 * The status of items, as cscli shows it: an installed file whose sha256 is the digest of the
 * index's latest version is up to date; the digest of an older version, an update is available; no
 * known digest, it was modified locally ("tainted"). A collection is tainted too when one of its
 * items is tainted or no longer installed.
 */

export type ItemStatus = 'not-installed' | 'up-to-date' | 'update-available' | 'tainted' | 'not-in-hub';

export interface ItemView {
  type: HubItemType;
  name: string;
  fqName: string;
  status: ItemStatus;
  installed: boolean;
  /** The version the installed file is (by digest); the recorded one when it matches none. */
  localVersion: string | null;
  latestVersion: string | null;
  /** The installed file, absolute. */
  localPath: string | null;
  localHash: string | null;
  /** false when a collection pulled the item in, null when not installed. */
  explicit: boolean | null;
  /** What makes it tainted: the item itself (edited or deleted), or items of a collection. */
  taintedBy: string[];
  /** false for AppSec content, which herd does not run. */
  supported: boolean;
  description: string;
}

/** How an installed item's own file compares with the index. */
export interface OwnStatus {
  status: Exclude<ItemStatus, 'not-installed'>;
  localVersion: string;
  localHash: string | null;
}

export class HubView {
  constructor(
    readonly paths: HubPaths,
    readonly index: HubIndex,
    readonly state: HubState,
  ) {}

  installed(ref: HubRef): InstalledItem | undefined {
    return installedOf(this.state, ref);
  }

  localPath(rec: InstalledItem): string {
    return join(this.paths.installed, rec.path);
  }

  /** The sha256 of the installed file, null when it is gone. */
  localHash(rec: InstalledItem): string | null {
    try {
      return sha256Hex(readFileSync(this.localPath(rec)));
    } catch {
      return null;
    }
  }

  /** How the item's own file compares with the index (a collection's items aside). */
  fileStatus(rec: InstalledItem): OwnStatus {
    const hash = this.localHash(rec);
    const item = this.index.get(rec.type, rec.name);
    if (!item) return { status: 'not-in-hub', localVersion: rec.version, localHash: hash };
    if (hash === null) return { status: 'tainted', localVersion: rec.version, localHash: null };
    let matched: string | null = null;
    for (const [v, info] of Object.entries(item.versions)) {
      if (info.digest === hash && (matched === null || compareVersions(v, matched) > 0)) matched = v;
    }
    if (matched === null) return { status: 'tainted', localVersion: rec.version, localHash: hash };
    return { status: matched === item.version ? 'up-to-date' : 'update-available', localVersion: matched, localHash: hash };
  }

  /** Whether the item's own file differs from every version the index knows (or is gone). */
  isModified(ref: HubRef): boolean {
    const rec = this.installed(ref);
    return rec !== undefined && this.fileStatus(rec).status === 'tainted';
  }

  /**
   * What an installed collection pulls, as cscli reads it: the index's lists when the installed file
   * is the latest version, else the lists in the installed file (the version the user has), else
   * (unreadable file) the index's.
   */
  currentDependencies(ref: HubRef): HubRef[] {
    if (ref.type !== 'collections') return [];
    const rec = this.installed(ref);
    const fromIndex = this.index.get(ref.type, ref.name)?.dependencies ?? null;
    let deps = fromIndex;
    if (rec && this.fileStatus(rec).status !== 'up-to-date') {
      try {
        const path = this.localPath(rec);
        deps = readItemFile(readFileSync(path), path, fqName(ref), true).dependencies ?? fromIndex;
      } catch {
        deps = fromIndex;
      }
    }
    if (!deps) return [];
    return HUB_ITEM_TYPES.flatMap((type) => deps[type].map((name) => ({ type, name })));
  }

  /** Installed collections that list the item (in their installed version). */
  neededBy(ref: HubRef): string[] {
    const key = fqName(ref);
    const out: string[] = [];
    for (const rec of Object.values(this.state.items)) {
      if (rec.type !== 'collections') continue;
      if (this.currentDependencies(rec).some((d) => fqName(d) === key)) out.push(fqName(rec));
    }
    return out.sort();
  }

  /** Items under a collection that are tainted or missing (recursively; safe against cycles). */
  private taintedBelow(ref: HubRef, seen: Set<string>): string[] {
    const out: string[] = [];
    for (const dep of this.currentDependencies(ref)) {
      const key = fqName(dep);
      if (seen.has(key)) continue;
      seen.add(key);
      const item = this.index.get(dep.type, dep.name);
      if (item && !item.supported) continue;
      const rec = this.installed(dep);
      if (!rec) out.push(key);
      else if (this.fileStatus(rec).status === 'tainted') out.push(key);
      if (dep.type === 'collections') out.push(...this.taintedBelow(dep, seen));
    }
    return out;
  }

  view(ref: HubRef): ItemView {
    const item: HubItem | undefined = this.index.get(ref.type, ref.name);
    const rec = this.installed(ref);
    const base = {
      type: ref.type,
      name: ref.name,
      fqName: fqName(ref),
      latestVersion: item?.version ?? null,
      supported: item?.supported ?? true,
      description: item?.description ?? '',
    };
    if (!rec) {
      return { ...base, status: 'not-installed', installed: false, localVersion: null, localPath: null, localHash: null, explicit: null, taintedBy: [] };
    }
    const own = this.fileStatus(rec);
    const taintedBy = own.status === 'tainted' ? [fqName(ref)] : [];
    if (ref.type === 'collections') taintedBy.push(...this.taintedBelow(ref, new Set([fqName(ref)])));
    const status: ItemStatus = taintedBy.length > 0 && own.status !== 'not-in-hub' ? 'tainted' : own.status;
    return {
      ...base,
      status,
      installed: true,
      localVersion: own.localVersion,
      localPath: this.localPath(rec),
      localHash: own.localHash,
      explicit: rec.explicit,
      taintedBy,
    };
  }

  /** Installed items (or, with `all`, every item of the index too), by type then name. */
  list(opts: { all?: boolean; type?: HubItemType } = {}): ItemView[] {
    const refs = new Map<string, HubRef>();
    for (const rec of Object.values(this.state.items)) refs.set(fqName(rec), { type: rec.type, name: rec.name });
    if (opts.all) for (const it of this.index.all()) refs.set(it.fqName, it);
    const order = (t: HubItemType) => HUB_ITEM_TYPES.indexOf(t);
    return [...refs.values()]
      .filter((r) => !opts.type || r.type === opts.type)
      .sort((a, b) => order(a.type) - order(b.type) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((r) => this.view(r));
  }
}

export interface ItemDetails extends ItemView {
  author: string | null;
  stage: string | null;
  /** Path in the hub. */
  hubPath: string | null;
  versions: { version: string; digest: string; deprecated: boolean }[];
  /** What a collection lists (its installed version's lists when installed), with their status. */
  dependencies: ItemView[];
  /** Installed collections that list the item. */
  neededBy: string[];
  /** Data files the installed item asked for (absolute paths). */
  dataFiles: string[];
}

/** Everything `herd hub inspect` shows about an item. */
export function inspectItem(view: HubView, ref: HubRef): ItemDetails {
  const item = view.index.get(ref.type, ref.name);
  const rec = view.installed(ref);
  const deps = ref.type === 'collections' ? view.currentDependencies(ref) : [];
  return {
    ...view.view(ref),
    author: item?.author ?? null,
    stage: item?.stage ?? null,
    hubPath: item?.path ?? null,
    versions: item
      ? Object.entries(item.versions)
          .sort(([a], [b]) => compareVersions(a, b))
          .map(([version, v]) => ({ version, digest: v.digest, deprecated: v.deprecated }))
      : [],
    dependencies: deps.map((d) => view.view(d)),
    neededBy: view.neededBy(ref),
    dataFiles: (rec?.data ?? []).map((d) => join(view.paths.data, d)),
  };
}
