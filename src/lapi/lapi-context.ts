import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import type { Clock, Logger } from '../core/index.js';
import type { NewDecision } from '../decisions/index.js';
import type { IpMatcher } from '../ip/index.js';
import type { Alert } from '../scenarios/index.js';
import type { Bouncer, Machine, Store } from '../store/index.js';
import type { BouncerAuth } from './bouncer-auth.js';
import type { DecisionFeed, StreamCursor } from './decision-feed.js';
import type { LapiMetrics } from './lapi-metrics.js';
import type { MachineAuth } from './machine-auth.js';
import type { MatcherCache, Query } from './query-params.js';
import type { TokenBucketLimiter } from './token-bucket-limiter.js';

/** What the route modules share: the parts of one API server. */

declare module 'fastify' {
  interface FastifyRequest {
    /** The bouncer a request authenticated as (API key or certificate), once checked. */
    herdBouncer: Bouncer | null;
    /** The machine a request authenticated as (token or certificate), once checked. */
    herdMachine: Machine | null;
  }
}

/** What the API needs from the rest of herd. */
export interface LapiDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The decisions for an alert pushed without any: profiles, whitelist and history (herd's engine). */
  decide(alert: Alert): NewDecision[];
}

export interface LapiTlsOptions {
  certFile: string;
  keyFile: string;
  /** CA certificates that client certificates must chain to (client verification). */
  caFile?: string;
  /** `none`: no client certificates; `request`: verified when given; `require`: refused without one. */
  clientVerification?: 'none' | 'request' | 'require';
  /** Organizational unit of client certificates that authenticate bouncers (default `bouncer-ou`). */
  bouncerOu?: string;
  /** Organizational unit of client certificates that authenticate agents (default `agent-ou`). */
  agentOu?: string;
}

export interface LapiContext {
  deps: LapiDeps;
  feed: DecisionFeed;
  bouncers: BouncerAuth;
  machines: MachineAuth;
  metrics: LapiMetrics;
  limiter: TokenBucketLimiter;
  matchers: MatcherCache;
  /** Per bouncer name: where its last stream pull answered here left it. */
  cursors: Map<string, StreamCursor>;
  registrationToken: string | null;
  /** Besides loopback, who may delete alerts. */
  trusted: IpMatcher;
  tls: { bouncerOu: string; agentOu: string } | null;
  /** Resolves once decisions are loaded (rejects if loading failed). */
  waitReady(): Promise<void>;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function query(req: FastifyRequest): Query {
  return req.query as Query;
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Sends `{"message": …}` with `status`. */
export function fail(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send({ message });
}

/** The verified client certificate of a TLS request: common name and organizational units. */
export function clientCertificate(req: FastifyRequest): { cn: string; ou: string[] } | null {
  const socket = req.raw.socket as Partial<TLSSocket>;
  if (socket.encrypted !== true || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return null;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return null;
  const cn = cert.subject.CN;
  const ou = cert.subject.OU;
  const cnText = Array.isArray(cn) ? cn[0] : cn;
  if (!cnText) return null;
  return { cn: cnText, ou: ou === undefined ? [] : Array.isArray(ou) ? ou : [ou] };
}

export function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}
