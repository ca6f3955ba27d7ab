import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, systemClock } from '../../src/core/index.js';
import type { Decision } from '../../src/decisions/index.js';
import { createLapiServer, hashApiKey, type LapiServer } from '../../src/lapi/index.js';
import { openStore, type Store } from '../../src/store/index.js';

/**
 * herd's real local API for the bouncers' end-to-end tests: a SQLite store in a temporary
 * directory, a bouncer key, and the API on 127.0.0.1 (port 0). Decisions are written to the store
 * as `herd decisions add` would and the API is told at once.
 */
export interface HerdApi {
  url: string;
  key: string;
  store: Store;
  lapi: LapiServer;
  /** Stores a decision on `value` (an IP or a range) and makes it visible to bouncers. */
  ban(value: string, options?: { type?: string; durationMs?: number }): Promise<Decision>;
  /** Ends every decision on `value`, as `herd decisions delete` does. */
  unban(value: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startHerdApi(): Promise<HerdApi> {
  const dir = mkdtempSync(join(tmpdir(), 'herd-bouncers-'));
  const store = await openStore({ type: 'sqlite', path: join(dir, 'herd.db') }, { clock: systemClock });
  const key = randomBytes(24).toString('base64url');
  await store.addBouncer({ name: 'e2e', apiKeyHash: hashApiKey(key), ipAddress: '', lastPull: null, type: '', version: '', authType: 'api-key' });
  const lapi = createLapiServer(
    { store, clock: systemClock, logger: silentLogger(), decide: () => [] },
    { listen: '127.0.0.1:0', jwtSecret: randomBytes(32), syncEveryMs: 0 },
  );
  const url = await lapi.listen();
  await lapi.ready();
  let stopped = false;
  return {
    url,
    key,
    store,
    lapi,
    async ban(value, options = {}) {
      const now = systemClock.now();
      const d: Decision = {
        id: 0,
        uuid: randomUUID(),
        origin: 'cscli',
        type: options.type ?? 'ban',
        scope: value.includes('/') ? 'Range' : 'Ip',
        value,
        scenario: 'manual ban from e2e test',
        simulated: false,
        createdAt: now,
        until: now + (options.durationMs ?? 4 * 3600_000),
        alertId: 0,
      };
      const { decisionIds } = await store.commit({ decisions: [d] });
      const stored = { ...d, id: decisionIds[0] };
      lapi.notifyDecisions([stored]);
      return stored;
    },
    async unban(value) {
      await store.expireDecisions({ value }, systemClock.now());
      await lapi.sync();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await lapi.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens. */
export async function deadApiUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
