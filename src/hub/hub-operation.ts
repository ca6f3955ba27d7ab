import { HerdError, errorMessage, type Clock } from '../core/index.js';
import { writeFileAtomic } from './atomic-file.js';
import type { HubIndex, HubItem } from './hub-index.js';
import { downloadPathOf, installedPathOf, installedRelPath, safeJoin, type HubPaths } from './hub-paths.js';
import { fetchDataFile, readItemBytes, type DataSource, type HubSource } from './hub-source.js';
import { writeHubState, type HubState, type InstalledItem } from './hub-state.js';
import { readItemFile, sha256Hex, type ItemFile } from './item-file.js';

/**
 * What install, upgrade and remove share: the context they run in, the events they report as they
 * go (so the CLI shows progress), and the one path by which an item reaches the installed content
 * directory — fetched, checked against the index digest, parsed, its data files in place, then
 * written whole and recorded.
 */

export interface HubOperationContext {
  paths: HubPaths;
  index: HubIndex;
  /** Where item files come from. */
  source: HubSource;
  /** Where data files come from. */
  dataSource: DataSource;
  clock: Clock;
  timeoutMs: number;
  /** Called for each event as it happens. */
  onEvent?: (e: HubEvent) => void;
}

export type HubAction = 'installed' | 'upgraded' | 'removed' | 'skipped' | 'kept' | 'data' | 'failed';

export interface HubEvent {
  action: HubAction;
  /** `type:name`. */
  item: string;
  message: string;
  /** The HerdError code of a failure. */
  code?: string;
}

export interface HubOutcome {
  events: HubEvent[];
  /** How many items failed; the command exits 1 when this is not 0. */
  failed: number;
}

/** Collects events and passes each on as it happens. */
export class EventLog {
  readonly events: HubEvent[] = [];
  constructor(private readonly onEvent?: (e: HubEvent) => void) {}

  add(action: HubAction, item: string, message: string, code?: string): void {
    const e: HubEvent = code ? { action, item, message, code } : { action, item, message };
    this.events.push(e);
    this.onEvent?.(e);
  }

  fail(item: string, err: unknown): void {
    this.add('failed', item, errorMessage(err), err instanceof HerdError ? err.code : undefined);
  }

  outcome(): HubOutcome {
    return { events: this.events, failed: this.events.filter((e) => e.action === 'failed').length };
  }
}

/** The item's file at its latest version, refused unless its sha256 is the index's digest for that version. */
export async function fetchVerified(ctx: HubOperationContext, item: HubItem): Promise<{ bytes: Buffer; where: string }> {
  const { bytes, where } = await readItemBytes(ctx.source, item, ctx.timeoutMs);
  const expected = item.versions[item.version]!.digest;
  const actual = sha256Hex(bytes);
  if (actual !== expected) {
    throw new HerdError(
      'HERD_HUB_DIGEST',
      `${item.fqName}: the file has sha256 ${actual} but the index says version ${item.version} has ${expected}; nothing was installed — the hub changed since the index was fetched (run herd hub update) or the file was altered on the way`,
      { where },
    );
  }
  return { bytes, where };
}

/** Brings the data files an item asks for into the data directory. */
export async function bringData(ctx: HubOperationContext, log: EventLog, item: HubItem, file: ItemFile, refresh: boolean): Promise<void> {
  const dests = file.data.map((d) => ({ entry: d, dest: safeJoin(ctx.paths.data, d.destFile, `${item.fqName}: data dest_file`) }));
  for (const { entry, dest } of dests) {
    const r = await fetchDataFile(entry, dest, ctx.dataSource, { timeoutMs: ctx.timeoutMs, refresh });
    if (r === 'downloaded' || r === 'copied') log.add('data', item.fqName, `${entry.destFile} ${r} from ${ctx.dataSource.kind === 'dir' ? ctx.dataSource.dir : entry.sourceUrl}`);
  }
}

/**
 * Puts a verified item in place: parses it (a YAML error names the file and line), brings its data
 * files, writes the downloaded copy and the installed file, and records it in the state (saved at
 * once, so an interrupted run keeps what it finished). `refreshData` re-checks data files already there.
 */
export async function placeItem(
  ctx: HubOperationContext,
  state: HubState,
  log: EventLog,
  item: HubItem,
  fetched: { bytes: Buffer; where: string },
  opts: { explicit: boolean; refreshData: boolean },
): Promise<InstalledItem> {
  const file = readItemFile(fetched.bytes, fetched.where, item.fqName, item.type === 'collections');
  await bringData(ctx, log, item, file, opts.refreshData);
  writeFileAtomic(downloadPathOf(ctx.paths, item), fetched.bytes);
  writeFileAtomic(installedPathOf(ctx.paths, item), fetched.bytes);
  const rec: InstalledItem = {
    type: item.type,
    name: item.name,
    version: item.version,
    digest: sha256Hex(fetched.bytes),
    path: installedRelPath(item),
    explicit: opts.explicit,
    data: file.data.map((d) => d.destFile),
    installedAt: new Date(ctx.clock.now()).toISOString(),
  };
  state.items[item.fqName] = rec;
  writeHubState(ctx.paths, state);
  return rec;
}
