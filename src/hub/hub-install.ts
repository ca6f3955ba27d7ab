import { readFileSync } from 'node:fs';
import { HUB_ITEM_TYPES, fqName, type HubItem, type HubRef } from './hub-index.js';
import { bringData, EventLog, fetchVerified, placeItem, type HubOperationContext, type HubOutcome } from './hub-operation.js';
import { readHubState, writeHubState, type HubState } from './hub-state.js';
import { HubView } from './hub-status.js';
import { readItemFile } from './item-file.js';

/**
 * `install` and `upgrade`, like cscli's: a collection brings everything it lists (dependencies
 * first); an item that fails (digest mismatch, YAML error, data file missing, network) is reported
 * and the others go on; a collection is only installed when all its items are. Upgrade leaves files
 * the user modified alone unless forced.
 */

type Done = 'ok' | 'failed' | 'unsupported';

const APPSEC_NOTE = 'herd does not run AppSec (WAF) content; skipped';

interface Run {
  ctx: HubOperationContext;
  state: HubState;
  view: HubView;
  log: EventLog;
  done: Map<string, Done>;
}

function startRun(ctx: HubOperationContext): Run {
  const state = readHubState(ctx.paths);
  return { ctx, state, view: new HubView(ctx.paths, ctx.index, state), log: new EventLog(ctx.onEvent), done: new Map() };
}

/** A collection's listed items that failed in this run (null when none did). */
function failedItemsOf(run: Run, collection: HubItem): string[] {
  const out: string[] = [];
  for (const t of HUB_ITEM_TYPES) for (const name of collection.dependencies[t]) if (run.done.get(fqName({ type: t, name })) === 'failed') out.push(fqName({ type: t, name }));
  return out;
}

/** Fetches and places one item; records success or failure. */
async function put(run: Run, item: HubItem, opts: { explicit: boolean; refreshData: boolean; action: 'installed' | 'upgraded'; from?: string }): Promise<void> {
  try {
    const fetched = await fetchVerified(run.ctx, item);
    await placeItem(run.ctx, run.state, run.log, item, fetched, opts);
    run.log.add(opts.action, item.fqName, opts.from && opts.from !== item.version ? `${opts.from} → ${item.version}` : item.version);
    run.done.set(item.fqName, 'ok');
  } catch (err) {
    run.log.fail(item.fqName, err);
    run.done.set(item.fqName, 'failed');
  }
}

/** The plan for one target: its closure, or a failure when the index lacks something it lists. */
function planOf(run: Run, ref: HubRef): HubItem[] | null {
  const item = run.ctx.index.get(ref.type, ref.name);
  if (!item) {
    run.log.add('failed', fqName(ref), `${fqName(ref)} is not in the hub index; see herd hub list --all, or run herd hub update`, 'HERD_HUB_UNKNOWN_ITEM');
    return null;
  }
  if (!item.supported) {
    run.log.add('failed', item.fqName, `herd does not run AppSec (WAF) content (${item.type}); nothing installed`, 'HERD_HUB_UNSUPPORTED');
    return null;
  }
  const closure = run.ctx.index.closure(item.type, item.name);
  if (closure.missing.length > 0) {
    const list = closure.missing.map((m) => `${fqName(m.ref)} (listed by ${m.requiredBy})`).join(', ');
    run.log.add('failed', item.fqName, `the hub index lacks ${list}; nothing of ${item.fqName} was installed — run herd hub update`, 'HERD_HUB_MISSING_DEPENDENCY');
    return null;
  }
  return closure.items;
}

/** Handles what install and upgrade treat alike; true when the item still needs work. */
function prepare(run: Run, it: HubItem): boolean {
  if (run.done.has(it.fqName)) return false;
  if (!it.supported) {
    run.done.set(it.fqName, 'unsupported');
    run.log.add('skipped', it.fqName, APPSEC_NOTE);
    return false;
  }
  if (it.type === 'collections') {
    const failed = failedItemsOf(run, it);
    if (failed.length > 0) {
      run.done.set(it.fqName, 'failed');
      run.log.add('failed', it.fqName, `not installed because ${failed.join(', ')} failed`, 'HERD_HUB_DEPENDENCY_FAILED');
      return false;
    }
  }
  return true;
}

/**
 * Installs items and everything their collections pull. An item already installed is left as it is
 * (use upgrade), unless `force`, which fetches and writes it again.
 */
export async function installItems(ctx: HubOperationContext, refs: readonly HubRef[], opts: { force?: boolean } = {}): Promise<HubOutcome> {
  const run = startRun(ctx);
  for (const ref of refs) {
    const plan = planOf(run, ref);
    if (!plan) continue;
    for (const it of plan) {
      const explicit = it.type === ref.type && it.name === ref.name;
      const rec = run.view.installed(it);
      if (explicit && rec && !rec.explicit) {
        rec.explicit = true;
        writeHubState(ctx.paths, run.state);
      }
      if (!prepare(run, it)) continue;
      if (rec && !opts.force) {
        run.done.set(it.fqName, 'ok');
        const st = run.view.fileStatus(rec).status;
        const note = st === 'up-to-date' ? '' : st === 'update-available' ? `; ${it.version} is available: herd hub upgrade ${it.name}` : st === 'tainted' ? '; modified locally' : '';
        run.log.add('skipped', it.fqName, `already installed (${rec.version})${note}`);
        continue;
      }
      await put(run, it, { explicit: explicit || rec?.explicit === true, refreshData: opts.force === true, action: 'installed' });
    }
  }
  return run.log.outcome();
}

/**
 * Upgrades installed items to the index's version (all installed items when `refs` is 'all'). A
 * collection's new items are installed as dependencies. A file modified locally is skipped unless
 * `force`; an item already up to date gets its data files refreshed.
 */
export async function upgradeItems(ctx: HubOperationContext, refs: readonly HubRef[] | 'all', opts: { force?: boolean } = {}): Promise<HubOutcome> {
  const run = startRun(ctx);
  const targets: HubRef[] = refs === 'all' ? Object.values(run.state.items).map((r) => ({ type: r.type, name: r.name })) : [...refs];
  for (const ref of targets) {
    if (!run.view.installed(ref)) {
      run.log.add('failed', fqName(ref), `${fqName(ref)} is not installed; install it with herd hub install`, 'HERD_HUB_NOT_INSTALLED');
      continue;
    }
    if (!ctx.index.get(ref.type, ref.name)) {
      run.log.add('skipped', fqName(ref), 'no longer in the hub index; kept as it is');
      continue;
    }
    const plan = planOf(run, ref);
    if (!plan) continue;
    for (const it of plan) {
      if (!prepare(run, it)) continue;
      const rec = run.view.installed(it);
      if (!rec) {
        await put(run, it, { explicit: false, refreshData: false, action: 'installed' });
        continue;
      }
      const st = run.view.fileStatus(rec).status;
      if (st === 'tainted' && !opts.force) {
        run.done.set(it.fqName, 'ok');
        run.log.add('skipped', it.fqName, 'modified locally (its sha256 matches no hub version); --force overwrites it');
        continue;
      }
      if (st === 'up-to-date' && !opts.force) {
        await refreshData(run, it);
        continue;
      }
      await put(run, it, { explicit: rec.explicit, refreshData: true, action: 'upgraded', from: rec.version });
    }
  }
  return run.log.outcome();
}

/** An up-to-date item: its data files may still have changed upstream. */
async function refreshData(run: Run, it: HubItem): Promise<void> {
  const rec = run.view.installed(it)!;
  try {
    const path = run.view.localPath(rec);
    const file = readItemFile(readFileSync(path), path, it.fqName, it.type === 'collections');
    await bringData(run.ctx, run.log, it, file, true);
    run.done.set(it.fqName, 'ok');
    run.log.add('skipped', it.fqName, `up to date (${it.version})`);
  } catch (err) {
    run.log.fail(it.fqName, err);
    run.done.set(it.fqName, 'failed');
  }
}
