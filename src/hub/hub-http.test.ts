import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { installItems } from './hub-install.js';
import { openHub } from './hub-management.js';
import { hubPaths } from './hub-paths.js';
import { readHubState } from './hub-state.js';
import { CROWDSEC_PATTERN_FILES, updateHub } from './hub-update.js';
import { startHubServer, writeTestHub, type TestHubServer, type TestItem } from './test-kit.js';
import { herdErrorOfAsync } from '../../test/support/herd-error.js';

/**
 * The download path, against a real HTTP server on 127.0.0.1: the index, items and data files
 * come over HTTP; a tampered file, a server that never answers, and a refused connection each give
 * a clear error naming the URL, and leave no half-written file behind.
 */

const root = mkdtempSync(join(tmpdir(), 'herd-hub-http-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let server: TestHubServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const scenario = (name: string, extra = '') => `type: leaky\nname: ${name}\ndescription: "test"\nfilter: "true"\ncapacity: 5\nleakspeed: 10s\n${extra}`;

let n = 0;
/** A server serving `<dir>/hub` (a hub), `<dir>/data` (data files) and `<dir>/patterns`. */
async function setup() {
  const dir = join(root, `case${++n}`);
  mkdirSync(dir, { recursive: true });
  server = await startHubServer(dir);
  const url = server.url;
  const items: TestItem[] = [
    { type: 'parsers', name: 'acme/web-logs', stage: 's01-parse', versions: ['name: acme/web-logs\nfilter: "true"\n'] },
    { type: 'scenarios', name: 'acme/probing', versions: [scenario('acme/probing', `data:\n  - source_url: ${url}/data/web/probes.txt\n    dest_file: probes.txt\n    type: string\n`)] },
    { type: 'collections', name: 'acme/web', versions: ['name: acme/web\n'], deps: { parsers: ['acme/web-logs'], scenarios: ['acme/probing'] } },
  ];
  writeTestHub(join(dir, 'hub'), items);
  mkdirSync(join(dir, 'data', 'web'), { recursive: true });
  writeFileSync(join(dir, 'data', 'web', 'probes.txt'), '/wp-admin\n');
  mkdirSync(join(dir, 'patterns'), { recursive: true });
  for (const f of CROWDSEC_PATTERN_FILES) writeFileSync(join(dir, 'patterns', f), `# ${f}\n${f.toUpperCase().replace(/[^A-Z]/g, '_')}_TEST [a-z]+\n`);
  const paths = hubPaths(join(dir, 'datadir'));
  const s = server;
  return { dir, url, server: s, paths, hubUrl: `${url}/hub` };
}

/** Files under a directory whose name says they are temporary. */
function tempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
}

async function ctxOf(paths: ReturnType<typeof hubPaths>, timeoutMs = 5000) {
  const h = await openHub({ dataDir: join(paths.root, '..') }, { timeoutMs });
  return { paths, index: h.index, source: h.source, dataSource: h.dataSource, clock: new ManualClock(0), timeoutMs };
}

describe('hub over HTTP', () => {
  it('updates the index and the pattern library, then installs a collection and its data files by HTTP', async () => {
    const t = await setup();
    const r = await updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: { kind: 'url', url: `${t.url}/patterns` } });
    expect(r.index).toEqual({ where: `${t.hubUrl}/.index.json`, items: 3, problems: [] });
    expect(readdirSync(t.paths.patterns).sort()).toEqual([...CROWDSEC_PATTERN_FILES].sort());
    expect(readFileSync(join(t.paths.patterns, 'ssh'), 'utf8')).toContain('SSH_TEST');
    expect(readHubState(t.paths).source).toEqual({ kind: 'url', url: t.hubUrl });

    // Later commands fetch items from the hub the update used.
    const out = await installItems(await ctxOf(t.paths), [{ type: 'collections', name: 'acme/web' }]);
    expect(out.failed).toBe(0);
    expect(t.server.requests).toEqual(expect.arrayContaining(['hub/parsers/s01-parse/acme/web-logs.yaml', 'hub/scenarios/acme/probing.yaml', 'hub/collections/acme/web.yaml', 'data/web/probes.txt']));
    expect(readFileSync(join(t.paths.installed, 'scenarios/acme/probing.yaml'), 'utf8')).toContain('name: acme/probing');
    expect(readFileSync(join(t.paths.data, 'probes.txt'), 'utf8')).toBe('/wp-admin\n');
    expect(out.events).toContainEqual({ action: 'data', item: 'scenarios:acme/probing', message: `probes.txt downloaded from ${t.url}/data/web/probes.txt` });
    expect(tempFiles(t.paths.root)).toEqual([]);
  });

  it('refuses a downloaded item whose sha256 differs from the index, naming the URL', async () => {
    const t = await setup();
    await updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: null });
    t.server.override('hub/parsers/s01-parse/acme/web-logs.yaml', { body: 'name: acme/web-logs\nfilter: "evil"\n' });
    const out = await installItems(await ctxOf(t.paths), [{ type: 'collections', name: 'acme/web' }]);
    expect(out.failed).toBe(2);
    const fail = out.events.find((e) => e.item === 'parsers:acme/web-logs')!;
    expect(fail).toMatchObject({ action: 'failed', code: 'HERD_HUB_DIGEST' });
    expect(fail.message).toContain(`${t.hubUrl}/parsers/s01-parse/acme/web-logs.yaml: parsers:acme/web-logs: the file has sha256`);
    expect(existsSync(join(t.paths.installed, 'parsers'))).toBe(false);
    expect(out.events.find((e) => e.item === 'collections:acme/web')!.code).toBe('HERD_HUB_DEPENDENCY_FAILED');
  });

  it('gives up on a server that does not answer in time, naming the URL and suggesting --hub', async () => {
    const t = await setup();
    t.server.override('hub/.index.json', { hang: true });
    const err = await herdErrorOfAsync(() => updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 300, patterns: null }));
    expect(err.code).toBe('HERD_HUB_FETCH');
    expect(err.message).toBe(`cannot download ${t.hubUrl}/.index.json: no complete answer within 0.3s; check the network, or use a local copy of the hub with --hub DIR`);
    expect(existsSync(t.paths.index)).toBe(false);
  });

  it('gives up on a data file that stops half-way, leaving neither the file nor a temporary file', async () => {
    const t = await setup();
    await updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: null });
    t.server.override('data/web/probes.txt', { partial: '/wp-ad' });
    const out = await installItems(await ctxOf(t.paths, 300), [{ type: 'scenarios', name: 'acme/probing' }]);
    expect(out.events).toEqual([expect.objectContaining({ action: 'failed', code: 'HERD_HUB_FETCH', message: expect.stringContaining(`${t.url}/data/web/probes.txt: no complete answer within 0.3s`) })]);
    expect(out.events[0]!.message).toContain('--data-source');
    expect(existsSync(join(t.paths.data, 'probes.txt'))).toBe(false);
    expect(tempFiles(t.paths.root)).toEqual([]);
  });

  it('reports an HTTP error status with the URL', async () => {
    const t = await setup();
    t.server.override('hub/.index.json', { status: 503 });
    const err = await herdErrorOfAsync(() => updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: null }));
    expect(err.message).toContain(`cannot download ${t.hubUrl}/.index.json: the server answered HTTP 503; check the network, or use a local copy of the hub with --hub DIR`);
  });

  it('reports a refused connection with the URL and the reason', async () => {
    const t = await setup();
    await t.server.close();
    server = null;
    const err = await herdErrorOfAsync(() => updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: null }));
    expect(err.code).toBe('HERD_HUB_FETCH');
    expect(err.message).toMatch(new RegExp(`^cannot download ${t.hubUrl.replace(/\./g, '\\.')}/\\.index\\.json: ECONNREFUSED.*--hub DIR$`));
  });

  it('keeps the previous index and pattern library when an update fails half-way', async () => {
    const t = await setup();
    await updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: { kind: 'url', url: `${t.url}/patterns` } });
    const before = readFileSync(join(t.paths.patterns, 'ssh'), 'utf8');
    t.server.override('patterns/ssh', { status: 404 });
    writeFileSync(join(t.dir, 'patterns', 'aws'), 'AWS_CHANGED x\n');
    const err = await herdErrorOfAsync(() => updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: { kind: 'url', url: `${t.url}/patterns` } }));
    expect(err.message).toContain(`${t.url}/patterns/ssh: the server answered HTTP 404`);
    expect(readFileSync(join(t.paths.patterns, 'ssh'), 'utf8')).toBe(before);
    expect(readFileSync(join(t.paths.patterns, 'aws'), 'utf8')).not.toContain('AWS_CHANGED');
    expect(readdirSync(t.paths.root).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('refuses an answer that is not a hub index, keeping the index in place', async () => {
    const t = await setup();
    await updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: null });
    const before = readFileSync(t.paths.index, 'utf8');
    t.server.override('hub/.index.json', { body: '<html>captive portal</html>' });
    const err = await herdErrorOfAsync(() => updateHub({ paths: t.paths, source: { kind: 'url', url: t.hubUrl }, timeoutMs: 5000, patterns: null }));
    expect(err.code).toBe('HERD_HUB_INDEX');
    expect(readFileSync(t.paths.index, 'utf8')).toBe(before);
  });
});

describe('updating from local directories', () => {
  it('copies the index of a local hub and a local pattern library', async () => {
    const t = await setup();
    const r = await updateHub({ paths: t.paths, source: { kind: 'dir', dir: join(t.dir, 'hub') }, timeoutMs: 5000, patterns: { kind: 'dir', dir: join(t.dir, 'patterns') } });
    expect(r.index.items).toBe(3);
    expect(r.patterns!.files.length).toBe(CROWDSEC_PATTERN_FILES.length);
    expect(readFileSync(t.paths.index, 'utf8')).toBe(readFileSync(join(t.dir, 'hub', '.index.json'), 'utf8'));
    expect(t.server.requests).toEqual([]);
  });

  it('refuses a pattern directory without any grok pattern', async () => {
    const t = await setup();
    mkdirSync(join(t.dir, 'empty'));
    writeFileSync(join(t.dir, 'empty', 'README'), 'nothing here\n');
    const err = await herdErrorOfAsync(() => updateHub({ paths: t.paths, source: { kind: 'dir', dir: join(t.dir, 'hub') }, timeoutMs: 5000, patterns: { kind: 'dir', dir: join(t.dir, 'empty') } }));
    expect(err.code).toBe('HERD_HUB_PATTERNS');
  });

  it('says to run update when there is no index yet', async () => {
    const t = await setup();
    const err = await herdErrorOfAsync(() => openHub({ dataDir: join(t.dir, 'datadir') }, { timeoutMs: 1000 }));
    expect(err.code).toBe('HERD_HUB_NO_INDEX');
    expect(err.message).toContain('run herd hub update');
  });
});
