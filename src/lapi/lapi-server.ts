import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { fastify, type FastifyError, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { HerdError, errorMessage } from '../core/index.js';
import type { Decision, DecisionIndex } from '../decisions/index.js';
import { parseGoDuration } from '../expr/index.js';
import { IpMatcher } from '../ip/index.js';
import { registerAlertRoutes } from './alert-routes.js';
import { BouncerAuth } from './bouncer-auth.js';
import { registerBouncerRoutes } from './bouncer-routes.js';
import { DecisionFeed } from './decision-feed.js';
import { JSON_TYPE, fail, type LapiContext, type LapiDeps, type LapiTlsOptions } from './lapi-context.js';
import { LapiMetrics } from './lapi-metrics.js';
import { MachineAuth } from './machine-auth.js';
import { MachineTokens } from './machine-tokens.js';
import { openApiDocument } from './openapi.js';
import { MatcherCache } from './query-params.js';
import { DEFAULT_LOGIN_RATE_LIMIT, TokenBucketLimiter, type RateLimit } from './token-bucket-limiter.js';
import { registerWatcherRoutes } from './watcher-routes.js';

/**
 * The local API server (fastify): CrowdSec's v1 routes for bouncers and agents, plus /health,
 * /metrics and /openapi.json. It answers bouncers from memory (`DecisionFeed`), stores what agents
 * push through the store in one commit per push, and is told by herd's own writers what they
 * decided (`notifyDecisions`).
 */

export interface LapiOptions {
  /** `host:port` (`127.0.0.1:8080`, `[::1]:8080`, `:8080` for every address; port 0 picks one). */
  listen: string;
  tls?: LapiTlsOptions;
  /** Signs machines' tokens; at least 32 bytes; the same on every API instance of a deployment. */
  jwtSecret: string | Uint8Array;
  /** How long a machine's token lasts (Go duration, default `1h` as CrowdSec). */
  jwtTtl?: string;
  /** Largest request body (bytes), default 8 MiB. */
  bodyLimit?: number;
  /** Login and registration attempts per client address (default burst 10, 20 a minute). */
  loginRateLimit?: RateLimit;
  /** A machine registering with this token is validated at once (CrowdSec's auto-registration). */
  registrationToken?: string;
  /** How often decisions written by other processes are read (ms, default 1000; 0: never by itself). */
  syncEveryMs?: number;
  /** How far back each read reaches before the last change seen (ms, default 2000): more than the writers' clock skew. */
  syncOverlapMs?: number;
  /** How long stream deltas can reach back (ms, default 24 h) and how many changes are kept (default 200,000). */
  streamWindowMs?: number;
  streamMaxJournal?: number;
  /** How long bouncer keys and machines are cached (ms, default 5000). */
  authCacheMs?: number;
  /** Addresses or ranges, besides loopback, allowed to delete alerts. */
  trustedIps?: string[];
  /** Trust X-Forwarded-For from these proxies (fastify's `trustProxy`). */
  trustProxy?: boolean | string | string[];
  /** Version shown in /openapi.json. */
  version?: string;
}

export interface LapiServer {
  app: FastifyInstance;
  /** Starts loading decisions and listening; resolves with the URL it listens on. */
  listen(): Promise<string>;
  /** Resolves once decisions are loaded (/health says `up`). */
  ready(): Promise<void>;
  /** Stops listening and syncing, and writes the pending book-keeping. Leaves the store open. */
  close(): Promise<void>;
  /** Decisions this process just stored (with ids) or ended: bouncers get them at once. */
  notifyDecisions(decisions: Iterable<Decision>): void;
  /** Reads now what other processes changed in the store. */
  sync(): Promise<number>;
  /** Where the API's metrics are; register the engine's own on it. */
  registry: Registry;
  /** The decisions in memory (read-only use). */
  index: DecisionIndex;
}

/** `host:port` as Go's net.Listen reads it. Throws HERD_LAPI_CONFIG. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.%\w]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new HerdError('HERD_LAPI_CONFIG', `api.server.listen '${text}' is not host:port (e.g. 127.0.0.1:8080, [::1]:8080 or :8080)`);
  }
  const host = m[1] ?? m[2];
  return { host: host === '' ? '0.0.0.0' : host, port };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HerdError('HERD_LAPI_CONFIG', `cannot read the ${what} ${path}: ${errorMessage(err)}; check api.server.tls`, { cause: err });
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function serverFactory(tls: LapiTlsOptions | undefined): (handler: Handler) => Server {
  if (tls === undefined) return (handler) => createHttpServer(handler);
  const verify = tls.clientVerification ?? 'none';
  const options = {
    cert: readPem(tls.certFile, 'certificate'),
    key: readPem(tls.keyFile, 'private key'),
    ...(tls.caFile ? { ca: readPem(tls.caFile, 'CA certificate') } : {}),
    requestCert: verify !== 'none',
    rejectUnauthorized: verify === 'require',
  };
  // An https.Server serves requests as an http.Server does; fastify only needs that.
  return (handler) => createHttpsServer(options, handler) as unknown as Server;
}

function errorText(err: FastifyError, bodyLimit: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is larger than ${bodyLimit} bytes`;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `the body is not valid JSON: ${err.message}`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'the body must be JSON (Content-Type: application/json)';
    default:
      return err.message;
  }
}

export function createLapiServer(deps: LapiDeps, options: LapiOptions): LapiServer {
  const { store, clock, logger } = deps;
  const address = parseListen(options.listen);
  const ttlNs = parseGoDuration(options.jwtTtl ?? '1h');
  if (ttlNs === null || ttlNs <= 0) throw new HerdError('HERD_LAPI_CONFIG', `the token lifetime '${options.jwtTtl}' is not a positive Go duration (e.g. 1h)`);
  const trusted = IpMatcher.parse(options.trustedIps ?? [], 'api.server.trusted_ips');
  const bodyLimit = options.bodyLimit ?? 8 * 1024 * 1024;
  const tokens = new MachineTokens(options.jwtSecret, ttlNs / 1e6, clock);

  const feed = new DecisionFeed(store, clock, logger, {
    syncEveryMs: options.syncEveryMs,
    overlapMs: options.syncOverlapMs,
    windowMs: options.streamWindowMs,
    maxJournal: options.streamMaxJournal,
  });
  const metrics = new LapiMetrics(feed.index, clock);
  let loadFailure: unknown = null;
  const ctx: LapiContext = {
    deps,
    feed,
    bouncers: new BouncerAuth(store, logger, { cacheMs: options.authCacheMs }),
    machines: new MachineAuth(store, clock, logger, tokens, options.authCacheMs),
    metrics,
    limiter: new TokenBucketLimiter({ ...DEFAULT_LOGIN_RATE_LIMIT, ...options.loginRateLimit }),
    matchers: new MatcherCache(),
    cursors: new Map(),
    registrationToken: options.registrationToken ?? null,
    trusted,
    tls: options.tls && (options.tls.clientVerification ?? 'none') !== 'none' ? { bouncerOu: options.tls.bouncerOu ?? 'bouncer-ou', agentOu: options.tls.agentOu ?? 'agent-ou' } : null,
    waitReady: () => startFeed(),
  };

  function startFeed(): Promise<void> {
    return feed.start().catch((err: unknown) => {
      if (loadFailure === null) logger.warn({ err: errorMessage(err) }, 'loading decisions failed');
      loadFailure = err;
      throw err;
    });
  }

  const app = fastify({
    logger: false,
    bodyLimit,
    serverFactory: serverFactory(options.tls),
    trustProxy: options.trustProxy ?? false,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 100 },
  });
  app.decorateRequest('herdBouncer', null);
  app.decorateRequest('herdMachine', null);

  // Bodies are JSON whatever the Content-Type says (Go's decoder ignores the header), and an empty
  // body is no body (a DELETE sent with Content-Type: application/json).
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', '*'], { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    json(req, text, done);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      logger.warn({ err: errorMessage(err), method: req.method, route: req.routeOptions.url }, 'request failed');
      return fail(reply, status, 'internal error; see the API logs');
    }
    logger.debug({ err: err.message, method: req.method, route: req.routeOptions.url }, 'bad request');
    return fail(reply, status, errorText(err, bodyLimit));
  });
  app.setNotFoundHandler((req, reply) => fail(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));

  const debug = logger.isLevelEnabled('debug');
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unknown';
    const status = reply.statusCode;
    metrics.requests.inc({ route, method: req.method, status: String(status) });
    if (debug) logger.debug({ method: req.method, route, status, ms: Math.round(reply.elapsedTime), ip: req.ip }, 'request');
    done();
  });

  registerBouncerRoutes(app, ctx);
  registerWatcherRoutes(app, ctx);
  registerAlertRoutes(app, ctx);

  app.get('/health', async (_req, reply) => {
    if (feed.ready) return reply.type(JSON_TYPE).send({ status: 'up' });
    return reply.code(503).type(JSON_TYPE).send({ status: loadFailure === null ? 'starting' : 'down' });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  const openapi = JSON.stringify(openApiDocument(options.version ?? '0.0.0'));
  app.get('/openapi.json', async (_req, reply) => reply.type(JSON_TYPE).send(openapi));

  let closed = false;
  return {
    app,
    registry: metrics.registry,
    index: feed.index,
    async listen() {
      startFeed().catch(() => undefined);
      const listened = await app.listen({ host: address.host, port: address.port });
      // fastify does not know the server it was given speaks TLS.
      const url = options.tls ? listened.replace(/^http:/, 'https:') : listened;
      logger.info({ url }, 'local API listening');
      return url;
    },
    ready: () => startFeed(),
    async close() {
      if (closed) return;
      closed = true;
      feed.stop();
      await app.close();
      await Promise.all([ctx.bouncers.updates.flush(), ctx.machines.updates.flush()]);
    },
    notifyDecisions: (decisions) => feed.notify(decisions),
    sync: () => feed.sync(),
  };
}
