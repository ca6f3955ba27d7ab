import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { loadHubIndex, type HubRef } from './hub-index.js';
import { installItems, upgradeItems } from './hub-install.js';
import type { HubEvent, HubOperationContext } from './hub-operation.js';
import { hubPaths } from './hub-paths.js';
import { removeItems } from './hub-remove.js';
import { readHubState } from './hub-state.js';
import { HubView, inspectItem } from './hub-status.js';
import { writeTestHub, type TestItem } from './test-kit.js';

const root = mkdtempSync(join(tmpdir(), 'herd-hub-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DATA_URL = 'https://hub-data.example.net';

const parser = (name: string, extra = '') => `filter: "evt.Line.Labels.type == 'web'"\nonsuccess: next_stage\nname: ${name}\ndescription: "test"\n${extra}`;
const scenario = (name: string, extra = '') => `type: leaky\nname: ${name}\ndescription: "test"\nfilter: "true"\ncapacity: 5\nleakspeed: 10s\n${extra}`;
const withData = (file: string) => `data:\n  - source_url: ${DATA_URL}/web/${file}\n    dest_file: ${file}\n    type: string\n`;

/** A small hub: a web collection pulling a parser, two scenarios (one with a data file), a context, AppSec rules and a base collection. */
function baseItems(): TestItem[] {
  return [
    { type: 'parsers', name: 'acme/web-logs', stage: 's01-parse', versions: [parser('acme/web-logs')] },
    { type: 'parsers', name: 'acme/ssh-logs', stage: 's01-parse', versions: [parser('acme/ssh-logs')] },
    { type: 'scenarios', name: 'acme/web-probing', versions: [scenario('acme/web-probing', withData('probes.txt'))] },
    { type: 'scenarios', name: 'acme/web-bf', versions: [scenario('acme/web-bf') + '# v1\n', scenario('acme/web-bf') + '# v2\n'] },
    { type: 'scenarios', name: 'acme/ssh-bf', versions: [scenario('acme/ssh-bf')] },
    { type: 'contexts', name: 'acme/web-context', versions: ['context:\n  target_uri:\n    - evt.Meta.http_path\n'] },
    { type: 'appsec-rules', name: 'acme/vpatch', versions: ['name: acme/vpatch\n'] },
    { type: 'collections', name: 'acme/base-http', versions: ['name: acme/base-http\nscenarios:\n  - acme/web-bf\n'], deps: { scenarios: ['acme/web-bf'] } },
    {
      type: 'collections',
      name: 'acme/web',
      versions: ['name: acme/web\nparsers:\n  - acme/web-logs\nscenarios:\n  - acme/web-probing\ncollections:\n  - acme/base-http\ncontexts:\n  - acme/web-context\nappsec-rules:\n  - acme/vpatch\n'],
      deps: { parsers: ['acme/web-logs'], scenarios: ['acme/web-probing'], collections: ['acme/base-http'], contexts: ['acme/web-context'], 'appsec-rules': ['acme/vpatch'] },
    },
    {
      type: 'collections',
      name: 'acme/ssh',
      versions: ['name: acme/ssh\nparsers:\n  - acme/ssh-logs\nscenarios:\n  - acme/ssh-bf\n  - acme/web-bf\n'],
      deps: { parsers: ['acme/ssh-logs'], scenarios: ['acme/ssh-bf', 'acme/web-bf'] },
    },
  ];
}

let n = 0;
/** A fresh hub directory, data mirror and data directory, with a context to run operations in. */
function setup(items: TestItem[] = baseItems()) {
  const dir = join(root, `case${++n}`);
  const hubDir = join(dir, 'hub');
  const mirror = join(dir, 'mirror');
  writeTestHub(hubDir, items);
  mkdirSync(join(mirror, 'web'), { recursive: true });
  writeFileSync(join(mirror, 'web', 'probes.txt'), '/wp-admin\n/.env\n');
  const paths = hubPaths(join(dir, 'data'));
  const events: HubEvent[] = [];
  const ctx = (): HubOperationContext => ({
    paths,
    index: loadHubIndex(readFileSync(join(hubDir, '.index.json'), 'utf8'), hubDir),
    source: { kind: 'dir', dir: hubDir },
    dataSource: { kind: 'dir', dir: mirror },
    clock: new ManualClock(Date.UTC(2026, 0, 8)),
    timeoutMs: 5000,
    onEvent: (e) => events.push(e),
  });
  const view = () => {
    const c = ctx();
    return new HubView(paths, c.index, readHubState(paths));
  };
  const status = (ref: HubRef) => view().view(ref).status;
  return { dir, hubDir, mirror, paths, events, ctx, view, status, rewrite: (next: TestItem[]) => writeTestHub(hubDir, next) };
}

const C = (name: string): HubRef => ({ type: 'collections', name });
const P = (name: string): HubRef => ({ type: 'parsers', name });
const S = (name: string): HubRef => ({ type: 'scenarios', name });

describe('installItems', () => {
  it('installs a collection with everything it pulls, in herd’s content layout, with its data files', async () => {
    const h = setup();
    const out = await installItems(h.ctx(), [C('acme/web')]);
    expect(out.failed).toBe(0);
    const inst = h.paths.installed;
    expect(readFileSync(join(inst, 'parsers/s01-parse/acme/web-logs.yaml'), 'utf8')).toBe(parser('acme/web-logs'));
    expect(existsSync(join(inst, 'scenarios/acme/web-probing.yaml'))).toBe(true);
    expect(existsSync(join(inst, 'scenarios/acme/web-bf.yaml'))).toBe(true);
    expect(existsSync(join(inst, 'contexts/acme/web-context.yaml'))).toBe(true);
    expect(existsSync(join(inst, 'collections/acme/web.yaml'))).toBe(true);
    expect(existsSync(join(inst, 'collections/acme/base-http.yaml'))).toBe(true);
    expect(readFileSync(join(h.paths.data, 'probes.txt'), 'utf8')).toBe('/wp-admin\n/.env\n');
    expect(existsSync(join(h.paths.items, 'parsers/s01-parse/acme/web-logs.yaml'))).toBe(true);
    // AppSec content is listed by the collection but not installed.
    expect(existsSync(join(inst, 'appsec-rules'))).toBe(false);
    expect(out.events).toContainEqual({ action: 'skipped', item: 'appsec-rules:acme/vpatch', message: expect.stringContaining('does not run AppSec') });

    const state = readHubState(h.paths);
    expect(state.items['collections:acme/web']).toMatchObject({ explicit: true, version: '0.1' });
    expect(state.items['parsers:acme/web-logs']).toMatchObject({ explicit: false, path: 'parsers/s01-parse/acme/web-logs.yaml', installedAt: '2026-01-08T00:00:00.000Z' });
    expect(state.items['scenarios:acme/web-probing']!.data).toEqual(['probes.txt']);
    expect(state.items['scenarios:acme/web-bf']!.version).toBe('0.2');
    // Dependencies come before the collections that need them.
    const order = out.events.filter((e) => e.action === 'installed').map((e) => e.item);
    expect(order.indexOf('collections:acme/base-http')).toBeGreaterThan(order.indexOf('scenarios:acme/web-bf'));
    expect(order[order.length - 1]).toBe('collections:acme/web');
    expect(h.status(C('acme/web'))).toBe('up-to-date');
  });

  it('refuses a file whose sha256 is not the index digest for its version, writing nothing', async () => {
    const h = setup();
    writeFileSync(join(h.hubDir, 'scenarios/acme/ssh-bf.yaml'), scenario('acme/ssh-bf') + 'capacity: 1000000\n');
    const out = await installItems(h.ctx(), [S('acme/ssh-bf'), P('acme/ssh-logs')]);
    expect(out.failed).toBe(1);
    const fail = out.events.find((e) => e.action === 'failed')!;
    expect(fail).toMatchObject({ item: 'scenarios:acme/ssh-bf', code: 'HERD_HUB_DIGEST' });
    expect(fail.message).toContain(join(h.hubDir, 'scenarios/acme/ssh-bf.yaml'));
    expect(fail.message).toMatch(/the index says version 0\.1 has [0-9a-f]{64}/);
    expect(existsSync(join(h.paths.installed, 'scenarios/acme/ssh-bf.yaml'))).toBe(false);
    expect(existsSync(join(h.paths.items, 'scenarios/acme/ssh-bf.yaml'))).toBe(false);
    // The other item still went in.
    expect(existsSync(join(h.paths.installed, 'parsers/s01-parse/acme/ssh-logs.yaml'))).toBe(true);
  });

  it('names the file, line and reason of a malformed item, installs the rest, and leaves its collection out', async () => {
    const items = baseItems();
    const bad = items.find((i) => i.name === 'acme/ssh-bf')!;
    bad.versions = ['type: leaky\nname: acme/ssh-bf\nfilter: "true"\nlabels:\n  remediation: [true\n'];
    const h = setup(items);
    const out = await installItems(h.ctx(), [C('acme/ssh'), S('acme/web-probing')]);
    expect(out.failed).toBe(2);
    const fail = out.events.find((e) => e.item === 'scenarios:acme/ssh-bf')!;
    expect(fail.action).toBe('failed');
    expect(fail.code).toBe('HERD_YAML_SYNTAX');
    expect(fail.message).toMatch(new RegExp(`${join(h.hubDir, 'scenarios/acme/ssh-bf.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: invalid YAML`));
    expect(out.events).toContainEqual(expect.objectContaining({ action: 'failed', item: 'collections:acme/ssh', code: 'HERD_HUB_DEPENDENCY_FAILED' }));
    expect(existsSync(join(h.paths.installed, 'collections/acme/ssh.yaml'))).toBe(false);
    expect(existsSync(join(h.paths.installed, 'parsers/s01-parse/acme/ssh-logs.yaml'))).toBe(true);
    expect(existsSync(join(h.paths.installed, 'scenarios/acme/web-probing.yaml'))).toBe(true);
  });

  it('fails an item whose data file is missing from the mirror, naming the URL and the path looked for', async () => {
    const h = setup();
    rmSync(join(h.mirror, 'web', 'probes.txt'));
    const out = await installItems(h.ctx(), [S('acme/web-probing')]);
    expect(out.failed).toBe(1);
    expect(out.events[0]).toMatchObject({ action: 'failed', code: 'HERD_HUB_DATA' });
    expect(out.events[0]!.message).toContain(`${DATA_URL}/web/probes.txt`);
    expect(out.events[0]!.message).toContain(join(h.mirror, 'web', 'probes.txt'));
    expect(existsSync(join(h.paths.installed, 'scenarios/acme/web-probing.yaml'))).toBe(false);
  });

  it('refuses a data dest_file that would be written outside the data directory', async () => {
    const items = baseItems();
    items.find((i) => i.name === 'acme/ssh-bf')!.versions = [scenario('acme/ssh-bf', `data:\n  - source_url: ${DATA_URL}/web/probes.txt\n    dest_file: ../../../evil.txt\n`)];
    const h = setup(items);
    const out = await installItems(h.ctx(), [S('acme/ssh-bf')]);
    expect(out.events[0]).toMatchObject({ action: 'failed', code: 'HERD_HUB_UNSAFE_PATH' });
    expect(readdirSync(h.dir)).not.toContain('evil.txt');
  });

  it('refuses AppSec items named directly and items the index does not have', async () => {
    const h = setup();
    const out = await installItems(h.ctx(), [{ type: 'appsec-rules', name: 'acme/vpatch' }, S('acme/nope')]);
    expect(out.events.map((e) => [e.action, e.code])).toEqual([
      ['failed', 'HERD_HUB_UNSUPPORTED'],
      ['failed', 'HERD_HUB_UNKNOWN_ITEM'],
    ]);
  });

  it('leaves an installed item alone, but records it as named by the user', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web')]);
    expect(readHubState(h.paths).items['parsers:acme/web-logs']!.explicit).toBe(false);
    h.events.length = 0;
    const out = await installItems(h.ctx(), [P('acme/web-logs')]);
    expect(out.events).toEqual([{ action: 'skipped', item: 'parsers:acme/web-logs', message: 'already installed (0.1)' }]);
    expect(readHubState(h.paths).items['parsers:acme/web-logs']!.explicit).toBe(true);
  });
});

describe('status and inspect', () => {
  it('tells up-to-date, update-available and tainted apart, and taints a collection by its items', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web')]);
    // A new version of web-bf in the hub.
    const items = baseItems();
    items.find((i) => i.name === 'acme/web-bf')!.versions.push(scenario('acme/web-bf') + '# v3\n');
    h.rewrite(items);
    expect(h.status(S('acme/web-bf'))).toBe('update-available');
    expect(h.view().view(S('acme/web-bf')).localVersion).toBe('0.2');
    // A local edit.
    writeFileSync(join(h.paths.installed, 'scenarios/acme/web-probing.yaml'), scenario('acme/web-probing') + 'capacity: 1\n');
    expect(h.status(S('acme/web-probing'))).toBe('tainted');
    const web = h.view().view(C('acme/web'));
    expect(web.status).toBe('tainted');
    expect(web.taintedBy).toEqual(['scenarios:acme/web-probing']);
    expect(h.status(P('acme/web-logs'))).toBe('up-to-date');
    expect(h.status(P('acme/ssh-logs'))).toBe('not-installed');

    const d = inspectItem(h.view(), C('acme/web'));
    expect(d.dependencies.map((x) => [x.fqName, x.status])).toEqual([
      ['parsers:acme/web-logs', 'up-to-date'],
      ['scenarios:acme/web-probing', 'tainted'],
      ['contexts:acme/web-context', 'up-to-date'],
      ['appsec-rules:acme/vpatch', 'not-installed'],
      ['collections:acme/base-http', 'up-to-date'],
    ]);
    expect(inspectItem(h.view(), S('acme/web-bf')).neededBy).toEqual(['collections:acme/base-http']);
    expect(inspectItem(h.view(), S('acme/web-probing')).dataFiles).toEqual([join(h.paths.data, 'probes.txt')]);
  });

  it('lists installed items by default, every index item with all', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/base-http')]);
    expect(h.view().list().map((v) => v.fqName)).toEqual(['scenarios:acme/web-bf', 'collections:acme/base-http']);
    const all = h.view().list({ all: true });
    expect(all.length).toBe(baseItems().length);
    expect(all.find((v) => v.type === 'appsec-rules')!.supported).toBe(false);
    expect(h.view().list({ all: true, type: 'parsers' }).map((v) => v.name)).toEqual(['acme/ssh-logs', 'acme/web-logs']);
  });
});

describe('upgradeItems', () => {
  it('upgrades to the index version, installs what a collection newly lists, and skips local edits unless forced', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web'), C('acme/ssh')]);
    const items = baseItems();
    items.find((i) => i.name === 'acme/web-bf')!.versions.push(scenario('acme/web-bf') + '# v3\n');
    items.find((i) => i.name === 'acme/ssh-bf')!.versions.push(scenario('acme/ssh-bf') + '# v2\n');
    items.push({ type: 'scenarios', name: 'acme/web-new', versions: [scenario('acme/web-new')] });
    const base = items.find((i) => i.name === 'acme/base-http')!;
    base.versions.push('name: acme/base-http\nscenarios:\n  - acme/web-bf\n  - acme/web-new\n');
    base.deps = { scenarios: ['acme/web-bf', 'acme/web-new'] };
    h.rewrite(items);
    writeFileSync(join(h.paths.installed, 'scenarios/acme/ssh-bf.yaml'), 'edited locally\n');

    const out = await upgradeItems(h.ctx(), 'all');
    expect(out.failed).toBe(0);
    expect(out.events).toContainEqual({ action: 'upgraded', item: 'scenarios:acme/web-bf', message: '0.2 → 0.3' });
    expect(out.events).toContainEqual({ action: 'installed', item: 'scenarios:acme/web-new', message: '0.1' });
    expect(out.events).toContainEqual({ action: 'upgraded', item: 'collections:acme/base-http', message: '0.1 → 0.2' });
    expect(out.events).toContainEqual(expect.objectContaining({ action: 'skipped', item: 'scenarios:acme/ssh-bf', message: expect.stringContaining('modified locally') }));
    expect(readFileSync(join(h.paths.installed, 'scenarios/acme/web-bf.yaml'), 'utf8')).toContain('# v3');
    expect(readFileSync(join(h.paths.installed, 'scenarios/acme/ssh-bf.yaml'), 'utf8')).toBe('edited locally\n');
    expect(readHubState(h.paths).items['scenarios:acme/web-new']!.explicit).toBe(false);

    const forced = await upgradeItems(h.ctx(), [S('acme/ssh-bf')], { force: true });
    expect(forced.events).toEqual([{ action: 'upgraded', item: 'scenarios:acme/ssh-bf', message: '0.1 → 0.2' }]);
    expect(h.status(S('acme/ssh-bf'))).toBe('up-to-date');
  });

  it('refreshes the data files of an up-to-date item from the mirror', async () => {
    const h = setup();
    await installItems(h.ctx(), [S('acme/web-probing')]);
    writeFileSync(join(h.mirror, 'web', 'probes.txt'), '/wp-admin\n/.env\n/.git/config\n');
    const out = await upgradeItems(h.ctx(), 'all');
    expect(out.events.map((e) => e.action)).toEqual(['data', 'skipped']);
    expect(readFileSync(join(h.paths.data, 'probes.txt'), 'utf8')).toContain('/.git/config');
  });

  it('says an item is not installed instead of upgrading it', async () => {
    const h = setup();
    const out = await upgradeItems(h.ctx(), [S('acme/web-bf')]);
    expect(out.events).toEqual([expect.objectContaining({ action: 'failed', code: 'HERD_HUB_NOT_INSTALLED' })]);
  });
});

describe('removeItems', () => {
  it('refuses to remove an item an installed collection needs, unless forced', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web')]);
    const out = await removeItems(h.ctx(), [P('acme/web-logs')]);
    expect(out.events).toEqual([expect.objectContaining({ action: 'failed', code: 'HERD_HUB_NEEDED', message: expect.stringContaining('still needed by collections:acme/web') })]);
    expect(existsSync(join(h.paths.installed, 'parsers/s01-parse/acme/web-logs.yaml'))).toBe(true);

    const forced = await removeItems(h.ctx(), [P('acme/web-logs')], { force: true });
    expect(forced.events).toEqual([{ action: 'removed', item: 'parsers:acme/web-logs', message: '0.1' }]);
    expect(existsSync(join(h.paths.installed, 'parsers/s01-parse/acme/web-logs.yaml'))).toBe(false);
    // The collection now misses one of its items.
    expect(h.view().view(C('acme/web'))).toMatchObject({ status: 'tainted', taintedBy: ['parsers:acme/web-logs'] });
  });

  it('removes a collection with the items it pulled, keeping those named by the user or needed by another collection', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web'), C('acme/ssh'), P('acme/web-logs')]);
    const out = await removeItems(h.ctx(), [C('acme/web')]);
    expect(out.failed).toBe(0);
    const by = (a: string) => out.events.filter((e) => e.action === a).map((e) => e.item).sort();
    expect(by('removed')).toEqual(['collections:acme/base-http', 'collections:acme/web', 'contexts:acme/web-context', 'scenarios:acme/web-probing']);
    expect(by('kept')).toEqual(['parsers:acme/web-logs', 'scenarios:acme/web-bf']);
    expect(out.events).toContainEqual({ action: 'kept', item: 'scenarios:acme/web-bf', message: 'still needed by collections:acme/ssh' });
    const left = Object.keys(readHubState(h.paths).items).sort();
    expect(left).toEqual(['collections:acme/ssh', 'parsers:acme/ssh-logs', 'parsers:acme/web-logs', 'scenarios:acme/ssh-bf', 'scenarios:acme/web-bf']);
    // Without --purge, data files and downloaded copies stay.
    expect(existsSync(join(h.paths.data, 'probes.txt'))).toBe(true);
    expect(existsSync(join(h.paths.items, 'scenarios/acme/web-probing.yaml'))).toBe(true);
  });

  it('keeps the items of a sub-collection the user installed by name', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web'), C('acme/base-http')]);
    const out = await removeItems(h.ctx(), [C('acme/web')]);
    expect(out.events.filter((e) => e.action === 'kept').map((e) => e.item).sort()).toEqual(['collections:acme/base-http', 'scenarios:acme/web-bf']);
    expect(h.status(S('acme/web-bf'))).toBe('up-to-date');
  });

  it('with purge, deletes the downloaded copy and the data files no remaining item uses', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/web')]);
    const out = await removeItems(h.ctx(), [C('acme/web')], { purge: true });
    expect(out.failed).toBe(0);
    expect(existsSync(join(h.paths.data, 'probes.txt'))).toBe(false);
    expect(existsSync(join(h.paths.items, 'scenarios/acme/web-probing.yaml'))).toBe(false);
    expect(readHubState(h.paths).items).toEqual({});
  });

  it('refuses to remove a locally modified item unless forced', async () => {
    const h = setup();
    await installItems(h.ctx(), [S('acme/ssh-bf')]);
    writeFileSync(join(h.paths.installed, 'scenarios/acme/ssh-bf.yaml'), 'mine\n');
    expect((await removeItems(h.ctx(), [S('acme/ssh-bf')])).events[0]).toMatchObject({ action: 'failed', code: 'HERD_HUB_TAINTED' });
    expect((await removeItems(h.ctx(), [S('acme/ssh-bf')], { force: true })).events[0]).toMatchObject({ action: 'removed' });
  });

  it('removes a collection and an item it needs named together', async () => {
    const h = setup();
    await installItems(h.ctx(), [C('acme/ssh'), P('acme/ssh-logs')]);
    const out = await removeItems(h.ctx(), [P('acme/ssh-logs'), C('acme/ssh')]);
    expect(out.failed).toBe(0);
    expect(readHubState(h.paths).items).toEqual({});
  });
});
