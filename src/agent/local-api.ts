import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HerdError, type Clock, type Logger } from '../core/index.js';
import { createLapiServer, MIN_SECRET_BYTES, type LapiServer } from '../lapi/index.js';
import type { Store } from '../store/index.js';
import type { Decide } from './decider.js';
import { registerEngineMetrics } from './engine-metrics.js';
import type { HerdConfig } from './herd-config.js';

/**
 * The local API as `herd start` runs it: CrowdSec's v1 routes over the configured store, with the
 * engine's own alert → decision rules for alerts that agents push, and the engine's counters on
 * /metrics next to the API's own.
 */

/**
 * The secret that signs machines' tokens: `api.server.jwt_secret`, else a random one kept in the
 * data directory (several API instances sharing a PostgreSQL store must configure the same one).
 */
export function jwtSecretOf(config: HerdConfig): Uint8Array {
  if (config.api.server.jwtSecret) {
    const bytes = Buffer.from(config.api.server.jwtSecret, 'utf8');
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new HerdError('HERD_CONFIG_INVALID', `api.server.jwt_secret must be at least ${MIN_SECRET_BYTES} bytes long`);
    }
    return bytes;
  }
  const file = join(config.dataDir, 'jwt.secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48);
  writeFileSync(file, secret.toString('base64') + '\n', { mode: 0o600 });
  return secret;
}

export async function startLocalApi(
  config: HerdConfig,
  deps: { store: Store; decide: Decide; clock: Clock; logger: Logger; listen?: string },
): Promise<{ server: LapiServer; address: string }> {
  const server = createLapiServer(
    { store: deps.store, clock: deps.clock, logger: deps.logger, decide: deps.decide },
    {
      listen: deps.listen ?? config.api.server.listen,
      jwtSecret: jwtSecretOf(config),
      ...(config.api.server.registrationToken ? { registrationToken: config.api.server.registrationToken } : {}),
      ...(config.api.server.tls ? { tls: config.api.server.tls } : {}),
    },
  );
  registerEngineMetrics(server.registry, () => deps.store.readCounters());
  const address = await server.listen();
  deps.logger.info({ address }, 'local API listening');
  return { server, address };
}
