/**
 * herd's own bouncers: they ask a local API — herd's or CrowdSec's, the protocol is the same —
 * what to do with a client address, and do it. `Bouncer` is the shared core (live queries with a
 * bounded cache, or an in-memory copy of the decision stream; fail-open or fail-closed when the API
 * is down). On top of it: HTTP middleware for node:http, Express and Fastify (403 ban page, a
 * self-hosted captcha or Turnstile/hCaptcha/reCAPTCHA, the client address taken only from trusted
 * proxies), `NftablesBouncer` (drops banned addresses in the kernel), and the nginx `auth_request`
 * endpoint.
 *
 * Express:  app.use(bouncerMiddleware({ url: 'http://127.0.0.1:8080/', apiKey, trustedProxies: ['127.0.0.1'] }))
 * Fastify:  await app.register(herdBouncer, { url, apiKey, mode: 'stream' })
 * node:http: const mw = bouncerMiddleware({ url, apiKey }); http.createServer(mw.wrap(handler))
 *
 * nginx (with `herd bouncer nginx` listening on 127.0.0.1:8089):
 *
 *   location = /herd-auth {
 *       internal;
 *       proxy_pass http://127.0.0.1:8089;
 *       proxy_pass_request_body off;
 *       proxy_set_header Content-Length "";
 *       proxy_set_header X-Real-IP $remote_addr;
 *       proxy_set_header X-Original-URI $request_uri;
 *   }
 *   location /.herd/ {                      # the captcha and ban pages
 *       proxy_pass http://127.0.0.1:8089;
 *       proxy_set_header X-Real-IP $remote_addr;
 *   }
 *   location / {
 *       auth_request /herd-auth;
 *       auth_request_set $herd_redirect $upstream_http_x_herd_redirect;
 *       error_page 401 = @herd_captcha;
 *       error_page 403 = @herd_ban;
 *       ...                                  # the site itself
 *   }
 *   location @herd_captcha { return 302 $herd_redirect; }
 *   location @herd_ban {
 *       rewrite ^ /.herd/ban break;
 *       proxy_pass http://127.0.0.1:8089;
 *       proxy_set_header X-Real-IP $remote_addr;
 *   }
 *
 * Behind another proxy, set nginx's real_ip module first so that $remote_addr is the client.
 */
export { LapiClient, DEFAULT_USER_AGENT, type LapiClientOptions } from './lapi-client.js';
export { type WireDecision, type DecisionStream } from './wire-decision.js';
export { type ActiveDecision, RemediationRanking, DEFAULT_PRIORITIES } from './remediation.js';
export { DecisionCache } from './decision-cache.js';
export { DecisionSet, type ApplyReport } from './decision-set.js';
export { type DurationOption } from './duration-option.js';
export {
  Bouncer,
  type BouncerOptions,
  type BouncerDeps,
  type BouncerMode,
  type FailMode,
  type CheckResult,
  type BouncerMetrics,
} from './bouncer.js';
export { ClientIpResolver, type ClientIpOptions } from './client-ip.js';
export { CaptchaTokens, type CaptchaTokenOptions, type Challenge, type ChallengeVerdict } from './captcha-token.js';
export { CaptchaProvider, type CaptchaProviderKind, type CaptchaProviderOptions } from './captcha-provider.js';
export {
  HttpGuard,
  type HttpGuardOptions,
  type HttpGuardDeps,
  type CaptchaOptions,
  type GuardResponse,
  type GuardMetrics,
  type Verdict,
} from './http-guard.js';
export { bouncerMiddleware, sendGuardResponse, type BouncerMiddleware, type NextFunction } from './node-middleware.js';
export { herdBouncer, type HerdBouncerPluginOptions } from './fastify-plugin.js';
export {
  NftablesBouncer,
  type NftablesBouncerOptions,
  type NftablesBouncerDeps,
  type NftSyncReport,
  type NftablesMetrics,
} from './nftables-bouncer.js';
export { type NftablesNames, DEFAULT_NFT_NAMES } from './nftables-script.js';
export { SpawnNftRunner, type NftRunner } from './nft-runner.js';
export { createNginxAuthServer, type NginxAuthOptions, type NginxAuthServer } from './nginx-auth-server.js';
