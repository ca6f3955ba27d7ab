import { Command } from 'commander';
import { HerdError, systemClock } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';
import {
  DEFAULT_PATTERNS_URL,
  DEFAULT_TIMEOUT_MS,
  HubView,
  HUB_ITEM_TYPES,
  inspectItem,
  installItems,
  isHubItemType,
  openHub,
  removeItems,
  resolveItem,
  resolveSource,
  updateHub,
  upgradeItems,
  type HubEvent,
  type HubItemType,
  type HubOutcome,
  type ItemView,
  type OpenedHub,
  type PatternSource,
} from '../hub/index.js';
import { cliContext } from './context.js';
import { clip, formatTable, printJson } from './table.js';

/**
 * `herd hub update|list|install|remove|upgrade|inspect`, like `cscli hub` and `cscli <type> …`.
 * Exit codes: 0 success; 1 when any item failed (the others are still done) or the hub could not be
 * read; 2 usage error.
 */

interface SourceOpts {
  hub?: string;
  hubUrl?: string;
  dataSource?: string;
  timeout?: string;
}

function timeoutOf(opts: SourceOpts): number {
  if (opts.timeout === undefined) return DEFAULT_TIMEOUT_MS;
  const ns = parseGoDuration(opts.timeout);
  if (ns === null || ns <= 0) throw new HerdError('HERD_CLI_ARG', `--timeout '${opts.timeout}' is not a positive duration (e.g. 30s, 2m)`);
  return Math.max(1, Math.round(ns / 1e6));
}

function typeOf(opts: { type?: string }): HubItemType | undefined {
  if (opts.type === undefined) return undefined;
  if (!isHubItemType(opts.type)) throw new HerdError('HERD_CLI_ARG', `--type '${opts.type}' is not an item type; use one of ${HUB_ITEM_TYPES.join(', ')}`);
  return opts.type;
}

async function open(cmd: Command, opts: SourceOpts, adopt: boolean): Promise<OpenedHub> {
  const ctx = cliContext(cmd);
  const hubUrl = opts.hubUrl ?? process.env.HERD_HUB_URL ?? ctx.config.hub.url ?? undefined;
  return openHub(
    { dataDir: ctx.config.dataDir, ...(opts.hub ? { hubDir: opts.hub } : {}), ...(hubUrl ? { hubUrl } : {}), ...(opts.dataSource ? { dataSource: opts.dataSource } : {}) },
    { adopt, timeoutMs: timeoutOf(opts) },
  );
}

function sourceOptions(c: Command, withData: boolean): Command {
  c.option('--hub <dir>', 'a local copy of the hub (its .index.json and item files) instead of the network')
    .option('--hub-url <url>', 'the hub base URL (default: $HERD_HUB_URL, the hub.url key, the hub used by the last update, else https://hub-cdn.crowdsec.net/master)')
    .option('--timeout <duration>', 'give up on a download after this long (default 30s)');
  if (withData) c.option('--data-source <dir>', 'copy data files from this mirror (source_url → DIR/<path after the host>) instead of downloading them');
  return c.option('--json', 'print JSON');
}

function printEvent(e: HubEvent): void {
  const line = `${e.action.padEnd(9)} ${e.item}  ${e.message}${e.code ? ` [${e.code}]` : ''}\n`;
  if (e.action === 'failed') process.stderr.write(line);
  else process.stdout.write(line);
}

/** Prints the outcome of install/upgrade/remove and sets the exit code. */
function finish(outcome: HubOutcome, json: boolean): void {
  if (json) printJson(outcome);
  else {
    const changed = outcome.events.filter((e) => e.action === 'installed' || e.action === 'upgraded' || e.action === 'removed').length;
    process.stdout.write(`${changed} item(s) changed, ${outcome.failed} failed.${changed > 0 ? ' Restart herd for the changes to take effect.' : ''}\n`);
  }
  if (outcome.failed > 0) process.exitCode = 1;
}

function note(v: ItemView): string {
  if (!v.supported) return 'AppSec: not run by herd';
  if (v.status === 'tainted') return `tainted by ${v.taintedBy.join(', ')}`;
  if (v.explicit === false) return 'dependency';
  return '';
}

export function itemJson(v: ItemView) {
  return {
    name: v.name,
    type: v.type,
    status: v.status,
    installed: v.installed,
    version: v.localVersion,
    latest_version: v.latestVersion,
    local_path: v.localPath,
    dependency: v.explicit === false,
    tainted_by: v.taintedBy,
    supported: v.supported,
    description: v.description,
  };
}

export function registerHub(program: Command): void {
  const hub = program.command('hub').description('CrowdSec hub content: fetch the index, install, upgrade and remove parsers, scenarios and collections');

  sourceOptions(
    hub
      .command('update')
      .description('fetch the hub index and the grok pattern library hub parsers need')
      .option('--patterns <dir>', 'copy this local grok pattern library instead of fetching CrowdSec\'s')
      .option('--patterns-url <url>', `where CrowdSec's pattern files are fetched from (default ${DEFAULT_PATTERNS_URL})`)
      .option('--no-patterns', 'leave the pattern library as it is'),
    false,
  ).action(async (opts, cmd: Command) => {
    const ctx = cliContext(cmd);
    const timeoutMs = timeoutOf(opts);
    const hubUrl: string | undefined = opts.hubUrl ?? process.env.HERD_HUB_URL ?? ctx.config.hub.url ?? undefined;
    // The source an update reads: --hub, --hub-url, or the hub it used last time.
    const { paths, source } = resolveSource({ dataDir: ctx.config.dataDir, ...(opts.hub ? { hubDir: opts.hub } : {}), ...(hubUrl ? { hubUrl } : {}) });
    let patterns: PatternSource | null;
    if (opts.patterns === false) patterns = null;
    else if (typeof opts.patterns === 'string') patterns = { kind: 'dir', dir: opts.patterns };
    else if (source.kind === 'dir' && !opts.patternsUrl) patterns = null;
    else patterns = { kind: 'url', url: opts.patternsUrl ?? DEFAULT_PATTERNS_URL };
    const r = await updateHub({ paths, source, timeoutMs, patterns });
    if (opts.json) return printJson(r);
    process.stdout.write(`hub index: ${r.index.items} items from ${r.index.where}\n`);
    for (const p of r.index.problems) process.stderr.write(`herd: warning: hub index item left out: ${p}\n`);
    if (r.patterns) process.stdout.write(`grok patterns: ${r.patterns.files.length} files from ${r.patterns.where}\n`);
    else if (opts.patterns !== false) process.stdout.write('grok patterns: not updated (a local hub has none); pass --patterns DIR, or --patterns-url URL\n');
  });

  sourceOptions(
    hub
      .command('list')
      .description('installed items with their status (up-to-date, update-available, tainted); --all for every item of the index')
      .option('-a, --all', 'every item of the index, installed or not')
      .option('-t, --type <type>', `only this type (${HUB_ITEM_TYPES.join(', ')})`),
    false,
  ).action(async (opts, cmd: Command) => {
    const type = typeOf(opts);
    const h = await open(cmd, opts, false);
    const views = new HubView(h.paths, h.index, h.state).list({ all: opts.all === true, ...(type ? { type } : {}) });
    if (opts.json) return printJson(views.map(itemJson));
    if (views.length === 0) return void process.stdout.write(opts.all ? 'The hub index is empty.\n' : 'No hub items installed; see herd hub list --all.\n');
    const rows = views.map((v) => [v.name, v.type, v.status, v.localVersion ?? '', v.latestVersion ?? '', clip(note(v))]);
    process.stdout.write(formatTable(['Name', 'Type', 'Status', 'Version', 'Latest', 'Note'], rows) + '\n');
    if (views.some((v) => !v.supported)) process.stdout.write('\nAppSec items (appsec-configs, appsec-rules) are listed by the hub but herd does not run them.\n');
  });

  sourceOptions(
    hub
      .command('install')
      .description('install items and what their collections pull, checking each file against the index sha256; data files too')
      .argument('<items...>', 'items: author/name, or type:author/name when a name is ambiguous')
      .option('-t, --type <type>', 'the type of the items named')
      .option('--force', 'fetch and write items already installed again (overwrites local changes)'),
    true,
  ).action(async (items: string[], opts, cmd: Command) => {
    const type = typeOf(opts);
    const h = await open(cmd, opts, true);
    const refs = items.map((i) => resolveItem(h.index, h.state, i, type));
    const outcome = await installItems(operation(h, opts), refs, { force: opts.force === true });
    finish(outcome, opts.json === true);
  });

  sourceOptions(
    hub
      .command('upgrade')
      .description('upgrade installed items to the index version (all installed items when none is named); locally modified files are skipped')
      .argument('[items...]', 'items to upgrade (default: all installed)')
      .option('-t, --type <type>', 'the type of the items named')
      .option('--force', 'overwrite locally modified files too'),
    true,
  ).action(async (items: string[], opts, cmd: Command) => {
    const type = typeOf(opts);
    const h = await open(cmd, opts, true);
    const refs = items.length > 0 ? items.map((i) => resolveItem(h.index, h.state, i, type)) : 'all';
    const outcome = await upgradeItems(operation(h, opts), refs, { force: opts.force === true });
    finish(outcome, opts.json === true);
  });

  hub
    .command('remove')
    .description('remove items (a collection also removes the items it pulled that nothing else needs)')
    .argument('<items...>', 'items: author/name, or type:author/name')
    .option('-t, --type <type>', 'the type of the items named')
    .option('--force', 'remove even when an installed collection needs the item, or it was modified locally')
    .option('--purge', 'also delete the downloaded copy and the data files no remaining item uses')
    .option('--hub <dir>', 'a local copy of the hub (its index), instead of the index of the last update')
    .option('--json', 'print JSON')
    .action(async (items: string[], opts, cmd: Command) => {
      const type = typeOf(opts);
      const h = await open(cmd, opts, false);
      const refs = items.map((i) => resolveItem(h.index, h.state, i, type));
      const outcome = await removeItems({ paths: h.paths, index: h.index, clock: systemClock, ...(opts.json ? {} : { onEvent: printEvent }) }, refs, {
        force: opts.force === true,
        purge: opts.purge === true,
      });
      finish(outcome, opts.json === true);
    });

  hub
    .command('inspect')
    .description('an item: versions, status, local path, what it pulls and what needs it')
    .argument('<item>', 'author/name, or type:author/name')
    .option('-t, --type <type>', 'the type of the item')
    .option('--hub <dir>', 'a local copy of the hub (its index), instead of the index of the last update')
    .option('--json', 'print JSON')
    .action(async (item: string, opts, cmd: Command) => {
      const type = typeOf(opts);
      const h = await open(cmd, opts, false);
      const ref = resolveItem(h.index, h.state, item, type);
      const d = inspectItem(new HubView(h.paths, h.index, h.state), ref);
      if (opts.json) {
        return printJson({
          ...itemJson(d),
          author: d.author,
          stage: d.stage,
          path: d.hubPath,
          versions: d.versions,
          dependencies: d.dependencies.map(itemJson),
          needed_by: d.neededBy,
          data_files: d.dataFiles,
        });
      }
      const lines: [string, string][] = [
        ['type', d.type],
        ['name', d.name],
        ['author', d.author ?? ''],
        ['description', d.description],
        ['status', d.status + (d.taintedBy.length ? ` (tainted by ${d.taintedBy.join(', ')})` : '')],
        ['installed version', d.localVersion ?? ''],
        ['latest version', d.latestVersion ?? ''],
        ['stage', d.stage ?? ''],
        ['hub path', d.hubPath ?? ''],
        ['local path', d.localPath ?? ''],
        ['installed as', d.explicit === null ? '' : d.explicit ? 'named by the user' : 'dependency'],
        ['needed by', d.neededBy.join(', ')],
        ['data files', d.dataFiles.join(', ')],
      ];
      if (!d.supported) lines.push(['note', 'AppSec content: herd does not run it']);
      for (const [k, v] of lines) if (v !== '') process.stdout.write(`${(k + ':').padEnd(19)}${v}\n`);
      if (d.dependencies.length > 0) {
        process.stdout.write('\n' + formatTable(['Name', 'Type', 'Status', 'Version'], d.dependencies.map((v) => [v.name, v.type, v.status, v.localVersion ?? ''])) + '\n');
      }
    });
}

function operation(h: OpenedHub, opts: SourceOpts & { json?: boolean }) {
  return {
    paths: h.paths,
    index: h.index,
    source: h.source,
    dataSource: h.dataSource,
    clock: systemClock,
    timeoutMs: timeoutOf(opts),
    ...(opts.json ? {} : { onEvent: printEvent }),
  };
}
