import { join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { loadHubIndex } from './hub-index.js';
import { hubPaths, installedRelPath, safeJoin } from './hub-paths.js';
import { mirrorPathOf } from './hub-source.js';
import { buildIndex } from './test-kit.js';

const SEED = { seed: 20260413 };
const BASE = resolve('/srv/herd/hub/data');

/** Path-like strings built from the pieces that matter: dots, slashes, names, NUL. */
const pathish = fc
  .tuple(fc.array(fc.constantFrom('..', '.', '/', 'a', 'b.txt', '', '\\', '%2e%2e', '\0', '//', 'web'), { maxLength: 8 }), fc.constantFrom('/', ''))
  .map(([parts, glue]) => parts.join(glue));

function inside(base: string, p: string): boolean {
  const r = relative(base, p);
  return r !== '' && r !== '..' && !r.startsWith('..' + sep) && !r.startsWith(sep);
}

describe('hubPaths', () => {
  it('keeps all hub state under <data_dir>/hub', () => {
    const p = hubPaths('/var/lib/herd');
    expect(p).toEqual({
      root: '/var/lib/herd/hub',
      index: '/var/lib/herd/hub/.index.json',
      items: '/var/lib/herd/hub/items',
      installed: '/var/lib/herd/hub/installed',
      data: '/var/lib/herd/hub/data',
      patterns: '/var/lib/herd/hub/patterns',
      state: '/var/lib/herd/hub/state.json',
    });
  });

  it('lays items out like herd’s own content directory', () => {
    const index = loadHubIndex(
      buildIndex([
        { type: 'parsers', name: 'crowdsecurity/nginx-logs', stage: 's01-parse', versions: ['a'] },
        { type: 'postoverflows', name: 'crowdsecurity/rdns', stage: 's00-enrich', versions: ['b'] },
        { type: 'scenarios', name: 'crowdsecurity/ssh-bf', versions: ['c'] },
        { type: 'collections', name: 'crowdsecurity/sshd', versions: ['d'] },
      ]),
      'x',
    );
    expect(index.all().map(installedRelPath)).toEqual([
      'parsers/s01-parse/crowdsecurity/nginx-logs.yaml',
      'postoverflows/s00-enrich/crowdsecurity/rdns.yaml',
      'scenarios/crowdsecurity/ssh-bf.yaml',
      'collections/crowdsecurity/sshd.yaml',
    ]);
  });
});

describe('safeJoin', () => {
  it('accepts plain relative names', () => {
    expect(safeJoin(BASE, 'bad_user_agents.txt', 'x')).toBe(join(BASE, 'bad_user_agents.txt'));
    expect(safeJoin(BASE, 'web/a.txt', 'x')).toBe(join(BASE, 'web/a.txt'));
  });

  it('refuses .., absolute paths and the base itself', () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', '', '.', 'a/..', 'a\0b']) {
      expect(() => safeJoin(BASE, bad, 'dest_file'), bad).toThrow(HerdError);
    }
  });

  it('never returns a path outside the base, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(pathish, fc.string()), (rel) => {
        let out: string;
        try {
          out = safeJoin(BASE, rel, 'x');
        } catch (err) {
          expect((err as HerdError).code).toBe('HERD_HUB_UNSAFE_PATH');
          return;
        }
        expect(inside(BASE, out)).toBe(true);
      }),
      { ...SEED, numRuns: 2000 },
    );
  });
});

describe('mirrorPathOf', () => {
  it('maps a source_url to <dir>/<path after the host>', () => {
    expect(mirrorPathOf('/m', 'https://hub-data.crowdsec.net/web/bad_user_agents.regex.txt')).toBe('/m/web/bad_user_agents.regex.txt');
    expect(mirrorPathOf('/m', 'https://hub-data.crowdsec.net/whitelists/benign_bots/search_engine_crawlers/ip_seo_bots.txt')).toBe(
      '/m/whitelists/benign_bots/search_engine_crawlers/ip_seo_bots.txt',
    );
  });

  it('stays inside the mirror for any URL path, encoded dots included', () => {
    fc.assert(
      fc.property(pathish, (p) => {
        let out: string;
        try {
          out = mirrorPathOf('/m', `https://example.net/${p}`);
        } catch (err) {
          expect((err as HerdError).code).toMatch(/^HERD_HUB_(UNSAFE_PATH|DATA)$/);
          return;
        }
        expect(inside('/m', out)).toBe(true);
      }),
      { ...SEED, numRuns: 1000 },
    );
    // The URL parser resolves encoded dot segments itself: the result stays in the mirror.
    expect(mirrorPathOf('/m', 'https://example.net/%2e%2e/%2e%2e/etc/passwd')).toBe('/m/etc/passwd');
    expect(() => mirrorPathOf('/m', 'https://example.net/')).toThrow(HerdError);
    expect(() => mirrorPathOf('/m', 'not a url')).toThrow(/not a URL/);
  });
});
