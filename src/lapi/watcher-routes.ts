import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HerdError, errorMessage } from '../core/index.js';
import type { Machine } from '../store/index.js';
import { describeIssues } from './api-errors.js';
import { rfc3339 } from './alert-wire.js';
import { splitUserAgent } from './bouncer-auth.js';
import { bouncerAuthHook } from './bouncer-routes.js';
import { hashPassword, sameHash, verifyPassword } from './credentials.js';
import { JSON_TYPE, clientCertificate, fail, header, type LapiContext } from './lapi-context.js';

/**
 * The machines' routes (CrowdSec's "watchers"): POST /v1/watchers (register), POST
 * /v1/watchers/login (a JWT for a validated machine), DELETE /v1/watchers/self, GET /v1/heartbeat,
 * and POST /v1/usage-metrics (machines and bouncers). Registration and login are rate-limited per
 * client address.
 */

const registerSchema = z.object({
  machine_id: z.string().min(1).max(255),
  password: z.string().min(1).max(4096),
  registration_token: z.string().min(32).max(255).optional(),
});

const loginSchema = z.object({
  machine_id: z.string().min(1).max(255),
  password: z.string().max(4096),
  scenarios: z.array(z.string()).nullable().optional(),
});

const osVersion = z.object({ name: z.string().max(255), version: z.string().max(255), family: z.string().max(255).optional() });
const detailedMetrics = z.object({
  meta: z.object({ window_size_seconds: z.number().int(), utc_now_timestamp: z.number().int() }),
  items: z.array(
    z.object({
      name: z.string().max(255),
      value: z.number(),
      unit: z.string().max(255),
      labels: z.record(z.string(), z.string().max(255)).nullable().optional(),
    }),
  ),
});
const baseMetrics = {
  version: z.string().max(255),
  utc_startup_timestamp: z.number().int(),
  os: osVersion.optional(),
  metrics: z.array(detailedMetrics).nullable().optional(),
  feature_flags: z.array(z.string()).nullable().optional(),
};
const usageMetricsSchema = z.object({
  remediation_components: z
    .array(z.object({ ...baseMetrics, type: z.string().optional(), name: z.string().optional(), last_pull: z.number().int().optional() }))
    .nullable()
    .optional(),
  log_processors: z
    .array(
      z.object({
        ...baseMetrics,
        hub_items: z.record(z.string(), z.array(z.object({ name: z.string().optional(), version: z.string().optional(), status: z.string().optional() }))),
        datasources: z.record(z.string(), z.number().int()),
        name: z.string().optional(),
        last_push: z.number().int().optional(),
        last_update: z.number().int().optional(),
      }),
    )
    .nullable()
    .optional(),
});

const BAD_LOGIN = 'incorrect Username or Password';

/** Sends gin-jwt's 401: `{"code":401,"message":…}`. */
function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).type(JSON_TYPE).send({ code: 401, message });
}

/** The preHandler of machine routes: a valid Bearer token of an existing, validated machine. */
export function machineAuthHook(ctx: LapiContext) {
  return async function machineAuth(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    let check;
    try {
      check = await ctx.machines.authenticate(header(req, 'authorization'));
    } catch (err) {
      ctx.deps.logger.warn({ err: errorMessage(err) }, 'machine authentication failed');
      return fail(reply, 500, 'cannot check the token now; retry later');
    }
    if ('error' in check) return unauthorized(reply, check.error);
    req.herdMachine = check.machine;
    ctx.metrics.machineRequests.inc({ machine: check.machine.machineId, route: req.routeOptions.url ?? '', method: req.method });
  };
}

/** Takes a token of the client's login/registration bucket; answers 429 when there is none. */
function rateLimited(ctx: LapiContext, req: FastifyRequest, reply: FastifyReply): boolean {
  const wait = ctx.limiter.take(req.ip, ctx.deps.clock.now());
  if (wait === 0) return false;
  reply.header('Retry-After', String(wait));
  fail(reply, 429, `too many login or registration attempts from ${req.ip}; retry in ${wait}s`);
  return true;
}

export function registerWatcherRoutes(app: FastifyInstance, ctx: LapiContext): void {
  const { store, clock, logger } = ctx.deps;
  const machineAuth = machineAuthHook(ctx);
  const bouncerAuth = bouncerAuthHook(ctx);

  app.post('/v1/watchers', async (req, reply) => {
    if (rateLimited(ctx, req, reply)) return reply;
    const body = registerSchema.safeParse(req.body);
    if (!body.success) return fail(reply, 400, describeIssues(body.error.issues, req.body));
    const { machine_id: machineId, password, registration_token: token } = body.data;
    let validated = false;
    if (token !== undefined) {
      if (ctx.registrationToken === null || !sameHash(token, ctx.registrationToken)) return fail(reply, 401, 'invalid token for auto registration');
      validated = true;
    }
    try {
      await store.addMachine({
        machineId,
        passwordHash: await hashPassword(password),
        ipAddress: req.ip,
        lastPush: null,
        lastHeartbeat: null,
        isValidated: validated,
        version: '',
        scenarios: '',
        authType: 'password',
        osName: '',
        osVersion: '',
      });
    } catch (err) {
      if (err instanceof HerdError && err.code === 'HERD_STORE_CONFLICT') return fail(reply, 403, `user '${machineId}': user already exist`);
      throw err;
    }
    ctx.machines.forget(machineId);
    logger.info({ machineId, ip: req.ip, validated }, 'machine registered');
    return reply.code(validated ? 202 : 201).send();
  });

  app.post('/v1/watchers/login', async (req, reply) => {
    if (rateLimited(ctx, req, reply)) return reply;
    const cert = ctx.tls === null ? null : clientCertificate(req);
    let machine: Machine | null;
    let scenarios: string[] | null | undefined;
    if (cert !== null && cert.ou.includes(ctx.tls!.agentOu)) {
      machine = await tlsMachine(ctx, `${cert.cn}@${req.ip}`, req.ip);
      if (machine === null) return unauthorized(reply, BAD_LOGIN);
      const parsed = loginSchema.partial().safeParse(req.body ?? {});
      scenarios = parsed.success ? parsed.data.scenarios : undefined;
    } else {
      const body = loginSchema.safeParse(req.body);
      if (!body.success) return fail(reply, 400, describeIssues(body.error.issues, req.body));
      machine = await store.getMachine(body.data.machine_id);
      // The password is checked first (same work when the machine does not exist): without it,
      // nothing about the machine is told.
      const ok = await verifyPassword(body.data.password, machine?.passwordHash ?? null);
      if (machine === null || !ok) return unauthorized(reply, BAD_LOGIN);
      if (machine.authType !== 'password') return unauthorized(reply, `machine ${machine.machineId} attempted to auth with password but it is configured to use ${machine.authType}`);
      scenarios = body.data.scenarios;
    }
    if (!machine.isValidated) return unauthorized(reply, `machine ${machine.machineId} not validated`);
    const patch: Partial<Machine> = {};
    if (scenarios !== undefined && scenarios !== null && scenarios.length > 0) patch.scenarios = scenarios.join(',');
    if (machine.ipAddress !== req.ip) patch.ipAddress = req.ip;
    const ua = header(req, 'user-agent');
    if (ua !== undefined) {
      const version = splitUserAgent(ua).version;
      if (version !== machine.version) patch.version = version;
    }
    if (Object.keys(patch).length > 0) ctx.machines.update(machine, patch);
    ctx.machines.remember(machine.machineId, machine);
    const { token, expire } = await ctx.machines.tokens.issue(machine.machineId);
    return reply.type(JSON_TYPE).send({ code: 200, expire: rfc3339(expire), token });
  });

  app.delete('/v1/watchers/self', { preHandler: machineAuth }, async (req, reply) => {
    const machine = req.herdMachine!;
    await store.deleteMachine(machine.machineId);
    ctx.machines.forget(machine.machineId);
    logger.info({ machineId: machine.machineId }, 'machine deleted itself');
    return reply.code(204).send();
  });

  app.get('/v1/heartbeat', { preHandler: machineAuth }, async (req, reply) => {
    ctx.machines.update(req.herdMachine!, { lastHeartbeat: clock.now() });
    return reply.code(200).send();
  });

  app.post(
    '/v1/usage-metrics',
    {
      preHandler: async (req, reply) => {
        // Either a bouncer (X-Api-Key or its certificate) or a machine (Bearer token).
        const cert = ctx.tls === null ? null : clientCertificate(req);
        const certBouncer = cert !== null && cert.ou.includes(ctx.tls!.bouncerOu) && header(req, 'authorization') === undefined;
        if (header(req, 'x-api-key') !== undefined || certBouncer) {
          return bouncerAuth(req, reply);
        }
        return machineAuth(req, reply);
      },
    },
    async (req, reply) => {
      const parsed = usageMetricsSchema.safeParse(req.body);
      if (!parsed.success) return fail(reply, 422, describeIssues(parsed.error.issues, req.body));
      const rc = parsed.data.remediation_components ?? [];
      const lp = parsed.data.log_processors ?? [];
      const bouncer = req.herdBouncer;
      const machine = req.herdMachine;
      if (rc.length > 1) return fail(reply, 400, 'Payload has more than one remediation component');
      if (lp.length > 1) return fail(reply, 400, 'Payload has more than one log processor');
      if (bouncer !== null) {
        if (rc.length === 0) return fail(reply, 400, 'Missing remediation component data');
        if (lp.length > 0) return fail(reply, 400, 'Payload has both LP and RC data');
        await store.addUsageMetrics('bouncer', bouncer.name, JSON.stringify(rc[0]));
      } else if (machine !== null) {
        if (lp.length === 0) return fail(reply, 400, 'Missing log processor data');
        if (rc.length > 0) return fail(reply, 400, 'Payload has both LP and RC data');
        const item = lp[0];
        await store.addUsageMetrics('machine', machine.machineId, JSON.stringify(item));
        if (item.os !== undefined && (item.os.name !== machine.osName || item.os.version !== machine.osVersion)) {
          ctx.machines.update(machine, { osName: item.os.name, osVersion: item.os.version });
        }
      }
      return reply.code(201).send();
    },
  );
}

/** CrowdSec's TLS agents: `<CN>@<ip>`, created validated on first login. */
async function tlsMachine(ctx: LapiContext, machineId: string, ip: string): Promise<Machine | null> {
  let machine = await ctx.deps.store.getMachine(machineId);
  if (machine === null) {
    try {
      machine = await ctx.deps.store.addMachine({
        machineId,
        passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
        ipAddress: ip,
        lastPush: null,
        lastHeartbeat: null,
        isValidated: true,
        version: '',
        scenarios: '',
        authType: 'tls',
        osName: '',
        osVersion: '',
      });
    } catch (err) {
      if (!(err instanceof HerdError && err.code === 'HERD_STORE_CONFLICT')) throw err;
      machine = await ctx.deps.store.getMachine(machineId);
    }
  }
  return machine !== null && machine.authType === 'tls' ? machine : null;
}
