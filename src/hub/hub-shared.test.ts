import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { installItems, upgradeItems } from './hub-install.js';
import { openHub } from './hub-management.js';
import { removeItems } from './hub-remove.js';
import { readHubState } from './hub-state.js';
import { HubView } from './hub-status.js';
import { updateHub } from './hub-update.js';
import { mirrorPathOf } from './hub-source.js';

/**
 * CrowdSec's own hub (a snapshot in ../shared): the nginx and sshd collections install with every
 * item they pull, each file checked against the index digest, and their data files copied from
 * the data mirror. Skipped, with a message, when ../shared is not there.
 */

const SHARED = resolve(process.cwd(), '../shared');
const HUB = process.env.HERD_HUB_DIR ?? join(SHARED, 'crowdsec-hub');
const DATA = join(SHARED, 'crowdsec-data');
const PATTERNS = join(SHARED, 'crowdsec-patterns');
const present = existsSync(join(HUB, '.index.json')) && existsSync(DATA) && existsSync(PATTERNS);
if (!present) console.warn(`hub-shared: ${SHARED} (crowdsec-hub, crowdsec-data, crowdsec-patterns) not found, skipping the CrowdSec hub install test`);

const root = mkdtempSync(join(tmpdir(), 'herd-hub-shared-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!present)("installing CrowdSec's nginx and sshd collections", () => {
  it('puts every item they pull in installed/, with its data files from the mirror, all up to date', async () => {
    const dataDir = join(root, 'data');
    const h0 = await openHub({ dataDir, hubDir: HUB }, { timeoutMs: 5000 });
    const up = await updateHub({ paths: h0.paths, source: h0.source, timeoutMs: 5000, patterns: { kind: 'dir', dir: PATTERNS } });
    expect(up.index.problems).toEqual([]);
    expect(readdirSync(h0.paths.patterns)).toEqual(expect.arrayContaining(['grokky-base', 'ssh', 'nginx']));

    const h = await openHub({ dataDir, dataSource: DATA }, { timeoutMs: 5000 });
    expect(h.source).toEqual({ kind: 'dir', dir: resolve(HUB) });
    const ctx = { paths: h.paths, index: h.index, source: h.source, dataSource: h.dataSource, clock: new ManualClock(0), timeoutMs: 5000 };
    const out = await installItems(ctx, [
      { type: 'collections', name: 'crowdsecurity/nginx' },
      { type: 'collections', name: 'crowdsecurity/sshd' },
    ]);
    expect(out.events.filter((e) => e.action === 'failed')).toEqual([]);

    const inst = h.paths.installed;
    for (const f of [
      'parsers/s01-parse/crowdsecurity/nginx-logs.yaml',
      'parsers/s01-parse/crowdsecurity/sshd-logs.yaml',
      'parsers/s02-enrich/crowdsecurity/http-logs.yaml',
      'scenarios/crowdsecurity/ssh-bf.yaml',
      'scenarios/crowdsecurity/http-probing.yaml',
      'scenarios/crowdsecurity/http-bad-user-agent.yaml',
      'scenarios/ltsich/http-w00tw00t.yaml',
      'collections/crowdsecurity/nginx.yaml',
      'collections/crowdsecurity/base-http-scenarios.yaml',
      'contexts/crowdsecurity/bf_base.yaml',
    ]) {
      expect(existsSync(join(inst, f)), f).toBe(true);
    }
    // Installed files are the hub's, byte for byte.
    expect(readFileSync(join(inst, 'scenarios/crowdsecurity/ssh-bf.yaml'), 'utf8')).toBe(readFileSync(join(HUB, 'scenarios/crowdsecurity/ssh-bf.yaml'), 'utf8'));

    // Data files: each item's dest_file, copied from the mirror.
    const state = readHubState(h.paths);
    const dests = new Set(Object.values(state.items).flatMap((r) => r.data));
    expect([...dests]).toEqual(expect.arrayContaining(['bad_user_agents.regex.txt', 'backdoors.txt', 'sensitive_data.txt', 'http_path_traversal.txt']));
    expect(readFileSync(join(h.paths.data, 'bad_user_agents.regex.txt'))).toEqual(readFileSync(mirrorPathOf(DATA, 'https://hub-data.crowdsec.net/web/bad_user_agents.regex.txt')));
    for (const d of dests) expect(existsSync(join(h.paths.data, d)), d).toBe(true);

    const view = new HubView(h.paths, h.index, state);
    const listed = view.list();
    expect(listed.length).toBe(Object.keys(state.items).length);
    expect(listed.filter((v) => v.status !== 'up-to-date')).toEqual([]);
    expect(state.items['collections:crowdsecurity/nginx']!.explicit).toBe(true);
    expect(state.items['parsers:crowdsecurity/nginx-logs']!.explicit).toBe(false);

    // Nothing to upgrade in the same snapshot.
    const upg = await upgradeItems(ctx, 'all');
    expect(upg.events.filter((e) => e.action !== 'skipped')).toEqual([]);

    // Removing sshd leaves nginx whole.
    const rm = await removeItems(ctx, [{ type: 'collections', name: 'crowdsecurity/sshd' }]);
    expect(rm.failed).toBe(0);
    expect(existsSync(join(inst, 'scenarios/crowdsecurity/ssh-bf.yaml'))).toBe(false);
    expect(new HubView(h.paths, h.index, readHubState(h.paths)).view({ type: 'collections', name: 'crowdsecurity/nginx' }).status).toBe('up-to-date');
  });
});
