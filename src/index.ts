/**
 * herd as a library. The bouncers (middleware for node:http, Express and Fastify, nftables, the
 * nginx auth_request endpoint) are also their own entry point, `herd/bouncer`; the local API,
 * the store and the two jobs the CLI runs (`herd start`, `herd agent`) are here for embedding.
 */
export * from './bouncers/index.js';
export { createLapiServer, parseListen, hashApiKey, type LapiServer, type LapiOptions, type LapiDeps } from './lapi/index.js';
export { openStore, type Store } from './store/index.js';
export { loadHerdConfig, runMainJob, runAgentJob, type HerdConfig } from './agent/index.js';
