import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HerdError, errorMessage } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import type { Bouncer } from '../store/index.js';
import { hashApiKey } from './credentials.js';
import { decisionsJson, streamJson } from './decision-wire.js';
import { JSON_TYPE, clientCertificate, fail, header, query, type LapiContext } from './lapi-context.js';
import { decisionLookup, first, isError } from './query-params.js';

/**
 * The bouncers' routes: GET/HEAD /v1/decisions (live mode: "is this IP banned?") and GET/HEAD
 * /v1/decisions/stream (stream mode: everything on start-up, then what changed), answered from the
 * in-memory index. Hot path: no SQL, the answer built as one string, matchers cached per query.
 */

/** CrowdSec's default scopes for the stream when a bouncer gives none. */
export const STREAM_DEFAULT_SCOPES = 'ip,range';

function byId(a: Decision, b: Decision): number {
  return a.id - b.id;
}

/** The preHandler of bouncer routes: API key (or client certificate), else 403 as CrowdSec. */
export function bouncerAuthHook(ctx: LapiContext) {
  const { clock } = ctx.deps;
  return async function bouncerAuth(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    let bouncer: Bouncer | null;
    try {
      const cert = ctx.tls === null ? null : clientCertificate(req);
      bouncer =
        cert !== null && cert.ou.includes(ctx.tls!.bouncerOu)
          ? await tlsBouncer(ctx, cert.cn, req)
          : await ctx.bouncers.authenticate(header(req, 'x-api-key'), req.ip, header(req, 'user-agent') ?? '', clock.now());
    } catch (err) {
      ctx.deps.logger.warn({ err: errorMessage(err) }, 'bouncer authentication failed');
      return fail(reply, 500, 'cannot check the API key now; retry later');
    }
    if (bouncer === null) return fail(reply, 403, 'access forbidden');
    req.herdBouncer = bouncer;
    ctx.metrics.bouncerRequests.inc({ bouncer: bouncer.name, route: req.routeOptions.url ?? '', method: req.method });
  };
}

/** CrowdSec's TLS bouncers: `<CN>@<ip>`, created on first use with a key that is never given out. */
async function tlsBouncer(ctx: LapiContext, cn: string, req: FastifyRequest): Promise<Bouncer | null> {
  const name = `${cn}@${req.ip}`;
  const now = ctx.deps.clock.now();
  let bouncer = await ctx.bouncers.byName(name, now);
  if (bouncer === null) {
    try {
      bouncer = await ctx.deps.store.addBouncer({
        name,
        apiKeyHash: hashApiKey(randomBytes(32).toString('base64url')),
        ipAddress: req.ip,
        lastPull: null,
        type: '',
        version: '',
        authType: 'tls',
      });
    } catch (err) {
      if (!(err instanceof HerdError && err.code === 'HERD_STORE_CONFLICT')) throw err;
    }
    ctx.bouncers.forget();
    bouncer = await ctx.bouncers.byName(name, now);
  }
  if (bouncer === null || bouncer.authType !== 'tls') return null;
  ctx.bouncers.observe(bouncer, req.ip, header(req, 'user-agent') ?? '');
  return bouncer;
}

async function whenReady(ctx: LapiContext, reply: FastifyReply): Promise<boolean> {
  if (ctx.feed.ready) return true;
  try {
    await ctx.waitReady();
    return true;
  } catch {
    fail(reply, 503, 'decisions are not loaded yet: the store is not reachable; retry later');
    return false;
  }
}

export function registerBouncerRoutes(app: FastifyInstance, ctx: LapiContext): void {
  const { clock } = ctx.deps;
  const preHandler = bouncerAuthHook(ctx);
  const minute = 60_000;

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/decisions',
    preHandler,
    handler: async (req, reply) => {
      if (!(await whenReady(ctx, reply))) return reply;
      const q = query(req);
      const parsed = decisionLookup(q);
      if (isError(parsed)) return fail(reply, 400, parsed.error);
      const now = clock.now();
      const matcher = ctx.matchers.get(q);
      const { lookup, value } = parsed;
      const index = ctx.feed.index;
      let list: Decision[];
      switch (lookup.kind) {
        case 'ip':
          list = lookup.contains ? index.lookupIp(lookup.text, now, matcher) : index.lookupRange(lookup.text, false, now, matcher);
          break;
        case 'range':
          list = index.lookupRange(lookup.text, lookup.contains, now, matcher);
          break;
        case 'value':
          list = index.lookupValue(lookup.scope, lookup.value, now, matcher);
          break;
        default:
          list = [...index.active(now, matcher)];
      }
      if (value !== undefined && lookup.kind !== 'value') list = list.filter((d) => d.value === value);
      list.sort(byId);
      if (req.method === 'HEAD') return reply.code(200).send();
      const bouncer = req.herdBouncer!;
      // As CrowdSec: live-mode bouncers show a last pull, refreshed at most once a minute.
      if (bouncer.lastPull === null || now - bouncer.lastPull >= minute) ctx.bouncers.pulled(bouncer, now);
      return reply.type(JSON_TYPE).send(decisionsJson(list, now));
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/decisions/stream',
    preHandler,
    handler: async (req, reply) => {
      // As CrowdSec: HEAD only checks the key; it is not a pull.
      if (req.method === 'HEAD') return reply.code(200).send();
      if (!(await whenReady(ctx, reply))) return reply;
      const q = query(req);
      const bouncer = req.herdBouncer!;
      const now = clock.now();
      const matcher = ctx.matchers.get(q, STREAM_DEFAULT_SCOPES);
      const answer =
        first(q, 'startup') === 'true'
          ? ctx.feed.startup(matcher, now)
          : ctx.feed.delta(ctx.cursors.get(bouncer.name) ?? null, bouncer.lastPull, matcher, now);
      ctx.cursors.set(bouncer.name, answer.cursor);
      ctx.bouncers.pulled(bouncer, now);
      return reply.type(JSON_TYPE).send(streamJson(answer.added, answer.deleted, now));
    },
  });
}
