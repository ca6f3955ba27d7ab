import { rmSync } from 'node:fs';
import { HerdError, type Clock } from '../core/index.js';
import { HUB_ITEM_TYPES, fqName, type HubIndex, type HubRef } from './hub-index.js';
import { EventLog, type HubEvent, type HubOutcome } from './hub-operation.js';
import { safeJoin, type HubPaths } from './hub-paths.js';
import { readHubState, writeHubState, type HubState, type InstalledItem } from './hub-state.js';
import { HubView } from './hub-status.js';

/**
 * `remove`, like cscli's: an item a still-installed collection lists stays unless forced; removing a
 * collection also removes the items it pulled in as dependencies, except those the user installed by
 * name, those another installed collection needs, and (unless forced) those modified locally.
 * `purge` also deletes the downloaded copy and the data files no remaining item uses.
 */

export interface RemoveContext {
  paths: HubPaths;
  index: HubIndex;
  clock: Clock;
  onEvent?: (e: HubEvent) => void;
}

/** Collections first, so refusing a collection keeps the items it needs installed. */
function removalOrder(refs: readonly HubRef[]): HubRef[] {
  const rank = (r: HubRef) => HUB_ITEM_TYPES.length - HUB_ITEM_TYPES.indexOf(r.type);
  return [...refs].sort((a, b) => rank(b) - rank(a));
}

/** Every item under a collection, recursively (safe against cycles). */
function descendantsOf(view: HubView, ref: HubRef): Map<string, HubRef> {
  const out = new Map<string, HubRef>();
  const walk = (r: HubRef) => {
    for (const d of view.currentDependencies(r)) {
      const key = fqName(d);
      if (out.has(key) || key === fqName(ref)) continue;
      out.set(key, d);
      if (d.type === 'collections') walk(d);
    }
  };
  walk(ref);
  return out;
}

function deleteItem(paths: HubPaths, state: HubState, view: HubView, rec: InstalledItem, purge: boolean): void {
  rmSync(view.localPath(rec), { force: true });
  const key = fqName(rec);
  delete state.items[key];
  if (purge) {
    const item = view.index.get(rec.type, rec.name);
    if (item) rmSync(safeJoin(paths.items, item.path, `${key}: path`), { force: true });
    const stillUsed = new Set(Object.values(state.items).flatMap((r) => r.data));
    for (const dest of rec.data) if (!stillUsed.has(dest)) rmSync(safeJoin(paths.data, dest, `${key}: data dest_file`), { force: true });
  }
  writeHubState(paths, state);
}

export async function removeItems(ctx: RemoveContext, refs: readonly HubRef[], opts: { force?: boolean; purge?: boolean } = {}): Promise<HubOutcome> {
  const state = readHubState(ctx.paths);
  const view = new HubView(ctx.paths, ctx.index, state);
  const log = new EventLog(ctx.onEvent);
  const purge = opts.purge === true;
  const force = opts.force === true;
  const removing = new Set(refs.map(fqName));

  for (const ref of removalOrder(refs)) {
    const key = fqName(ref);
    const rec = view.installed(ref);
    if (!rec) {
      if (ctx.index.get(ref.type, ref.name)) log.add('skipped', key, 'not installed');
      else log.add('failed', key, `${key} is neither installed nor in the hub index; see herd hub list`, 'HERD_HUB_UNKNOWN_ITEM');
      removing.delete(key);
      continue;
    }
    const parents = view.neededBy(ref).filter((p) => !removing.has(p));
    if (parents.length > 0 && !force) {
      log.add('failed', key, `still needed by ${parents.join(', ')}; remove ${parents.length > 1 ? 'them' : 'it'} first, or use --force (leaving ${parents.length > 1 ? 'them' : 'it'} incomplete)`, 'HERD_HUB_NEEDED');
      removing.delete(key);
      continue;
    }
    if (view.isModified(ref) && !force) {
      log.add('failed', key, 'modified locally (its sha256 matches no hub version); --force removes it anyway', 'HERD_HUB_TAINTED');
      removing.delete(key);
      continue;
    }
    if (ref.type === 'collections') removeDependencies(ctx, state, view, log, ref, removing, { force, purge });
    try {
      deleteItem(ctx.paths, state, view, rec, purge);
      log.add('removed', key, purge ? 'purged' : rec.version);
    } catch (err) {
      log.fail(key, err instanceof HerdError ? err : new HerdError('HERD_HUB_REMOVE', `cannot remove ${key}: ${(err as Error).message}`));
    }
  }
  return log.outcome();
}

/**
 * The items a collection pulled that can go with it. Kept: items installed by name, modified ones
 * (unless forced), and — until nothing changes — items another collection that stays installed
 * still lists (a kept sub-collection keeps its own items too).
 */
function removeDependencies(
  ctx: RemoveContext,
  state: HubState,
  view: HubView,
  log: EventLog,
  ref: HubRef,
  removing: ReadonlySet<string>,
  opts: { force: boolean; purge: boolean },
): void {
  const below = descendantsOf(view, ref);
  const going = new Map<string, InstalledItem>();
  const kept = new Map<string, string>();
  for (const [key, d] of below) {
    const rec = view.installed(d);
    if (!rec) continue;
    if (removing.has(key)) continue; // removed on its own turn
    if (rec.explicit) kept.set(key, 'installed by name; remove it by name');
    else if (!opts.force && view.isModified(d)) kept.set(key, 'modified locally; --force removes it');
    else going.set(key, rec);
  }
  const self = fqName(ref);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, rec] of going) {
      const others = view.neededBy(rec).filter((p) => p !== self && !going.has(p) && !removing.has(p));
      if (others.length > 0) {
        going.delete(key);
        kept.set(key, `still needed by ${others.join(', ')}`);
        changed = true;
      }
    }
  }
  for (const [key, why] of kept) log.add('kept', key, why);
  for (const [key, rec] of going) {
    try {
      deleteItem(ctx.paths, state, view, rec, opts.purge);
      log.add('removed', key, `${opts.purge ? 'purged' : rec.version} (pulled by ${self})`);
    } catch (err) {
      log.fail(key, new HerdError('HERD_HUB_REMOVE', `cannot remove ${key}: ${(err as Error).message}`));
    }
  }
}
