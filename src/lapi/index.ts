/**
 * The local API: CrowdSec's v1 HTTP API, so that existing bouncers (firewall, nginx, Traefik…, all
 * built on go-cs-bouncer) and agents (crowdsec, cscli) work against herd unchanged. Bouncers
 * authenticate with an API key (stored as its SHA-256) and are answered from an in-memory index of
 * the active decisions, kept in step with the store (its own writes at once, other processes'
 * within a second); machines log in with a scrypt-checked password for a JWT and push alerts, which
 * are stored with their decisions (theirs, or those herd's profiles give) in one commit before the
 * API answers. Also /health, Prometheus /metrics and /openapi.json. It knows HTTP, not SQL.
 */
export { createLapiServer, parseListen, type LapiOptions, type LapiServer } from './lapi-server.js';
export { alertToPushWire, type WireAlert } from './alert-wire.js';
export type { LapiDeps, LapiTlsOptions } from './lapi-context.js';
export { hashApiKey, hashPassword, verifyPassword } from './credentials.js';
export type { RateLimit } from './token-bucket-limiter.js';
export { MIN_SECRET_BYTES } from './machine-tokens.js';
