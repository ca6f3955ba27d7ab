import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, loadHubIndex } from './hub-index.js';
import { buildIndex, sha256, type TestItem } from './test-kit.js';
import { herdErrorOf } from '../../test/support/herd-error.js';

const SEED = { seed: 20260412 };

const items: TestItem[] = [
  { type: 'parsers', name: 'acme/web-logs', stage: 's01-parse', versions: ['name: acme/web-logs\n'] },
  { type: 'scenarios', name: 'acme/web-bf', versions: ['name: acme/web-bf\nv: 1\n', 'name: acme/web-bf\nv: 2\n'] },
  { type: 'appsec-rules', name: 'acme/vpatch', versions: ['name: acme/vpatch\n'] },
  { type: 'collections', name: 'acme/base', versions: ['name: acme/base\n'], deps: { scenarios: ['acme/web-bf'] } },
  { type: 'collections', name: 'acme/web', versions: ['name: acme/web\n'], deps: { parsers: ['acme/web-logs'], collections: ['acme/base'], 'appsec-rules': ['acme/vpatch'] } },
];

describe('loadHubIndex', () => {
  it('reads each item with its path, stage, latest version, digests and dependencies', () => {
    const index = loadHubIndex(buildIndex(items), 'test/.index.json');
    expect(index.problems).toEqual([]);
    const p = index.get('parsers', 'acme/web-logs')!;
    expect(p).toMatchObject({ fqName: 'parsers:acme/web-logs', author: 'acme', stage: 's01-parse', path: 'parsers/s01-parse/acme/web-logs.yaml', version: '0.1', supported: true });
    const s = index.get('scenarios', 'acme/web-bf')!;
    expect(s.version).toBe('0.2');
    expect(s.versions['0.1']!.digest).toBe(sha256('name: acme/web-bf\nv: 1\n'));
    expect(s.stage).toBeNull();
    expect(index.get('collections', 'acme/web')!.dependencies.collections).toEqual(['acme/base']);
    expect(index.get('appsec-rules', 'acme/vpatch')!.supported).toBe(false);
    expect(index.items('collections').map((c) => c.name)).toEqual(['acme/base', 'acme/web']);
  });

  it('leaves out an item whose path would leave the hub, and says why, keeping the others', () => {
    const raw = JSON.parse(buildIndex(items)) as Record<string, Record<string, { path: string }>>;
    raw.parsers!['acme/web-logs']!.path = '../../etc/cron.d/evil.yaml';
    const index = loadHubIndex(JSON.stringify(raw), 'x');
    expect(index.get('parsers', 'acme/web-logs')).toBeUndefined();
    expect(index.problems).toEqual([expect.stringContaining("parsers:acme/web-logs: path '../../etc/cron.d/evil.yaml'")]);
    expect(index.get('scenarios', 'acme/web-bf')).toBeDefined();
  });

  it('leaves out items with a name that is not author/name, a bad digest, or an unknown latest version', () => {
    const raw = JSON.parse(buildIndex(items)) as Record<string, Record<string, Record<string, unknown>>>;
    raw.scenarios!['../x'] = { ...raw.scenarios!['acme/web-bf']! };
    (raw.scenarios!['acme/web-bf']!.versions as Record<string, { digest: string }>)['0.1']!.digest = 'abc';
    raw.parsers!['acme/web-logs']!.version = '9.9';
    const index = loadHubIndex(JSON.stringify(raw), 'x');
    expect([...index.problems].sort()).toEqual([
      'parsers:acme/web-logs: latest version 9.9 is not among its versions',
      'scenarios:../x: the name is not author/name',
      'scenarios:acme/web-bf: version 0.1 has no sha256 digest',
    ]);
  });

  it('refuses text that is not JSON, naming where it came from', () => {
    const err = herdErrorOf(() => loadHubIndex('<html>502</html>', 'https://hub.example/.index.json'));
    expect(err.code).toBe('HERD_HUB_INDEX');
    expect(err.message).toMatch(/^https:\/\/hub\.example\/\.index\.json: the hub index is not valid JSON/);
  });

  it('refuses JSON that is not an index', () => {
    expect(herdErrorOf(() => loadHubIndex('[1,2]', 'x')).code).toBe('HERD_HUB_INDEX');
    expect(herdErrorOf(() => loadHubIndex('{"parsers": [1]}', 'x')).message).toContain("'parsers' must be an object");
  });
});

describe('HubIndex.closure', () => {
  it('lists what a collection pulls, nested collections included, dependencies before what needs them', () => {
    const index = loadHubIndex(buildIndex(items), 'x');
    const c = index.closure('collections', 'acme/web');
    expect(c.items.map((i) => i.fqName)).toEqual(['parsers:acme/web-logs', 'appsec-rules:acme/vpatch', 'scenarios:acme/web-bf', 'collections:acme/base', 'collections:acme/web']);
    expect(c.missing).toEqual([]);
  });

  it('terminates on collections that include each other, listing each item once', () => {
    const cyc: TestItem[] = [
      { type: 'collections', name: 'a/one', versions: ['x'], deps: { collections: ['a/two'] } },
      { type: 'collections', name: 'a/two', versions: ['y'], deps: { collections: ['a/one'], scenarios: ['a/s'] } },
      { type: 'scenarios', name: 'a/s', versions: ['z'] },
    ];
    const c = loadHubIndex(buildIndex(cyc), 'x').closure('collections', 'a/one');
    expect(c.items.map((i) => i.fqName)).toEqual(['scenarios:a/s', 'collections:a/two', 'collections:a/one']);
  });

  it('names what a collection lists that the index does not have', () => {
    const broken: TestItem[] = [{ type: 'collections', name: 'a/c', versions: ['x'], deps: { parsers: ['a/gone'] } }];
    const c = loadHubIndex(buildIndex(broken), 'x').closure('collections', 'a/c');
    expect(c.missing).toEqual([{ ref: { type: 'parsers', name: 'a/gone' }, requiredBy: 'collections:a/c' }]);
  });

  it('finds the collections that list an item', () => {
    const index = loadHubIndex(buildIndex(items), 'x');
    expect(index.parentsOf({ type: 'collections', name: 'acme/base' }).map((c) => c.name)).toEqual(['acme/web']);
  });
});

describe('compareVersions', () => {
  it('orders versions part by part as numbers', () => {
    expect(compareVersions('0.10', '0.9')).toBe(1);
    expect(compareVersions('1.0', '0.99')).toBe(1);
    expect(compareVersions('2.0', '2.0')).toBe(0);
    expect(compareVersions('2', '2.0')).toBe(0);
  });

  it('is a consistent order (antisymmetric, and agrees with numeric order of the parts)', () => {
    const ver = fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(ver, ver, (a, b) => {
        const x = compareVersions(a.join('.'), b.join('.'));
        expect(compareVersions(b.join('.'), a.join('.')) + x).toBe(0);
        const pad = (v: number[]) => [...v, 0, 0, 0].slice(0, 3);
        const [pa, pb] = [pad(a), pad(b)];
        const i = pa.findIndex((n, k) => n !== pb[k]);
        expect(x).toBe(i < 0 ? 0 : pa[i]! < pb[i]! ? -1 : 1);
      }),
      SEED,
    );
  });
});

const HUB = process.env.HERD_HUB_DIR ?? resolve(process.cwd(), '../shared/crowdsec-hub');
const present = existsSync(resolve(HUB, '.index.json'));
if (!present) console.warn(`hub-index: ${HUB} not found, skipping the CrowdSec index test (set HERD_HUB_DIR)`);

describe.skipIf(!present)("CrowdSec's hub index", () => {
  it('reads every item, and the nginx collection pulls its parser, the http parser and the http scenarios', () => {
    const index = loadHubIndex(readFileSync(resolve(HUB, '.index.json'), 'utf8'), HUB);
    expect(index.problems).toEqual([]);
    expect(index.items('scenarios').length).toBeGreaterThan(500);
    const names = index.closure('collections', 'crowdsecurity/nginx').items.map((i) => i.fqName);
    expect(names).toEqual(expect.arrayContaining(['parsers:crowdsecurity/nginx-logs', 'parsers:crowdsecurity/http-logs', 'collections:crowdsecurity/base-http-scenarios', 'scenarios:crowdsecurity/http-probing']));
    expect(names[names.length - 1]).toBe('collections:crowdsecurity/nginx');
  });
});
