import { HerdError, type Clock, type Logger } from '../core/index.js';
import { LIVE } from '../parse/index.js';
import { buildEngine, openHerdStore } from './agent.js';
import { AlertForwarder, type ForwarderOptions, type ForwarderStats } from './alert-forwarder.js';
import type { HerdConfig } from './herd-config.js';
import { acquisitionOf, follow, sourcesOf, startFlush } from './start.js';
import { readPem, WatcherClient } from './watcher-client.js';

/**
 * `herd agent`: the engine alone, as a machine of a local API that runs elsewhere (`herd start`
 * on another host, or CrowdSec's). It follows logs, turns them into alerts and pushes them to the
 * API, whose profiles make the decisions. Alerts are first committed to a local store (the outbox)
 * with the read positions of their lines, so neither a crash of the agent nor an API that is down
 * loses or doubles one.
 */

export interface AgentJobOptions {
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** Sent as User-Agent to the API. */
  userAgent?: string;
  forwarder?: ForwarderOptions;
  /** Called when the engine starts following logs, with the sources' names. */
  onFollowing?(sources: string[], api: string): void;
}

export interface AgentJobResult {
  forwarded: ForwarderStats;
  /** Alerts still in the outbox when the agent stopped (pushed at the next start). */
  waiting: number;
}

export function clientOf(config: HerdConfig, userAgent?: string): WatcherClient {
  const c = config.api.client;
  if (!c.url || !c.login || !c.password) {
    const missing = [!c.url && 'url', !c.login && 'login', !c.password && 'password'].filter(Boolean).join(', ');
    throw new HerdError(
      'HERD_CONFIG_INVALID',
      `herd agent needs the local API's address and a machine login: api.client.${missing} is missing; ` +
        "set api.client.url, login and password, or api.client.credentials_file (on the API's host, `herd machines add NAME -f FILE` writes one)",
    );
  }
  return new WatcherClient({
    url: c.url,
    machineId: c.login,
    password: c.password,
    ...(c.caFile ? { ca: readPem(c.caFile, 'api.client.ca_file') } : {}),
    ...(c.certFile ? { cert: readPem(c.certFile, 'api.client.cert_file') } : {}),
    ...(c.keyFile ? { key: readPem(c.keyFile, 'api.client.key_file') } : {}),
    ...(userAgent ? { userAgent } : {}),
  });
}

export async function runAgentJob(config: HerdConfig, opts: AgentJobOptions): Promise<AgentJobResult> {
  const client = clientOf(config, opts.userAgent); // configuration errors before anything is opened
  const entries = acquisitionOf(config);
  if (entries.length === 0) {
    throw new HerdError(
      'HERD_CONFIG_INVALID',
      'herd agent has no logs to follow: configure acquisition (or install nginx or sshd so /var/log/nginx/access.log or /var/log/auth.log exists)',
    );
  }
  const store = await openHerdStore(config, { clock: opts.clock, logger: opts.logger });
  let stopFlush: (() => Promise<void>) | null = null;
  try {
    const { pipeline, content } = await buildEngine(config, { mode: LIVE, clock: opts.clock, logger: opts.logger, store, decisions: false });
    client.scenarios = content.scenarios.map((s) => s.name);
    try {
      await client.login();
    } catch (err) {
      // Wrong credentials need a person; an API that is down is what the outbox is for.
      if (err instanceof HerdError && err.code === 'HERD_LAPI_AUTH') throw err;
      opts.logger.warn({ err: (err as Error).message }, 'the local API is not reachable yet; alerts wait in the outbox');
    }
    const forwarder = new AlertForwarder(store, client, opts.logger, opts.forwarder);
    stopFlush = startFlush(config, store, opts.logger);
    const stopForwarding = new AbortController();
    const forwarding = forwarder.run(stopForwarding.signal);
    try {
      const sources = await sourcesOf(config, entries, { store, clock: opts.clock, logger: opts.logger });
      opts.onFollowing?.(
        sources.map((s) => s.name),
        client.url,
      );
      await follow(sources, {
        store,
        pipeline,
        clock: opts.clock,
        logger: opts.logger,
        signal: opts.signal,
        forwardAlerts: true,
        onCommit: (c) => {
          if (c.alerts > 0) forwarder.wake();
        },
      });
    } finally {
      stopForwarding.abort();
      await forwarding;
    }
    // One last push of what the final commit stored; what does not go waits for the next start.
    try {
      await forwarder.pushPending();
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'could not push the last alerts; they wait in the outbox for the next start');
    }
    return { forwarded: forwarder.stats, waiting: await store.countAlertsToForward() };
  } finally {
    if (stopFlush) await stopFlush();
    await store.close();
  }
}
